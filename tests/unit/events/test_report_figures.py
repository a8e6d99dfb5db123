"""An event report's figures agree with each other: money counts only where a contract was
signed or an order placed, MoUs and orders are counted apart, and each row says the same."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.events import services
from matchmaker.events.inputs import Outcome
from matchmaker.events.models import Event, Meeting
from matchmaker.events.reports import ReportFilters, build_report

from .conftest import NOW, ZONE, MakeFirm

TODAY = date(2026, 10, 1)


def _meetings(db: Session, event: Event, make_firm: MakeFirm, n: int) -> list[Meeting]:
    buyer = make_firm("buyer", "Gạo")
    for i in range(n):
        producer = make_firm("producer", f"Gạo {i}")
        request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
        services.answer_request(db, request, True, now=NOW)
    services.run_schedule(db, event, None, time_limit=5)
    return sorted(db.scalars(select(Meeting)), key=lambda m: m.request.producer_id)


def test_value_counts_only_contracts_and_orders_and_mous_are_not_orders(
    db: Session, event: Event, make_firm: MakeFirm, officer: User
) -> None:
    mou, contract, order, repeat, nothing = _meetings(db, event, make_firm, 5)
    for meeting, stage, value in (
        (mou, "mou", 45_000_000),  # a hoped-for value beside an MoU is not trade
        (contract, "contract", 200_000_000),
        (order, "first_order", 30_000_000),
        (repeat, "repeat_order", 12_500_000),
        (nothing, "none", None),
    ):
        outcome = Outcome(stage=stage, order_value_vnd=value)  # type: ignore[arg-type]
        services.record_outcome(db, meeting, officer, outcome, today=TODAY)

    totals = build_report(db, ReportFilters(event_id=event.id, timezone=ZONE)).totals

    assert (totals.meetings, totals.held) == (5, 4)
    assert totals.mous == 4  # an MoU, and every step past one
    assert totals.contracts == 3
    assert totals.orders == 2
    assert totals.value_vnd == 200_000_000 + 30_000_000 + 12_500_000


def test_an_mou_with_a_value_shows_no_money_anywhere(
    db: Session, event: Event, make_firm: MakeFirm, officer: User
) -> None:
    (meeting,) = _meetings(db, event, make_firm, 1)
    services.record_outcome(
        db, meeting, officer, Outcome(stage="mou", order_value_vnd=45_000_000), today=TODAY
    )
    report = build_report(db, ReportFilters(event_id=event.id, timezone=ZONE))
    assert (report.totals.orders, report.totals.value_vnd) == (0, 0)
    assert report.rows[0]["order_value_vnd"] == 0
    assert all(f.value_vnd == 0 for f in report.by_buyer_type.values())
    # Signed later, the same value counts, in the totals and in every breakdown.
    services.record_outcome(db, meeting, officer, Outcome(stage="contract"), today=TODAY)
    report = build_report(db, ReportFilters(event_id=event.id, timezone=ZONE))
    assert report.totals.value_vnd == 45_000_000
    assert sum(f.value_vnd for f in report.by_province.values()) == 45_000_000
    assert report.rows[0]["order_value_vnd"] == 45_000_000

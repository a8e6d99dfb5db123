"""The officer's figures for a period: what happened in it (not before or after), beside the
period before, month by month, by kind; the XLSX report says the same in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.errors import Invalid
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest
from matchmaker.i18n import init_babel, say
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.orders import MatchOrder
from matchmaker.quotes.models import Quote
from matchmaker.reports.periods import Period, period_from, period_report, quarter_of, to_xlsx

ZONE = "Asia/Ho_Chi_Minh"
TAY_NINH, HANOI = "80", "01"
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=5, tzinfo=UTC)


def _org(db: Session, kind: str, name: str, province: str, **values: str) -> Organization:
    return services.create_organization(
        db, {"kind": kind, "name": name, "province": province, **values}
    )


def _offer(db: Session, producer: Organization, title: str, category: str) -> Offer:
    return services.create_offer(db, producer, {"title": title, "category": category, "unit": "kg"})


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    household = _org(db, "producer", "Hộ Bảy Lụa", TAY_NINH, entity_type="household")
    far = _org(db, "producer", "Công ty Hà Nội", HANOI, entity_type="enterprise")
    buyer = _org(db, "buyer", "Siêu thị", TAY_NINH, buyer_type="supermarket")
    offers = {
        "july": _offer(db, household, "Bánh tráng", "food.processed"),
        "sept": _offer(db, household, "Muối tôm", "food.condiment"),
        "june": _offer(db, household, "Rượu", "beverage.alcoholic"),
        "hanoi": _offer(db, far, "Ô mai", "food.processed"),
    }
    created = {
        "july": "2026-07-10",
        "sept": "2026-09-30",
        "june": "2026-06-15",
        "hanoi": "2026-08-01",
    }
    for key, day in created.items():
        db.execute(update(Offer).where(Offer.id == offers[key].id).values(created_at=_at(day)))
    requirement = services.create_requirement(db, buyer, {"title": "Bánh tráng"})
    db.execute(update(Requirement).where(Requirement.id == requirement.id)
               .values(created_at=_at("2026-08-20")))  # fmt: skip
    user = create_user(db, buyer, email="mua@example.vn", name="Mua", password="12345678",
                       role="buyer")  # fmt: skip
    match = Match(
        requirement_id=requirement.id, offer_id=offers["july"].id, score=0.9, rank=1,
        reasons=[], gaps=[], status="suggested", created_at=_at("2026-08-21"),
    )  # fmt: skip
    db.add(match)
    db.flush()
    maker = create_user(db, household, email="ban@example.vn", name="Bảy Lụa",
                        password="bánh tráng phơi sương", role="producer")  # fmt: skip
    record_feedback(db, user, match, "accepted")
    record_feedback(db, maker, match, "accepted")
    record_feedback(db, user, match, "deal")
    db.execute(update(MatchEvent).values(created_at=_at("2026-09-02")))
    db.commit()
    return {"user": user, "match": match}


def test_a_quarter_counts_what_happened_in_it_beside_the_one_before(
    db: Session, world: dict[str, Any]
) -> None:
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.previous == Period(date(2026, 4, 1), date(2026, 6, 30))
    assert (report.current.offers, report.before.offers) == (2, 1)  # Hà Nội's is not counted
    assert report.current.requirements == 1 and report.current.suggested == 1
    assert (report.current.accepted, report.current.deals) == (1, 1)
    assert [m for m, _ in report.monthly] == ["2026-07", "2026-08", "2026-09"]
    assert [f.offers for _, f in report.monthly] == [1, 0, 1]
    assert [f.deals for _, f in report.monthly] == [0, 0, 1]
    assert report.by_group == [("food", 2)]
    assert ("household", 2, 1) in report.by_producer_type
    assert report.by_buyer_type == [("supermarket", 1, 1)]
    assert report.by_province == []  # a provincial officer gets no one-bar chart


def test_nationwide_the_provinces_are_counted(db: Session, world: dict[str, Any]) -> None:
    report = period_report(db, None, Q3, timezone=ZONE)
    assert report.current.offers == 3
    assert dict(report.by_province) == {TAY_NINH: 2, HANOI: 1}


def test_periods_from_the_query() -> None:
    assert period_from(None, None, today=date(2026, 11, 5)) == quarter_of(date(2026, 11, 5))
    assert quarter_of(date(2026, 11, 5)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert period_from("2026-07-01", "2026-09-30", today=date(2026, 1, 1)) == Q3
    for since, until, field, code in (
        ("2026-09-30", "2026-07-01", "until", "period.order"),
        ("1 tháng 7", "2026-09-30", "since", "field.date"),
        ("2000-01-01", "2026-09-30", "until", "period.too_long"),
    ):
        with pytest.raises(Invalid) as refused:
            period_from(since, until, today=date(2026, 1, 1))
        assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]


@pytest.fixture
def babel() -> Iterator[Flask]:
    app = Flask(__name__)
    init_babel(app, "UTC")
    with app.app_context():
        yield app


def test_the_workbook_reads_in_the_officers_language(
    db: Session, world: dict[str, Any], babel: Flask
) -> None:
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    with force_locale("vi"):
        book = load_workbook(io.BytesIO(to_xlsx(report, say)))
    assert book.sheetnames[:2] == ["Tổng hợp", "Theo tháng"]
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert "Tây Ninh" in rows[1][0]
    offers = next(r for r in rows if r[0] == "Sản phẩm mới")
    assert offers[1:] == (2, 1, 1)
    types = list(book["Theo loại chủ thể"].iter_rows(values_only=True))
    assert ("Hộ kinh doanh", 2, 1) in types
    # A month is a month to the spreadsheet ("07/2026"), not the text "2026-07".
    month = book["Theo tháng"]["A2"]
    assert month.value == datetime(2026, 7, 1) and month.number_format == "mm/yyyy"
    with force_locale("en"):
        english = load_workbook(io.BytesIO(to_xlsx(report, say)))
    assert english.sheetnames[0] == "Summary"
    assert "Supermarket chain" in [
        r[0] for r in english["By buyer type"].iter_rows(values_only=True)
    ]


def test_the_value_counts_quote_deals_and_recorded_orders_once_each(
    db: Session, world: dict[str, Any]
) -> None:
    """A deal's value counts once, in the month its quote was accepted (not once per side that
    said "deal"); each order recorded under it counts on its own day; another province's trade
    is not the officer's."""
    match = world["match"]
    quote = Quote(requirement_id=match.requirement_id, offer_id=match.offer_id,
                  organization_id=db.get(Offer, match.offer_id).organization_id,  # type: ignore[union-attr]
                  status="accepted", deal_value_vnd=3_000_000,
                  accepted_at=_at("2026-08-25"))  # fmt: skip
    db.add(quote)
    db.flush()
    for day, kind, value in (("2026-09-05", "order", 2_000_000), ("2026-10-01", "repeat", 9),
                             ("2026-06-30", "order", 7)):  # fmt: skip
        db.add(MatchOrder(match_id=match.id, side="buyer", kind=kind, value_vnd=value,
                          ordered_on=date.fromisoformat(day)))  # fmt: skip
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.current.value_vnd == 5_000_000
    assert [f.value_vnd for _, f in report.monthly] == [0, 3_000_000, 2_000_000]
    assert report.before.value_vnd == 7
    assert period_report(db, HANOI, Q3, timezone=ZONE).current.value_vnd == 0
    assert period_report(db, None, Q3, timezone=ZONE).current.value_vnd == 5_000_000


def _meeting(db: Session, match: Match, stage: str, value: int, day: str) -> None:
    """The pair met at an agency's event on ``day``, and the meeting's outcome says ``stage``
    worth ``value``."""
    offer = db.get(Offer, match.offer_id)
    assert offer is not None
    agency = _org(db, "agency", "Sở Công Thương Tây Ninh", TAY_NINH)
    event = Event(
        organization_id=agency.id,
        name="Hội chợ OCOP",
        venue="Nhà văn hoá",
        timezone=ZONE,
        table_count=5,
        registration_deadline=_at("2026-09-01"),
    )
    db.add(event)
    db.flush()
    producer, buyer = (
        EventParticipant(event_id=event.id, organization_id=org_id, side=side, status="approved")
        for org_id, side in ((offer.organization_id, "producer"),
                             (match.requirement.organization_id, "buyer"))
    )  # fmt: skip
    db.add_all([producer, buyer])
    db.flush()
    request = MeetingRequest(event_id=event.id, producer_id=producer.id, buyer_id=buyer.id,
                             match_id=match.id, requested_by="buyer", status="accepted",
                             expires_at=_at("2026-09-09"))  # fmt: skip
    db.add(request)
    db.flush()
    db.add(Meeting(event_id=event.id, request_id=request.id, starts_at=_at(day),
                   ends_at=_at(day), table_no=1, stage=stage, order_value_vnd=value))  # fmt: skip
    db.flush()


def test_a_deal_counted_at_an_event_is_not_counted_again_from_its_quote(
    db: Session, world: dict[str, Any]
) -> None:
    match = world["match"]
    offer = db.get(Offer, match.offer_id)
    assert offer is not None
    db.add(Quote(requirement_id=match.requirement_id, offer_id=match.offer_id,
                 organization_id=offer.organization_id, status="accepted",
                 deal_value_vnd=3_000_000, accepted_at=_at("2026-08-25")))  # fmt: skip
    _meeting(db, match, "contract", 10_000_000, "2026-09-10")
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.current.value_vnd == 10_000_000
    assert [f.value_vnd for _, f in report.monthly] == [0, 0, 10_000_000]


def _order(db: Session, match: Match, kind: str, value: int, day: str) -> None:
    db.add(MatchOrder(match_id=match.id, side="buyer", kind=kind, value_vnd=value,
                      ordered_on=date.fromisoformat(day)))  # fmt: skip


def test_an_order_told_at_an_event_and_recorded_on_the_match_counts_once(
    db: Session, world: dict[str, Any]
) -> None:
    """The event's follow-up says the pair ordered 10 million; the buyer records that same
    order on the match, then a repeat: the value is the larger of the two tellings, once. The
    orders recorded first make up what the event counted, only what goes beyond it is added."""
    match = world["match"]
    _meeting(db, match, "first_order", 10_000_000, "2026-07-20")
    _order(db, match, "order", 10_000_000, "2026-07-22")
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.current.value_vnd == 10_000_000
    assert [f.value_vnd for _, f in report.monthly] == [10_000_000, 0, 0]

    _order(db, match, "repeat", 4_000_000, "2026-09-15")
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.current.value_vnd == 14_000_000
    assert [f.value_vnd for _, f in report.monthly] == [10_000_000, 0, 4_000_000]


def test_recorded_orders_worth_more_than_the_event_s_count_for_the_difference(
    db: Session, world: dict[str, Any]
) -> None:
    """An order the event heard of in the quarter before: the orders recorded since count
    only beyond it, whichever period they fall in; another agency's figure, without that
    event, counts them all."""
    match = world["match"]
    _meeting(db, match, "repeat_order", 6_000_000, "2026-06-10")
    for kind, value, day in (("order", 4_000_000, "2026-06-12"), ("repeat", 5_000_000,
                                                                  "2026-08-03")):  # fmt: skip
        _order(db, match, kind, value, day)
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.before.value_vnd == 6_000_000  # the event's; the June order is in it
    assert report.current.value_vnd == 3_000_000  # 9 million ordered, 6 already counted
    agency_id = db.scalar(select(Event.organization_id))
    other = _org(db, "agency", "Sở Nông nghiệp", TAY_NINH)
    db.commit()
    assert agency_id is not None and other.id != agency_id
    mine = period_report(db, TAY_NINH, Q3, timezone=ZONE, agency_id=agency_id)
    assert mine.current.value_vnd == 3_000_000
    theirs = period_report(db, TAY_NINH, Q3, timezone=ZONE, agency_id=other.id)
    assert (theirs.current.value_vnd, theirs.before.value_vnd) == (5_000_000, 4_000_000)


def test_a_contract_signed_at_an_event_leaves_the_orders_under_it_counted(
    db: Session, world: dict[str, Any]
) -> None:
    """A contract is the deal, as an accepted quote is; the orders placed under it are the
    trade that follows and count on their own days."""
    match = world["match"]
    _meeting(db, match, "contract", 10_000_000, "2026-07-20")
    _order(db, match, "order", 2_000_000, "2026-08-01")
    db.commit()
    report = period_report(db, TAY_NINH, Q3, timezone=ZONE)
    assert report.current.value_vnd == 12_000_000

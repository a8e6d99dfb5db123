"""Orders under a deal: who records them, the first an order and later ones repeats, each an
answer the ranking's training data reads; a day in the future and a match with no deal are
refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.catalog.models import Organization
from matchmaker.errors import Conflict, Invalid, NotFound
from matchmaker.inputs import parse
from matchmaker.matching.answers import MatchAnswer, training_examples
from matchmaker.matching.impressions import record_impressions
from matchmaker.matching.models import Match
from matchmaker.matching.orders import OrderInput, orders_of, record_order
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteInput

TODAY = date.today()


def _user(db: Session, role: str, province: str) -> User:
    kind = {"producer": "producer", "buyer": "buyer"}.get(role, "agency")
    name = f"{role} {db.scalar(select(func.count()).select_from(Organization))}"
    org = catalog.create_organization(db, {"kind": kind, "name": name, "province": province})
    return create_user(db, org, email=f"{name.replace(' ', '')}@o.vn", name=role,
                       password="correct horse battery", role=role)  # fmt: skip


@dataclass
class Deal:
    buyer: User
    producer: User
    match_id: int


@pytest.fixture
def deal(db: Session) -> Deal:
    """A buyer of Hồ Chí Minh accepted a Tây Ninh producer's quote: a deal on their match."""
    buyer, producer = _user(db, "buyer", "Hồ Chí Minh"), _user(db, "producer", "Tây Ninh")
    offer = catalog.create_offer(
        db, producer.organization, {"title": "Bánh tráng", "category": "food", "unit": "kg"}
    )
    requirement = catalog.create_requirement(db, buyer.organization, {"title": "Bánh tráng"})
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.7, rank=1)
    db.add(match)
    db.flush()
    record_impressions(db, buyer, "buyer", [match])
    db.commit()
    quote = quotes.submit(
        db,
        producer,
        requirement.id,
        QuoteInput.model_validate(
            {"offer_id": offer.id, "unit_price_vnd": 50_000, "unit": "kg", "monthly_volume": 100}
        ),
    )
    quotes.accept(db, buyer, quote.id)
    return Deal(buyer, producer, match.id)


def _order(**values: Any) -> OrderInput:
    return parse(OrderInput, {"value_vnd": 5_000_000, **values}, "order.invalid")


def test_the_first_order_is_an_order_and_later_ones_repeats_from_either_side(
    db: Session, deal: Deal
) -> None:
    first = record_order(db, deal.producer, deal.match_id, _order(quantity=100))
    second = record_order(db, deal.buyer, deal.match_id,
                          _order(value_vnd=7_500_000, ordered_on=TODAY - timedelta(days=1),
                                 note="  Giao lần hai  "))  # fmt: skip
    assert (first.kind, first.side, first.unit, first.ordered_on) == (
        "order",
        "producer",
        "kg",
        TODAY,
    )
    assert (second.kind, second.side, second.note) == ("repeat", "buyer", "Giao lần hai")
    # Listed by the day ordered.
    assert [o.id for o in orders_of(db, deal.producer, deal.match_id)] == [second.id, first.id]
    answers = db.execute(
        select(MatchAnswer.side, MatchAnswer.action)
        .where(MatchAnswer.match_id == deal.match_id, MatchAnswer.action.in_(("order", "repeat")))
    ).all()  # fmt: skip
    assert sorted(answers) == [("buyer", "repeat"), ("producer", "order")]
    # The buyer's own repeat order labels the buyer's side of the training data.
    (example,) = [e for e in training_examples(db, "buyer")]
    assert example.action == "repeat"


def test_an_officer_of_the_province_records_for_both_and_others_may_not(
    db: Session, deal: Deal
) -> None:
    officer = _user(db, "officer", "Tây Ninh")
    db.commit()
    order = record_order(db, officer, deal.match_id, _order())
    assert (order.side, order.kind) == ("officer", "order")
    strangers = [_user(db, "officer", "Hà Nội"), _user(db, "buyer", "Tây Ninh"),
                 _user(db, "producer", "Tây Ninh")]  # fmt: skip
    db.commit()
    for stranger in strangers:
        with pytest.raises(NotFound):
            record_order(db, stranger, deal.match_id, _order())
        with pytest.raises(NotFound):
            orders_of(db, stranger, deal.match_id)
    assert len(orders_of(db, deal.buyer, deal.match_id)) == 1


def test_orders_wait_for_a_deal(db: Session, deal: Deal) -> None:
    match = db.get(Match, deal.match_id)
    assert match is not None
    match.status = "accepted"
    db.commit()
    with pytest.raises(Conflict) as refused:
        record_order(db, deal.buyer, deal.match_id, _order())
    assert refused.value.code == "order.needs_deal"


def test_a_future_day_no_value_and_an_unknown_unit_are_refused_with_codes() -> None:
    for values, field, code in (
        ({"ordered_on": str(TODAY + timedelta(days=1))}, "ordered_on", "field.future_date"),
        ({"value_vnd": None}, "value_vnd", "field.required"),
        ({"value_vnd": 0}, "value_vnd", "field.positive"),
        ({"quantity": 5, "unit": "bao tải"}, "unit", "field.choice"),
    ):  # fmt: skip
        with pytest.raises(Invalid) as refused:
            _order(**values)
        assert refused.value.code == "order.invalid"
        assert [(e.field, e.code) for e in refused.value.errors][:1] == [(field, code)]

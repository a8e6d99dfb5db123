"""Quote use cases and the comparison: units, certificates on the delivery day, revisions,
withdrawal, expiry and who reads what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.catalog.models import Organization
from matchmaker.errors import Conflict, NotFound
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteChanges, QuoteInput
from matchmaker.quotes.models import QuoteRevision
from matchmaker.ranking import reference
from matchmaker.settings import FreightSettings

TODAY = date.today()


def _user(db: Session, role: str, province: str | None) -> User:
    kind = {"producer": "producer", "buyer": "buyer"}.get(role, "agency")
    data: dict[str, Any] = {
        "kind": kind,
        "name": f"{role} {db.scalar(select(func.count()).select_from(Organization))}",
    }
    if province:
        data["province"] = province
    org = catalog.create_organization(db, data)
    return create_user(db, org, email=f"{data['name'].replace(' ', '')}@q.vn", name=role,
                       password="correct horse battery", role=role)  # fmt: skip


def _quote(db: Session, producer: User, requirement_id: int, **terms: Any) -> int:
    offer = catalog.create_offer(db, producer.organization, {
        "title": f"Mật ong {producer.id}", "category": "food", "unit": terms.get("unit", "kg"),
        **terms.pop("offer", {}),
    })  # fmt: skip
    data = QuoteInput.model_validate({"offer_id": offer.id, "unit_price_vnd": 100_000,
                                      "unit": "kg", **terms})  # fmt: skip
    return quotes.submit(db, producer, requirement_id, data).id


@pytest.fixture
def requirement(db: Session) -> tuple[User, int]:
    buyer = _user(db, "buyer", "Hồ Chí Minh")
    needed = catalog.create_requirement(db, buyer.organization, {
        "title": "Mật ong", "unit": "kg", "quantity_per_month": 100,
        "needed_by": TODAY + timedelta(days=60), "delivery_provinces": ["Tây Ninh"],
    })  # fmt: skip
    db.commit()
    return buyer, needed.id


def test_units_convert_and_stars_count_only_while_certified_on_delivery(
    db: Session, requirement: tuple[User, int]
) -> None:
    buyer, requirement_id = requirement
    soon = (TODAY + timedelta(days=30)).isoformat()
    later = (TODAY + timedelta(days=400)).isoformat()
    grams = _quote(db, _user(db, "producer", "Tây Ninh"), requirement_id, unit="g",
                   unit_price_vnd=120, min_order_quantity=5000,
                   offer={"ocop_stars": 4, "ocop_certified_until": soon})  # fmt: skip
    tonnes = _quote(db, _user(db, "producer", "Tây Ninh"), requirement_id, unit="ton",
                    unit_price_vnd=90_000_000, monthly_volume=0.2,
                    offer={"ocop_stars": 3, "ocop_certified_until": later})  # fmt: skip
    litres = _quote(db, _user(db, "producer", "Tây Ninh"), requirement_id, unit="liter")
    lines = quotes.comparison(db, buyer, requirement_id).lines
    assert [item.quote.id for item in lines] == [tonnes, grams, litres]
    by_id = {item.quote.id: item for item in lines}
    assert by_id[grams].price_per_wanted_unit == pytest.approx(120_000)
    assert by_id[grams].min_order_in_wanted_unit == pytest.approx(5)
    assert by_id[grams].min_order_fits is True
    # Certified until a month from now: expired by the delivery in two months.
    assert by_id[grams].certificate_valid is False and by_id[grams].stars is None
    assert by_id[tonnes].price_per_wanted_unit == pytest.approx(90_000)
    assert by_id[tonnes].covers_volume is True and by_id[tonnes].stars == 3
    assert by_id[litres].comparable is False and by_id[litres].min_order_fits is None
    by_stars = quotes.comparison(db, buyer, requirement_id, "stars").lines
    assert by_stars[0].quote.id == tonnes


def test_revisions_are_kept_an_unchanged_revision_is_none_and_a_withdrawn_quote_reopens(
    db: Session, requirement: tuple[User, int]
) -> None:
    _, requirement_id = requirement
    producer = _user(db, "producer", "Tây Ninh")
    quote_id = _quote(db, producer, requirement_id, note="Giao trong tuần")
    quotes.revise(db, producer, quote_id, QuoteChanges.model_validate({"unit_price_vnd": 100_000}))
    quote = quotes.revise(db, producer, quote_id,
                          QuoteChanges.model_validate({"unit_price_vnd": 95_000}))  # fmt: skip
    assert [r.unit_price_vnd for r in quote.revisions] == [100_000, 95_000]
    assert quote.latest.note == "Giao trong tuần"
    quotes.withdraw(db, producer, quote_id)
    with pytest.raises(Conflict):
        quotes.revise(db, producer, quote_id, QuoteChanges.model_validate({"unit_price_vnd": 1}))
    again = quotes.submit(db, producer, requirement_id, QuoteInput.model_validate(
        {"offer_id": quote.offer_id, "unit_price_vnd": 97_000, "unit": "kg"}))  # fmt: skip
    assert again.id == quote_id and again.status == "open" and again.latest.number == 3
    assert db.scalar(select(func.count()).select_from(QuoteRevision)) == 3


def test_an_expired_quote_cannot_be_accepted_and_nothing_changes(
    db: Session, requirement: tuple[User, int]
) -> None:
    buyer, requirement_id = requirement
    producer = _user(db, "producer", "Tây Ninh")
    quote_id = _quote(db, producer, requirement_id, valid_until=TODAY.isoformat())
    with pytest.raises(Conflict) as refused:
        quotes.accept(db, buyer, quote_id, today=TODAY + timedelta(days=1))
    assert refused.value.code == "quote.expired"
    assert quotes.read_quote(db, buyer, quote_id).status == "open"


def test_officers_read_quotes_of_their_province_only(
    db: Session, requirement: tuple[User, int]
) -> None:
    _, requirement_id = requirement
    quote_id = _quote(db, _user(db, "producer", "Tây Ninh"), requirement_id)
    officer, elsewhere = _user(db, "officer", "Tây Ninh"), _user(db, "officer", "Hà Nội")
    assert quotes.read_quote(db, officer, quote_id).id == quote_id
    assert [i.quote.id for i in quotes.comparison(db, officer, requirement_id).lines] == [quote_id]
    with pytest.raises(NotFound):
        quotes.read_quote(db, elsewhere, quote_id)


def test_the_delivered_cost_adds_estimated_freight_unless_the_producer_delivers_there(
    db: Session, requirement: tuple[User, int]
) -> None:
    """The requirement is delivered to Tây Ninh: a Hà Nội producer's ex-works price gets the
    freight of some 1,400 road km added, a Tây Ninh producer's none, nor a quote delivered
    to Tây Ninh; one delivered only elsewhere is freighted like an ex-works one."""
    buyer, requirement_id = requirement
    rates = FreightSettings()
    km = reference.distance_km("01", "80") * rates.road_factor
    per_kg = km * rates.vnd_per_tonne_km / 1000
    far = _quote(db, _user(db, "producer", "Hà Nội"), requirement_id, unit_price_vnd=100_000)
    near = _quote(db, _user(db, "producer", "Tây Ninh"), requirement_id, unit_price_vnd=101_000)
    brought = _quote(db, _user(db, "producer", "Hà Nội"), requirement_id, unit_price_vnd=102_000,
                     delivery_terms="delivered", delivery_provinces=["Tây Ninh"])  # fmt: skip
    # Per tonne, delivered only in Hà Nội: the freight still counts, per kg.
    elsewhere = _quote(db, _user(db, "producer", "Hà Nội"), requirement_id, unit="ton",
                       unit_price_vnd=99_000_000, delivery_terms="delivered",
                       delivery_provinces=["Hà Nội"])  # fmt: skip
    comparison = quotes.comparison(db, buyer, requirement_id, "delivered")
    by_id = {item.quote.id: item for item in comparison.lines}
    assert by_id[far].delivered_cost == pytest.approx(100_000 + per_kg)
    assert by_id[far].freight_estimate == pytest.approx(per_kg) and 3_000 < per_kg < 6_000
    assert by_id[far].deliveries[0].distance_km == pytest.approx(km)
    assert by_id[near].delivered_cost == pytest.approx(101_000)
    assert by_id[brought].delivered_cost == 102_000 and by_id[brought].deliveries[0].by_producer
    assert by_id[elsewhere].delivered_cost == pytest.approx(99_000 + per_kg)
    assert [item.quote.id for item in comparison.lines] == [near, brought, elsewhere, far]
    by_price = quotes.comparison(db, buyer, requirement_id, "price").lines
    assert [item.quote.id for item in by_price] == [elsewhere, far, near, brought]


def test_the_dearest_destination_counts_and_units_without_a_weight_have_no_estimate(
    db: Session,
) -> None:
    buyer = _user(db, "buyer", "Hồ Chí Minh")
    rates = FreightSettings(vnd_per_tonne_km=3000, count_unit_kg={"box": 2.0})
    boxes = catalog.create_requirement(db, buyer.organization, {
        "title": "Hộp quà trà", "unit": "box", "delivery_provinces": ["Hà Nội", "Tây Ninh"],
    })  # fmt: skip
    bottles = catalog.create_requirement(
        db, buyer.organization, {"title": "Nước mắm", "unit": "bottle"}
    )
    producer = _user(db, "producer", "Hà Nội")
    _quote(db, producer, boxes.id, unit="box", unit_price_vnd=200_000)
    _quote(db, producer, bottles.id, unit="bottle", unit_price_vnd=50_000,
           offer={"title": "Nước mắm cá cơm"})  # fmt: skip
    [item] = quotes.comparison(db, buyer, boxes.id, freight=rates).lines
    km = reference.distance_km("01", "80") * rates.road_factor
    assert [d.province for d in item.deliveries] == ["01", "80"]
    assert item.deliveries[0].freight_per_unit == 0  # same province: no distance
    assert item.delivered_cost == pytest.approx(200_000 + km * 3000 * 2 / 1000)
    # No weight for a bottle in these rates, and no delivery province but the buyer's own.
    [line] = quotes.comparison(db, buyer, bottles.id, freight=rates).lines
    assert [d.province for d in line.deliveries] == ["79"]
    assert line.delivered_cost is None and line.freight_estimate is None
    assert line.price_per_wanted_unit == 50_000

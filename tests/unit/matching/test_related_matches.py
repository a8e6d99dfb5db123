"""Related products are recorded apart from the matches: flagged on their Match rows, with
every ranking saying again which pairs are only related."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers, rank_requirements


def _honey(db: Session) -> tuple[Offer, Offer, Requirement]:
    producer = services.create_organization(
        db, {"kind": "producer", "name": "HTX Ong U Minh", "province": "Cà Mau"}
    )
    honey = {"category": "food.raw_processed", "unit": "kg"}
    wild = services.create_offer(db, producer, {"title": "Mật ong rừng U Minh", **honey})
    longan = services.create_offer(db, producer, {"title": "Mật ong hoa nhãn", **honey})
    services.create_offer(db, producer, {"title": "Chè Shan tuyết", **honey})
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket"}
    )
    requirement = services.create_requirement(db, buyer, {"title": "Mật ong rừng"})
    return wild, longan, requirement


def _stored(db: Session) -> dict[int, bool]:
    db.expire_all()
    return {m.offer_id: m.related for m in db.scalars(select(Match))}


def test_related_products_are_recorded_as_such_after_the_offers_that_fit(db: Session) -> None:
    wild, longan, requirement = _honey(db)
    ranked = rank_offers(db, RankingState(), requirement)
    assert [(r.offer.id, r.match.related, r.match.rank) for r in ranked] == [
        (wild.id, False, 1),
        (longan.id, True, 2),
    ]
    assert _stored(db) == {wild.id: False, longan.id: True}


def test_a_related_pair_that_comes_to_fit_is_a_match_again(db: Session) -> None:
    wild, longan, requirement = _honey(db)
    state = RankingState()
    rank_offers(db, state, requirement)
    assert _stored(db)[longan.id] is True

    services.update_offer(db, longan, {"title": "Mật ong rừng hoa nhãn"})
    db.flush()
    ranked = rank_offers(db, state, requirement)
    assert {r.offer.id: r.match.related for r in ranked} == {wild.id: False, longan.id: False}
    assert _stored(db) == {wild.id: False, longan.id: False}


def test_the_producers_view_lists_only_requirements_its_offer_fits(db: Session) -> None:
    wild, longan, requirement = _honey(db)
    state = RankingState()
    rank_offers(db, state, requirement)
    assert [r.requirement.id for r in rank_requirements(db, state, wild)] == [requirement.id]
    assert rank_requirements(db, state, longan) == []
    # Ranking the producer's side leaves the buyer's related pair as it was.
    assert _stored(db) == {wild.id: False, longan.id: True}

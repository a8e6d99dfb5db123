"""Match rows follow the latest ranking, keep their status, and are dated by the day ranked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import utcnow
from matchmaker.matching import access
from matchmaker.matching.feedback import feedback_examples, record_feedback
from matchmaker.matching.impressions import Impression
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers


def _catalog(db: Session) -> tuple[list[Offer], Requirement]:
    producer = services.create_organization(
        db, {"kind": "producer", "name": "HTX Ong Mật", "province": "Đồng Nai"}
    )
    honey = {"category": "food.raw_processed", "unit": "kg"}
    offers = [
        services.create_offer(
            db, producer, {**honey, "title": f"Mật ong hoa cà phê {n}", "unit_price_vnd": price}
        )
        for n, price in ((1, 90_000), (2, 95_000))
    ]
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket"}
    )
    requirement = services.create_requirement(
        db, buyer, {"title": "mật ong", "unit": "kg", "max_unit_price_vnd": 100_000}
    )
    return offers, requirement


@dataclass(frozen=True)
class Stored:
    id: int
    score: float
    rank: int
    status: str
    features: dict[str, float]
    last_ranked_at: datetime


def _stored(db: Session) -> dict[int, Stored]:
    """The Match rows as the database holds them now, by offer."""
    db.expire_all()
    return {
        m.offer_id: Stored(m.id, m.score, m.rank, m.status, dict(m.features), m.last_ranked_at)
        for m in db.scalars(select(Match))
    }


def test_a_match_shows_the_latest_ranking_and_keeps_its_status(db: Session) -> None:
    offers, requirement = _catalog(db)
    buyer = create_user(db, requirement.buyer, email="minh@coop.vn", name="Minh",
                        password="correct horse battery", role="buyer")  # fmt: skip
    state = RankingState()
    first = rank_offers(db, state, requirement)
    assert [r.offer.id for r in first] == [offers[0].id, offers[1].id]
    record_feedback(db, buyer, first[0].match, "viewed")
    before = _stored(db)

    again = rank_offers(db, state, requirement)
    assert [(r.match.id, r.match.score, r.match.rank, r.match.status) for r in again] == [
        (before[o.id].id, before[o.id].score, before[o.id].rank, before[o.id].status)
        for o in offers
    ]
    assert again[0].match.status == "viewed"
    # Ranked as before: the rows are left as they were, not written again.
    assert {o: m.last_ranked_at for o, m in _stored(db).items()} == {
        o: m.last_ranked_at for o, m in before.items()
    }

    # The first offer now costs more than the buyer pays: it drops, and its row says so.
    services.update_offer(db, offers[0], {"unit_price_vnd": 150_000})
    changed = rank_offers(db, state, requirement)
    assert [r.offer.id for r in changed] == [offers[1].id, offers[0].id]
    after = _stored(db)
    dearer = after[offers[0].id]
    assert (dearer.rank, dearer.status) == (2, "viewed")
    assert dearer.score < before[offers[0].id].score
    assert dearer.features["price"] == 0.0
    assert after[offers[1].id].rank == 1
    assert [(r.match.score, r.match.rank) for r in changed] == [
        (after[o.id].score, after[o.id].rank) for o in (offers[1], offers[0])
    ]


def test_a_pair_ranked_again_on_a_later_day_is_dated_that_day(db: Session) -> None:
    offers, requirement = _catalog(db)
    buyer = create_user(db, requirement.buyer, email="minh@coop.vn", name="Minh",
                        password="correct horse battery", role="buyer")  # fmt: skip
    state = RankingState()
    (best, _) = access.offers_for_requirement(db, state, buyer, requirement.id, 10)
    record_feedback(db, buyer, best.match, "accepted")
    yesterday = utcnow() - timedelta(days=1)
    for match in db.scalars(select(Match)):
        match.last_ranked_at -= timedelta(days=1)
    db.execute(update(Impression).values(shown_at=yesterday))
    db.flush()
    assert {e.on for e in feedback_examples(db)} == {yesterday.date()}

    rank_offers(db, state, requirement)

    # The row is dated by its latest ranking; training keeps what the buyer saw, that day.
    assert {e.on for e in feedback_examples(db)} == {yesterday.date()}
    assert {m.last_ranked_at.date() for m in _stored(db).values()} == {utcnow().date()}
    assert _stored(db)[offers[0].id].status == "accepted"

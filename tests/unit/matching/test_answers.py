"""Each side's answers are its own, graded, tied to what it was shown; the log is never
rewritten, and neither side can label the other's."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.errors import Conflict
from matchmaker.matching import access
from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.feedback import feedback_examples, record_feedback
from matchmaker.matching.impressions import Impression
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers
from matchmaker.matching.state import producer_responsiveness
from matchmaker.ranking.learning.labels import best_answer, capped_weights

from ..api.test_journey import register

HONEY = {"category": "food.raw_processed", "unit": "kg"}


def _org(db: Session, kind: str, name: str) -> tuple[Organization, User]:
    values = {"kind": kind, "name": name, "province": "01"}
    if kind == "buyer":
        values["buyer_type"] = "supermarket"
    org = services.create_organization(db, values)
    user = create_user(db, org, email=f"{kind}{org.id}@x.vn", name=name, password="mật khẩu dài",
                       role=kind)  # fmt: skip
    return org, user


def _setting(db: Session, offers: int = 3) -> tuple[User, User, Requirement, list[Offer]]:
    """A buyer, a requirement, and offers of as many producers (the first one's user too)."""
    producer, producer_user = _org(db, "producer", "HTX Ong Mật")
    others = [producer] + [
        services.create_organization(db, {"kind": "producer", "name": f"HTX {i}", "province": "01"})
        for i in range(1, offers)
    ]
    made = [
        services.create_offer(db, org, {**HONEY, "title": f"Mật ong hoa nhãn {i}"})
        for i, org in enumerate(others)
    ]
    buyer, buyer_user = _org(db, "buyer", "Co.op Mart")
    requirement = services.create_requirement(db, buyer, {"title": "mật ong"})
    return buyer_user, producer_user, requirement, made


def _shown(db: Session, state: RankingState, user: User, requirement: Requirement) -> list[Match]:
    return [r.match for r in access.offers_for_requirement(db, state, user, requirement.id, 10)]


def test_a_producer_cannot_take_its_own_match_to_a_deal_over_the_api(
    client: FlaskClient,
) -> None:
    producer = register(client, "producer", "p@x.vn", {"name": "HTX Mắc ca", "province": "68"})
    buyer = register(client, "buyer", "b@x.vn", {"name": "Lotte Mart", "buyer_type": "supermarket"})
    offer = {"title": "Hạt mắc ca sấy nứt vỏ", "category": "food.processed", "unit": "kg"}
    client.post("/api/v1/offers", headers=producer, json=offer)
    rid = client.post("/api/v1/requirements", json={"title": "macadamia nuts"},
                      headers=buyer).get_json()["id"]  # fmt: skip
    match_id = client.get(f"/api/v1/requirements/{rid}/matches", headers=buyer).get_json()[0]["id"]
    url = f"/api/v1/matches/{match_id}/feedback"

    assert client.post(url, json={"action": "accepted"}, headers=producer).status_code == 200
    contacted = client.post(url, json={"action": "contacted"}, headers=producer)
    assert contacted.status_code == 409
    assert contacted.get_json()["code"] == "match.needs_buyer_yes"
    assert client.post(url, json={"action": "deal"}, headers=producer).status_code == 409
    # Once the buyer says yes, both go on.
    assert client.post(url, json={"action": "accepted"}, headers=buyer).status_code == 200
    assert client.post(url, json={"action": "deal"}, headers=producer).status_code == 200


def test_only_the_buyers_answers_label_the_buyers_side(db: Session) -> None:
    buyer, producer, requirement, offers = _setting(db)
    state = RankingState()
    shown = _shown(db, state, buyer, requirement)
    mine = next(m for m in shown if m.offer_id == offers[0].id)
    record_feedback(db, producer, mine, "accepted")
    with pytest.raises(Conflict):
        record_feedback(db, producer, mine, "deal")
    labels = {e.offer.id: e.action for e in feedback_examples(db)}
    assert labels[str(offers[0].id)] == "shown"  # the producer's yes is not the buyer's

    record_feedback(db, buyer, mine, "accepted")
    record_feedback(db, producer, mine, "deal")
    other = next(m for m in shown if m.offer_id == offers[1].id)
    record_feedback(db, buyer, other, "viewed")
    record_feedback(db, buyer, next(m for m in shown if m.offer_id == offers[2].id), "declined",
                    "price")  # fmt: skip
    labels = {e.offer.id: e.action for e in feedback_examples(db)}
    assert labels == {str(offers[0].id): "accepted", str(offers[1].id): "viewed",
                      str(offers[2].id): "declined"}  # fmt: skip
    sides = db.scalars(select(MatchAnswer.side).where(MatchAnswer.match_id == mine.id)).all()
    assert sides == ["producer", "buyer", "producer"]


def test_a_deal_needs_both_sides_or_an_officer(db: Session) -> None:
    buyer, _, requirement, _ = _setting(db, 2)
    first, second = _shown(db, RankingState(), buyer, requirement)
    record_feedback(db, buyer, first, "accepted")
    with pytest.raises(Conflict) as refused:
        record_feedback(db, buyer, first, "deal")
    assert refused.value.code == "match.needs_producer_yes"
    agency = services.create_organization(db, {"kind": "agency", "name": "Sở Công Thương"})
    admin = create_user(
        db, agency, email="admin@x.vn", name="A", password="mật khẩu dài", role="admin"
    )
    record_feedback(db, admin, second, "accepted")
    record_feedback(db, admin, second, "deal")
    assert second.status == "deal"


def test_responsiveness_counts_only_the_producers_own_answers(db: Session) -> None:
    buyer, producer, requirement, _ = _setting(db, 2)
    first, second = _shown(db, RankingState(), buyer, requirement)
    record_feedback(db, buyer, first, "viewed")
    record_feedback(db, buyer, second, "declined", "price")
    answered = producer_responsiveness(db)
    assert answered.get(str(first.offer.organization_id), 0.0) == 0.0
    assert answered.get(str(second.offer.organization_id), 0.0) == 0.0
    mine = first if first.offer.organization_id == producer.organization_id else second
    record_feedback(db, producer, mine, "accepted")
    assert producer_responsiveness(db)[str(producer.organization_id)] == 1.0


def test_the_impression_log_is_never_rewritten(db: Session) -> None:
    buyer, _, requirement, _ = _setting(db, 2)
    state = RankingState()
    first = _shown(db, state, buyer, requirement)
    logged = [(i.match_id, i.rank, i.score, i.model_version, dict(i.features))
              for i in db.scalars(select(Impression).order_by(Impression.id))]  # fmt: skip
    assert len(logged) == 2
    # Asked again unchanged: nothing new; then the offers change and the nightly re-match and
    # the page rank again: new impressions follow, the old ones stay as they were.
    _shown(db, state, buyer, requirement)
    assert db.scalar(select(func.count(Impression.id))) == 2
    bottom = next(m for m in first if m.rank == 2)
    better = {
        "ocop_stars": 5,
        "ocop_certified_on": "2026-01-01",
        "traceability_url": "https://x.vn",
    }
    services.update_offer(db, db.get(Offer, bottom.offer_id), better)
    rank_offers(db, state, requirement)
    again = _shown(db, state, buyer, requirement)
    assert next(m for m in again if m.offer_id == bottom.offer_id).rank == 1
    rows = db.scalars(select(Impression).order_by(Impression.id)).all()
    assert len(rows) == 4
    assert [(i.match_id, i.rank, i.score, i.model_version, dict(i.features))
            for i in rows[:2]] == logged  # fmt: skip
    # The answer is tied to what was seen when it was given, and training reads that.
    record_feedback(db, buyer, db.get(Match, bottom.id), "accepted")
    example = next(e for e in feedback_examples(db) if e.offer.id == str(bottom.offer_id))
    assert example.rank == 1 and example.action == "accepted"
    rows[0].rank = 9
    with pytest.raises(RuntimeError):
        db.flush()


def test_grades_and_the_cap_on_one_organization() -> None:
    assert best_answer([]) == "shown"
    assert best_answer(["viewed", "accepted", "contacted"]) == "accepted"
    assert best_answer(["accepted", "declined"]) == "declined"
    assert best_answer(["accepted", "mou", "contract", "order"]) == "order"
    weights = capped_weights(
        [1.0] * 100 + [1.0] * 10, ["busy"] * 100 + [f"o{i}" for i in range(10)]
    )
    assert sum(weights[:100]) == pytest.approx(10.0)
    assert weights[100:] == [1.0] * 10

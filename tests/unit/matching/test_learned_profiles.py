"""The buyer's own answers reach its next rankings as the learned model's profile features, and
a producer-side model made current orders the producer's view without a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.matching import access
from matchmaker.matching import state as ranking_state
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.profiles import answered_results
from matchmaker.matching.service import RankingState, rank_offers, rank_requirements
from matchmaker.ranking.producer_model import ProducerRefinedScorer, train_producer_side
from tests.unit.ranking.test_profiles import _producer_log

HONEY = {"category": "food.raw_processed", "unit": "kg"}


def test_the_buyers_answers_make_its_profile_features(db: Session, tmp_path: Path) -> None:
    for kind in ("cooperative", "household"):
        producer = services.create_organization(
            db, {"kind": "producer", "name": f"Ong {kind}", "province": "01", "entity_type": kind}
        )
        services.create_offer(db, producer, {**HONEY, "title": f"Mật ong hoa nhãn {kind}"})
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket"}
    )
    user = create_user(db, buyer, email="b@x.vn", name="B", password="mật khẩu dài",
                       role="buyer")  # fmt: skip
    state = RankingState(tmp_path)
    first = services.create_requirement(db, buyer, {"title": "mật ong"})
    shown = access.offers_for_requirement(db, state, user, first.id, 10)
    assert {r.match.features["taste_known"] for r in shown} == {0.0}
    for ranked in shown:
        taken = ranked.offer.producer.entity_type == "cooperative"
        if taken:
            record_feedback(db, user, ranked.match, "accepted")
        else:
            record_feedback(db, user, ranked.match, "declined", "quality")
    answered = answered_results(db, buyer.id)
    assert sorted(positive for _, positive in answered) == [False, True]
    # Another request: the profile read from those answers is in the features ranked with.
    second = services.create_requirement(db, buyer, {"title": "mật ong hoa nhãn"})
    again = rank_offers(db, state, second)
    assert again and all(r.match.features["taste_known"] > 0 for r in again)
    coop = next(r for r in again if r.offer.producer.entity_type == "cooperative")
    assert coop.match.features["taste_producer_cooperative"] > 0.5


def test_a_producer_side_model_orders_the_producers_view_without_a_restart(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    producer = services.create_organization(
        db, {"kind": "producer", "name": "HTX Ong", "province": "01"}
    )
    offer = services.create_offer(db, producer, {**HONEY, "title": "Mật ong hoa nhãn"})
    buyer = services.create_organization(db, {"kind": "buyer", "name": "Co.op Mart"})
    services.create_requirement(db, buyer, {"title": "mật ong"})
    state = RankingState(tmp_path)
    assert rank_requirements(db, state, offer)
    assert not isinstance(state.view_scorer, ProducerRefinedScorer)
    run = train_producer_side(_producer_log("exporter", 240), tmp_path)
    assert run.promoted
    monkeypatch.setattr(ranking_state, "MODEL_CHECK", timedelta(0))
    assert rank_requirements(db, state, offer)
    assert isinstance(state.view_scorer, ProducerRefinedScorer)
    assert state.view_scorer.name == run.version

"""A model made current (promoted, or rolled back to) is ranked with without a restart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.matching import state as ranking_state
from matchmaker.matching.service import RankingState, rank_offers
from matchmaker.ranking.model import FeedbackExample, rollback, train
from matchmaker.ranking.records import OfferRecord, RequirementRecord

HONEY = {"category": "food.raw_processed", "unit": "kg"}


def _examples() -> list[FeedbackExample]:
    offers = [OfferRecord(f"o{i}", f"Mật ong {i}", "food.raw_processed", "kg") for i in range(4)]
    return [
        FeedbackExample(
            RequirementRecord(f"r{r}", "mật ong"), offer,
            action="accepted" if i == 0 else "declined", reason="product",
        )
        for r in range(5) for i, offer in enumerate(offers)
    ]  # fmt: skip


def test_a_promoted_model_serves_without_a_restart(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    producer = services.create_organization(
        db, {"kind": "producer", "name": "HTX Ong", "province": "01"}
    )
    services.create_offer(db, producer, {**HONEY, "title": "Mật ong hoa nhãn"})
    buyer = services.create_organization(db, {"kind": "buyer", "name": "Co.op Mart"})
    requirement = services.create_requirement(db, buyer, {"title": "mật ong"})
    state = RankingState(tmp_path)
    (first,) = rank_offers(db, state, requirement)
    assert first.match.model_version == "hand-set"

    report = train(_examples(), tmp_path, promote="always")
    # Within the check interval the process keeps its model; after it, the new one ranks.
    (same,) = rank_offers(db, state, requirement)
    assert same.match.model_version == "hand-set"
    monkeypatch.setattr(ranking_state, "MODEL_CHECK", timedelta(0))
    (after,) = rank_offers(db, state, requirement)
    assert after.match.model_version == report.version == state.model_version
    assert state.scorer is not None and state.scorer.name == report.version

    rollback(tmp_path)
    (back,) = rank_offers(db, state, requirement)
    assert back.match.model_version == "hand-set"

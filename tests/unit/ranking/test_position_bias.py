"""Clicks that follow the position alone teach nothing; a real preference is learned, and
relevance on the labelled set is kept either way."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from matchmaker.ranking.evaluation import load_eval_set
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.learning import promotion
from matchmaker.ranking.learning.simulation import answer, cooperatives_with_gap
from matchmaker.ranking.model import FeedbackExample, current_version, train
from matchmaker.ranking.records import OfferRecord, RequirementRecord


def relevance_of(grades: dict[str, int]):  # type: ignore[no-untyped-def]
    return lambda offer_id: grades.get(offer_id, 0) / 2


def _log(preference, rounds: int = 20, seed: int = 0) -> list[FeedbackExample]:  # type: ignore[no-untyped-def]
    """Every labelled request shown ``rounds`` times (the hand-set ranking) and answered."""
    eval_set = load_eval_set()
    index = OfferIndex(eval_set.offers)
    offers = {o.id: o for o in eval_set.offers}
    rng = np.random.default_rng(seed)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    examples = []
    for n in range(rounds):
        for i, requirement in enumerate(eval_set.requirements):
            asked: RequirementRecord = dataclasses.replace(requirement, id=f"{requirement.id}#{n}")
            results = index.rank(requirement, 10, eval_set.on)
            grades = eval_set.grades.get(requirement.id, {})
            at = start + timedelta(minutes=n * 1000 + i)
            answers = answer(results, offers, asked, relevance_of(grades), preference, rng)
            for a, result in zip(answers, results, strict=True):
                offer: OfferRecord = offers[a.offer_id]
                examples.append(
                    FeedbackExample(
                        asked, offer, a.action, on=eval_set.on, features=dict(result.features),
                        rank=a.rank, at=at, organization=f"buyer-{i % 40}",
                    )
                )  # fmt: skip
    return examples


# The gate is a statistical test: judged on one log, a model may pass or fail it by the luck
# of that log's draws. Each claim is checked on three logs.
SEEDS = (0, 1, 2)


def test_position_biased_clicks_alone_change_nothing(tmp_path: Path) -> None:
    def by_place_only(offer: OfferRecord, requirement: RequirementRecord) -> float:
        return 0.6

    for seed in SEEDS:
        models = tmp_path / str(seed)
        report = train(_log(by_place_only, seed=seed), models, promote="if_better")
        assert report.decision is not None and not report.promoted, report.as_text()
        assert report.decision.reason == promotion.NO_IMPROVEMENT, report.as_text()
        assert current_version(models) is None


def test_a_real_preference_is_learned_and_relevance_kept(tmp_path: Path) -> None:
    promoted = []
    for seed in SEEDS:
        report = train(
            _log(cooperatives_with_gap, seed=seed), tmp_path / str(seed), promote="if_better"
        )
        assert report.decision is not None
        figures = report.decision.figures
        assert figures["gain"] > 0, report.as_text()
        if report.promoted:
            promoted.append(seed)
            assert figures["candidate_relevance"] >= figures["current_relevance"] - 0.01
    assert len(promoted) >= 2, promoted

"""A trained model is promoted only when later feedback shows it better and the labelled set
loses nothing; otherwise it stays a candidate, with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from matchmaker.ranking.cli import make_ranking_cli
from matchmaker.ranking.features import FEATURES
from matchmaker.ranking.learning import promotion
from matchmaker.ranking.learning.promotion import (
    Evidence,
    decide,
    held_out_split,
    paired_bootstrap,
    time_split,
)
from matchmaker.ranking.model import (
    FeedbackExample,
    current_version,
    labelled_relevance,
    load_scorer,
    set_current,
    train,
)
from matchmaker.ranking.scoring import HandScorer

TRACE = FEATURES.index("traceability")


class TraceabilityFirst:
    """Ranks by traceability alone: buyers here want it, but it knows no relevance."""

    name = "traceability-first"

    def score(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features)[:, TRACE] * 0.5 + 0.25


class HandPlusTraceability(HandScorer):
    """The hand-set order, with traceability a little ahead among equally relevant offers."""

    name = "hand+traceability"

    def score(self, features: np.ndarray) -> np.ndarray:
        return super().score(features) * (0.9 + 0.1 * np.asarray(features)[:, TRACE])


def _evidence(groups: int, seed: int = 0) -> tuple[Evidence, list[int], list[int]]:
    """Buyers who take the traceable one of equally relevant offers, ten per request."""
    rng = np.random.default_rng(seed)
    rows = groups * 10
    features = rng.uniform(0.3, 0.9, (rows, len(FEATURES)))
    features[:, TRACE] = rng.integers(0, 2, rows)
    labels = (features[:, TRACE] > 0.5) & (rng.uniform(size=rows) < 0.7)
    names = [f"r{i // 10}" for i in range(rows)]
    evidence = Evidence(
        features, np.ones(rows), labels.astype(float), labels.astype(int), names,
        [f"o{i}" for i in range(rows)],
    )  # fmt: skip
    times = [float(i // 10) for i in range(rows)]
    train_rows, validation_rows = time_split(times, 0.5)
    return evidence, train_rows, validation_rows


def _relevance(values: dict[str, float]):  # type: ignore[no-untyped-def]
    return lambda scorer: values[scorer.name]


def test_validation_is_later_than_any_training_example() -> None:
    times = [3.0, 1.0, 2.0, 2.0, 4.0, 5.0, 5.0, 1.0]
    train_rows, validation_rows = time_split(times, 0.25)
    assert max(times[i] for i in train_rows) < min(times[i] for i in validation_rows)
    assert sorted(train_rows + validation_rows) == list(range(len(times)))
    assert time_split([1.0, 1.0, 1.0]) == ([], [])
    assert time_split([1.0, float("nan")]) == ([], [])


def test_a_model_is_never_judged_on_a_request_it_learned_from() -> None:
    # Twenty requests answered before the cut and again after it (re-ranked, or posted again
    # in the same words), and five first answered after it.
    times, requests = [], []
    for n in range(20):
        times += [1.0, 9.0]
        requests += [f"mật ong {n}"] * 2
    for n in range(5):
        times.append(9.0)
        requests.append(f"cà phê {n}")
    train_rows, validation_rows = held_out_split(times, requests, 0.5)
    learned = {requests[i] for i in train_rows}
    judged = {requests[i] for i in validation_rows}
    assert not learned & judged
    assert max(times[i] for i in train_rows) < min(times[i] for i in validation_rows)
    assert {f"cà phê {n}" for n in range(5)} <= judged  # new requests are judged on
    # The requests on both sides are shared out, by a hash of their words: some held out
    # whole, the others learned from (their later answers left out of the judging).
    repeated = {f"mật ong {n}" for n in range(20)}
    assert repeated & judged and repeated & learned
    assert (repeated & judged) | (repeated & learned) == repeated
    assert held_out_split(times, requests, 0.5) == (train_rows, validation_rows)
    assert held_out_split([1.0, 1.0], ["a", "a"]) == ([], [])


def test_a_better_model_that_keeps_relevance_is_promoted() -> None:
    evidence, train_rows, validation_rows = _evidence(60)
    decision = decide(
        HandPlusTraceability(), HandScorer(), evidence, train_rows, validation_rows,
        labelled_relevance(),
    )  # fmt: skip
    assert decision.promoted, decision
    assert decision.figures["gain_interval"][0] > 0


def test_promotion_is_refused_with_too_few_groups() -> None:
    evidence, train_rows, validation_rows = _evidence(30)
    decision = decide(
        HandPlusTraceability(), HandScorer(), evidence, train_rows, validation_rows,
        _relevance({"hand+traceability": 0.90, "hand-v1": 0.90}), min_positives=5,
    )  # fmt: skip
    assert (decision.promoted, decision.reason) == (False, promotion.TOO_FEW_GROUPS)


def test_the_showings_of_one_request_are_one_piece_of_evidence() -> None:
    # Sixty showings that the candidate orders better, but of three requests only: judged
    # as sixty independent requests it was promoted; three are too few to judge on.
    evidence, train_rows, validation_rows = _evidence(120)
    evidence.requests = [f"mật ong {int(g[1:]) % 3}" for g in evidence.groups]
    decision = decide(
        HandPlusTraceability(), HandScorer(), evidence, train_rows, validation_rows,
        _relevance({"hand+traceability": 0.90, "hand-v1": 0.90}),
    )  # fmt: skip
    assert (decision.promoted, decision.reason) == (False, promotion.TOO_FEW_GROUPS)
    assert decision.figures["validation_groups"] > 50  # showings with a positive answer
    assert decision.figures["validation_requests"] == 3
    # The same evidence, each showing a request of its own, is enough.
    evidence.requests = None
    decision = decide(
        HandPlusTraceability(), HandScorer(), evidence, train_rows, validation_rows,
        _relevance({"hand+traceability": 0.90, "hand-v1": 0.90}),
    )  # fmt: skip
    assert decision.promoted, decision


def test_promotion_is_refused_on_a_relevance_loss() -> None:
    evidence, train_rows, validation_rows = _evidence(60)
    decision = decide(
        TraceabilityFirst(), HandScorer(), evidence, train_rows, validation_rows,
        labelled_relevance(),  # the real-listing set, as `ranking evaluate` reads it
    )  # fmt: skip
    assert decision.figures["gain_interval"][0] > 0  # better on the feedback...
    assert (decision.promoted, decision.reason) == (False, promotion.RELEVANCE_LOSS)


def test_promotion_is_refused_on_a_tie() -> None:
    evidence, train_rows, validation_rows = _evidence(60)
    decision = decide(
        HandScorer(), HandScorer(), evidence, train_rows, validation_rows,
        _relevance({"hand-v1": 0.90}),
    )  # fmt: skip
    assert (decision.promoted, decision.reason) == (False, promotion.NO_IMPROVEMENT)
    assert paired_bootstrap([0.0] * 30)[1] == 0.0


def test_a_model_kept_back_is_a_candidate_with_its_reason_and_rollback_is_one_command(
    tmp_path: Path, make_offer, make_requirement, today
) -> None:  # type: ignore[no-untyped-def]
    offers = [make_offer(f"o{i}", f"Mật ong hoa nhãn {i}") for i in range(5)]
    examples = [
        FeedbackExample(
            make_requirement("mật ong", id=f"r{r}"), offer,
            action="accepted" if i == r % 5 else "declined", reason="price", on=today,
            at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=r),
        )
        for r in range(12) for i, offer in enumerate(offers)
    ]  # fmt: skip
    report = train(examples, tmp_path, promote="if_better", relevance=lambda s: 0.9)
    assert not report.promoted and report.decision is not None
    assert report.decision.reason == promotion.TOO_FEW_POSITIVES
    assert current_version(tmp_path) is None and (tmp_path / "ranker-0001").is_dir()

    set_current(tmp_path, "ranker-0001")
    train(examples, tmp_path, promote="always")
    assert current_version(tmp_path) == "ranker-0002"
    cli = make_ranking_cli(models_dir=tmp_path)
    result = CliRunner().invoke(cli, ["rollback"])
    assert result.exit_code == 0, result.output
    assert current_version(tmp_path) == "ranker-0001"
    CliRunner().invoke(cli, ["rollback"])
    assert current_version(tmp_path) is None
    assert isinstance(load_scorer(tmp_path), HandScorer)


def test_no_time_split_means_no_promotion() -> None:
    evidence, _, _ = _evidence(10)
    decision = decide(HandScorer(), HandScorer(), evidence, [], [], _relevance({}))
    assert decision.reason == promotion.NO_TIME_SPLIT

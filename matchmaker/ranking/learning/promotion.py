"""Safe promotion: a trained model becomes current only when it is shown to be better.

* Validated on later feedback than any it learned from (a time split), for requests it did
  not learn from (a request shown again after the cut, or asked again in the same words, is
  held out whole or left out of the judging), never on its own training rows, and only on
  the results the side answered (the ones it looked at: their
  place in the list then no longer favours the model that put them there); when the times
  do not allow a split, it is not promoted.
* Enough evidence: a minimum of validation requests with a positive answer (the showings
  of one request count once) and of positive answers to learn from.
* Strictly better: the paired bootstrap interval of the per-request NDCG gain over the
  current model lies above zero (a tie or a likely loss is no improvement); the showings of
  one request are averaged first, so they count as one piece of evidence.
* No loss of relevance on the labelled real-listing set (``ranking evaluate``'s set).

Otherwise it is kept as a candidate, with the reason.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matchmaker.ranking.metrics import ndcg_at_k
from matchmaker.ranking.scoring import Scorer, combine

MIN_VALIDATION_GROUPS = 20
MIN_TRAINING_POSITIVES = 20
VALIDATION_SHARE = 0.25
BOOTSTRAP_SAMPLES = 1000
# The training runs every night: at 95 % a model of no worth (learned from clicks that follow
# the position alone) got through on one seed in six of the benchmark's logs; at 99 % on none.
CONFIDENCE = 0.99
# How far the labelled set's NDCG may move: reordering offers of like relevance by what buyers
# take moves it a little (the bound: within 0.01).
RELEVANCE_TOLERANCE = 0.01

# Why a candidate was or was not promoted (codes; the admin report says them in words).
PROMOTED = "promoted"
NO_TIME_SPLIT = "no_time_split"
TOO_FEW_POSITIVES = "too_few_positives"
TOO_FEW_GROUPS = "too_few_groups"
NO_IMPROVEMENT = "no_improvement"
RELEVANCE_LOSS = "relevance_loss"


@dataclass(slots=True)
class Decision:
    promoted: bool
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)


def time_split(
    times: Sequence[float], share: float = VALIDATION_SHARE
) -> tuple[list[int], list[int]]:
    """Rows to learn from and rows to judge on, every one of the latter later than any of
    the former; two empty lists when the times cannot be split so (unknown or all equal)."""
    known = sorted({t for t in times if not math.isnan(t)})
    if len(known) < 2 or any(math.isnan(t) for t in times):
        return [], []
    ordered = sorted(times)
    cut = ordered[min(len(ordered) - 1, int(len(ordered) * (1.0 - share)))]
    if cut == known[0]:
        cut = known[1]
    train = [i for i, t in enumerate(times) if t < cut]
    validation = [i for i, t in enumerate(times) if t >= cut]
    return train, validation


def held_out_split(
    times: Sequence[float], requests: Sequence[str], share: float = VALIDATION_SHARE
) -> tuple[list[int], list[int]]:
    """A time split (see :func:`time_split`) in which no request is on both sides.

    A model judged on later answers to requests it learned from is judged on what it
    memorised of them, not on how it ranks a new one: a model that only fitted those
    requests' lists would look better and be promoted. A request answered both before and
    after the cut is therefore held out whole (its earlier rows not learned from) for one in
    two such requests, chosen by a hash of its key, and its later rows left out of the
    judging for the others; a request first answered after the cut is judged on.
    """
    train, validation = time_split(times, share)
    if not validation:
        return train, validation
    before = {requests[i] for i in train}
    straddling = before & {requests[i] for i in validation}
    held = {key for key in straddling if zlib.crc32(key.encode()) % 2 == 0}
    return (
        [i for i in train if requests[i] not in held],
        [i for i in validation if requests[i] not in before or requests[i] in held],
    )


def group_ndcgs(
    scores: np.ndarray,
    groups: Sequence[str],
    offers: Sequence[str],
    gains: np.ndarray,
    rows: Sequence[int],
    k: int,
) -> dict[str, float]:
    """NDCG@k of the order ``scores`` gives within each group that has a positive."""
    by_group: dict[str, list[tuple[float, str, float]]] = defaultdict(list)
    for score, r in zip(scores, rows, strict=True):
        by_group[groups[r]].append((float(score), offers[r], float(gains[r])))
    out = {}
    for group, items in by_group.items():
        grades = {offer: gain for _, offer, gain in items}
        if not any(grades.values()):
            continue
        ranked = [offer for _, offer, _ in sorted(items, key=lambda t: -t[0])]
        out[group] = ndcg_at_k(ranked, grades, k)
    return out


def _per_request(
    new: dict[str, float], old: dict[str, float], evidence: Evidence, rows: Sequence[int]
) -> list[float]:
    """The gain on each request, its showings averaged: the same request shown three times
    over is one request to the bootstrap, which would otherwise take its showings for
    independent evidence and draw too narrow an interval (and promote a model on chance)."""
    if evidence.requests is None:
        return [new[g] - old[g] for g in sorted(new)]
    request_of = {evidence.groups[r]: evidence.requests[r] for r in rows}
    gains: dict[str, list[float]] = defaultdict(list)
    for group in sorted(new):
        gains[request_of[group]].append(new[group] - old[group])
    return [float(np.mean(values)) for _, values in sorted(gains.items())]


def paired_bootstrap(
    differences: Sequence[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of the paired differences and its two-sided ``CONFIDENCE`` interval."""
    values = np.asarray(differences, dtype=np.float64)
    if not len(values):
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), (samples, len(values)))].mean(axis=1)
    tail = (1.0 - CONFIDENCE) / 2 * 100
    return (
        float(values.mean()),
        float(np.percentile(means, tail)),
        float(np.percentile(means, 100 - tail)),
    )


@dataclass(slots=True)
class Evidence:
    """Feedback as the gate reads it: features, producer fit, gains, groups, offers, times."""

    features: np.ndarray
    producer_fit: np.ndarray
    gains: np.ndarray
    labels: np.ndarray
    groups: Sequence[str]
    offers: Sequence[str]
    # Rows the side answered (looked at): where it was shown no longer decides their gain.
    answered: np.ndarray | None = None
    # The request each row answers (see ``model.request_key``): the showings of one request
    # are one piece of evidence, not several. None: each group is a request of its own.
    requests: Sequence[str] | None = None


def decide(
    candidate: Scorer,
    current: Scorer,
    evidence: Evidence,
    train_rows: Sequence[int],
    validation_rows: Sequence[int],
    relevance: Callable[[Scorer], float],
    *,
    k: int = 10,
    min_groups: int = MIN_VALIDATION_GROUPS,
    min_positives: int = MIN_TRAINING_POSITIVES,
) -> Decision:
    """Whether ``candidate`` (trained on ``train_rows`` only) replaces ``current``.

    ``relevance`` gives a scorer's NDCG on the labelled real-listing set.
    """
    figures: dict[str, Any] = {
        "training_rows": len(train_rows),
        "validation_rows": len(validation_rows),
    }
    if not train_rows or not validation_rows:
        return Decision(False, NO_TIME_SPLIT, figures)
    positives = int(evidence.labels[list(train_rows)].sum())
    figures["training_positives"] = positives
    if positives < min_positives:
        return Decision(False, TOO_FEW_POSITIVES, figures)
    # Judged on what the side answered only: a result never looked at says where it was
    # shown, not how good it was, and would favour the model that showed it.
    rows = [r for r in validation_rows if evidence.answered is None or evidence.answered[r]]

    def per_group(scorer: Scorer) -> dict[str, float]:
        scores = combine(scorer.score(evidence.features[rows]), evidence.producer_fit[rows])
        return group_ndcgs(scores, evidence.groups, evidence.offers, evidence.gains, rows, k)

    new, old = per_group(candidate), per_group(current)
    gains = _per_request(new, old, evidence, rows)
    figures["validation_groups"] = len(new)
    figures["validation_requests"] = len(gains)
    # Requests, not showings: twenty showings of one request are one request judged.
    if len(gains) < min_groups:
        return Decision(False, TOO_FEW_GROUPS, figures)
    mean, low, high = paired_bootstrap(gains)
    figures.update(
        candidate_ndcg=round(float(np.mean(list(new.values()))), 4),
        current_ndcg=round(float(np.mean(list(old.values()))), 4),
        gain=round(mean, 4),
        gain_interval=[round(low, 4), round(high, 4)],
    )
    if low <= 0.0:
        return Decision(False, NO_IMPROVEMENT, figures)
    candidate_relevance, current_relevance = relevance(candidate), relevance(current)
    figures.update(
        candidate_relevance=round(candidate_relevance, 4),
        current_relevance=round(current_relevance, 4),
    )
    if candidate_relevance < current_relevance - RELEVANCE_TOLERANCE:
        return Decision(False, RELEVANCE_LOSS, figures)
    return Decision(True, PROMOTED, figures)

"""Ranking quality measures shared by training and evaluation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, float], k: int) -> float:
    """NDCG@k of a ranked list of ids against graded judgements (missing ids grade 0)."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(i, 0.0) for i in ranked[:k]]) / ideal


def recall_at_k(
    ranked: Sequence[str], grades: Mapping[str, float], k: int, min_grade: float = 1.0
) -> float:
    """Share of the relevant ids (grade >= ``min_grade``) found in the first ``k``."""
    relevant = {i for i, g in grades.items() if g >= min_grade}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)

"""Fair exposure: no producer crowds a shortlist, and a few big ones do not take every buyer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TypeVar

import numpy as np

T = TypeVar("T")

DEFAULT_PER_PRODUCER = 2
BLOCK = 10
# At most this share of a score is given up for a producer that was shown a lot recently.
EXPOSURE_DISCOUNT = 0.15


# The read-only exposure mapping last seen and its median: one mapping serves every ranking
# until the statistics are refreshed, and the median over every producer costs more than the
# ranking.
_last_median: tuple[MappingProxyType[str, int], float] | None = None


def _median_exposure(exposure: Mapping[str, int]) -> float:
    """The median exposure (at least 1); worked out once per read-only mapping, which cannot
    change under the cached figure, and every time for any other."""
    global _last_median
    if _last_median is not None and _last_median[0] is exposure:
        return _last_median[1]
    median = max(float(np.median(list(exposure.values()))), 1.0)
    if isinstance(exposure, MappingProxyType):
        _last_median = (exposure, median)
    return median


def exposure_adjusted(
    scores: np.ndarray, producers: Sequence[str], exposure: Mapping[str, int] | None
) -> np.ndarray:
    """Scores discounted by how often each producer was suggested recently.

    The discount grows with exposure relative to the median exposure, so it only bites for
    producers shown far more than their peers and never reorders offers far apart in score.
    """
    if not exposure:
        return scores
    counts = np.array([float(exposure.get(p, 0)) for p in producers])
    scale = _median_exposure(exposure)
    discount = EXPOSURE_DISCOUNT * counts / (counts + 4.0 * scale)
    return scores * (1.0 - discount)


def diversify(
    items: Sequence[T], producer_of: Callable[[T], str], k: int, per_producer: int | None
) -> list[T]:
    """The first ``k`` items, keeping at most ``per_producer`` of one producer in each ten.

    Items are taken in the given order; one held back from a full ten is offered again first
    in the next ten, so the order is otherwise kept.
    """
    limit = DEFAULT_PER_PRODUCER if per_producer is None else per_producer
    result: list[T] = []
    pending = list(items)
    while pending and len(result) < k:
        start = len(result)
        counts: Counter[str] = Counter()
        held: list[T] = []
        for item in pending:
            if len(result) - start >= BLOCK or len(result) >= k:
                held.append(item)
                continue
            producer = producer_of(item)
            if counts[producer] < limit:
                counts[producer] += 1
                result.append(item)
            else:
                held.append(item)
        if len(result) == start:
            break
        if len(result) - start < BLOCK:
            # This ten could not be filled without breaking the limit: stop rather than break it.
            break
        pending = held
    return result

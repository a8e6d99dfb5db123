"""Simulated buyers answering rankings: a click model with position bias and hidden
preferences, for the learning tests and ``bench/learning.py``.

A buyer looks at a result with a probability that falls with its rank (the position bias);
having looked, it takes the offer with a probability set by its hidden preference and the
offer's relevance. A preference-free population takes offers by relevance alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker.ranking.records import MatchResult, OfferRecord, RequirementRecord

# The chance a buyer looks at each place of a list of ten (eye-tracking shaped).
EXAMINATION = (1.0, 0.7, 0.5, 0.38, 0.3, 0.24, 0.2, 0.17, 0.15, 0.13)


def cooperatives_with_gap(offer: OfferRecord, requirement: RequirementRecord) -> float:
    """A preference seen in the audit: cooperatives holding VietGAP or GlobalGAP."""
    cooperative = offer.producer_type in ("cooperative", "cooperative_group")
    gap = bool(offer.certifications & {"vietgap", "globalgap"})
    return 1.0 if cooperative and gap else 0.1


def no_preference(offer: OfferRecord, requirement: RequirementRecord) -> float:
    return 0.5


@dataclass(frozen=True, slots=True)
class Answer:
    offer_id: str
    rank: int
    action: str  # accepted | viewed | declined | shown


def answer(
    results: Sequence[MatchResult],
    offers: dict[str, OfferRecord],
    requirement: RequirementRecord,
    relevant: Callable[[str], float],
    preference: Callable[[OfferRecord, RequirementRecord], float],
    rng: np.random.Generator,
) -> list[Answer]:
    """One buyer's answers to a shown list: accepted, viewed (looked, not taken), declined
    (looked at something not relevant) or shown (never looked at)."""
    out = []
    for result in results:
        place = min(result.rank, len(EXAMINATION)) - 1
        if rng.uniform() >= EXAMINATION[place]:
            out.append(Answer(result.offer_id, result.rank, "shown"))
            continue
        fit = relevant(result.offer_id)
        if fit <= 0:
            out.append(Answer(result.offer_id, result.rank, "declined"))
        elif rng.uniform() < fit * preference(offers[result.offer_id], requirement):
            out.append(Answer(result.offer_id, result.rank, "accepted"))
        else:
            out.append(Answer(result.offer_id, result.rank, "viewed"))
    return out

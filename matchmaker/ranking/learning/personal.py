"""A buyer's own ranking, adjusted at once by the buyer's answers, without a retrain.

A declined pair never comes back for that requirement; the producer's similar offers (the same
product group) sink for the buyer; each decline reason lowers, for that buyer, the offers that
are weak on the feature it names (a buyer who turned offers down for their price sees the
dearer ones lower). The offers it said yes to make its implicit profile (the kind of producer,
the certifications, traceability): offers like them rise a little for that buyer, as in
reciprocal recommenders.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matchmaker.ranking.learning.reasons import DECLINE_FEATURES, decline_reason_code
from matchmaker.ranking.records import MatchResult

# Each decline of a producer's product lowers its other products of the same group this much.
SIMILAR_DECLINE_FACTOR = 0.6
# A decline naming a feature weighs this much on it, up to the cap, for the buyer's rankings.
REASON_STEP = 0.25
REASON_CAP = 0.75


@dataclass(frozen=True, slots=True)
class Decline:
    """One of the buyer's own declines."""

    requirement_id: str
    offer_id: str
    producer_id: str
    category_group: str
    reason: str | None


# What a buyer's yes says about its taste: the kind of producer and what it holds.
TASTE_FEATURES = (
    "producer_cooperative",
    "producer_household",
    "producer_enterprise",
    "cert_gap",
    "cert_organic",
    "cert_food_safety",
    "traceability",
)
# A taste shows after a few yeses; an offer that has all of it gains this much at most.
MIN_TAKEN = 2
TASTE_BOOST = 0.2


@dataclass(frozen=True, slots=True)
class BuyerProfile:
    """What a buyer's answers so far say about its taste: the pairs it declined, and the
    features of the offers it said yes to (its implicit profile)."""

    declines: tuple[Decline, ...] = ()
    taken: tuple[Mapping[str, float], ...] = ()

    def taste(self) -> dict[str, float]:
        """The share of the buyer's yeses that had each taste feature; empty before a few."""
        if len(self.taken) < MIN_TAKEN:
            return {}
        return {
            name: sum(float(f.get(name, 0.0)) for f in self.taken) / len(self.taken)
            for name in TASTE_FEATURES
        }

    def excluded(self, requirement_id: str) -> frozenset[str]:
        """The offers this buyer declined for this requirement: never shown for it again."""
        return frozenset(d.offer_id for d in self.declines if d.requirement_id == requirement_id)

    def similar_declines(self) -> Counter[tuple[str, str]]:
        return Counter((d.producer_id, d.category_group) for d in self.declines)

    def feature_weights(self) -> dict[str, float]:
        """How strongly each feature now counts for this buyer (0 = as for everyone)."""
        counts: Counter[str] = Counter()
        for d in self.declines:
            code = decline_reason_code(d.reason)
            for feature in DECLINE_FEATURES.get(code or "", ()):
                counts[feature] += 1
        return {f: min(REASON_CAP, REASON_STEP * n) for f, n in counts.items()}


def personal_factor(
    result: MatchResult,
    category_group: str,
    similar: Mapping[tuple[str, str], int],
    weights: Mapping[str, float],
    taste: Mapping[str, float] | None = None,
) -> float:
    """How much of its score an offer keeps (or gains) for this buyer."""
    factor = SIMILAR_DECLINE_FACTOR ** similar.get((result.producer_id, category_group), 0)
    if taste and (total := sum(taste.values())) > 0:
        likeness = sum(w * result.features.get(name, 0.0) for name, w in taste.items()) / total
        factor *= 1.0 + TASTE_BOOST * likeness
    for feature, weight in weights.items():
        value = result.features.get(feature)
        if value is not None:
            factor *= 1.0 - weight * (1.0 - max(0.0, min(1.0, value)))
    return factor


def personalise(
    results: Sequence[MatchResult],
    profile: BuyerProfile,
    category_groups: Mapping[str, str],
    limit: int,
    *,
    taste: bool = True,
) -> list[MatchResult]:
    """The ranking for the buyer: its declined pairs left out, the rest re-scored by what its
    answers said, relevant offers still before related ones, ranks numbered afresh.

    ``category_groups``: each result's offer's product group. ``taste``: lift offers like the
    ones the buyer took (off when the learned model reads the buyer's profile itself).
    """
    liked = profile.taste() if taste else {}
    if not profile.declines and not liked:
        return list(results[:limit])
    excluded = profile.excluded(results[0].requirement_id) if results else frozenset()
    similar = profile.similar_declines()
    weights = profile.feature_weights()
    kept = []
    for result in results:
        if result.offer_id in excluded:
            continue
        group = category_groups.get(result.offer_id, "")
        factor = personal_factor(result, group, similar, weights, liked)
        kept.append(dataclasses.replace(result, score=result.score * factor))
    kept.sort(key=lambda r: (r.related, -r.score))
    return [dataclasses.replace(r, rank=rank) for rank, r in enumerate(kept[:limit], start=1)]

"""Pooled matches: small producers who together cover a volume none of them can alone.

Most OCOP producers are cooperatives and household businesses; a supermarket chain's monthly
volume is often beyond any one of them. A pool is 2-4 producers of the same kind of product,
close to each other and to the delivery area, whose capacities add up to the need.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from itertools import combinations

from matchmaker.ranking import lookup
from matchmaker.ranking.explain import rounded
from matchmaker.ranking.index import OfferIndex, ScoredOffer
from matchmaker.ranking.records import Explanation, PooledMatch, RequirementRecord

MIN_MEMBERS = 2
MAX_MEMBERS = 4
# Members must be about as relevant as the best offer: same kind of product, not a cousin.
_SAME_KIND_TEXT = 0.6
_SEEDS = 12
# Producers further apart than this are hard to consolidate into one delivery.
_SPREAD_SCALE_KM = 400.0
_UNKNOWN_DISTANCE_KM = 500.0
# Each extra producer adds coordination work for the buyer.
_SIZE_PENALTY = 0.05


def _apart(a: ScoredOffer, b: ScoredOffer) -> float:
    if not a.offer.province or not b.offer.province:
        return _UNKNOWN_DISTANCE_KM
    distance = lookup.distance_km(a.offer.province, b.offer.province)
    return _UNKNOWN_DISTANCE_KM if distance is None else distance


def _members(scored: list[ScoredOffer]) -> list[ScoredOffer]:
    """The best offer of each producer that is the same kind of product as the best match."""
    anchor = scored[0]
    seen: set[str] = set()
    members = []
    for s in scored:
        if s.offer.producer_id in seen:
            continue
        if s.offer.category != anchor.offer.category:
            continue
        if s.features["text"] < _SAME_KIND_TEXT * anchor.features["text"]:
            continue
        if s.fact.capacity is None or s.fact.capacity <= 0:
            continue
        seen.add(s.offer.producer_id)
        members.append(s)
    return members


def _pool_score(group: list[ScoredOffer]) -> tuple[float, float]:
    spread = max((_apart(a, b) for a, b in combinations(group, 2)), default=0.0)
    quality = sum(s.score for s in group) / len(group)
    closeness = math.exp(-spread / _SPREAD_SCALE_KM)
    score = quality * (0.7 + 0.3 * closeness) * (1.0 - _SIZE_PENALTY * (len(group) - MIN_MEMBERS))
    return score, spread


def _explain(
    group: list[ScoredOffer], total: float, need: float, unit: str, spread: float
) -> tuple[tuple[Explanation, ...], tuple[Explanation, ...]]:
    n = len(group)
    reasons = [
        Explanation(
            "pooled_capacity",
            {"producers": n, "capacity": rounded(total), "need": rounded(need), "unit": unit},
        ),
        Explanation("same_kind"),
    ]
    gaps = [Explanation("coordination_needed", {"producers": n})]
    if spread <= 150:
        reasons.append(Explanation("producers_close", {"km": rounded(spread)}))
    elif spread >= 600:
        gaps.append(Explanation("producers_far_apart", {"km": rounded(spread)}))
    return tuple(reasons), tuple(gaps)


def propose_pools(
    index: OfferIndex,
    requirement: RequirementRecord,
    on: date | None = None,
    *,
    limit: int = 3,
    max_members: int = MAX_MEMBERS,
    responsiveness: Mapping[str, float] | None = None,
) -> list[PooledMatch]:
    """Groups of 2..``max_members`` producers covering the monthly volume, best first.

    Empty when the requirement states no volume, or when a single eligible offer of the same
    kind already covers it (then a plain match is simpler for everyone).
    """
    on = on or date.today()
    need = requirement.quantity_per_month
    if not need or need <= 0:
        return []
    scored = index.score_positions(
        requirement, index.candidates(requirement, on), on, responsiveness
    )
    if not scored:
        return []
    members = _members(scored)
    if any(s.fact.capacity is not None and s.fact.capacity >= need for s in members):
        return []
    unit = requirement.unit or scored[0].offer.unit

    found: dict[frozenset[str], PooledMatch] = {}
    for seed in members[:_SEEDS]:
        # Grow the pool around the seed with the nearest producers, nearest to delivery first.
        others = sorted(
            (m for m in members if m is not seed),
            key=lambda m: (
                _apart(seed, m) + (m.fact.distance_km or 0.0),
                -m.score,
            ),
        )
        group = [seed]
        total = seed.fact.capacity or 0.0
        for other in others:
            if total >= need or len(group) >= max_members:
                break
            group.append(other)
            total += other.fact.capacity or 0.0
        if total < need or len(group) < MIN_MEMBERS:
            continue
        key = frozenset(s.offer.id for s in group)
        if key in found:
            continue
        score, spread = _pool_score(group)
        reasons, gaps = _explain(group, total, need, unit, spread)
        found[key] = PooledMatch(
            requirement_id=requirement.id,
            offer_ids=tuple(s.offer.id for s in group),
            producer_ids=tuple(s.offer.producer_id for s in group),
            combined_capacity=total,
            score=score,
            reasons=reasons,
            gaps=gaps,
        )
    return sorted(found.values(), key=lambda p: -p.score)[:limit]

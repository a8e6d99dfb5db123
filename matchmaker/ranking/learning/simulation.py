"""Simulated buyers answering rankings: a click model with position bias and hidden
preferences, for the learning tests and ``bench/learning.py``.

A buyer looks at a result with a probability that falls with its rank (the position bias);
having looked, it takes the offer with a probability set by its hidden preference and the
offer's relevance. A preference-free population takes offers by relevance alone.

A preference is a function of (offer, requirement) giving 0.1..1; populations whose preference
needs data beyond the pair (the prices of the other offers) get it from a factory, once.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from matchmaker.ranking import lookup
from matchmaker.ranking.features import base_price
from matchmaker.ranking.records import MatchResult, OfferRecord, RequirementRecord

Preference = Callable[[OfferRecord, RequirementRecord], float]

# The chance a buyer looks at each place of a list of ten (eye-tracking shaped).
EXAMINATION = (1.0, 0.7, 0.5, 0.38, 0.3, 0.24, 0.2, 0.17, 0.15, 0.13)


def cooperatives_with_gap(offer: OfferRecord, requirement: RequirementRecord) -> float:
    """A preference seen in the audit: cooperatives holding VietGAP or GlobalGAP."""
    cooperative = offer.producer_type in ("cooperative", "cooperative_group")
    gap = bool(offer.certifications & {"vietgap", "globalgap"})
    return 1.0 if cooperative and gap else 0.1


# The least a hidden preference gives: a disliked offer is still taken now and then.
PREFERENCE_FLOOR = 0.1
# A buyer's "nearby": within a few hours' drive; beyond, the preference falls by e every
# ``_NEARBY_DECAY_KM`` to the floor (reached at about 1,000 km, the north-south span).
NEARBY_KM = 300.0
_NEARBY_DECAY_KM = 300.0
# The share of comparable offers, cheapest first, that a thrifty buyer takes most readily.
CHEAP_SHARE = 1 / 3


def nearby_producers(offer: OfferRecord, requirement: RequirementRecord) -> float:
    """Buyers who prefer producers close to them: 1.0 within ``NEARBY_KM`` straight-line
    distance of the buyer's province, falling with distance beyond, down to the floor; 0.5
    when either province (or their distance) is unknown."""
    if not offer.province or not requirement.buyer_province:
        return 0.5
    km = lookup.distance_km(offer.province, requirement.buyer_province)
    if km is None:
        return 0.5
    if km <= NEARBY_KM:
        return 1.0
    return max(PREFERENCE_FLOOR, math.exp(-(km - NEARBY_KM) / _NEARBY_DECAY_KM))


def cheaper_offers(
    peers: Callable[[RequirementRecord], Iterable[OfferRecord]],
) -> Preference:
    """Buyers who prefer the cheaper offers for the same kind of product. ``peers`` gives the
    offers a request is compared among (the ones the engine would consider for it); they are
    asked for once per request (whatever its id, so each asking of it shares them).

    An offer's preference comes from the share ``q`` of the request's other comparable offers
    (priced in the same base unit) that are cheaper per base unit: 1.0 in the cheapest third
    (``q`` up to ``CHEAP_SHARE``), then falling linearly to the floor for the dearest (``q``
    1); 0.5 when the offer has no price or nothing to compare with."""
    prices: dict[RequirementRecord, dict[str, list[tuple[str, float]]]] = {}

    def compared(requirement: RequirementRecord) -> dict[str, list[tuple[str, float]]]:
        key = dataclasses.replace(requirement, id="")
        if key not in prices:
            by_base: dict[str, list[tuple[str, float]]] = {}
            for peer in peers(requirement):
                price = base_price(peer)
                if price is not None:
                    by_base.setdefault(price[0], []).append((peer.id, price[1]))
            prices[key] = by_base
        return prices[key]

    def cheaper(offer: OfferRecord, requirement: RequirementRecord) -> float:
        price = base_price(offer)
        if price is None:
            return 0.5
        base, value = price
        others = [p for o, p in compared(requirement).get(base, ()) if o != offer.id]
        if not others:
            return 0.5
        q = sum(p < value for p in others) / len(others)
        if q <= CHEAP_SHARE:
            return 1.0
        return max(
            PREFERENCE_FLOOR, 1.0 - (1.0 - PREFERENCE_FLOOR) * (q - CHEAP_SHARE) / (1 - CHEAP_SHARE)
        )

    return cheaper


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
    preference: Preference,
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

"""Hard constraints: an offer that breaks one is never suggested, whatever its score.

The index applies the same rules on columns for speed (see ``index.py``); this module is the
readable definition, used to explain exclusions and to check every result once more.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from matchmaker.ranking.records import OfferRecord, RequirementRecord

# OCOP introduction points may only sell products of at least three stars.
_BUYER_TYPE_STAR_FLOOR = {"introduction_point": 3}


def star_floor(requirement: RequirementRecord) -> int | None:
    floors = [
        f
        for f in (
            requirement.min_ocop_stars,
            _BUYER_TYPE_STAR_FLOOR.get(requirement.buyer_type or ""),
        )
        if f
    ]
    return max(floors) if floors else None


def valid_stars(offer: OfferRecord, on: date) -> int | None:
    """The OCOP rating that counts on ``on``: an expired or undated certificate does not."""
    if offer.ocop_stars is None or offer.ocop_certified_until is None:
        return None
    if offer.ocop_certified_until < on:
        return None
    return offer.ocop_stars


@lru_cache(maxsize=4096)
def codes(values: frozenset[str]) -> frozenset[str]:
    """Certification codes compared case-insensitively ("VietGAP" is "vietgap"); cached, as
    listings share a handful of certificate sets and every candidate is checked."""
    return frozenset(v.strip().casefold() for v in values)


def requirement_open(requirement: RequirementRecord, on: date) -> bool:
    if requirement.status != "open":
        return False
    return requirement.valid_until is None or requirement.valid_until >= on


def violations(requirement: RequirementRecord, offer: OfferRecord, on: date) -> list[str]:
    """Codes of the hard constraints the pair breaks; empty when the offer may be suggested.

    A missing value never satisfies a constraint the buyer set: a listing without a shelf
    life cannot promise the buyer's minimum.
    """
    broken = []
    if not requirement_open(requirement, on):
        broken.append("requirement_closed")
    if offer.status != "active":
        broken.append("offer_inactive")
    floor = star_floor(requirement)
    if floor is not None:
        stars = valid_stars(offer, on)
        if stars is None and offer.ocop_stars is not None:
            broken.append("certificate_expired")
        elif stars is None or stars < floor:
            broken.append("stars_below_floor")
    if not codes(requirement.required_certifications) <= codes(offer.certifications):
        broken.append("certification_missing")
    if requirement.min_shelf_life_days is not None and (
        offer.shelf_life_days is None or offer.shelf_life_days < requirement.min_shelf_life_days
    ):
        broken.append("shelf_life_short")
    return broken


def eligible(requirement: RequirementRecord, offer: OfferRecord, on: date) -> bool:
    return not violations(requirement, offer, on)

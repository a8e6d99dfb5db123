"""Soft features of a (requirement, offer) pair, each scaled to 0..1 with 1 the best.

A value the listing or the request does not give is *neutral* (0.5) when the buyer did not ask
for it, and *low* when the buyer asked and the listing is silent: buyers turn down listings
that leave out capacity, price or shelf life.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matchmaker.ranking import lookup
from matchmaker.ranking.constraints import valid_stars
from matchmaker.ranking.learning.profiles import (
    BUYER_ATTRIBUTES,
    BUYER_TASTE_FEATURES,
    Taste,
    neutral_features,
)
from matchmaker.ranking.records import OfferRecord, RequirementRecord

# The order is the column order of the learned model; append, never reorder.
FEATURES: tuple[str, ...] = (
    "text",
    "text_rel",
    "category",
    "capacity",
    "price",
    "distance",
    "min_order",
    "certificate_validity",
    "stars",
    "freshness",
    "responsiveness",
    "traceability",
    # What buyers decide on beyond fit: who the producer is, what it holds beyond what was
    # asked, and what kind of buyer asks (the learned model finds the interactions).
    "producer_cooperative",
    "producer_household",
    "producer_enterprise",
    "cert_gap",
    "cert_organic",
    "cert_food_safety",
    "certifications_beyond_asked",
    "buyer_supermarket",
    "buyer_ecommerce",
    "buyer_introduction_point",
    "buyer_exporter",
    "buyer_wholesaler",
    "buyer_horeca",
    # The buyer's implicit profile (learning/profiles.py): how well the offer fits what its
    # earlier answers took, shrunk toward its type's; 0.5 (and known 0) for a buyer unknown.
    *BUYER_TASTE_FEATURES,
    # Where the offer's price stands among the others of the same list (1.0 the cheapest):
    # what a buyer who takes the cheaper offers decides on, whether or not it set a ceiling.
    "price_position",
)
# The features the hand-set scorer was built on; the others are for the learned model.
HAND_FEATURES = FEATURES[:12]
_NO_TASTE = neutral_features(BUYER_ATTRIBUTES)
BUYER_TYPES = ("supermarket", "ecommerce", "introduction_point", "exporter", "wholesaler", "horeca")
_GAP = frozenset({"vietgap", "globalgap"})
_ORGANIC = frozenset({"organic", "organic_vn", "organic_eu", "organic_usda", "organic_jas"})
_FOOD_SAFETY = frozenset({"haccp", "iso22000", "fssc22000", "brc", "ifs", "food_safety"})

NEUTRAL = 0.5
UNKNOWN = 0.3
INCOMPARABLE = 0.2
# Distances decay on the scale of a day's truck drive.
_DELIVERY_DECAY_KM = 500.0
_BUYER_DECAY_KM = 800.0
_CERTIFICATE_COMFORT_DAYS = 180
_FRESHNESS_DAYS = 180.0


@dataclass(frozen=True, slots=True)
class PairFacts:
    """Quantities behind the features, in the requirement's unit, kept for explanations."""

    capacity: float | None  # offer's monthly capacity in the requirement's unit
    price: float | None  # offer's price per requirement unit
    min_order: float | None  # offer's minimum order in the requirement's unit
    distance_km: float | None  # to the nearest delivery province (or the buyer)
    certificate_days_left: int | None
    stars: int | None
    listing_age_days: int | None
    units_compare: bool


def delivery_targets(requirement: RequirementRecord) -> frozenset[str]:
    """Where distances are measured to: the delivery provinces, else the buyer's own."""
    if requirement.delivery_provinces:
        return requirement.delivery_provinces
    return frozenset({requirement.buyer_province}) if requirement.buyer_province else frozenset()


def facts(
    requirement: RequirementRecord,
    offer: OfferRecord,
    on: date,
    targets: frozenset[str] | None = None,
) -> PairFacts:
    """``targets``: the requirement's :func:`delivery_targets`, when the caller has them."""
    unit = requirement.unit or offer.unit
    # Base units per offer unit and per requirement unit: one lookup for every conversion.
    factors = lookup.unit_factors(offer.unit, unit)
    capacity = price = min_order = None
    if factors is not None:
        per_offer_unit, per_unit = factors
        if offer.monthly_capacity is not None:
            capacity = offer.monthly_capacity * per_offer_unit / per_unit
        if offer.min_order_quantity is not None:
            min_order = offer.min_order_quantity * per_offer_unit / per_unit
        if offer.unit_price_vnd is not None:
            # The price of one requirement unit: offer units per requirement unit.
            price = offer.unit_price_vnd * (per_unit / per_offer_unit)
    distance = None
    if offer.province:
        if targets is None:
            targets = delivery_targets(requirement)
        distance = lookup.nearest_km(offer.province, targets)
    stars = valid_stars(offer, on)
    days_left = (
        (offer.ocop_certified_until - on).days
        if stars is not None and offer.ocop_certified_until
        else None
    )
    age = (on - offer.updated_at.date()).days if offer.updated_at is not None else None
    return PairFacts(
        capacity=capacity,
        price=price,
        min_order=min_order,
        distance_km=distance,
        certificate_days_left=days_left,
        stars=stars,
        listing_age_days=max(age, 0) if age is not None else None,
        units_compare=factors is not None,
    )


def base_price(offer: OfferRecord) -> tuple[str, float] | None:
    """The offer's price per base unit (kg, liter, or the countable unit itself)."""
    if offer.unit_price_vnd is None:
        return None
    base, factor = lookup.base_unit(offer.unit)
    return base, offer.unit_price_vnd / factor


def price_positions(offers: Sequence[OfferRecord]) -> list[float]:
    """Where each offer's price stands among the others of a list priced in the same base
    unit: 1.0 the cheapest, 0.0 the dearest (one less the share of the others that are
    cheaper, ties counted half); neutral without a price or anything to compare it with."""
    prices = [base_price(o) for o in offers]
    by_base: dict[str, list[float]] = defaultdict(list)
    for price in prices:
        if price is not None:
            by_base[price[0]].append(price[1])
    for values in by_base.values():
        values.sort()
    positions = []
    for price in prices:
        values = by_base[price[0]] if price is not None else []
        if price is None or len(values) < 2:
            positions.append(NEUTRAL)
            continue
        cheaper = bisect_left(values, price[1])
        same = bisect_right(values, price[1]) - cheaper - 1
        positions.append(1.0 - (cheaper + same / 2) / (len(values) - 1))
    return positions


def category_fit(requirement_category: str | None, offer_category: str) -> float:
    """1 for the asked sub-group (or any sub-group of an asked group), 0.5 for the same group."""
    if not requirement_category:
        return NEUTRAL
    if requirement_category == offer_category:
        return 1.0
    asked_group = lookup.category_group(requirement_category)
    if asked_group != lookup.category_group(offer_category):
        return 0.0
    return 1.0 if asked_group == requirement_category else 0.5


def min_order_fit(requirement: RequirementRecord, fact: PairFacts) -> float:
    if fact.min_order is None or fact.min_order <= 0:
        return 1.0
    if requirement.quantity_per_month is None:
        return NEUTRAL
    return min(1.0, requirement.quantity_per_month / fact.min_order)


def pair_features(
    requirement: RequirementRecord,
    offer: OfferRecord,
    on: date,
    *,
    text: float,
    text_rel: float,
    responsiveness: float | None = None,
    fact: PairFacts | None = None,
    taste: Taste | None = None,
) -> dict[str, float]:
    """``taste``: the asking buyer's implicit profile, when it is known."""
    fact = fact or facts(requirement, offer, on)
    if requirement.quantity_per_month is None:
        capacity = NEUTRAL
    elif not fact.units_compare:
        capacity = INCOMPARABLE
    elif fact.capacity is None:
        capacity = UNKNOWN
    else:
        capacity = min(1.0, fact.capacity / max(requirement.quantity_per_month, 1e-9))

    if requirement.max_unit_price_vnd is None:
        price = NEUTRAL
    elif offer.unit_price_vnd is None:
        price = UNKNOWN
    elif fact.price is None:
        price = INCOMPARABLE
    else:
        ratio = fact.price / max(requirement.max_unit_price_vnd, 1e-9)
        price = 1.0 if ratio <= 1 else max(0.0, 1.0 - 2.0 * (ratio - 1.0))

    if fact.distance_km is None:
        distance = NEUTRAL if not requirement.delivery_provinces else UNKNOWN
    else:
        scale = _DELIVERY_DECAY_KM if requirement.delivery_provinces else _BUYER_DECAY_KM
        distance = math.exp(-fact.distance_km / scale)

    stars = 0.0
    if fact.stars is not None:
        stars = min(1.0, (fact.stars - 2) / 3 + (0.1 if offer.ocop_potential_five_star else 0.0))
    validity = 0.0
    if fact.certificate_days_left is not None:
        validity = min(1.0, fact.certificate_days_left / _CERTIFICATE_COMFORT_DAYS)
    freshness = (
        UNKNOWN
        if fact.listing_age_days is None
        else math.exp(-fact.listing_age_days / _FRESHNESS_DAYS)
    )

    row = {
        "text": text,
        "text_rel": text_rel,
        "category": category_fit(requirement.category, offer.category),
        "capacity": capacity,
        "price": price,
        "distance": distance,
        "min_order": min_order_fit(requirement, fact),
        "certificate_validity": validity,
        "stars": stars,
        "freshness": freshness,
        "responsiveness": NEUTRAL if responsiveness is None else max(0.0, min(1.0, responsiveness)),
        "traceability": 1.0 if offer.traceability_url else 0.0,
        **who_and_what(requirement, offer),
    }
    row.update(_NO_TASTE if taste is None else taste.features(row))
    # Set by the caller that ranks a whole list (:func:`price_positions`); one pair alone has
    # nothing to stand among.
    row["price_position"] = NEUTRAL
    return row


def who_and_what(requirement: RequirementRecord, offer: OfferRecord) -> dict[str, float]:
    """The producer's type, its certifications (beyond those asked for) and the buyer's type."""
    held = offer.certifications
    kind = offer.producer_type or ""
    row = {
        "producer_cooperative": 1.0 if kind in ("cooperative", "cooperative_group") else 0.0,
        "producer_household": 1.0 if kind == "household" else 0.0,
        "producer_enterprise": 1.0 if kind == "enterprise" else 0.0,
        "cert_gap": 1.0 if held & _GAP else 0.0,
        "cert_organic": 1.0 if held & _ORGANIC else 0.0,
        "cert_food_safety": 1.0 if held & _FOOD_SAFETY else 0.0,
        "certifications_beyond_asked": min(
            1.0, len(held - requirement.required_certifications) / 3
        ),
    }
    for buyer_type in BUYER_TYPES:
        row[f"buyer_{buyer_type}"] = 1.0 if requirement.buyer_type == buyer_type else 0.0
    return row


def producer_fit(
    requirement: RequirementRecord, offer: OfferRecord, fact: PairFacts
) -> dict[str, float]:
    """How well the buyer suits the producer: volume, delivery area, kind of buyer."""
    volume = min_order_fit(requirement, fact)
    if not offer.serves_provinces:
        area = 1.0
    elif not requirement.delivery_provinces:
        area = 0.6  # nationwide delivery from a producer that serves a few provinces
    else:
        served = len(requirement.delivery_provinces & offer.serves_provinces)
        area = 0.3 + 0.7 * served / len(requirement.delivery_provinces)
    if not offer.wanted_buyer_types or requirement.buyer_type is None:
        buyer_type = 1.0
    else:
        buyer_type = 1.0 if requirement.buyer_type in offer.wanted_buyer_types else 0.4
    parts = (volume, area, buyer_type)
    # The worst part weighs as much as all of them: one deal-breaker should show.
    fit = 0.5 * min(parts) + 0.5 * sum(parts) / len(parts)
    return {
        "producer_volume": volume,
        "producer_area": area,
        "producer_buyer_type": buyer_type,
        "producer_fit": fit,
    }

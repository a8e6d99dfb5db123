"""Reasons (what fits) and gaps (what is missing) as codes with parameters.

One table, :data:`RULES`, says when each reason or gap holds and what it names; the
explanation is every rule that holds, in the table's order. Rules of one ``group`` are
alternatives: the first that holds speaks for the group. The words are the edge's: it says each
code in the reader's language and shows reference codes (category, unit, province,
certificate, country) by their names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from matchmaker.ranking import lookup
from matchmaker.ranking.constraints import codes, star_floor
from matchmaker.ranking.features import PairFacts
from matchmaker.ranking.records import Explanation, OfferRecord, RequirementRecord

_EXPIRY_WARNING_DAYS = 90
_NEARBY_KM = 150
_FAR_KM = 600
_STALE_DAYS = 365
_RECENT_DAYS = 30
# The text similarity above which an offer is said to match the request, both absolute and
# relative to the best candidate's; below the weak threshold it only partly matches.
_TEXT_MATCH = 0.15
_TEXT_MATCH_RELATIVE = 0.6
_TEXT_WEAK = 0.08
# ``features["related"]`` marks a product that is only related to what the buyer asked for.
_RELATED = 0.5


def rounded(value: float) -> float | int:
    """A figure as it is worth saying: whole from 100 up, one decimal from 1, else 3 digits."""
    if value >= 100 or value == int(value):
        return round(value)
    return round(value, 1) if value >= 1 else float(f"{value:.3g}")


@dataclass(frozen=True, slots=True)
class Pair:
    """A requirement and an offer with what the ranking found about them."""

    requirement: RequirementRecord
    offer: OfferRecord
    features: Mapping[str, float]
    fact: PairFacts

    @property
    def unit(self) -> str:
        """The unit quantities and prices are compared in (``fact`` is in it)."""
        return self.requirement.unit or self.offer.unit

    @property
    def relevant(self) -> bool:
        """Whether the offer is the kind of product asked for, not only a related one."""
        return self.features.get("related", 0.0) < _RELATED

    @property
    def conditions_met(self) -> bool | None:
        """Whether the offer meets every condition the buyer set; None when none is set.

        Stars, certifications and shelf life are hard constraints every result meets; volume,
        price and delivery area are met only when the listing shows they are.
        """
        requirement, fact = self.requirement, self.fact
        met: list[bool] = []
        if (
            star_floor(requirement)
            or requirement.required_certifications
            or requirement.min_shelf_life_days is not None
        ):
            met.append(True)
        if requirement.max_unit_price_vnd is not None:
            met.append(fact.price is not None and fact.price <= requirement.max_unit_price_vnd)
        qty = requirement.quantity_per_month
        if qty is not None:
            met.append(
                fact.units_compare
                and fact.capacity is not None
                and fact.capacity >= qty
                and (fact.min_order is None or fact.min_order <= qty)
            )
        if requirement.delivery_provinces:
            met.append(
                fact.distance_km is not None
                and fact.distance_km < _FAR_KM
                and self.features.get("producer_area", 1.0) >= 1.0
            )
        return all(met) if met else None


Says = Literal["reason", "gap"]


def _no_params(pair: Pair) -> dict[str, Any]:
    return {}


def _no_variant(pair: Pair) -> str:
    return ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: when a reason or gap holds, and what it names."""

    code: str
    says: Says
    when: Callable[[Pair], bool]
    params: Callable[[Pair], dict[str, Any]] = _no_params
    # Rules sharing a group are alternatives: only the first that holds is said.
    group: str = ""
    variant: Callable[[Pair], str] = _no_variant


def _ocop_lapsed(pair: Pair) -> bool:
    """Stars the offer claims that do not count (no certificate date, or an expired one)."""
    return pair.fact.stars is None and pair.offer.ocop_stars is not None


def _capacity_asked(pair: Pair) -> bool:
    return pair.requirement.quantity_per_month is not None


def _comparable_capacity(pair: Pair) -> bool:
    return _capacity_asked(pair) and pair.fact.units_compare and pair.fact.capacity is not None


def _capacity(pair: Pair) -> dict[str, Any]:
    assert pair.fact.capacity is not None and pair.requirement.quantity_per_month is not None
    return {
        "capacity": rounded(pair.fact.capacity),
        "need": rounded(pair.requirement.quantity_per_month),
        "unit": pair.unit,
    }


def _price_asked(pair: Pair) -> bool:
    return pair.requirement.max_unit_price_vnd is not None


def _price_within(pair: Pair) -> bool:
    ceiling, offered = pair.requirement.max_unit_price_vnd, pair.fact.price
    return ceiling is not None and offered is not None and offered <= ceiling


def _price_over(pair: Pair) -> dict[str, Any]:
    ceiling, offered = pair.requirement.max_unit_price_vnd, pair.fact.price
    assert ceiling is not None and offered is not None
    return {"percent": round(100 * (offered / ceiling - 1))}


def _delivery_km(pair: Pair) -> float | None:
    """How far the producer is from the delivery area, when the buyer named one."""
    return pair.fact.distance_km if pair.requirement.delivery_provinces else None


def _unnamed_province(pair: Pair) -> str:
    province = pair.offer.province or ""
    return "unnamed" if province in lookup.province_names(province) else ""


def _required_certifications(pair: Pair) -> dict[str, Any]:
    wanted = codes(pair.requirement.required_certifications)
    return {"certification": sorted(c for c in pair.offer.certifications if c.casefold() in wanted)}


def _km(pair: Pair) -> dict[str, Any]:
    km = pair.fact.distance_km
    assert km is not None
    return {"km": rounded(km)}


def _between(value: float | None, low: float, high: float) -> bool:
    return value is not None and low <= value <= high


# In the order reasons and gaps are shown.
RULES: tuple[Rule, ...] = (
    Rule("related_product", "reason", lambda p: not p.relevant),
    Rule(
        "text_match",
        "reason",
        lambda p: (
            p.relevant
            and p.features["text"] >= _TEXT_MATCH
            and p.features["text_rel"] >= _TEXT_MATCH_RELATIVE
        ),
    ),
    Rule("weak_text_match", "gap", lambda p: p.features["text"] < _TEXT_WEAK),
    Rule(
        "same_category",
        "reason",
        lambda p: bool(p.requirement.category) and p.features["category"] >= 1.0,
        lambda p: {"category": p.offer.category},
        group="category",
    ),
    Rule(
        "same_group",
        "reason",
        lambda p: bool(p.requirement.category) and p.features["category"] > 0,
        lambda p: {"category": lookup.category_group(p.offer.category)},
        group="category",
    ),
    Rule(
        "category_different",
        "gap",
        lambda p: bool(p.requirement.category),
        lambda p: {"category": p.offer.category},
        group="category",
    ),
    Rule("meets_conditions", "reason", lambda p: p.relevant and bool(p.conditions_met)),
    Rule(
        "ocop_stars",
        "reason",
        lambda p: p.fact.stars is not None,
        lambda p: {"stars": p.fact.stars},
    ),
    Rule(
        "potential_five_star",
        "reason",
        lambda p: p.fact.stars == 4 and p.offer.ocop_potential_five_star,
    ),
    Rule(
        "certificate_expiring",
        "gap",
        lambda p: (
            p.fact.stars is not None
            and _between(p.fact.certificate_days_left, float("-inf"), _EXPIRY_WARNING_DAYS)
        ),
        lambda p: {"days": p.fact.certificate_days_left},
    ),
    # Stars without a certificate date cannot be checked, so they do not count.
    Rule(
        "certificate_date_missing",
        "gap",
        lambda p: _ocop_lapsed(p) and p.offer.ocop_certified_until is None,
        group="no_stars",
    ),
    Rule("certificate_expired", "gap", _ocop_lapsed, group="no_stars"),
    Rule("no_ocop_rating", "gap", lambda p: p.fact.stars is None, group="no_stars"),
    Rule(
        "certifications_ok",
        "reason",
        lambda p: bool(p.requirement.required_certifications),
        _required_certifications,
    ),
    Rule(
        "shelf_life_ok",
        "reason",
        lambda p: (
            p.requirement.min_shelf_life_days is not None and p.offer.shelf_life_days is not None
        ),
        lambda p: {"days": p.offer.shelf_life_days, "minimum": p.requirement.min_shelf_life_days},
    ),
    Rule(
        "shelf_life_missing",
        "gap",
        lambda p: (
            p.offer.shelf_life_days is None and p.offer.category.startswith(("food", "beverage"))
        ),
    ),
    Rule(
        "unit_mismatch",
        "gap",
        lambda p: _capacity_asked(p) and not p.fact.units_compare,
        lambda p: {"offer_unit": p.offer.unit, "unit": p.unit},
        group="capacity",
    ),
    Rule(
        "capacity_unknown",
        "gap",
        lambda p: _capacity_asked(p) and p.fact.capacity is None,
        group="capacity",
    ),
    Rule(
        "capacity_ok",
        "reason",
        lambda p: (
            _comparable_capacity(p)
            and (p.fact.capacity or 0) >= (p.requirement.quantity_per_month or 0)
        ),
        _capacity,
        group="capacity",
    ),
    Rule("capacity_short", "gap", _comparable_capacity, _capacity, group="capacity"),
    Rule(
        "min_order_above",
        "gap",
        lambda p: (
            _capacity_asked(p)
            and p.fact.min_order is not None
            and p.fact.min_order > (p.requirement.quantity_per_month or 0)
        ),
        lambda p: {"min_order": rounded(p.fact.min_order or 0), "unit": p.unit},
    ),
    Rule(
        "price_unknown",
        "gap",
        lambda p: _price_asked(p) and p.fact.price is None,
        group="price",
    ),
    Rule(
        "price_ok",
        "reason",
        _price_within,
        lambda p: {
            "price": rounded(p.fact.price or 0),
            "ceiling": p.requirement.max_unit_price_vnd,
            "unit": p.unit,
        },
        group="price",
    ),
    Rule("price_above", "gap", _price_asked, _price_over, group="price"),
    Rule(
        "in_delivery_area",
        "reason",
        lambda p: _delivery_km(p) == 0 and bool(p.offer.province),
        lambda p: {"province": p.offer.province},
        group="distance",
        variant=_unnamed_province,
    ),
    Rule("nearby", "reason", lambda p: _between(_delivery_km(p), 0, _NEARBY_KM), _km, "distance"),
    Rule(
        "far_from_delivery",
        "gap",
        lambda p: _between(_delivery_km(p), _FAR_KM, float("inf")),
        _km,
        "distance",
    ),
    Rule("traceable", "reason", lambda p: bool(p.offer.traceability_url), group="traceability"),
    Rule("no_traceability", "gap", lambda p: True, group="traceability"),
    Rule(
        "export_experience",
        "reason",
        lambda p: p.requirement.buyer_type == "exporter" and bool(p.offer.export_markets),
        lambda p: {"country": sorted(m.upper() for m in p.offer.export_markets)},
    ),
    Rule(
        "stale_listing",
        "gap",
        lambda p: _between(p.fact.listing_age_days, _STALE_DAYS + 1, float("inf")),
        lambda p: {"months": (p.fact.listing_age_days or 0) // 30},
    ),
    Rule(
        "recently_updated",
        "reason",
        lambda p: _between(p.fact.listing_age_days, float("-inf"), _RECENT_DAYS),
    ),
    Rule("responsive_producer", "reason", lambda p: p.features["responsiveness"] >= 0.7),
    Rule("slow_to_respond", "gap", lambda p: p.features["responsiveness"] <= 0.2),
    Rule("outside_service_area", "gap", lambda p: p.features.get("producer_area", 1.0) < 1.0),
    Rule(
        "buyer_type_not_targeted",
        "gap",
        lambda p: p.features.get("producer_buyer_type", 1.0) < 1.0,
    ),
)

# When no rule finds a reason, a suggested offer still relates to the request.
_FALLBACK = Explanation("related_product", variant="to_request")


def explain(
    requirement: RequirementRecord,
    offer: OfferRecord,
    features: Mapping[str, float],
    fact: PairFacts,
) -> tuple[tuple[Explanation, ...], tuple[Explanation, ...]]:
    """The reasons and gaps shown with a match; every eligible pair gets at least one reason."""
    pair = Pair(requirement, offer, features, fact)
    said: dict[Says, list[Explanation]] = {"reason": [], "gap": []}
    spoken: set[str] = set()
    for rule in RULES:
        if (rule.group and rule.group in spoken) or not rule.when(pair):
            continue
        if rule.group:
            spoken.add(rule.group)
        said[rule.says].append(Explanation(rule.code, rule.params(pair), rule.variant(pair)))
    return tuple(said["reason"]) or (_FALLBACK,), tuple(said["gap"])

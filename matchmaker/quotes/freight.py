"""The delivered cost of a quote: its price in the requirement's unit plus an estimate of the
freight to each of the requirement's delivery provinces (the buyer's own when it names none).

The estimate is deliberately simple and said to be one: the straight line between the two
provincial centres times a road factor, times what one unit weighs, times a rate per
tonne-kilometre (:class:`~matchmaker.settings.FreightSettings`). A quote whose producer
delivers to that province (``delivered``, to it or nationwide) has nothing added. Where the
distance or the weight of a unit is unknown there is no estimate rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.catalog.models import Requirement
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.ranking import lookup, reference
from matchmaker.settings import FreightSettings


@dataclass(frozen=True)
class Delivery:
    """One unit brought to one province."""

    province: str
    # Road kilometres (estimated); None when a province has no known position.
    distance_km: float | None
    # The producer brings it there at the quoted price.
    by_producer: bool
    freight_per_unit: float | None
    cost_per_unit: float | None


def destinations(requirement: Requirement) -> list[str]:
    """Where the goods go: the requirement's delivery provinces, else the buyer's own."""
    if requirement.delivery_provinces:
        return list(requirement.delivery_provinces)
    province = requirement.buyer.province if requirement.buyer else None
    return [province] if province else []


def tonnes_per_unit(unit: str, rates: FreightSettings) -> float | None:
    """What one ``unit`` weighs, in tonnes; None for a count unit with no weight set."""
    try:
        found = reference.get_unit(unit)
    except reference.UnknownReference:
        return None
    if found.dimension == "mass":
        return found.factor / 1000
    if found.dimension == "volume":
        return found.factor * rates.kg_per_liter / 1000
    kg = rates.count_unit_kg.get(found.code)
    return kg / 1000 if kg is not None else None


def delivers_to(terms: QuoteRevision, province: str) -> bool:
    return terms.delivery_terms == "delivered" and (
        not terms.delivery_provinces or province in terms.delivery_provinces
    )


def deliveries(
    requirement: Requirement,
    quote: Quote,
    price_per_wanted_unit: float | None,
    rates: FreightSettings,
) -> list[Delivery]:
    """The cost of one of the requirement's units at each of its destinations."""
    terms = quote.latest
    weight = tonnes_per_unit(requirement.unit, rates) if requirement.unit else None
    found = []
    for province in destinations(requirement):
        if delivers_to(terms, province):
            found.append(Delivery(province, None, True, 0.0, price_per_wanted_unit))
            continue
        origin = quote.offer.province
        straight = lookup.distance_km(origin, province) if origin else None
        km = straight * rates.road_factor if straight is not None else None
        freight = (
            km * weight * rates.vnd_per_tonne_km if km is not None and weight is not None else None
        )
        cost = (
            price_per_wanted_unit + freight
            if freight is not None and price_per_wanted_unit is not None
            else None
        )
        found.append(Delivery(province, km, False, freight, cost))
    return found


def delivered_cost(found: list[Delivery]) -> float | None:
    """One figure to sort by: the cost at the dearest destination (the buyer pays at most
    that); None unless every destination has an estimate."""
    costs = [d.cost_per_unit for d in found]
    if not costs or any(c is None for c in costs):
        return None
    return max(c for c in costs if c is not None)

"""The records the sample generator produces, named as the domain names them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class SampleOrganization:
    """A producer (``entity_type`` set) or a buyer (``buyer_type`` set); ``province`` is the
    code of a current province."""

    key: str
    kind: str
    name: str
    entity_type: str | None
    buyer_type: str | None
    province: str
    address: str
    contact_email: str
    phone: str
    preferred_language: str


@dataclass(frozen=True, slots=True)
class SampleOffer:
    """A producer's product. ``product_kind`` is the ground truth of what the product is
    ("fish_sauce"), for labelling ranking evaluations; it is not shown to users."""

    key: str
    producer_key: str
    title: str
    description: str
    category: str
    ocop_stars: int | None
    ocop_potential_five_star: bool
    ocop_certified_on: date | None
    ocop_certified_until: date | None
    ocop_decision_number: str | None
    certifications: tuple[str, ...]
    province: str
    unit: str
    monthly_capacity: int
    min_order_quantity: int
    unit_price_vnd: int
    shelf_life_days: int | None
    export_markets: tuple[str, ...]
    traceability_url: str | None
    status: str
    product_kind: str


@dataclass(frozen=True, slots=True)
class SampleRequirement:
    """A buyer's need as buyers write it: only ``title`` is always there."""

    key: str
    buyer_key: str
    title: str
    description: str
    category: str | None
    min_ocop_stars: int | None
    required_certifications: tuple[str, ...]
    unit: str | None
    quantity_per_month: int | None
    max_unit_price_vnd: int | None
    delivery_provinces: tuple[str, ...]
    min_shelf_life_days: int | None
    needed_by: date | None
    valid_until: date | None
    status: str
    product_kind: str
    language: str


@dataclass(frozen=True, slots=True)
class SampleSet:
    organizations: tuple[SampleOrganization, ...]
    offers: tuple[SampleOffer, ...]
    requirements: tuple[SampleRequirement, ...]

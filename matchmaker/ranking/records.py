"""Plain records the ranking engine works on, independent of the database models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class OfferRecord:
    """A producer's product as the ranking sees it (see the Offer in the product brief)."""

    id: str
    title: str
    category: str
    unit: str
    producer_id: str = ""
    producer_type: str | None = None  # enterprise | cooperative | cooperative_group | household
    province: str | None = None  # current province code (the producer's when not given)
    description: str = ""
    ocop_stars: int | None = None
    ocop_potential_five_star: bool = False
    ocop_certified_until: date | None = None
    certifications: frozenset[str] = frozenset()
    monthly_capacity: float | None = None
    min_order_quantity: float | None = None
    unit_price_vnd: float | None = None
    shelf_life_days: int | None = None
    export_markets: frozenset[str] = frozenset()
    traceability_url: str | None = None
    status: str = "active"  # active | paused | archived
    updated_at: datetime | None = None
    # What the producer wants from buyers, for the reciprocal fit; empty means "any".
    serves_provinces: frozenset[str] = frozenset()
    wanted_buyer_types: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    """A buyer's need; only the title is required, every other field narrows the results."""

    id: str
    title: str
    description: str = ""
    category: str | None = None
    min_ocop_stars: int | None = None
    required_certifications: frozenset[str] = frozenset()
    unit: str | None = None
    quantity_per_month: float | None = None
    max_unit_price_vnd: float | None = None  # per `unit`
    delivery_provinces: frozenset[str] = frozenset()  # empty = nationwide
    min_shelf_life_days: int | None = None
    needed_by: date | None = None
    valid_until: date | None = None
    status: str = "open"  # open | paused | closed
    buyer_type: str | None = None
    buyer_id: str = ""
    buyer_province: str | None = None
    # The buyer may allow more than two offers of one producer in a top ten.
    max_offers_per_producer: int | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """One reason or gap: a stable code and what the sentence needs, never the sentence.

    The edge says it in the reader's language. ``variant`` picks another wording of the same
    code (a province without a name, the fallback reason); parameters are JSON values: numbers,
    reference codes (``category``, ``province``, ``unit``, ``certification``), country codes.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    variant: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "params": dict(self.params)}
        if self.variant:
            out["variant"] = self.variant
        return out


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A ranked (requirement, offer) pair with what fits and what is missing."""

    requirement_id: str
    offer_id: str
    producer_id: str
    score: float  # 0..1, how good the match is for both sides
    rank: int  # 1-based position in the returned list
    reasons: tuple[Explanation, ...]
    gaps: tuple[Explanation, ...]
    features: Mapping[str, float] = field(default_factory=dict)
    # Not the kind of product asked for, only a related one: shown apart, after the others.
    related: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "related": self.related,
            "requirement_id": self.requirement_id,
            "offer_id": self.offer_id,
            "producer_id": self.producer_id,
            "score": round(self.score, 4),
            "rank": self.rank,
            "reasons": [r.as_dict() for r in self.reasons],
            "gaps": [g.as_dict() for g in self.gaps],
        }


@dataclass(frozen=True, slots=True)
class PooledMatch:
    """Several producers of the same kind of product who together cover a buyer's volume."""

    requirement_id: str
    offer_ids: tuple[str, ...]
    producer_ids: tuple[str, ...]
    combined_capacity: float  # in the requirement's unit
    score: float
    reasons: tuple[Explanation, ...]
    gaps: tuple[Explanation, ...]

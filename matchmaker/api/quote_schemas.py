"""Request and response shapes of the quotes API (v1), also its OpenAPI schemas.

The request bodies are the quote use cases' own input models (:mod:`matchmaker.quotes.inputs`,
where their rules are written once), named here for the document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from matchmaker.api.conversation_schemas import AttachmentOut
from matchmaker.api.schemas import Explanation, OfferSummary, Request, RequirementSummary, Schema
from matchmaker.inputs import MULTILINE
from matchmaker.quotes import inputs


class QuoteCreate(inputs.QuoteInput, Schema):
    """A quote: one of your offers, its price per unit and the terms."""


class QuotePatch(inputs.QuoteChanges, Schema):
    """The terms to change: a new revision, the earlier ones kept."""


class QuotePath(Schema):
    quote_id: int = Field(..., ge=1, le=2**31 - 1)


class QuoteRequirementPath(Schema):
    requirement_id: int = Field(..., ge=1, le=2**31 - 1)


class QuoteSort(Request):
    sort: Literal["price", "delivered", "stars"] = Field(
        "price",
        description="`price`: cheapest in the requirement's unit first (those that do not "
        "convert last); `delivered`: cheapest delivered (estimate) first, those without an "
        "estimate last; `stars`: most valid OCOP stars first.",
    )


class QuoteDecline(Request):
    reason: Annotated[str, MULTILINE] = Field(..., max_length=500)


class QuoteTerms(Schema):
    """One revision of a quote's terms."""

    number: int
    unit_price_vnd: int
    unit: str
    min_order_quantity: float | None
    monthly_volume: float | None
    lead_time_days: int | None
    delivery_terms: str
    delivery_provinces: list[str]
    valid_until: date | None
    samples_available: bool
    note: str
    created_at: datetime


class QuoteOut(Schema):
    id: int
    requirement_id: int
    offer_id: int
    organization_id: int
    status: str
    decline_reason: str | None
    deal_value_vnd: int | None = Field(description="A month of the deal, once accepted.")
    terms: QuoteTerms = Field(description="The latest revision.")
    history: list[QuoteTerms] = Field(description="Every revision, oldest first.")
    created_at: datetime
    updated_at: datetime


class DeliveryOut(Schema):
    """One of the requirement's units brought to one of its delivery provinces: an estimate."""

    province: str = Field(
        description="A delivery province of the requirement (the buyer's own when it names none)."
    )
    distance_km: float | None = Field(
        description="Estimated road distance from the producer's province; null when the "
        "producer delivers there or a province's position is unknown."
    )
    by_producer: bool = Field(description="The quote is delivered there: no freight added.")
    freight_per_unit: float | None = Field(
        description="Estimated freight per requested unit (VND)."
    )
    cost_per_unit: float | None = Field(description="Price plus freight per requested unit (VND).")


class FreightOut(Schema):
    """The rates behind every delivered-cost estimate."""

    vnd_per_tonne_km: float
    road_factor: float = Field(description="Road distance over the straight line.")
    kg_per_liter: float
    count_unit_kg: dict[str, float] = Field(description="Assumed weight of one count unit.")


class QuoteLineOut(Schema):
    quote: QuoteOut
    offer: OfferSummary
    comparable: bool = Field(description="Whether the quote's unit converts to the requirement's.")
    price_per_wanted_unit: float | None = Field(
        description="The price of one of the requirement's units (VND); null: not comparable."
    )
    min_order_in_wanted_unit: float | None
    volume_in_wanted_unit: float | None
    min_order_fits: bool | None = Field(description="The minimum order is within the volume.")
    covers_volume: bool | None = Field(description="The committed volume covers the volume.")
    within_price_ceiling: bool | None
    certificate_valid: bool | None = Field(
        description="The OCOP certificate is valid on the delivery day; null: no stars."
    )
    stars: int | None = Field(description="OCOP stars that still count on the delivery day.")
    delivered_cost: float | None = Field(
        description="Estimate: the price per requested unit plus freight to the farthest "
        "delivery province (nothing added where the producer delivers); null when a distance, "
        "a unit's weight or the price in the requested unit is unknown."
    )
    freight_estimate: float | None = Field(description="The freight part of `delivered_cost`.")
    deliveries: list[DeliveryOut]
    match_id: int | None
    attachments: list[AttachmentOut] = Field(
        description="The producer's files on the quote (certificate scans, price lists)."
    )
    reasons: list[Explanation]
    gaps: list[Explanation]


class QuoteComparisonOut(Schema):
    requirement: RequirementSummary
    delivery_on: date = Field(description="The day stars and certificates are judged on.")
    freight: FreightOut = Field(description="The rates the delivered costs are estimated at.")
    items: list[QuoteLineOut]

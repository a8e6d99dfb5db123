"""Request and response shapes of API v1; they are also the OpenAPI document's schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from matchmaker import reference


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] | None = None


class ProvinceOut(BaseModel):
    code: str
    name: str
    name_en: str

    @classmethod
    def from_code(cls, code: str | None) -> ProvinceOut | None:
        if not code:
            return None
        province = reference.get_province(code)
        return cls(code=province.code, name=province.name_vi, name_en=province.name_en)


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(50, ge=1, le=200, description="Items per page (1-200).")
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    page: int | None = Field(None, ge=1, description="Page number, instead of a cursor.")


class OfferQuery(PageQuery):
    status: str | None = Field(None, description="active, paused or archived (default active).")
    category: str | None = Field(None, description="A group or sub-group code.")
    province: str | None = Field(None, description="Code or any spelling of a province.")
    min_stars: int | None = Field(None, ge=3, le=5)
    certification: str | None = None
    organization_id: int | None = None
    updated_since: datetime | None = None


class OfferOut(BaseModel):
    id: int
    organization_id: int
    producer_name: str
    title: str
    description: str
    category: str
    ocop_stars: int | None
    ocop_potential_five_star: bool
    ocop_certified_on: date | None
    ocop_certified_until: date | None
    ocop_decision_number: str | None
    certifications: list[str]
    province: ProvinceOut
    province_text: str | None
    unit: str
    monthly_capacity: float | None
    min_order_quantity: float | None
    unit_price_vnd: int | None
    shelf_life_days: int | None
    export_markets: list[str]
    traceability_url: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime


class OfferPage(BaseModel):
    items: list[OfferOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class OfferPath(BaseModel):
    offer_id: int = Field(..., ge=1, le=2**31 - 1)


class ReferencePath(BaseModel):
    kind: str = Field(..., pattern="^(provinces|categories|certifications|units)$")


class ReferenceItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    name: str
    name_en: str


class ReferenceList(BaseModel):
    items: list[ReferenceItem]

"""What a quote takes: the single source of the rules on a quote's terms.

The API's request bodies subclass these models and the pages build them from the form; a
broken rule comes back as a coded :class:`~matchmaker.errors.Invalid` whatever the caller.
The field types are the catalog's (a price, a quantity, a unit code, provinces), so that a
quote reads a price or a unit exactly as an offer does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from matchmaker.catalog.inputs import (
    CHANGES,
    ChangedUnit,
    Changes,
    Day,
    Provinces,
    Quantity,
    UnitCode,
    _choice,
    _code,
    _enum,
    _flag,
    _number,
)
from matchmaker.errors import FieldProblem, field_error
from matchmaker.inputs import MULTILINE, Input
from matchmaker.quotes.models import DELIVERY_TERMS

NOTE_LENGTH = 2000

LeadTime = Annotated[
    Annotated[int, Field(ge=0, le=365, description="Days from order to delivery.")] | None,
    BeforeValidator(_number(strict=False, integer=True)),
]
DeliveryTerms = Annotated[
    str,
    BeforeValidator(_choice(DELIVERY_TERMS, default="ex_works")),
    Field(json_schema_extra=_enum(DELIVERY_TERMS)),
]
Note = Annotated[str, MULTILINE, Field(max_length=NOTE_LENGTH)]
Samples = Annotated[bool, BeforeValidator(_flag)]
Price = Annotated[int, Field(ge=0, le=10**13)]


def _required_price(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("field.required", "field.required")
    return value


class QuoteFieldsInput(Input, BaseModel):  # BaseModel named for the linter: a pydantic model
    min_order_quantity: Quantity = Field(None, description="In the quote's unit.")
    monthly_volume: Quantity = Field(
        None, description="What the producer commits to deliver each month, in the quote's unit."
    )
    lead_time_days: LeadTime = None
    delivery_terms: DeliveryTerms = Field(
        "ex_works", description="`ex_works`: collected at the producer; `delivered`: brought."
    )
    delivery_provinces: Provinces = Field(
        [], description="Where it is delivered, with `delivered` (empty: nationwide)."
    )
    valid_until: Day = Field(None, description="The last day the price holds.")
    samples_available: Samples = False
    note: Note = ""

    @field_validator("valid_until")
    @classmethod
    def _not_past(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today") or date.today()
        if value is not None and value < today:
            raise PydanticCustomError("field.past_date", "field.past_date")
        return value

    @field_validator("note", mode="before")
    @classmethod
    def _trimmed(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else ("" if value is None else value)

    def values(self) -> dict[str, Any]:
        """The fields given (all of them for a new quote)."""
        return self.model_dump(exclude_unset=isinstance(self, Changes), exclude={"offer_id"})


class QuoteInput(QuoteFieldsInput):
    """A new quote: which of the producer's offers, and its terms."""

    offer_id: int = Field(ge=1, le=2**31 - 1, description="One of the producer's offers.")
    unit_price_vnd: Annotated[Price, BeforeValidator(_required_price)] = Field(
        description="Price in VND of one `unit`."
    )
    unit: Annotated[UnitCode, BeforeValidator(_code("unit", required=True))]


class QuoteChanges(Changes, QuoteFieldsInput):
    """The terms to change: a new revision with these, the others as they were."""

    model_config = CHANGES

    unit_price_vnd: Annotated[Price | None, BeforeValidator(_required_price)] = None
    unit: ChangedUnit = None


def quote_problems(terms: Mapping[str, Any]) -> list[FieldProblem]:
    """The rules across a quote's terms, on its values as they will be after a change."""
    if terms.get("delivery_provinces") and terms.get("delivery_terms") != "delivered":
        return [field_error("delivery_provinces", "quote.provinces_need_delivery")]
    return []

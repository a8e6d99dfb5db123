"""What each catalog use case takes: the single source of the rules on offers, requirements and
organizations.

The API's request bodies subclass these models, and the pages and the importer build them from
what was typed; a broken rule comes back as a coded :class:`~matchmaker.errors.Invalid` whatever
the caller (:func:`matchmaker.inputs.parse`), each field error carrying a ``field.*``,
``offer.*`` or ``requirement.*`` code.

Rules on one field live on its type; rules across fields (certificate dates, the potential
five-star flag, a quantity's unit) are checked on the values as they will be after a change,
by :func:`offer_problems` and :func:`requirement_problems`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Annotated, Any, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from matchmaker.catalog.models import (
    BUYER_TYPES,
    ENTITY_TYPES,
    LANGUAGES,
    OFFER_STATUSES,
    ORGANIZATION_KINDS,
    REQUIREMENT_STATUSES,
)
from matchmaker.errors import FieldProblem, field_error
from matchmaker.inputs import MULTILINE, NO_LINKS, Input
from matchmaker.ranking import reference

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
OCOP_VALIDITY_MONTHS = 36


def _fail(code: str, **params: Any) -> NoReturn:
    raise PydanticCustomError(code, code, params)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: day 28 exists in every month")


# --- one field's rules ----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """Text as typed, trimmed; blank is no text."""
    if value is None:
        return None
    if not isinstance(value, str):
        _fail("field.text")
    return value.strip() or None


def _required_text(value: Any) -> str:
    text = _text(value)
    if text is None:
        _fail("field.required")
    return text


def _description(value: Any) -> str:
    return _text(value) or ""


def _url(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not URL.match(text):
        _fail("field.url")
    return text


def _email(value: Any) -> str | None:
    text = _text(value)
    if text is not None and not EMAIL.match(text):
        _fail("field.email")
    return text


def _number(*, strict: bool, integer: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            _fail("field.number")
        if value != value or value in (float("inf"), float("-inf")):
            _fail("field.number")
        if integer and value != int(value):
            _fail("field.whole_number")
        if strict and value <= 0:
            _fail("field.positive")
        if value < 0:
            _fail("field.not_negative")
        return int(value) if integer else float(value)

    return check


def _stars(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in (3, 4, 5):
        _fail("offer.stars", allowed=[3, 4, 5])
    return value


def _plausible_day(value: date) -> date:
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        _fail("field.date")
    return value


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    _fail("field.date")


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        _fail("field.boolean")
    return value


def _choice(allowed: Iterable[str], *, default: str | None = None) -> Callable[[Any], Any]:
    allowed = tuple(allowed)

    def check(value: Any) -> Any:
        if value is None:
            return default
        if value not in allowed:
            _fail("field.choice", allowed=list(allowed))
        return value

    return check


def _kind(value: Any) -> str:
    if value is None:
        _fail("field.required", allowed=list(ORGANIZATION_KINDS))
    return _choice(ORGANIZATION_KINDS)(value)  # type: ignore[no-any-return]


def _known(kind: str) -> list[str]:
    items: tuple[Any, ...] = {
        "certification": reference.certifications,
        "category": reference.categories,
        "unit": reference.units,
    }[kind]()
    return [item.code for item in items]


def _code(kind: str, *, required: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None or value == "":
            if required:
                _fail("field.required")
            return None
        known = _known(kind)
        if value not in known:
            _fail("field.choice", allowed=known)
        return value

    return check


def _a_list(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, list | tuple | set):
        _fail("field.list")
    return list(values)


def _codes(kind: str) -> Callable[[Any], list[str]]:
    def check(values: Any) -> list[str]:
        values = _a_list(values)
        known = set(_known(kind))
        unknown = [v for v in values if v not in known]
        if unknown:
            _fail("field.unknown_codes", codes=[str(v) for v in unknown], allowed=sorted(known))
        return list(dict.fromkeys(values))

    return check


def _province(*, required: bool) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or value == "":
            if required:
                _fail("field.required")
            return None
        match = reference.resolve_province(str(value))
        if match is None:
            _fail("field.province", value=str(value))
        return match.province.code

    return check


def _provinces(values: Any) -> list[str]:
    codes, unknown = [], []
    for value in _a_list(values):
        match = reference.resolve_province(str(value))
        if match is None:
            unknown.append(str(value))
        else:
            codes.append(match.province.code)
    if unknown:
        _fail("field.provinces", values=unknown)
    return list(dict.fromkeys(codes))


def _countries(values: Any) -> list[str]:
    cleaned = [str(v).strip().upper() for v in _a_list(values)]
    bad = [v for v in cleaned if not COUNTRY.match(v)]
    if bad:
        _fail("field.countries", values=bad)
    return list(dict.fromkeys(cleaned))


def _buyer_types(values: Any) -> list[str]:
    wanted = _a_list(values)
    if any(w not in BUYER_TYPES for w in wanted):
        _fail("field.choice", allowed=list(BUYER_TYPES))
    return list(dict.fromkeys(wanted))


def _enum(values: Iterable[str]) -> dict[str, Any]:
    return {"enum": list(values)}


def _listed(kind: str) -> dict[str, Any]:
    """The codes of a reference list, for the API's document: generated clients get them as
    enumerations (the rule itself names the allowed ones when it refuses a value)."""
    return _enum(_known(kind))


Title = Annotated[str, BeforeValidator(_required_text), Field(min_length=1, max_length=300)]
Description = Annotated[str, MULTILINE, BeforeValidator(_description), Field(max_length=10_000)]
# An organization's name: it heads the emails the other side gets, where a web address in it
# would be a link that seems to come from us.
Name = Annotated[
    str, NO_LINKS, BeforeValidator(_required_text), Field(min_length=1, max_length=300)
]
DecisionNumber = Annotated[Annotated[str, Field(max_length=120)] | None, BeforeValidator(_text)]
Stars = Annotated[
    Annotated[int, Field(ge=3, le=5, description="OCOP stars: 3, 4 or 5")] | None,
    BeforeValidator(_stars),
]
Day = Annotated[
    Annotated[date, AfterValidator(_plausible_day)] | None,
    BeforeValidator(_date),
    Field(description="A date from 1990-01-01 to 2100-12-31."),
]
Quantity = Annotated[
    Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False)] | None,
    BeforeValidator(_number(strict=True, integer=False)),
]
PriceVnd = Annotated[
    Annotated[int, Field(ge=0, le=10**13)] | None,
    BeforeValidator(_number(strict=False, integer=True)),
]
Days = Annotated[
    Annotated[int, Field(ge=1, le=36_500)] | None,
    BeforeValidator(_number(strict=True, integer=True)),
]
ProvinceText = Annotated[
    str, Field(description="Code or any spelling of a current or pre-2025 name.", max_length=120)
]
CategoryCode = Annotated[str, Field(max_length=64, json_schema_extra=_listed("category"))]
UnitCode = Annotated[str, Field(max_length=64, json_schema_extra=_listed("unit"))]
CertificationCode = Annotated[str, Field(max_length=64, json_schema_extra=_listed("certification"))]
Certifications = Annotated[
    list[CertificationCode], Field(max_length=30), BeforeValidator(_codes("certification"))
]
Provinces = Annotated[list[ProvinceText], Field(max_length=34), BeforeValidator(_provinces)]
ExportMarkets = Annotated[
    list[Annotated[str, Field(max_length=2)]], Field(max_length=250), BeforeValidator(_countries)
]
Url = Annotated[Annotated[str, Field(max_length=1000)] | None, BeforeValidator(_url)]
ChangedTitle = Annotated[
    Annotated[str, Field(min_length=1, max_length=300)] | None, BeforeValidator(_required_text)
]
ChangedName = Annotated[
    Annotated[str, Field(min_length=1, max_length=300)] | None,
    NO_LINKS,
    BeforeValidator(_required_text),
]
Category = Annotated[CategoryCode | None, BeforeValidator(_code("category", required=False))]
Unit = Annotated[UnitCode | None, BeforeValidator(_code("unit", required=False))]
ChangedCategory = Annotated[CategoryCode | None, BeforeValidator(_code("category", required=True))]
ChangedUnit = Annotated[UnitCode | None, BeforeValidator(_code("unit", required=True))]


class CatalogInput(Input, BaseModel):  # BaseModel named for the linter: a pydantic model
    """A catalog record's fields as typed; values are the record's own once validated."""

    def values(self) -> dict[str, Any]:
        """The fields given (all of them for a new record), as the record stores them."""
        return self.model_dump(exclude_unset=isinstance(self, Changes))


class Changes:
    """Marks an input as a change: the fields left out stay as they are."""


def without_defaults(schema: dict[str, Any]) -> None:
    """A change's document shows no defaults: a field left out keeps its value, and a client
    that sent the defaults would undo what it did not mean to change."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


CHANGES = ConfigDict(extra="forbid", json_schema_extra=without_defaults)


class Located(CatalogInput):
    """A record with a province: the text as typed is kept when it is not the code."""

    province: Any = None
    _province_text: str | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _keep_typed_province(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        model = handler(data)
        if isinstance(data, Mapping) and data.get("province") not in (None, ""):
            text = str(data["province"]).strip()
            model._province_text = None if text == model.province else text
        return model

    def typed(self) -> dict[str, Any]:
        """The fields given, as typed: for a caller that hands them on to be read again."""
        given = self.model_dump(exclude_unset=True)
        if self._province_text is not None:
            given["province"] = self._province_text
        return given

    def values(self) -> dict[str, Any]:
        values = super().values()
        if "province" in self.model_fields_set:
            values["province_text"] = self._province_text
        else:
            values.pop("province", None)
        return values


# --- offers ---------------------------------------------------------------------------------


OfferStatus = Annotated[
    str,
    BeforeValidator(_choice(OFFER_STATUSES, default="active")),
    Field(json_schema_extra=_enum(OFFER_STATUSES)),
]
OfferProvince = Annotated[ProvinceText | None, BeforeValidator(_province(required=True))]


class OfferFieldsInput(Located):
    description: Description = ""
    ocop_stars: Stars = None
    ocop_potential_five_star: Annotated[bool, BeforeValidator(_flag)] = False
    ocop_certified_on: Day = None
    ocop_certified_until: Day = None
    ocop_decision_number: DecisionNumber = None
    certifications: Certifications = []
    province: OfferProvince = Field(None, description="Left out: the producer's province.")
    monthly_capacity: Quantity = None
    min_order_quantity: Quantity = None
    unit_price_vnd: PriceVnd = None
    shelf_life_days: Days = None
    export_markets: ExportMarkets = []
    traceability_url: Url = None
    status: OfferStatus = "active"


class OfferInput(OfferFieldsInput):
    """A new offer."""

    title: Title
    category: Annotated[CategoryCode, BeforeValidator(_code("category", required=True))]
    unit: Annotated[UnitCode, BeforeValidator(_code("unit", required=True))]


class OfferChanges(Changes, OfferFieldsInput):
    """The fields of an offer to change."""

    model_config = CHANGES

    title: ChangedTitle = None
    category: ChangedCategory = None
    unit: ChangedUnit = None


OFFER_FIELDS = tuple(OfferInput.model_fields)


def offer_problems(offer: Mapping[str, Any], *, today: date | None = None) -> list[FieldProblem]:
    """The rules across an offer's fields, on its values as they will be after a change."""
    today = today or date.today()
    problems = []
    stars, since, until = (
        offer.get("ocop_stars"),
        offer.get("ocop_certified_on"),
        offer.get("ocop_certified_until"),
    )
    if since and until and until <= since:
        problems.append(field_error("ocop_certified_until", "offer.expiry_before_issue"))
    if since and until and until > add_months(since, OCOP_VALIDITY_MONTHS):
        problems.append(
            field_error(
                "ocop_certified_until", "offer.certificate_too_long", count=OCOP_VALIDITY_MONTHS
            )
        )
    if since and since > today:
        problems.append(field_error("ocop_certified_on", "field.future_date"))
    if offer.get("ocop_potential_five_star") and stars != 4:
        problems.append(field_error("ocop_potential_five_star", "offer.potential_five_star"))
    if stars is None and (since or until):
        problems.append(field_error("ocop_stars", "offer.stars_required"))
    return problems


def certificate_expiry(offer: Mapping[str, Any]) -> date | None:
    """The stated expiry, or 36 months from the certification date when only that is known."""
    if offer.get("ocop_certified_until"):
        return offer["ocop_certified_until"]  # type: ignore[no-any-return]
    if offer.get("ocop_certified_on"):
        return add_months(offer["ocop_certified_on"], OCOP_VALIDITY_MONTHS)
    return None


# --- requirements ---------------------------------------------------------------------------


RequirementStatus = Annotated[
    str,
    BeforeValidator(_choice(REQUIREMENT_STATUSES, default="open")),
    Field(json_schema_extra=_enum(REQUIREMENT_STATUSES)),
]


class RequirementFieldsInput(CatalogInput):
    description: Description = ""
    category: Category = None
    min_ocop_stars: Stars = None
    required_certifications: Certifications = []
    unit: Unit = None
    quantity_per_month: Quantity = None
    max_unit_price_vnd: PriceVnd = None
    delivery_provinces: Provinces = []
    min_shelf_life_days: Days = None
    needed_by: Day = None
    valid_until: Day = None
    status: RequirementStatus = "open"

    @field_validator("valid_until")
    @classmethod
    def _not_past(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today") or date.today()
        if value is not None and value < today:
            _fail("field.past_date")
        return value


class RequirementInput(RequirementFieldsInput):
    """A new requirement."""

    title: Title


class RequirementChanges(Changes, RequirementFieldsInput):
    """The fields of a requirement to change."""

    model_config = CHANGES

    title: ChangedTitle = None


REQUIREMENT_FIELDS = tuple(RequirementInput.model_fields)


def requirement_problems(requirement: Mapping[str, Any]) -> list[FieldProblem]:
    """The rules across a requirement's fields, on its values as they will be after a change."""
    if requirement.get("quantity_per_month") and not requirement.get("unit"):
        return [field_error("unit", "requirement.unit_required")]
    return []


# --- organizations --------------------------------------------------------------------------
EntityType = Annotated[
    str | None, BeforeValidator(_choice(ENTITY_TYPES)), Field(json_schema_extra=_enum(ENTITY_TYPES))
]
BuyerType = Annotated[
    str | None, BeforeValidator(_choice(BUYER_TYPES)), Field(json_schema_extra=_enum(BUYER_TYPES))
]
Language = Annotated[
    str | None,
    BeforeValidator(_choice(LANGUAGES, default="vi")),
    Field(json_schema_extra=_enum(LANGUAGES)),
]


OrganizationKind = Annotated[
    str, BeforeValidator(_kind), Field(json_schema_extra=_enum(ORGANIZATION_KINDS))
]
BuyerTypes = Annotated[
    list[Annotated[str, Field(json_schema_extra=_enum(BUYER_TYPES))]],
    Field(max_length=len(BUYER_TYPES)),
    BeforeValidator(_buyer_types),
]


class OrganizationFieldsInput(Located):
    entity_type: EntityType = None
    buyer_type: BuyerType = None
    province: Annotated[ProvinceText | None, BeforeValidator(_province(required=False))] = None
    address: Annotated[Annotated[str, Field(max_length=500)] | None, BeforeValidator(_text)] = None
    contact_email: Annotated[
        Annotated[str, Field(max_length=320)] | None, BeforeValidator(_email)
    ] = None
    phone: Annotated[Annotated[str, Field(max_length=40)] | None, BeforeValidator(_text)] = None
    preferred_language: Language = None
    serves_provinces: Provinces = Field(
        [], description="Producers: where you deliver (empty: nationwide)."
    )
    wanted_buyer_types: BuyerTypes = Field(
        [], description="Producers: the buyers you want (empty: any)."
    )

    def values(self) -> dict[str, Any]:
        # Only what was given: an organization's other fields keep their stored defaults.
        values = self.model_dump(exclude_unset=True)
        if "province" in self.model_fields_set:
            values["province_text"] = self._province_text
        return values


class OrganizationInput(OrganizationFieldsInput):
    """A new organization."""

    kind: OrganizationKind = Field(None, validate_default=True)  # type: ignore[assignment]
    name: Name


class OrganizationChanges(Changes, OrganizationFieldsInput):
    """The fields of an organization to change (its kind cannot change)."""

    model_config = CHANGES

    kind: Annotated[
        str | None, BeforeValidator(_kind), Field(json_schema_extra=_enum(ORGANIZATION_KINDS))
    ] = None
    name: ChangedName = None


ORGANIZATION_FIELDS = tuple(OrganizationInput.model_fields)

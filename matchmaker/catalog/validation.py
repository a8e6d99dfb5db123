"""Field rules shared by the catalog services and the importer.

Each ``clean_*`` function takes raw field values, collects every problem (not just the first)
and either returns clean values or raises :class:`~matchmaker.errors.Invalid` naming each field
and, where it helps, the allowed values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from matchmaker import reference
from matchmaker.catalog.models import (
    BUYER_TYPES,
    ENTITY_TYPES,
    LANGUAGES,
    OFFER_STATUSES,
    ORGANIZATION_KINDS,
    REQUIREMENT_STATUSES,
)
from matchmaker.errors import FieldProblem, Invalid, field_error

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
URL = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
OCOP_VALIDITY_MONTHS = 36


class Checker:
    """Collects field errors so that a user sees every problem at once."""

    def __init__(self) -> None:
        self.errors: list[FieldProblem] = []

    def fail(self, field: str, code: str, /, **params: Any) -> None:
        self.errors.append(field_error(field, code, **params))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def done(self, code: str) -> None:
        """Raises ``Invalid(code)`` naming every offending field, if any broke a rule."""
        if self.errors:
            fields = list(dict.fromkeys(e.field for e in self.errors))
            raise Invalid(code, fields=fields, errors=self.errors)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: day 28 exists in every month")


def _text(c: Checker, data: Mapping[str, Any], field: str, *, required: bool, max_len: int) -> Any:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            c.fail(field, "field.required")
        return None
    if not isinstance(value, str):
        c.fail(field, "field.text")
        return None
    value = value.strip()
    if len(value) > max_len:
        c.fail(field, "field.max_length", max=max_len)
    return value


def _choice(c: Checker, data: Mapping[str, Any], field: str, allowed: Iterable[str]) -> Any:
    value = data.get(field)
    allowed = tuple(allowed)
    if value is None:
        return None
    if value not in allowed:
        c.fail(field, "field.choice", allowed=list(allowed))
        return None
    return value


def _number(
    c: Checker, data: Mapping[str, Any], field: str, *, minimum: float, strict: bool, integer: bool
) -> Any:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        c.fail(field, "field.number")
        return None
    if integer and value != int(value):
        c.fail(field, "field.whole_number")
        return None
    if value != value or value in (float("inf"), float("-inf")):
        c.fail(field, "field.number")
        return None
    if (strict and value <= minimum) or (not strict and value < minimum):
        if strict and minimum == 0:
            c.fail(field, "field.positive")
        elif minimum == 0:
            c.fail(field, "field.not_negative")
        else:
            c.fail(field, "field.at_least", min=minimum)
        return None
    return int(value) if integer else float(value)


def _stars(c: Checker, data: Mapping[str, Any], field: str) -> Any:
    value = data.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in (3, 4, 5):
        c.fail(field, "offer.stars", allowed=[3, 4, 5])
        return None
    return value


def _date(c: Checker, data: Mapping[str, Any], field: str) -> Any:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, date):
        c.fail(field, "field.date")
        return None
    return value


def _codes(c: Checker, data: Mapping[str, Any], field: str, kind: str) -> list[str] | None:
    values = data.get(field)
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, list | tuple | set):
        c.fail(field, "field.list")
        return None
    known = {item.code for item in _reference_items(kind)}
    unknown = [v for v in values if v not in known]
    if unknown:
        c.fail(field, "field.unknown_codes", codes=[str(v) for v in unknown], allowed=sorted(known))
        return None
    return list(dict.fromkeys(values))


def _reference_items(kind: str) -> tuple[Any, ...]:
    return {
        "certification": reference.certifications,
        "category": reference.categories,
        "unit": reference.units,
    }[kind]()


def _code(c: Checker, data: Mapping[str, Any], field: str, kind: str, *, required: bool) -> Any:
    value = data.get(field)
    if value is None or value == "":
        if required:
            c.fail(field, "field.required")
        return None
    known = [item.code for item in _reference_items(kind)]
    if value not in known:
        c.fail(field, "field.choice", allowed=known)
        return None
    return value


def _province(c: Checker, data: Mapping[str, Any], field: str) -> tuple[str, str | None] | None:
    """(current code, the text as typed when it differs from the code), or None."""
    value = data.get(field)
    if value is None or value == "":
        return None
    match = reference.resolve_province(str(value))
    if match is None:
        c.fail(field, "field.province", value=str(value))
        return None
    text = str(value).strip()
    return match.province.code, (None if text == match.province.code else text)


def _provinces(c: Checker, data: Mapping[str, Any], field: str) -> list[str] | None:
    values = data.get(field)
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, list | tuple):
        c.fail(field, "field.list")
        return None
    codes, unknown = [], []
    for value in values:
        match = reference.resolve_province(str(value))
        if match is None:
            unknown.append(str(value))
        else:
            codes.append(match.province.code)
    if unknown:
        c.fail(field, "field.provinces", values=unknown)
        return None
    return list(dict.fromkeys(codes))


def _countries(c: Checker, data: Mapping[str, Any], field: str) -> list[str] | None:
    values = data.get(field)
    if values is None:
        return None
    if isinstance(values, str) or not isinstance(values, list | tuple):
        c.fail(field, "field.list")
        return None
    cleaned = [str(v).strip().upper() for v in values]
    bad = [v for v in cleaned if not COUNTRY.match(v)]
    if bad:
        c.fail(field, "field.countries", values=bad)
        return None
    return list(dict.fromkeys(cleaned))


def _url(c: Checker, data: Mapping[str, Any], field: str) -> Any:
    value = _text(c, data, field, required=False, max_len=1000)
    if value is not None and not URL.match(value):
        c.fail(field, "field.url")
        return None
    return value


def _unknown_fields(c: Checker, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    for name in sorted(set(data) - set(allowed)):
        c.fail(name, "field.unknown")


ORGANIZATION_FIELDS = (
    "kind", "name", "entity_type", "buyer_type", "province", "address", "contact_email",
    "phone", "preferred_language", "serves_provinces", "wanted_buyer_types",
)  # fmt: skip


def clean_organization(data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    c = Checker()
    _unknown_fields(c, data, ORGANIZATION_FIELDS)
    out: dict[str, Any] = {}
    if not partial or "kind" in data:
        out["kind"] = _choice(c, data, "kind", ORGANIZATION_KINDS)
        if out["kind"] is None and not c.failed("kind"):
            c.fail("kind", "field.required", allowed=list(ORGANIZATION_KINDS))
    if not partial or "name" in data:
        out["name"] = _text(c, data, "name", required=True, max_len=300)
    for field, allowed in (("entity_type", ENTITY_TYPES), ("buyer_type", BUYER_TYPES)):
        if field in data:
            out[field] = _choice(c, data, field, allowed)
    if "preferred_language" in data:
        out["preferred_language"] = _choice(c, data, "preferred_language", LANGUAGES) or "vi"
    if "province" in data:
        resolved = _province(c, data, "province")
        out["province"], out["province_text"] = resolved or (None, None)
    for field, max_len in (("address", 500), ("phone", 40)):
        if field in data:
            out[field] = _text(c, data, field, required=False, max_len=max_len)
    if "contact_email" in data:
        email = _text(c, data, "contact_email", required=False, max_len=320)
        if email is not None and not EMAIL.match(email):
            c.fail("contact_email", "field.email")
        out["contact_email"] = email
    if "serves_provinces" in data:
        out["serves_provinces"] = _provinces(c, data, "serves_provinces") or []
    if "wanted_buyer_types" in data:
        wanted = data["wanted_buyer_types"]
        if isinstance(wanted, str) or not isinstance(wanted, list | tuple):
            c.fail("wanted_buyer_types", "field.list")
        elif any(w not in BUYER_TYPES for w in wanted):
            c.fail("wanted_buyer_types", "field.choice", allowed=list(BUYER_TYPES))
        else:
            out["wanted_buyer_types"] = list(dict.fromkeys(wanted))
    c.done("organization.invalid")
    return out


OFFER_FIELDS = (
    "title", "description", "category", "ocop_stars", "ocop_potential_five_star",
    "ocop_certified_on", "ocop_certified_until", "ocop_decision_number", "certifications",
    "province", "unit", "monthly_capacity", "min_order_quantity", "unit_price_vnd",
    "shelf_life_days", "export_markets", "traceability_url", "status",
)  # fmt: skip


def clean_offer(
    data: Mapping[str, Any], *, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Validates a new offer (``current`` None) or a change to one (``current`` = stored values).

    Cross-field rules (certificate dates, the potential-five-star flag) are checked on the
    values as they will be after the change.
    """
    c = Checker()
    _unknown_fields(c, data, OFFER_FIELDS)
    creating = current is None
    out: dict[str, Any] = {}

    def wants(field: str) -> bool:
        return creating or field in data

    if wants("title"):
        out["title"] = _text(c, data, "title", required=True, max_len=300)
    if wants("description"):
        out["description"] = _text(c, data, "description", required=False, max_len=10_000) or ""
    if wants("category"):
        out["category"] = _code(c, data, "category", "category", required=True)
    if wants("unit"):
        out["unit"] = _code(c, data, "unit", "unit", required=True)
    if wants("ocop_stars"):
        out["ocop_stars"] = _stars(c, data, "ocop_stars")
    if wants("ocop_potential_five_star"):
        flag = data.get("ocop_potential_five_star", False)
        if not isinstance(flag, bool):
            c.fail("ocop_potential_five_star", "field.boolean")
        out["ocop_potential_five_star"] = bool(flag)
    for field in ("ocop_certified_on", "ocop_certified_until"):
        if wants(field):
            out[field] = _date(c, data, field)
    if wants("ocop_decision_number"):
        out["ocop_decision_number"] = _text(
            c, data, "ocop_decision_number", required=False, max_len=120
        )
    if wants("certifications"):
        out["certifications"] = _codes(c, data, "certifications", "certification") or []
    if "province" in data:
        resolved = _province(c, data, "province")
        if resolved:
            out["province"], out["province_text"] = resolved
        elif data.get("province") in (None, ""):
            c.fail("province", "field.required")
    for field, strict, integer in (
        ("monthly_capacity", True, False),
        ("min_order_quantity", True, False),
        ("unit_price_vnd", False, True),
        ("shelf_life_days", True, True),
    ):
        if wants(field):
            out[field] = _number(c, data, field, minimum=0, strict=strict, integer=integer)
    if wants("export_markets"):
        out["export_markets"] = _countries(c, data, "export_markets") or []
    if wants("traceability_url"):
        out["traceability_url"] = _url(c, data, "traceability_url")
    if wants("status"):
        out["status"] = _choice(c, data, "status", OFFER_STATUSES) or "active"

    merged = {**(current or {}), **out}
    _check_certificate(c, merged)
    c.done("offer.invalid")
    return out


def _check_certificate(c: Checker, offer: Mapping[str, Any]) -> None:
    stars, since, until = (
        offer.get("ocop_stars"),
        offer.get("ocop_certified_on"),
        offer.get("ocop_certified_until"),
    )
    if since and until and until <= since:
        c.fail("ocop_certified_until", "offer.expiry_before_issue")
    if since and until and until > add_months(since, OCOP_VALIDITY_MONTHS):
        c.fail("ocop_certified_until", "offer.certificate_too_long", count=OCOP_VALIDITY_MONTHS)
    if since and since > date.today():
        c.fail("ocop_certified_on", "field.future_date")
    if offer.get("ocop_potential_five_star") and stars != 4:
        c.fail("ocop_potential_five_star", "offer.potential_five_star")
    if stars is None and (since or until):
        c.fail("ocop_stars", "offer.stars_required")


def certificate_expiry(offer: Mapping[str, Any]) -> date | None:
    """The stated expiry, or 36 months from the certification date when only that is known."""
    if offer.get("ocop_certified_until"):
        return offer["ocop_certified_until"]  # type: ignore[no-any-return]
    if offer.get("ocop_certified_on"):
        return add_months(offer["ocop_certified_on"], OCOP_VALIDITY_MONTHS)
    return None


REQUIREMENT_FIELDS = (
    "title", "description", "category", "min_ocop_stars", "required_certifications", "unit",
    "quantity_per_month", "max_unit_price_vnd", "delivery_provinces", "min_shelf_life_days",
    "needed_by", "valid_until", "status",
)  # fmt: skip


def clean_requirement(
    data: Mapping[str, Any], *, current: Mapping[str, Any] | None = None, today: date | None = None
) -> dict[str, Any]:
    c = Checker()
    _unknown_fields(c, data, REQUIREMENT_FIELDS)
    creating = current is None
    today = today or date.today()
    out: dict[str, Any] = {}

    def wants(field: str) -> bool:
        return creating or field in data

    if wants("title"):
        out["title"] = _text(c, data, "title", required=True, max_len=300)
    if wants("description"):
        out["description"] = _text(c, data, "description", required=False, max_len=10_000) or ""
    if wants("category"):
        out["category"] = _code(c, data, "category", "category", required=False)
    if wants("unit"):
        out["unit"] = _code(c, data, "unit", "unit", required=False)
    if wants("min_ocop_stars"):
        out["min_ocop_stars"] = _stars(c, data, "min_ocop_stars")
    if wants("required_certifications"):
        out["required_certifications"] = (
            _codes(c, data, "required_certifications", "certification") or []
        )
    for field, strict, integer in (
        ("quantity_per_month", True, False),
        ("max_unit_price_vnd", False, True),
        ("min_shelf_life_days", True, True),
    ):
        if wants(field):
            out[field] = _number(c, data, field, minimum=0, strict=strict, integer=integer)
    if wants("delivery_provinces"):
        out["delivery_provinces"] = _provinces(c, data, "delivery_provinces") or []
    for field in ("needed_by", "valid_until"):
        if wants(field):
            out[field] = _date(c, data, field)
    if out.get("valid_until") and out["valid_until"] < today:
        c.fail("valid_until", "field.past_date")
    if wants("status"):
        out["status"] = _choice(c, data, "status", REQUIREMENT_STATUSES) or "open"

    merged = {**(current or {}), **out}
    if merged.get("quantity_per_month") and not merged.get("unit"):
        c.fail("unit", "requirement.unit_required")
    c.done("requirement.invalid")
    return out

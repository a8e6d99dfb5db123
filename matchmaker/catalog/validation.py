"""The catalog's rules applied to raw values, for callers that hold a mapping (the importer's
rows, the services' changes): each ``clean_*`` parses the input model of
:mod:`matchmaker.catalog.inputs`, checks the rules across fields on the values as they will be,
and either returns the values to store or raises :class:`~matchmaker.errors.Invalid` naming
every offending field (not just the first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import ValidationError

from matchmaker.catalog.inputs import (
    EMAIL,
    OFFER_FIELDS,
    ORGANIZATION_FIELDS,
    REQUIREMENT_FIELDS,
    CatalogInput,
    OfferChanges,
    OfferFieldsInput,
    OfferInput,
    OrganizationChanges,
    OrganizationInput,
    RequirementChanges,
    RequirementFieldsInput,
    RequirementInput,
    certificate_expiry,
    offer_problems,
    requirement_problems,
)
from matchmaker.errors import FieldProblem, Invalid
from matchmaker.inputs import field_problems

# A use case's input: its model, or the raw values of a row or a form.
Input = CatalogInput | Mapping[str, Any]

__all__ = [
    "EMAIL",
    "OFFER_FIELDS",
    "ORGANIZATION_FIELDS",
    "REQUIREMENT_FIELDS",
    "Input",
    "certificate_expiry",
    "clean_offer",
    "clean_organization",
    "clean_requirement",
    "read",
    "refuse",
]

Model = TypeVar("Model", bound=CatalogInput)


def refuse(code: str, problems: list[FieldProblem]) -> None:
    """Raises ``Invalid(code)`` naming every offending field, if any broke a rule."""
    if problems:
        fields = list(dict.fromkeys(p.field for p in problems))
        raise Invalid(code, fields=fields, errors=problems)


def _values(
    model: type[CatalogInput],
    changes: type[CatalogInput],
    data: Input,
    context: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The values given, and the fields' problems; the values of the fields that broke no rule
    are still given, so that the rules across fields can be checked on them."""
    if isinstance(data, CatalogInput):  # already parsed: its fields keep the rules
        return data.values(), []
    try:
        return model.model_validate(data, context=context).values(), []
    except ValidationError as error:
        problems = field_problems(error)
    try:
        return changes.model_validate(_without(data, problems), context=context).values(), problems
    except ValidationError:
        return {}, problems


def _clean(
    model: type[CatalogInput],
    changes: type[CatalogInput],
    code: str,
    data: Input,
    current: Mapping[str, Any] | None,
    across: Callable[[Mapping[str, Any]], list[FieldProblem]],
    context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    values, problems = _values(changes if current is not None else model, changes, data, context)
    problems += across({**(current or {}), **values})
    refuse(code, problems)
    return values


def clean_organization(data: Input, *, partial: bool = False) -> dict[str, Any]:
    model = OrganizationChanges if partial else OrganizationInput
    return _clean(model, OrganizationChanges, "organization.invalid", data, None, lambda _: [])


def clean_offer(data: Input, *, current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Validates a new offer (``current`` None) or a change to one (``current`` = stored values).

    Cross-field rules (certificate dates, the potential-five-star flag) are checked on the
    values as they will be after the change.
    """
    return _clean(OfferInput, OfferChanges, "offer.invalid", data, current, offer_problems)


def clean_requirement(
    data: Input, *, current: Mapping[str, Any] | None = None, today: date | None = None
) -> dict[str, Any]:
    return _clean(
        RequirementInput,
        RequirementChanges,
        "requirement.invalid",
        data,
        current,
        requirement_problems,
        {"today": today or date.today()},
    )


def read(model: type[Model], data: Mapping[str, Any]) -> Model:
    """What a form holds, as the use case's input model; refused, every problem is named at once,
    the rules across fields checked on the fields that broke none (the use case checks them
    again on the record as it will be)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = field_problems(error)
    rest = _without(data, problems)
    if issubclass(model, OfferFieldsInput):
        values, _ = _values(OfferChanges, OfferChanges, rest)
        refuse("offer.invalid", problems + offer_problems(values))
    elif issubclass(model, RequirementFieldsInput):
        values, _ = _values(RequirementChanges, RequirementChanges, rest)
        refuse("requirement.invalid", problems + requirement_problems(values))
    refuse("organization.invalid", problems)
    raise AssertionError("unreachable: a refused input has problems")


def _without(data: Mapping[str, Any], problems: list[FieldProblem]) -> dict[str, Any]:
    failed = {p.field.split(".")[0] for p in problems}
    return {name: value for name, value in data.items() if name not in failed}

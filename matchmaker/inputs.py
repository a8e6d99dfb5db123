"""What pydantic says of an input model, in the domain's field codes.

An input model (a use case's typed command, an API body) refuses a value either with one of
the domain's own rules (a ``PydanticCustomError`` whose type is the code, e.g. ``offer.stars``)
or with pydantic's own error types; :func:`field_problems` names each with its code, the
generic ``field.*`` ones for pydantic's, so that a rule written once in a model reads the same
on the pages, in the API and on the command line. :func:`parse` is the one way in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from matchmaker.errors import FieldProblem, Invalid, field_error

M = TypeVar("M", bound=BaseModel)

# pydantic's error type -> the field code it means (types with a limit are worked out below).
_PLAIN: Mapping[str, str] = {
    "missing": "field.required",
    "string_type": "field.text",
    "string_unicode": "field.text",
    "int_type": "field.whole_number",
    "int_parsing": "field.whole_number",
    "int_from_float": "field.whole_number",
    "float_type": "field.number",
    "float_parsing": "field.number",
    "finite_number": "field.number",
    "decimal_type": "field.number",
    "decimal_parsing": "field.number",
    "bool_type": "field.boolean",
    "bool_parsing": "field.boolean",
    "date_future": "field.past_date",
    "date_past": "field.future_date",
    "literal_error": "field.choice",
    "enum": "field.choice",
    "extra_forbidden": "field.unknown",
    "list_type": "field.list",
    "url_parsing": "field.url",
    "url_scheme": "field.url",
    "url_type": "field.url",
    "string_pattern_mismatch": "field.invalid",
}


def _problem(field: str, kind: str, context: Mapping[str, Any]) -> FieldProblem:
    if "." in kind:  # the domain's own rule (PydanticCustomError): its type is the code
        return field_error(field, kind, **context)
    if kind in _PLAIN:
        return field_error(field, _PLAIN[kind])
    if kind.startswith(("date_", "datetime_", "timezone_")):
        return field_error(field, "field.date")
    if kind in ("string_too_short", "too_short"):
        least = context.get("min_length", 1)
        if least <= 1:
            return field_error(field, "field.required")
        code = "field.min_length" if kind == "string_too_short" else "field.at_least"
        return field_error(field, code, min=least)
    if kind == "string_too_long":
        return field_error(field, "field.max_length", max=context.get("max_length"))
    if kind == "too_long":
        return field_error(field, "field.max_items", max=context.get("max_length"))
    if kind == "greater_than":
        bound = context.get("gt")
        if bound == 0:
            return field_error(field, "field.positive")
        return field_error(field, "field.at_least", min=bound)
    if kind == "greater_than_equal":
        return field_error(field, "field.at_least", min=context.get("ge"))
    if kind in ("less_than", "less_than_equal"):
        return field_error(field, "field.at_most", max=context.get("lt", context.get("le")))
    return field_error(field, "field.invalid")


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """Each refused field (dotted path) with its code, in the order pydantic found them."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        field = ".".join(str(part) for part in item["loc"]) or "body"
        problems.append(_problem(field, item["type"], item.get("ctx") or {}))
    return problems


def invalid(error: ValidationError, code: str = "request.invalid") -> Invalid:
    """pydantic's refusal as the domain's own, each field coded."""
    problems = field_problems(error)
    fields = list(dict.fromkeys(p.field for p in problems))
    return Invalid(code, fields=fields, errors=problems)


def parse(model: type[M], data: Mapping[str, Any], code: str = "request.invalid") -> M:
    """``data`` as the model, or :class:`Invalid` (``code``) naming each offending field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid(error, code) from None


def coded(code: str, **params: Any) -> WrapValidator:
    """Whatever pydantic finds wrong with the value is reported as ``code`` instead."""

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(code, code, params) from None

    return WrapValidator(check)

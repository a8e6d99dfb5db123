"""What pydantic says of an input model, in the domain's field codes.

An input model (a use case's typed command, an API body) refuses a value with pydantic's own
error types; :func:`field_problems` names each with the generic ``field.*`` code that the
pages, the API and the command line already render, so that a rule written once in a model
reads the same wherever it is broken.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from matchmaker.errors import FieldProblem, Invalid, field_error

# pydantic's error type -> the field code it means (types with a limit are worked out below).
_PLAIN: Mapping[str, str] = {
    "missing": "field.required",
    "string_type": "field.text",
    "int_type": "field.whole_number",
    "int_parsing": "field.whole_number",
    "int_from_float": "field.whole_number",
    "float_type": "field.number",
    "float_parsing": "field.number",
    "finite_number": "field.number",
    "decimal_parsing": "field.number",
    "bool_type": "field.boolean",
    "bool_parsing": "field.boolean",
    "date_type": "field.date",
    "date_parsing": "field.date",
    "date_from_datetime_parsing": "field.date",
    "date_from_datetime_inexact": "field.date",
    "datetime_type": "field.date",
    "datetime_parsing": "field.date",
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
    if kind in _PLAIN:
        return field_error(field, _PLAIN[kind])
    if kind == "string_too_long":
        return field_error(field, "field.max_length", max=context.get("max_length"))
    if kind == "string_too_short":
        least = context.get("min_length", 1)
        if least <= 1:
            return field_error(field, "field.required")
        return field_error(field, "field.min_length", min=least)
    if kind == "too_long":
        return field_error(field, "field.max_items", max=context.get("max_length"))
    if kind in ("greater_than", "greater_than_equal"):
        bound = context.get("gt", context.get("ge"))
        if bound == 0:
            strict = kind == "greater_than"
            return field_error(field, "field.positive" if strict else "field.not_negative")
        return field_error(field, "field.at_least", min=bound)
    if kind in ("less_than", "less_than_equal"):
        return field_error(field, "field.at_most", max=context.get("lt", context.get("le")))
    return field_error(field, "field.invalid")


def field_problems(error: ValidationError) -> list[FieldProblem]:
    """Each refused field (dotted path) with its code, in the order pydantic found them."""
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        path = [str(part) for part in item["loc"]]
        problems.append(_problem(".".join(path) or "body", item["type"], item.get("ctx") or {}))
    return problems


def invalid(error: ValidationError, code: str = "request.invalid") -> Invalid:
    """pydantic's refusal as the domain's own, each field coded."""
    problems = field_problems(error)
    fields = list(dict.fromkeys(p.field for p in problems))
    return Invalid(code, fields=fields, errors=problems)

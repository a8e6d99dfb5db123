"""What pydantic says of an input model, in the domain's field codes.

An input model (a use case's typed command, an API body) refuses a value either with one of
the domain's own rules (a ``PydanticCustomError`` whose type is the code, e.g. ``offer.stars``)
or with pydantic's own error types; :func:`field_problems` names each with its code, the
generic ``field.*`` ones for pydantic's, so that a rule written once in a model reads the same
on the pages, in the API and on the command line. :func:`parse` is the one way in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)
from pydantic_core import PydanticCustomError

from matchmaker.errors import FieldProblem, Invalid, field_error

M = TypeVar("M", bound=BaseModel)

# The largest id a record can have (PostgreSQL's integer): a larger number names no record,
# and must not reach the database, which refuses to compare an id with it.
MAX_ID = 2**31 - 1


def record_id(text: str | None) -> int | None:
    """The id typed into a form or a link, or None when it cannot be one."""
    if not text or not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= MAX_ID:
        return None
    return int(text)


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


# --- the rules every text typed into the application follows ----------------------------------

# Line breaks of every kind: in a one-line field (a title, a name, an event's name) one breaks
# the files and headers it is written into (an agenda's .ics, an email's subject).
_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
# Controls that reorder what is shown (U+202E makes "gpj.exe" read as "exe.jpg").
_DIRECTION = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that show nothing, besides spaces and the invisible format characters (Cf).
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# A web address or a domain that mail clients turn into a link.
_LINK = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.|\b[\w-]+(?:\.[\w-]+)*\."
    r"(?:com|net|org|info|biz|vn|io|co|me|app|dev|xyz|top|site|online|shop|store|link|click"
    r"|asia|cc|tk|ru|cn|ly|gl|to|us|uk)\b)",
    re.IGNORECASE,
)


class Multiline:
    """Marks a text field that may hold line breaks (a description, a note, a message)."""


class Verbatim:
    """Marks a text field kept exactly as typed and never shown (a password)."""


class NoLinks:
    """Marks a name that goes into emails: a web address in it would become a link there."""


MULTILINE, VERBATIM, NO_LINKS = Multiline(), Verbatim(), NoLinks()


def check_text(text: str, *, multiline: bool = False, links: bool = True) -> str:
    """``text`` if it is text a person could have meant; a coded refusal otherwise: control
    characters (a NUL byte), direction overrides, a line break in a one-line field, nothing
    visible at all (a zero-width space), or a link where none may be."""
    invisible = True
    for char in text:
        category = unicodedata.category(char)
        if char in _LINE_BREAKS:
            if not multiline:
                raise PydanticCustomError("field.line_break", "field.line_break")
        elif char in _DIRECTION:
            raise PydanticCustomError("field.direction_control", "field.direction_control")
        elif category in ("Cc", "Cs", "Co", "Cn") and char != "\t":
            raise PydanticCustomError("field.control_character", "field.control_character")
        elif invisible and not (category in ("Zs", "Cf") or char.isspace() or char in _BLANK):
            invisible = False
    if text and invisible and text.strip():
        raise PydanticCustomError("field.invisible", "field.invisible")
    if not links and _LINK.search(text):
        raise PydanticCustomError("field.no_links", "field.no_links")
    return text


def _check_all_text(value: Any, *, multiline: bool, links: bool) -> None:
    if isinstance(value, str):
        check_text(value, multiline=multiline, links=links)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_all_text(key, multiline=False, links=True)
            _check_all_text(item, multiline=multiline, links=links)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_all_text(item, multiline=multiline, links=links)


EARLIEST, LATEST = datetime(1900, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)


def _check_moment(value: Any) -> None:
    """A date and time the database can store and compare, in any time zone (year 1 at +14:00
    is no moment at all in UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and not EARLIEST <= value <= LATEST:
            raise PydanticCustomError("field.date", "field.date")
        if value.tzinfo is None and not EARLIEST.replace(tzinfo=None) <= value:
            raise PydanticCustomError("field.date", "field.date")
    elif isinstance(value, date) and not EARLIEST.date() <= value <= LATEST.date():
        raise PydanticCustomError("field.date", "field.date")


def _takes_moment(annotation: Any) -> bool:
    """Whether a field's type is (or may be) a date or a date and time."""
    if isinstance(annotation, type):
        # datetime is a date; pydantic's AwareDatetime, PastDate... are classes of their own.
        return issubclass(annotation, date) or annotation.__name__.endswith(("Datetime", "Date"))
    return any(_takes_moment(arg) for arg in get_args(annotation))


_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _check_written_moment(value: Any) -> None:
    """A date is written as one (ISO 8601), never as a number: pydantic would read ``0`` or
    ``"-1.2e-38"`` as seconds since 1970, which is not what anyone sending it meant."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("field.date", "field.date")
    if isinstance(value, str | bytes) and _NUMBER.fullmatch(
        value.decode("latin-1") if isinstance(value, bytes) else value
    ):
        raise PydanticCustomError("field.date", "field.date")


class Input(BaseModel):
    """Every model of what a user or a client sends (a use case's command, an API body, a
    query's filters) inherits its text rules from here: whatever the field, a text is checked
    by :func:`check_text` before the field's own rules see it, and a moment is one the
    database can hold. A field marked :data:`MULTILINE` may hold line breaks; one marked
    :data:`VERBATIM` is not looked at; one marked :data:`NO_LINKS` may hold no link."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _text_rules(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[info.field_name] if info.field_name else None
        marks = field.metadata if field else []
        if field is not None and _takes_moment(field.annotation):
            _check_written_moment(value)
        if not any(isinstance(mark, Verbatim) for mark in marks):
            _check_all_text(
                value,
                multiline=any(isinstance(mark, Multiline) for mark in marks),
                links=not any(isinstance(mark, NoLinks) for mark in marks),
            )
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _moments(cls, value: Any) -> Any:
        _check_moment(value)
        return value


def coded(code: str, **params: Any) -> WrapValidator:
    """Whatever pydantic finds wrong with the value is reported as ``code`` instead."""

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise PydanticCustomError(code, code, params) from None

    return WrapValidator(check)

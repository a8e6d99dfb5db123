"""The reader's language at the edge: Babel for the pages, the API, emails and exports.

Pages read the visitor's chosen language (Vietnamese unless English was chosen); the API follows
``Accept-Language`` (English unless Vietnamese is asked for); a worker renders in the
recipient's language with ``force_locale``. :func:`say` turns a coded domain message into text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext

from matchmaker import reference
from matchmaker.errors import DomainError, FieldProblem
from matchmaker.texts import message_id

DEFAULT_LOCALE = "vi"
API_DEFAULT_LOCALE = "en"
LOCALES = ("vi", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "web" / "translations"


def select_locale() -> str:
    if has_request_context():
        if request.path.startswith("/api/"):
            return request.accept_languages.best_match(LOCALES) or API_DEFAULT_LOCALE
        chosen = session.get("lang")
        if chosen in LOCALES:
            return str(chosen)
    return DEFAULT_LOCALE


def init_babel(app: Flask, timezone: str) -> None:
    app.config.update(
        BABEL_DEFAULT_LOCALE=DEFAULT_LOCALE,
        BABEL_DEFAULT_TIMEZONE=timezone,
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS),
    )
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: timezone)


def lang() -> str:
    return str(get_locale() or DEFAULT_LOCALE)[:2]


def _reference_name(kind: str, code: str) -> str:
    lookups: dict[str, Callable[[str], Any]] = {
        "province": reference.get_province,
        "category": reference.get_category,
        "unit": reference.get_unit,
        "certification": reference.get_certification,
    }
    try:
        item = lookups[kind](code)
    except reference.UnknownReference:
        return code
    return str(item.name_en if lang() == "en" else item.name_vi)


_REFERENCE_PARAMS = ("province", "category", "unit", "certification")


def _param(name: str, value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) and (name == "row" or name.endswith("_id")):
        return str(value)  # a number that names a thing, not an amount: no grouping
    if isinstance(value, str) and name.endswith(("column", "columns")):
        return say(f"import.column.{value}")  # a spreadsheet column, by its field
    if isinstance(value, int | float):
        return str(format_decimal(value))
    if isinstance(value, datetime):
        return str(format_datetime(value, "medium"))
    if isinstance(value, date):
        return str(format_date(value, "medium"))
    if isinstance(value, str) and name.endswith(_REFERENCE_PARAMS):
        kind = next(k for k in _REFERENCE_PARAMS if name.endswith(k))
        return _reference_name(kind, value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_param(name, item) for item in value)
    return str(value)


def say(code: str, params: Mapping[str, Any] | None = None) -> str:
    """A coded message in the current language, its parameters formatted for the locale."""
    text = gettext(message_id(code))
    if not params:
        return text
    values = {name: _param(name, value) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        return text


def say_error(error: DomainError) -> str:
    return say(error.code, error.params)


def say_located(problems: Iterable[FieldProblem], prefix: str = "import.column.") -> str:
    """Problems that each name where they are (a spreadsheet's column, by its field) as one
    line: "Stars: 6 is not 3, 4 or 5 stars; Province: …". Problems of the whole are unnamed."""
    return "; ".join(
        (f"{say(prefix + item.field)}: " if item.field else "") + say(item.code, item.params)
        for item in problems
    )


def say_fields(errors: Iterable[FieldProblem]) -> dict[str, str]:
    """Each offending field's message (the first one when a field broke several rules)."""
    out: dict[str, str] = {}
    for item in errors:
        out.setdefault(item.field, say(item.code, item.params))
    return out

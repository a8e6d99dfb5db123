"""The reader's language at the edge: Babel for the pages, the API and their exports.

Pages read the visitor's chosen language (Vietnamese unless English was chosen); the API follows
``Accept-Language`` (English unless Vietnamese is asked for). :func:`say` turns a coded domain
message into text in that language, through :mod:`matchmaker.translations` (which emails use
with their recipient's language).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, tzinfo
from typing import Any

from flask import Flask, has_app_context, has_request_context, request, session
from flask_babel import Babel, get_locale, get_timezone

from matchmaker import translations
from matchmaker.errors import DomainError, FieldProblem
from matchmaker.translations import DEFAULT_LOCALE, LOCALES

__all__ = ["DEFAULT_LOCALE", "LOCALES", "init_babel", "lang", "say", "say_error", "say_fields"]
API_DEFAULT_LOCALE = "en"


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
        BABEL_TRANSLATION_DIRECTORIES=str(translations.CATALOGS),
    )
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: timezone)


def lang() -> str:
    return translations.language(get_locale())


def _zone() -> tzinfo:
    """The deployment's time zone, which the pages and the API show times in."""
    return (get_timezone() if has_app_context() else None) or UTC


def say(code: str, params: Mapping[str, Any] | None = None) -> str:
    """A coded message in the current language, its parameters formatted for the locale."""
    return translations.render(code, params, lang(), _zone())


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

"""Language of the pages: Vietnamese unless the visitor chose English, with locale formats."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import format_currency, format_date, format_decimal, get_timezone
from markupsafe import Markup

from matchmaker import translations
from matchmaker.collation import sorted_by_name
from matchmaker.explanations import say_explanation
from matchmaker.i18n import DEFAULT_LOCALE, LOCALES, lang, say_located
from matchmaker.matching.fit import fit_percent
from matchmaker.ranking import reference

__all__ = ["DEFAULT_LOCALE", "LOCALES", "lang"]
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def localized(item: Any) -> str:
    """The name of a reference item (province, category, certification, unit) in the page's
    language."""
    return str(item.name_en if lang() == "en" else item.name_vi)


def province_pairs() -> list[tuple[str, str]]:
    """Every province as (code, name in the page's language), in the reader's alphabet order."""
    pairs = ((p.code, localized(p)) for p in reference.provinces())
    return sorted_by_name(pairs, lambda pair: pair[1])


def province_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return localized(reference.get_province(code))
    except reference.UnknownReference:
        return code


def category_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return localized(reference.get_category(code))
    except reference.UnknownReference:
        return code


def certification_name(code: str) -> str:
    try:
        return localized(reference.get_certification(code))
    except reference.UnknownReference:
        return code


def unit_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return localized(reference.get_unit(code))
    except reference.UnknownReference:
        return code


def vnd(amount: float | None) -> str:
    if amount is None:
        return ""
    return str(format_currency(amount, "VND"))


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(format_decimal(value))


def decimal(value: float | None, places: int = 3, signed: bool = False) -> str:
    """A fraction to ``places`` decimals with the locale's separators ("0,812" in Vietnamese,
    where "0.812" reads as a thousand-separated 812); ``signed`` shows "+" on a gain."""
    if value is None:
        return ""
    digits = "#,##0." + "0" * places
    return str(format_decimal(value, f"+{digits};-{digits}" if signed else digits))


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return translations.moment(value, lang(), get_timezone() or UTC)
    return str(format_date(value, "medium"))


def stars(count: int | None) -> Markup:
    if not count:
        return Markup("")
    return Markup('<span class="stars" aria-hidden="true">{}</span>').format("★" * count)


def init_templates(app: Flask) -> None:
    app.jinja_env.filters.update(
        province=province_name,
        category=category_name,
        certification=certification_name,
        unit=unit_name,
        vnd=vnd,
        number=number,
        decimal=decimal,
        day=day,
        explain=say_explanation,
        stars=stars,
        fit_percent=fit_percent,
        localized=localized,
        import_reason=say_located,
    )

    @app.context_processor
    def _language() -> dict[str, Any]:
        return {
            "lang": lang(),
            "languages": LANGUAGE_NAMES,
            "province_label": province_name,
            "category_label": category_name,
        }

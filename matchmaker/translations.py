"""Words, numbers and dates in a locale that is given, not taken from a request.

An email is written in its recipient's language, which the domain knows (the organization's
``preferred_language``), so the domain says things through this module with plain Babel and the
compiled catalogs. The pages and the API (:mod:`matchmaker.i18n`) call it with the visitor's
locale: there is one way to fill a message's parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers
from babel.support import Translations

from matchmaker.ranking import reference
from matchmaker.texts import message_id

DEFAULT_LOCALE = "vi"
LOCALES = ("vi", "en")
# The compiled catalogs (``<locale>/LC_MESSAGES/messages.mo``); the pages' Babel reads them too.
CATALOGS = Path(__file__).resolve().parent / "web" / "translations"

# Parameters named after a kind of reference item (``province``, ``offer_unit``) are codes
# said by the item's name.
_REFERENCE_PARAMS: dict[str, Callable[[str], Any]] = {
    "province": reference.get_province,
    "category": reference.get_category,
    "unit": reference.get_unit,
    "certification": reference.get_certification,
}


def language(locale: object) -> str:
    """One of :data:`LOCALES` for a locale however it is written (``"en_US"``, a Babel
    ``Locale``, None), the default language for one that is not shipped."""
    code = str(locale or "")[:2].lower()
    return code if code in LOCALES else DEFAULT_LOCALE


@cache
def catalog(locale: str) -> NullTranslations:
    """The compiled messages of ``locale`` (English needs none: message ids are English)."""
    return Translations.load(str(CATALOGS), [language(locale)])


def reference_name(kind: str, code: str, locale: str) -> str:
    """A province, category, unit or certification by its name in ``locale``; an unknown
    code as it is."""
    try:
        item = _REFERENCE_PARAMS[kind](code)
    except reference.UnknownReference:
        return code
    return str(item.name_en if language(locale) == "en" else item.name_vi)


def countries(codes: Iterable[str], locale: str) -> str:
    """Countries by their names in ``locale`` ("Nhật Bản, Hàn Quốc"); an unknown code as it is."""
    territories = Locale.parse(language(locale)).territories
    return ", ".join(str(territories.get(code.upper(), code)) for code in codes)


def number(value: float, locale: str) -> str:
    return str(numbers.format_decimal(value, locale=language(locale)))


def money(amount: float, locale: str, currency: str = "VND") -> str:
    return str(numbers.format_currency(amount, currency, locale=language(locale)))


def day(value: date, locale: str, format: str = "medium") -> str:
    return str(dates.format_date(value, format, locale=language(locale)))


# How a date and a time of day read together: "Jan 5, 2027, 5:00 PM", "17:00, 5/1/2027".
_MOMENT = {"en": ("yMMMd", "{date}, {time}"), "vi": ("yMd", "{time}, {date}")}


def moment(value: datetime, locale: str, zone: tzinfo) -> str:
    """A date and time on the clock of ``zone`` (a naive one is taken as UTC), to the minute."""
    skeleton, pattern = _MOMENT[language(locale)]
    local = value.replace(tzinfo=value.tzinfo or UTC).astimezone(zone)
    when = dates.format_skeleton(skeleton, local, locale=language(locale))
    time = dates.format_time(local, "short", locale=language(locale))
    return pattern.format(date=when, time=time)


def clock(value: datetime, locale: str, zone: tzinfo, format: str = "short") -> str:
    """A time of day on the clock of ``zone`` (a naive one is taken as UTC)."""
    return str(dates.format_time(value, format, tzinfo=zone, locale=language(locale)))


def _param(name: str, value: Any, locale: str, zone: tzinfo) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int) and (name == "row" or name.endswith("_id")):
        return str(value)  # a number that names a thing, not an amount: no grouping
    if isinstance(value, str) and name.endswith(("column", "columns")):
        return render(f"import.column.{value}", None, locale, zone)  # a column, by its field
    if isinstance(value, int | float):
        return number(value, locale)
    if isinstance(value, datetime):
        return moment(value, locale, zone)
    if isinstance(value, date):
        return day(value, locale)
    if isinstance(value, str):
        kind = next((k for k in _REFERENCE_PARAMS if name.endswith(k)), None)
        return value if kind is None else reference_name(kind, value, locale)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_param(name, item, locale, zone) for item in value)
    return str(value)


def _fill(message: str, params: Mapping[str, Any] | None, locale: str, zone: tzinfo) -> str:
    text = catalog(locale).gettext(message)
    if not params:
        return text
    values = {name: _param(name, value, locale, zone) for name, value in params.items()}
    try:
        return text % values
    except (KeyError, ValueError, TypeError):
        return text


def render(code: str, params: Mapping[str, Any] | None, locale: str, zone: tzinfo = UTC) -> str:
    """A coded message of :mod:`matchmaker.texts` in ``locale``, its parameters formatted for
    it: numbers and dates as the locale writes them (times on the clock of ``zone``),
    reference codes by their names, lists joined."""
    return _fill(message_id(code), params, locale, zone)


def gettext(message: str, locale: str, /, **params: Any) -> str:
    """A message id (English text marked with ``N_``) in ``locale``, parameters filled."""
    return _fill(message, params, locale, UTC)


@dataclass(frozen=True)
class Voice:
    """One reader's language and time zone: what an email says its words and times in."""

    locale: str
    zone: tzinfo = UTC

    def say(self, code: str, /, **params: Any) -> str:
        """A coded message of :mod:`matchmaker.texts` (templates call it ``t``)."""
        return render(code, params, self.locale, self.zone)

    def date(self, value: datetime) -> str:
        """The day of a moment on the reader's calendar, without the year ("1 thg 10")."""
        return str(
            dates.format_skeleton("MMMd", value, tzinfo=self.zone, locale=language(self.locale))
        )

    def clock(self, value: datetime) -> str:
        """The time of a moment on the reader's clock ("08:00", "8:00 AM")."""
        return clock(value, self.locale, self.zone)

"""Ranking explanations said in the reader's language, at the edge (pages, API, emails).

The ranking stores a reason or gap as ``{"code", "params"[, "variant"]}``; its text is the
``explain.<code>[.<variant>]`` message of :mod:`matchmaker.texts`. Quantities and prices are
said with their unit, countries by their names in the current locale. Matches stored before
explanations carried codes hold ``{"code", "vi", "en"}``: those are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from babel import Locale
from flask_babel import force_locale, format_currency, format_decimal, get_locale

from matchmaker import reference
from matchmaker.i18n import LOCALES, lang, say

# Parameters that are an amount of the explanation's ``unit``, and prices per that unit.
_QUANTITIES = ("capacity", "need", "min_order")
_PRICES = ("price", "ceiling")
_SYMBOLS = frozenset({"g", "kg", "ml"})


def _unit_word(unit: str, amount: float | None = None) -> str:
    """The unit's word ("chai", "bottle"; in English "bottles" for several), or its metric
    symbol, which both languages write alike ("kg")."""
    if unit in _SYMBOLS:
        return unit
    try:
        item = reference.get_unit(unit)
    except reference.UnknownReference:
        return unit
    if lang() != "en":
        return str(item.name_vi)
    word = str(item.name_en)
    if amount is not None and amount != 1:
        word += "es" if word.endswith(("x", "s", "sh", "ch")) else "s"
    return word


def _category(code: str) -> str:
    """A category's name; for a code the reference does not know, its group's name, and a
    neutral word when the group is unknown too: a code is never shown."""
    for candidate in (code, code.split(".", 1)[0]):
        try:
            category = reference.get_category(candidate)
        except reference.UnknownReference:
            continue
        return str(category.name_en if lang() == "en" else category.name_vi)
    return say("explain.another_category")


def _countries(codes: Iterable[str]) -> str:
    locale = get_locale() or Locale.parse("vi")
    return ", ".join(str(locale.territories.get(code.upper(), code)) for code in codes)


def _spoken(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters ``say`` cannot format alone, written out; the others as they are."""
    out = dict(params)
    unit = params.get("unit")
    for name in _QUANTITIES:
        if name in params and unit:
            out[name] = f"{format_decimal(params[name])} {_unit_word(unit, params[name])}"
    for name in _PRICES:
        if name in params and unit:
            out[name] = f"{format_currency(params[name], 'VND')}/{_unit_word(unit)}"
    for name in ("unit", "offer_unit"):
        if params.get(name):
            out[name] = _unit_word(params[name])
    if params.get("category"):
        out["category"] = _category(params["category"])
    if "country" in params:
        out["country"] = _countries(params["country"])
    return out


def message_code(item: Mapping[str, Any]) -> str:
    """The message that says an explanation: ``explain.<code>`` or one of its variants."""
    variant = item.get("variant")
    return f"explain.{item.get('code', '')}" + (f".{variant}" if variant else "")


def say_explanation(item: Mapping[str, Any]) -> str:
    """One stored reason or gap in the current language."""
    if "params" not in item and ("vi" in item or "en" in item):
        # Written before explanations carried codes: both languages are stored.
        return str(item.get(lang()) or item.get("en") or item.get("vi") or "")
    return say(message_code(item), _spoken(item.get("params") or {}))


def explanation_out(item: Mapping[str, Any]) -> dict[str, Any]:
    """An explanation as the API shows it: its code, its text in the request's language, and
    (the shape clients had before) its Vietnamese and English texts."""
    out: dict[str, Any] = {"code": str(item.get("code", "")), "text": say_explanation(item)}
    for language in LOCALES:
        with force_locale(language):
            out[language] = say_explanation(item)
    return out

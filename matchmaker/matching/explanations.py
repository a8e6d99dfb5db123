"""A match's reasons and gaps said in a given language (an email's recipient's, a page's).

The ranking stores a reason or gap as ``{"code", "params"[, "variant"]}``; its text is the
``explain.<code>[.<variant>]`` message of :mod:`matchmaker.texts`. Quantities and prices are
said with their unit, countries by their names in the locale. Matches stored before
explanations carried codes hold ``{"code", "vi", "en"}``: those are shown as they were written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchmaker.ranking import reference
from matchmaker.translations import countries, language, money, number, render

# Parameters that are an amount of the explanation's ``unit``, and prices per that unit.
_QUANTITIES = ("capacity", "need", "min_order")
_PRICES = ("price", "ceiling")
_SYMBOLS = frozenset({"g", "kg", "ml"})


def _unit_word(unit: str, locale: str, amount: float | None = None) -> str:
    """The unit's word ("chai", "bottle"; in English "bottles" for several), or its metric
    symbol, which both languages write alike ("kg")."""
    if unit in _SYMBOLS:
        return unit
    try:
        item = reference.get_unit(unit)
    except reference.UnknownReference:
        return unit
    if locale != "en":
        return str(item.name_vi)
    word = str(item.name_en)
    if amount is not None and amount != 1:
        word += "es" if word.endswith(("x", "s", "sh", "ch")) else "s"
    return word


def _category(code: str, locale: str) -> str:
    """A category's name; for a code the reference does not know, its group's name, and a
    neutral word when the group is unknown too: a code is never shown."""
    for candidate in (code, code.split(".", 1)[0]):
        try:
            category = reference.get_category(candidate)
        except reference.UnknownReference:
            continue
        return str(category.name_en if locale == "en" else category.name_vi)
    return render("explain.another_category", None, locale)


def _spoken(params: Mapping[str, Any], locale: str) -> dict[str, Any]:
    """The parameters ``render`` cannot format alone, written out; the others as they are."""
    out = dict(params)
    unit = params.get("unit")
    for name in _QUANTITIES:
        if name in params and unit:
            amount = params[name]
            out[name] = f"{number(amount, locale)} {_unit_word(unit, locale, amount)}"
    for name in _PRICES:
        if name in params and unit:
            out[name] = f"{money(params[name], locale)}/{_unit_word(unit, locale)}"
    for name in ("unit", "offer_unit"):
        if params.get(name):
            out[name] = _unit_word(params[name], locale)
    if params.get("category"):
        out["category"] = _category(params["category"], locale)
    if "country" in params:
        out["country"] = countries(params["country"], locale)
    return out


def message_code(item: Mapping[str, Any]) -> str:
    """The message that says an explanation: ``explain.<code>`` or one of its variants."""
    variant = item.get("variant")
    return f"explain.{item.get('code', '')}" + (f".{variant}" if variant else "")


def explain(item: Mapping[str, Any], locale: str) -> str:
    """One stored reason or gap in ``locale``."""
    locale = language(locale)
    if "params" not in item and ("vi" in item or "en" in item):
        # Written before explanations carried codes: both languages are stored.
        return str(item.get(locale) or item.get("en") or item.get("vi") or "")
    return render(message_code(item), _spoken(item.get("params") or {}, locale), locale)

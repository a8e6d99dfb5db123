"""Ranking explanations at the edge (pages, API): said in the reader's current language by
:mod:`matchmaker.matching.explanations`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchmaker.i18n import LOCALES, lang
from matchmaker.matching.explanations import explain


def say_explanation(item: Mapping[str, Any]) -> str:
    """One stored reason or gap in the current language."""
    return explain(item, lang())


def explanation_out(item: Mapping[str, Any]) -> dict[str, Any]:
    """An explanation as the API shows it: its code, its text in the request's language, and
    (the shape clients had before) its Vietnamese and English texts."""
    out: dict[str, Any] = {"code": str(item.get("code", "")), "text": say_explanation(item)}
    for language in LOCALES:
        out[language] = explain(item, language)
    return out

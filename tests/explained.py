"""Reasons and gaps as the edge says them: in Vietnamese and English through Babel."""

from __future__ import annotations

from functools import cache

from flask import Flask
from flask_babel import force_locale

from matchmaker.explanations import say_explanation
from matchmaker.i18n import init_babel
from matchmaker.ranking.records import Explanation


@cache
def _app() -> Flask:
    app = Flask(__name__)
    init_babel(app, "UTC")
    return app


def said(item: Explanation, language: str) -> str:
    with _app().app_context(), force_locale(language):
        return say_explanation(item.as_dict())


def vi(item: Explanation) -> str:
    return said(item, "vi")


def en(item: Explanation) -> str:
    return said(item, "en")

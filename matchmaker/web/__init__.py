"""Server-rendered pages for producers, buyers and officers, in Vietnamese and English.

``init_web(app)`` attaches translations, CSRF protection, secure cookies, security headers and
the page blueprints. Pages call the same access-checked services as the JSON API.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from matchmaker.settings import Settings


def init_web(app: Flask, settings: Settings) -> None:
    from matchmaker.web import blueprints, email_links, i18n, security

    app.config.update(
        # The API authenticates with bearer tokens, not cookies: only pages check CSRF tokens.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        SESSION_COOKIE_NAME="ocop_session",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 14,
    )
    app.extensions["matchmaker.csrf"] = CSRFProtect(app)
    i18n.init_templates(app)
    security.init_security(app, blueprints.register(app))
    email_links.register(app, settings)

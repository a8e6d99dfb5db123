"""Server-rendered pages for producers, buyers and officers, in Vietnamese and English.

``init_web(app)`` attaches translations, CSRF protection, secure cookies, security headers and
the page blueprints. Pages call the same access-checked services as the JSON API.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from matchmaker.catalog.models import Organization
from matchmaker.extensions import db_session
from matchmaker.matching import consent
from matchmaker.matching.models import Match
from matchmaker.settings import Settings
from matchmaker.web.session import current_user


def _contact_shared(match: Match, organization: Organization) -> bool:
    """Whether a page may show this side's contact details on the match (one rule for
    pages and emails: :func:`matchmaker.matching.consent.contact_shared`)."""
    return consent.contact_shared(db_session(), match, organization.id)


def _awaits_our_yes(match: Match) -> bool:
    """The other side accepted; the signed-in side has not said yes yet (so may still)."""
    user = current_user()
    sides = (match.requirement.organization_id, match.offer.organization_id)
    return (
        user is not None
        and user.organization_id in sides
        and match.status in consent.YES
        and not consent.said_yes(db_session(), match, user.organization_id)
    )


def init_web(app: Flask, settings: Settings) -> None:
    from matchmaker.web import blueprints, email_links, i18n, security

    app.config.update(
        # The API authenticates with bearer tokens, not cookies: only pages check CSRF tokens.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # In production always: behind a proxy the app sees http even when the visitor uses https.
        SESSION_COOKIE_SECURE=settings.is_production or settings.base_url.startswith("https://"),
        SESSION_COOKIE_NAME="ocop_session",
        PERMANENT_SESSION_LIFETIME=60 * 60 * 24 * 14,
    )
    app.extensions["matchmaker.csrf"] = CSRFProtect(app)
    app.jinja_env.globals.update(contact_shared=_contact_shared, awaits_our_yes=_awaits_our_yes)
    i18n.init_templates(app)
    security.init_security(app, blueprints.register(app), settings)
    email_links.register(app, settings)

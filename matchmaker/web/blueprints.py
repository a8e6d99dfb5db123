"""Registers the page blueprints: CSRF protection on their forms, upload limits, the friendly
error pages and what every template can use."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from matchmaker.web import labels
from matchmaker.web.pages import UPLOAD_LIMITS, WEB_ROOT, error_page
from matchmaker.web.session import HOME_FOR_ROLE, current_user


def register(app: Flask) -> frozenset[str]:
    """Registers the page blueprints and returns their names."""
    from matchmaker.web.pages import (
        account,
        buyer,
        claims,
        conversations,
        events,
        matches,
        officer,
        officer_reports,
        producer,
        public,
        quotes,
        ranking,
    )

    modules = (
        public, account, producer, buyer, matches, officer, officer_reports, claims, events,
        ranking, quotes, conversations,
    )  # fmt: skip
    for module in modules:
        app.register_blueprint(module.bp)
    app.register_blueprint(
        Blueprint(
            "assets", __name__, static_folder=str(WEB_ROOT / "static"), static_url_path="/assets"
        )
    )
    page_blueprints = frozenset(module.bp.name for module in modules)
    app.extensions["matchmaker.error_page"] = error_page
    csrf = app.extensions["matchmaker.csrf"]

    @app.before_request
    def _check_csrf() -> None:
        if request.method == "POST" and request.blueprint in page_blueprints:
            if request.endpoint in UPLOAD_LIMITS:
                request.max_content_length = UPLOAD_LIMITS[request.endpoint]
            csrf.protect()

    @app.errorhandler(CSRFError)
    def _csrf_failed(_error: CSRFError) -> tuple[str, int]:
        return error_page(
            400,
            _(
                "The form was open too long or came from another site. Reload the page and "
                "send it again."
            ),
        )

    @app.context_processor
    def _everywhere() -> dict[str, Any]:
        user = current_user()
        return {
            "user": user,
            "home_endpoint": HOME_FOR_ROLE.get(user.role) if user else None,
            "unread_messages": conversations.unread_messages,
            **labels.all_labels(),
        }

    return page_blueprints | {"assets"}

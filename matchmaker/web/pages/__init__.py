"""The page blueprints, the friendly error pages and what every template can use."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from matchmaker.web import WEB_ROOT, labels
from matchmaker.web.session import HOME_FOR_ROLE, current_user

TEMPLATES = str(WEB_ROOT / "templates")
MB = 1024 * 1024
# Phone photos and provincial spreadsheets are larger than any API request body.
UPLOAD_LIMITS = {
    "producer.new_product": 20 * MB,
    "producer.edit_product": 20 * MB,
    "officer.import_list": 10 * MB,
}


def blueprint(name: str, import_name: str, url_prefix: str | None = None) -> Blueprint:
    return Blueprint(name, import_name, url_prefix=url_prefix, template_folder=TEMPLATES)


def error_page(status: int, detail: str | None = None) -> tuple[str, int]:
    titles = {
        400: _("The request could not be understood"),
        403: _("You cannot open this page"),
        404: _("Page not found"),
        405: _("This action is not available here"),
        409: _("This was changed in the meantime"),
        413: _("The file is too large"),
        422: _("Some information is not valid"),
        429: _("Too many attempts"),
    }
    hints = {
        400: _("Go back, reload the page and try again."),
        403: _(
            "Your account does not have access to it. Sign in with another account or go "
            "back to your start page."
        ),
        404: _("The address may be mistyped, or the item was removed."),
        413: _(
            "Photos can be up to 20 MB together and a spreadsheet up to 10 MB. Choose "
            "smaller files."
        ),
        429: _("Wait a minute, then try again."),
    }
    title = titles.get(status, _("Something went wrong on our side"))
    hint = detail or hints.get(status, _("Please try again in a moment."))
    return render_template("error.html", status=status, title=title, hint=hint), status


def register(app: Flask) -> frozenset[str]:
    """Registers the page blueprints and returns their names."""
    from matchmaker.web.pages import account, buyer, events, matches, officer, producer, public

    modules = (public, account, producer, buyer, matches, officer, events)
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
            **labels.all_labels(),
        }

    return page_blueprints | {"assets"}

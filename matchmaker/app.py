"""The application factory."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, abort, redirect, url_for
from flask_openapi3 import Info
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from matchmaker.api.openapi import MatchmakerOpenAPI
from matchmaker.api.schemas import Problem
from matchmaker.errors_http import register_error_handlers, validation_problem
from matchmaker.extensions import init_extensions
from matchmaker.i18n import init_babel
from matchmaker.inputs import MAX_ID
from matchmaker.jobs.celery_app import celery_init_app
from matchmaker.redaction import RedactingFilter
from matchmaker.settings import Settings

API_TITLE = "OCOP Matchmaker API"
API_VERSION = "1.0.0"


def _ids_a_record_can_have(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and any(isinstance(v, int) and v > MAX_ID for v in values.values()):
        abort(404)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    settings.refuse_unsafe_production()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app = MatchmakerOpenAPI(
        __name__,
        info=Info(title=API_TITLE, version=API_VERSION),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        validation_error_status=422,
        validation_error_model=Problem,
        validation_error_callback=validation_problem,
        doc_prefix="/api",
        doc_url="/openapi.json",
        instance_path=str(settings.instance_path),
        instance_relative_config=False,
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.trusted_proxies,
            x_proto=settings.trusted_proxies,
            x_host=settings.trusted_proxies,
        )
    init_extensions(app, settings)
    init_babel(app, settings.notifications.timezone)
    logging.basicConfig(level=settings.log_level)
    # The development server's request log (``matchmaker serve``) keeps no email link tokens;
    # gunicorn's access log is redacted by its logger class (config/gunicorn.conf.py).
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactingFilter())

    from matchmaker import api, health
    from matchmaker.web import init_web

    api.register(app)
    init_web(app, settings)
    app.register_blueprint(health.blueprint)
    celery_init_app(app)
    register_error_handlers(app)
    app.url_value_preprocessor(_ids_a_record_can_have)

    def api_docs() -> Response:
        return redirect(url_for("openapi.openapi"))  # type: ignore[return-value]

    # A plain Flask route: a page, not an operation of the API document.
    app.add_url_rule("/api/docs", view_func=api_docs)

    return app

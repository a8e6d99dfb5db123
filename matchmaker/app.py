"""The application factory."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, redirect, url_for
from flask_openapi3 import Info
from werkzeug.wrappers import Response

from matchmaker.api.openapi import MatchmakerOpenAPI
from matchmaker.api.schemas import Problem
from matchmaker.errors_http import register_error_handlers, validation_problem
from matchmaker.extensions import init_extensions
from matchmaker.settings import Settings

API_TITLE = "OCOP Matchmaker API"
API_VERSION = "1.0.0"


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
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
    init_extensions(app, settings)
    logging.basicConfig(level=settings.log_level)

    from matchmaker import api, cli, health

    api.register(app)
    app.register_blueprint(health.blueprint)
    register_error_handlers(app)
    cli.register(app)

    def api_docs() -> Response:
        return redirect(url_for("openapi.openapi"))  # type: ignore[return-value]

    def index() -> Response:
        return jsonify(
            name=API_TITLE,
            api=url_for("api_docs"),
            openapi=url_for("openapi.doc_url"),
            health=url_for("health.healthz"),
        )

    # Plain Flask routes: pages, not operations of the API document.
    app.add_url_rule("/api/docs", view_func=api_docs)
    app.add_url_rule("/", view_func=index)

    return app

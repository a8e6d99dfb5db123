"""The application factory."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, redirect, url_for
from flask_openapi3 import Info, OpenAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from matchmaker.api.schemas import Problem
from matchmaker.db import make_engine, make_session_factory
from matchmaker.errors_http import register_error_handlers, validation_problem
from matchmaker.settings import Settings

API_TITLE = "OCOP Matchmaker API"
API_VERSION = "1.0.0"


class Database:
    """The engine and session factory that one app (or worker, or CLI run) uses."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    app = OpenAPI(
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
    app.extensions["matchmaker.settings"] = settings
    app.extensions["matchmaker.db"] = Database(settings.effective_database_url)
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

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()

    return app


def get_settings(app: Flask | None = None) -> Settings:
    from flask import current_app

    return (app or current_app).extensions["matchmaker.settings"]  # type: ignore[no-any-return]


def get_database(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions["matchmaker.db"]  # type: ignore[no-any-return]


def db_session() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db_session" not in g:
        g.db_session = get_database().sessions()
    return g.db_session  # type: ignore[no-any-return]

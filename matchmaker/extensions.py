"""What ``create_app`` attaches to an app, and how request code reaches it."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from matchmaker.accounts import devices
from matchmaker.accounts.devices import KnownDevices
from matchmaker.accounts.throttle import LoginThrottle
from matchmaker.db import begin_writing, make_engine, make_session_factory
from matchmaker.matching.state import RankingState
from matchmaker.notifications import Notifier, make_notifier
from matchmaker.settings import Settings

log = logging.getLogger(__name__)


class Database:
    """The engine and session factory that one app (or worker, or CLI run) uses."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.sessions: sessionmaker[Session] = make_session_factory(self.engine)


def init_extensions(app: Flask, settings: Settings) -> None:
    app.extensions["matchmaker.settings"] = settings
    app.extensions["matchmaker.db"] = Database(settings.effective_database_url)
    app.extensions["matchmaker.ranking"] = RankingState(settings.effective_models_path)
    app.extensions["matchmaker.login_throttle"] = LoginThrottle(
        settings.redis_url or "memory://", settings.login_rate_limit
    )
    app.extensions["matchmaker.notifications"] = make_notifier(settings)
    app.extensions["matchmaker.known_devices"] = KnownDevices(settings.secret_key)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        g.pop("api_user", None)  # the caller the API found, a row of this session
        session: Session | None = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.close()
        except Exception:
            # The answer is made: a connection lost now (killed, the database restarted)
            # must not turn it into a bare error page. The pool drops the connection.
            log.warning("the request's database connection was lost at its end", exc_info=True)
            with contextlib.suppress(Exception):
                session.invalidate()


def get_settings(app: Flask | None = None) -> Settings:
    return (app or current_app).extensions["matchmaker.settings"]  # type: ignore[no-any-return]


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["matchmaker.db"]  # type: ignore[no-any-return]


def get_ranking(app: Flask | None = None) -> RankingState:
    return (app or current_app).extensions["matchmaker.ranking"]  # type: ignore[no-any-return]


def get_notifier(app: Flask | None = None) -> Notifier:
    return (app or current_app).extensions["matchmaker.notifications"]  # type: ignore[no-any-return]


def reset_notifier(app: Flask) -> None:
    """A fresh mailer for a forked worker process: an SMTP connection is never shared."""
    app.extensions["matchmaker.notifications"] = make_notifier(get_settings(app))


def login_throttle() -> LoginThrottle:
    return current_app.extensions["matchmaker.login_throttle"]  # type: ignore[no-any-return]


def known_devices() -> KnownDevices:
    return current_app.extensions["matchmaker.known_devices"]  # type: ignore[no-any-return]


def sign_in_attempt(email: str) -> None:
    """Counts a sign-in attempt for ``email`` from this request's client (its address, or its
    known-device cookie: :mod:`matchmaker.accounts.devices`); raises when over the limit."""
    device = known_devices().read(request.cookies.get(devices.COOKIE))
    login_throttle().hit(*devices.sign_in_keys(request.remote_addr, email, device))


def remember_device(response: Response, email: str) -> None:
    """Marks this client as a known device of the account that just signed in."""
    value = known_devices().remember(request.cookies.get(devices.COOKIE), email)
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE")) or get_settings().is_production
    response.set_cookie(
        devices.COOKIE, value, max_age=devices.MAX_AGE_SECONDS, httponly=True, secure=secure,
        samesite="Lax",
    )  # fmt: skip


# Requests that only read: the catalogue as anyone browses it, and the health check. On SQLite
# they read their snapshot beside a writer (WAL) instead of queueing for the database's one
# write lock, which an import holds for each batch of rows it writes.
READ_ONLY_ENDPOINTS = frozenset(
    {"public.home", "public.product", "api_offers.list_offers", "api_offers.get_offer",
     "health.healthz"}
)  # fmt: skip


def db_session() -> Session:
    """The request's session, opened on first use and closed when the request ends."""
    if "db_session" not in g:
        g.db_session = get_database().sessions()
        # Even a GET may write: showing matches records them. On SQLite a request therefore
        # takes the write lock when it starts rather than fail halfway ("database is locked"),
        # unless it is one that only reads.
        if not has_request_context() or request.endpoint not in READ_ONLY_ENDPOINTS:
            begin_writing(g.db_session)
    return g.db_session  # type: ignore[no-any-return]

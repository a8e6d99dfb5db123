"""Who is signed in to the pages: the user id kept in the signed session cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from matchmaker.accounts.models import User
from matchmaker.accounts.page_sessions import (
    end_page_session,
    page_session_user,
    start_page_session,
)
from matchmaker.extensions import db_session

F = TypeVar("F", bound=Callable[..., Any])

HOME_FOR_ROLE = {
    "producer": "producer.dashboard",
    "buyer": "buyer.dashboard",
    "officer": "officer.dashboard",
    "admin": "officer.dashboard",
}


def current_user() -> User | None:
    """The signed-in, active user, or None. The cookie names a session kept in the database
    (:mod:`matchmaker.accounts.page_sessions`): one signed out, or ended when the user was
    signed out everywhere (a password reset, say), no longer counts."""
    if "web_user" not in g:
        sid = session.get("sid")
        user = page_session_user(db_session(), sid) if isinstance(sid, str) else None
        g.web_user = user if user is not None and user.id == session.get("user_id") else None
    return g.web_user  # type: ignore[no-any-return]


def sign_in(user: User) -> None:
    # A fresh session on sign-in, so that a session id planted before cannot be reused.
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    lifetime = current_app.permanent_session_lifetime
    session["sid"] = start_page_session(db_session(), user, lifetime=lifetime)
    session["user_id"] = user.id
    if lang:
        session["lang"] = lang
    g.web_user = user


def sign_out() -> None:
    """Ends this session in the database too, so that a copy of the cookie is worthless."""
    sid = session.get("sid")
    if isinstance(sid, str):
        end_page_session(db_session(), sid)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.pop("web_user", None)


def safe_next(target: str | None, fallback: str) -> str:
    """A redirect target on this site only (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return fallback


def role_required(*roles: str) -> Callable[[F], F]:
    """Signed-out visitors go to the sign-in page; other roles get a 403 page."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("account.signin", next=request.full_path.rstrip("?")))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def signed_in_user() -> User:
    """The user of a view behind :func:`role_required`."""
    user = current_user()
    assert user is not None, "only for views behind role_required"
    return user

"""Who is signed in to the pages: the user id kept in the signed session cookie."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from matchmaker.accounts.models import User
from matchmaker.db import utcnow
from matchmaker.extensions import db_session

F = TypeVar("F", bound=Callable[..., Any])

HOME_FOR_ROLE = {
    "producer": "producer.dashboard",
    "buyer": "buyer.dashboard",
    "officer": "officer.dashboard",
    "admin": "officer.dashboard",
}


def current_user() -> User | None:
    """The signed-in, active user, or None. A session begun before the user was signed out
    everywhere (a password reset, say) no longer counts."""
    if "web_user" not in g:
        user_id = session.get("user_id")
        user = db_session().get(User, user_id) if isinstance(user_id, int) else None
        if user is not None and user.signed_out_at is not None:
            began = session.get("signed_in_at")
            if not isinstance(began, int | float) or began < user.signed_out_at.timestamp():
                user = None
        g.web_user = user if user is not None and user.is_active else None
    return g.web_user  # type: ignore[no-any-return]


def sign_in(user: User) -> None:
    # A fresh session on sign-in, so that a session id planted before cannot be reused.
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session["user_id"] = user.id
    session["signed_in_at"] = utcnow().timestamp()
    if lang:
        session["lang"] = lang
    g.web_user = user


def sign_out() -> None:
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

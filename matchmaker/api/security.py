"""Who is calling: bearer tokens."""

from __future__ import annotations

from flask import request

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import user_for_token
from matchmaker.errors import Unauthorized
from matchmaker.extensions import db_session

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_user() -> User:
    """The signed-in user, or 401."""
    raw = bearer_token()
    if raw is None:
        raise Unauthorized("Sign in: send 'Authorization: Bearer <token>'.")
    user = user_for_token(db_session(), raw)
    if user is None:
        raise Unauthorized("The token is unknown, expired or revoked; get a new one.")
    return user

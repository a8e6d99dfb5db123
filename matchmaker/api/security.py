"""Who is calling: bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_openapi3 import APIBlueprint

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import user_for_token
from matchmaker.api.openapi import api_blueprint
from matchmaker.errors import Unauthorized
from matchmaker.extensions import db_session

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_user() -> User:
    """The signed-in user, or 401; looked up once per request."""
    user: User | None = g.get("api_user")
    if user is not None:
        return user
    raw = bearer_token()
    if raw is None:
        raise Unauthorized("Sign in: send 'Authorization: Bearer <token>'.")
    user = user_for_token(db_session(), raw)
    if user is None:
        raise Unauthorized("The token is unknown, expired or revoked; get a new one.")
    g.api_user = user
    return user


def signed_in_blueprint(name: str, import_name: str, **options: Any) -> APIBlueprint:
    """An API blueprint whose every route needs a bearer token, asked for before anything
    else: a caller without a valid one is told to sign in (401), not what is wrong with its
    parameters or body."""
    api = api_blueprint(name, import_name, abp_security=BEARER, **options)

    @api.before_request
    def sign_in() -> None:
        if request.method != "OPTIONS":
            current_user()

    return api

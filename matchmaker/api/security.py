"""Who is calling: bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_openapi3 import APIBlueprint
from flask_openapi3.utils import parse_rule

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import user_for_token
from matchmaker.api.openapi import operation_id
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
        raise Unauthorized("auth.token_missing")
    user = user_for_token(db_session(), raw)
    if user is None:
        raise Unauthorized("auth.token_invalid")
    g.api_user = user
    return user


def api_blueprint(
    name: str, import_name: str, *, signed_in: bool = False, **options: Any
) -> APIBlueprint:
    """A blueprint of the API. Its operations are named after their handlers, and those the
    document says need a token (all of them when ``signed_in``) ask for it before anything
    else: a caller without a valid one is told to sign in (401), not what is wrong with its
    parameters or body."""
    if signed_in:
        options["abp_security"] = BEARER
    api = APIBlueprint(name, import_name, operation_id_callback=operation_id, **options)

    @api.before_request
    def sign_in_first() -> None:
        if _needs_token(api):
            current_user()

    return api


def _needs_token(api: APIBlueprint) -> bool:
    """Whether the operation this request is for declares a security requirement."""
    rule = request.url_rule
    if rule is None:
        return False
    item = api.paths.get(parse_rule(rule.rule))
    method = "get" if request.method == "HEAD" else request.method.lower()
    operation = getattr(item, method, None) if item is not None else None
    return bool(operation is not None and operation.security)

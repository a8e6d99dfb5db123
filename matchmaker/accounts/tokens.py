"""Bearer tokens: opaque random strings with an expiry, revocable one by one."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts.models import ApiToken, User
from matchmaker.accounts.passwords import hash_password, needs_rehash, verify_password
from matchmaker.accounts.services import change_password, register, user_by_email
from matchmaker.db import transaction, utcnow
from matchmaker.errors import Unauthorized

TOKEN_PREFIX = "mm_"


@cache
def _unknown_user_hash() -> str:
    # Verifying against a real hash when the email is unknown keeps the response time the
    # same, so timing does not tell which emails have accounts.
    return hash_password("no such user")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction
def authenticate(session: Session, email: str, password: str) -> User:
    user = user_by_email(session, email)
    if user is None:
        verify_password(_unknown_user_hash(), password)
        raise Unauthorized("account.bad_credentials")
    if not verify_password(user.password_hash, password) or not user.is_active:
        raise Unauthorized("account.bad_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def issue_token(session: Session, user: User, *, ttl: timedelta) -> tuple[str, ApiToken]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, digest=_digest(raw), expires_at=utcnow() + ttl)
    session.add(token)
    session.flush()
    return raw, token


@cache
def _token_query() -> Select[ApiToken]:
    """Built once: every API call runs it, and building it took a third of its time."""
    return (
        select(ApiToken)
        .options(joinedload(ApiToken.user).joinedload(User.organization))
        .where(ApiToken.digest == bindparam("digest"))
    )


def user_for_token(session: Session, raw: str, *, now: datetime | None = None) -> User | None:
    """The active user a live token belongs to, or None for an unknown, expired or revoked one."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = session.scalars(_token_query(), {"digest": _digest(raw)}).first()
    now = now or utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    return token.user


@transaction
def revoke_token(session: Session, raw: str) -> bool:
    token = session.scalars(select(ApiToken).where(ApiToken.digest == _digest(raw))).first()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


@transaction
def sign_in_for_token(
    session: Session, email: str, password: str, *, ttl: timedelta
) -> tuple[str, ApiToken]:
    """An email and password exchanged for a bearer token."""
    return issue_token(session, authenticate(session, email, password), ttl=ttl)


@transaction
def register_for_token(
    session: Session, *, ttl: timedelta, **registration: Any
) -> tuple[User, str | None, ApiToken | None]:
    """Self-registration (:func:`~matchmaker.accounts.services.register`) that signs in, unless
    the account waits for an officer to approve its claim on a listed producer (no token)."""
    user = register(session, **registration)
    if not user.is_active:
        return user, None, None
    raw, token = issue_token(session, user, ttl=ttl)
    return user, raw, token


@transaction
def change_password_for_token(
    session: Session, user: User, current: str, new: str, *, ttl: timedelta
) -> tuple[str, ApiToken]:
    """The user's own change of password, which ends every token; a new one for this device."""
    change_password(session, user, current, new)
    return issue_token(session, user, ttl=ttl)

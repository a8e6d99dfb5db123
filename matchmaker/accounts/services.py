"""Account use cases: creating users, resetting passwords, signing out everywhere. Services
never commit."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matchmaker.accounts import claims
from matchmaker.accounts.models import ApiToken, User
from matchmaker.accounts.page_sessions import end_every_page_session
from matchmaker.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    too_guessable,
    verify_password,
)
from matchmaker.catalog.models import Organization
from matchmaker.catalog.services import create_organization
from matchmaker.catalog.validation import EMAIL, clean_organization
from matchmaker.db import transaction, utcnow
from matchmaker.errors import Conflict, Invalid, NotFound, field_error
from matchmaker.ranking.text import fold_key

ROLE_FOR_KIND = {"producer": "producer", "buyer": "buyer", "agency": "officer"}


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, organization: Organization, *, email: str, name: str, password: str, role: str
) -> User:
    errors = []
    email = normalize_email(email)
    if not EMAIL.match(email):
        errors.append(field_error("email", "field.email"))
    if not name.strip():
        errors.append(field_error("name", "field.required"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(field_error("password", "field.min_length", min=MIN_PASSWORD_LENGTH))
    allowed_role = ROLE_FOR_KIND[organization.kind]
    if role not in (allowed_role, "admin"):
        errors.append(
            field_error("role", "account.role_for_kind", kind=organization.kind, role=allowed_role)
        )
    if errors:
        raise Invalid("account.invalid", errors=errors)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("account.email_taken", email=email)
    user = User(
        organization_id=organization.id,
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User | None:
    email = normalize_email(email)
    if not email.isprintable():  # no account has one (and PostgreSQL cannot compare a NUL)
        return None
    return session.scalars(select(User).where(User.email == email)).first()


def find_user(session: Session, email: str) -> User:
    user = user_by_email(session, email)
    if user is None:
        raise NotFound("account.not_found", email=normalize_email(email))
    return user


def check_password(password: str, *, field: str, about: tuple[str, ...] = ()) -> None:
    """Refuses a password a person chose that is too short or too easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "account.password_too_short",
            errors=[field_error(field, "field.min_length", min=MIN_PASSWORD_LENGTH)],
        )
    if too_guessable(password, about=about):
        raise Invalid("account.weak_password", errors=[field_error(field, "account.weak_password")])


@transaction
def sign_out_everywhere(session: Session, user: User) -> int:
    """Revokes every live API token of the user and ends their page sessions (those begun
    before now no longer count); the number of tokens revoked."""
    now = utcnow()
    revoked = session.execute(
        update(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > now,
        )
        .values(revoked_at=now)
    )
    end_every_page_session(session, user, now=now)
    user.signed_out_at = now
    session.flush()
    return int(revoked.rowcount)  # type: ignore[attr-defined]


@transaction
def set_password(session: Session, user: User, password: str, *, field: str = "password") -> int:
    """A new password (a reset by an administrator, say), which signs the user out
    everywhere; the number of API tokens revoked. ``field`` names it in a refusal."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "account.password_too_short",
            errors=[field_error(field, "field.min_length", min=MIN_PASSWORD_LENGTH)],
        )
    user.password_hash = hash_password(password)
    return sign_out_everywhere(session, user)


@transaction
def change_password(session: Session, user: User, current: str, new: str) -> int:
    """The user's own change: the current password first; then as :func:`set_password`."""
    if not verify_password(user.password_hash, current):
        raise Invalid(
            "account.wrong_password",
            errors=[field_error("current_password", "account.wrong_password")],
        )
    if new == current:
        raise Invalid(
            "account.same_password",
            errors=[field_error("new_password", "account.same_password")],
        )
    check_password(new, field="new_password", about=(user.email, user.name))
    return set_password(session, user, new, field="new_password")


@transaction
def create_staff_user(
    session: Session,
    *,
    role: str,
    email: str,
    name: str,
    password: str,
    agency_name: str,
    province: str | None,
) -> User:
    """An officer or admin, in an agency organization (found by name and province, or made)."""
    if role not in ("officer", "admin"):
        raise Invalid("account.staff_roles_only")
    agency = create_or_get_agency(session, agency_name, province)
    return create_user(session, agency, email=email, name=name, password=password, role=role)


def create_or_get_agency(session: Session, name: str, province: str | None) -> Organization:
    data = {"kind": "agency", "name": name, **({"province": province} if province else {})}
    values = clean_organization(data)
    existing = session.scalars(
        select(Organization)
        .where(
            Organization.kind == "agency",
            Organization.name_key == fold_key(values["name"]),
            Organization.province.is_(None)
            if values.get("province") is None
            else Organization.province == values["province"],
        )
        .order_by(Organization.id)
    ).first()
    return existing or create_organization(session, data)


@transaction
def reset_password(session: Session, email: str, password: str) -> tuple[User, int]:
    """An administrator's reset of someone's password (see :func:`set_password`)."""
    user = find_user(session, email)
    return user, set_password(session, user, password)


@transaction
def sign_out_account(session: Session, email: str) -> tuple[User, int]:
    """Signs the account of this email out everywhere (see :func:`sign_out_everywhere`)."""
    user = find_user(session, email)
    return user, sign_out_everywhere(session, user)


def invite_code(organization_id: int, secret: str) -> str:
    """A code members share so colleagues can join the organization when they register."""
    digest = hmac.new(secret.encode(), f"org:{organization_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


@transaction
def register(
    session: Session,
    *,
    email: str,
    password: str,
    name: str,
    role: str,
    organization: Mapping[str, Any],
    secret: str,
) -> User:
    """Self-registration of a producer or buyer, creating their organization or joining one.
    A producer the province lists is claimed: the account returned is inactive while the claim
    waits for an officer."""
    if role not in ("producer", "buyer"):
        raise Invalid(
            "account.self_registration_roles",
            errors=[field_error("role", "field.choice", allowed=["producer", "buyer"])],
        )
    given_kind = organization.get("kind")
    if given_kind is not None and given_kind != role:
        raise Invalid(
            "account.kind_for_role",
            errors=[field_error("organization.kind", "account.kind_for_role")],
        )
    about = (email, name, str(organization.get("name") or ""))
    check_password(password, field="password", about=about)
    if user_by_email(session, email) is not None:
        # The answer names no email, and takes as long as making an account would (hashing
        # the password is the slow part). It is still a refusal: see the README's Security.
        hash_password(password)
        raise Conflict("account.registration_refused")
    # A producer the province already lists is claimed rather than made twice (see claims).
    listed = claims.listed_producer(session, role, organization)
    if "id" in organization:
        org = session.get(Organization, organization["id"])
        code = organization.get("invite_code") or ""
        # Compared as bytes: compare_digest refuses a str with anything but ASCII in it.
        if org is None or not hmac.compare_digest(
            str(code).encode(), invite_code(org.id, secret).encode()
        ):
            raise Invalid(
                "account.invite_code_mismatch",
                errors=[field_error("organization.invite_code", "account.invite_code_mismatch")],
            )
        if org.kind != role:
            raise Invalid(
                "account.join_wrong_kind",
                role=role,
                kind=org.kind,
                errors=[field_error("role", "account.join_wrong_kind", role=role, kind=org.kind)],
            )
    elif listed is not None:
        org = listed
    else:
        data = {k: v for k, v in organization.items() if k != "kind"}
        org = create_organization(session, {**data, "kind": role})
    user = create_user(session, org, email=email, name=name, password=password, role=role)
    if listed is not None:
        claims.claim(session, listed, user, organization)
    return user

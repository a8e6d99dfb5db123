"""Account use cases: creating users. Services never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from matchmaker.catalog.models import Organization
from matchmaker.catalog.services import create_organization
from matchmaker.catalog.validation import EMAIL, clean_organization
from matchmaker.errors import Conflict, Invalid, field_error
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
        errors.append(field_error("email", "must be an email address"))
    if not name.strip():
        errors.append(field_error("name", "is required"))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(field_error("password", f"must be at least {MIN_PASSWORD_LENGTH} characters"))
    allowed_role = ROLE_FOR_KIND[organization.kind]
    if role not in (allowed_role, "admin"):
        errors.append(
            field_error("role", f"a {organization.kind} organization's users are {allowed_role}s")
        )
    if errors:
        raise Invalid("The account has invalid fields.", errors=errors)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"An account with the email {email} already exists.")
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
        raise Invalid("Only officer and admin accounts are made here.")
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

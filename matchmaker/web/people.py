"""Officers' user management: the producer and buyer accounts in their province."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Organization
from matchmaker.errors import Forbidden, NotFound

MANAGED_ROLES = ("producer", "buyer")


def _in_scope(officer: User, user: User) -> bool:
    if can.is_admin(officer):
        return True
    if officer.role != "officer" or user.role not in MANAGED_ROLES:
        return False
    scope = can.officer_scope(officer)
    return scope is None or user.organization.province == scope


def list_users(session: Session, officer: User, role: str | None = None) -> Sequence[User]:
    """Accounts the officer looks after, by organization then name."""
    if officer.role not in ("officer", "admin"):
        raise Forbidden("Only officers and admins manage accounts.")
    query = (
        select(User)
        .join(Organization, Organization.id == User.organization_id)
        .options(joinedload(User.organization))
        .order_by(Organization.name, User.name)
    )
    if not can.is_admin(officer):
        query = query.where(User.role.in_(MANAGED_ROLES))
        if scope := can.officer_scope(officer):
            query = query.where(Organization.province == scope)
    if role:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def set_active(session: Session, officer: User, user_id: int, active: bool) -> User:
    """Suspends or restores an account; a suspended user cannot sign in."""
    user = session.get(User, user_id)
    if user is None or not _in_scope(officer, user):
        raise NotFound(f"User {user_id} does not exist.")
    if user.id == officer.id:
        raise Forbidden("You cannot suspend your own account.")
    user.is_active = active
    session.flush()
    return user

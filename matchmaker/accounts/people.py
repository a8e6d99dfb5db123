"""Officers' user management: the producer and buyer accounts in their province."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.catalog.models import Organization
from matchmaker.db import transaction
from matchmaker.errors import Conflict, Forbidden, NotFound

MANAGED_ROLES = ("producer", "buyer")
PAGE_SIZE = 50


@dataclass(frozen=True)
class People:
    users: list[User]
    total: int
    page: int
    pages: int


def _in_scope(officer: User, user: User) -> bool:
    if can.is_admin(officer):
        return True
    if officer.role != "officer" or user.role not in MANAGED_ROLES:
        return False
    scope = can.officer_scope(officer)
    return scope is None or user.organization.province == scope


def list_users(session: Session, officer: User, *, q: str = "", page: int = 1) -> People:
    """Accounts the officer looks after, by organization then name; ``q`` finds a name,
    an email or an organization."""
    if officer.role not in ("officer", "admin"):
        raise Forbidden("account.staff_manage_accounts")
    query = select(User).join(Organization, Organization.id == User.organization_id)
    if not can.is_admin(officer):
        query = query.where(User.role.in_(MANAGED_ROLES))
        if scope := can.officer_scope(officer):
            query = query.where(Organization.province == scope)
    if q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(User.name).like(pattern),
                User.email.like(pattern),
                func.lower(Organization.name).like(pattern),
            )
        )
    total = session.scalar(query.with_only_columns(func.count(User.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = session.scalars(
        query.options(joinedload(User.organization))
        .order_by(Organization.name, User.name, User.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return People(list(users), total, page, pages)


def _check_no_claim_unapproved(session: Session, user: User) -> None:
    """An account that waits on its claim of a listed producer (or whose claim was refused) is
    opened by deciding the claim, not by restoring it."""
    status = session.scalar(
        select(ProducerClaim.status).where(
            ProducerClaim.user_id == user.id, ProducerClaim.status != "approved"
        )
    )
    if status is not None:
        raise Conflict(f"account.claim_{status}", name=user.name)


@transaction
def set_active(session: Session, officer: User, user_id: int, active: bool) -> User:
    """Suspends or restores an account; a suspended user cannot sign in."""
    user = session.get(User, user_id)
    if user is None or not _in_scope(officer, user):
        raise NotFound("account.user_not_found", user_id=user_id)
    if user.id == officer.id:
        raise Forbidden("account.suspend_self")
    if active and not user.is_active:
        _check_no_claim_unapproved(session, user)
    user.is_active = active
    session.flush()
    return user

"""Page sessions kept server-side: signing out ends one for good.

The session cookie is signed, but a signature cannot be taken back: a copy of the cookie made
before signing out would otherwise sign in again until it expired. The cookie carries a random
id instead; the database keeps its digest, and revokes it on sign-out (this session) or when
the user is signed out everywhere (every session)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts.models import PageSession, User
from matchmaker.db import transaction, utcnow


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction
def start_page_session(session: Session, user: User, *, lifetime: timedelta) -> str:
    """A new session for the user; the id for the cookie (never stored as it is)."""
    raw = secrets.token_urlsafe(32)
    session.add(PageSession(user_id=user.id, digest=_digest(raw), expires_at=utcnow() + lifetime))
    session.flush()
    return raw


def page_session_user(session: Session, raw: str, *, now: datetime | None = None) -> User | None:
    """The active user of a live session, or None for an unknown, ended or expired one."""
    row = session.scalars(
        select(PageSession)
        .options(joinedload(PageSession.user).joinedload(User.organization))
        .where(PageSession.digest == _digest(raw))
    ).first()
    if row is None or row.revoked_at is not None or row.expires_at <= (now or utcnow()):
        return None
    return row.user if row.user.is_active else None


@transaction
def end_page_session(session: Session, raw: str) -> None:
    session.execute(
        update(PageSession)
        .where(PageSession.digest == _digest(raw), PageSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def purge_page_sessions(session: Session, before: datetime) -> int:
    """Deletes the sessions that ended or expired before ``before``; how many."""
    deleted = session.execute(
        delete(PageSession).where(
            or_(PageSession.expires_at < before, PageSession.revoked_at < before)
        )
    )
    return int(deleted.rowcount)  # type: ignore[attr-defined]


def end_every_page_session(session: Session, user: User, *, now: datetime) -> None:
    session.execute(
        update(PageSession)
        .where(PageSession.user_id == user.id, PageSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )

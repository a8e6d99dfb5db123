"""Emails about a producer's listing taken over by a new account.

The officers of the producer's province (the admins where the province has none) are told of
every claim: one to decide, or one that the listing's own email or phone made at once (so that
a wrong one can be stopped). The claimant is told the decision, in the language they registered
in. Account emails: sent whatever the notification preferences; safe to queue twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.catalog.models import Organization
from matchmaker.db import utcnow
from matchmaker.notifications.alerts import queue_notifications
from matchmaker.notifications.models import Notification

REQUEST = "claim_request"
DECISION = "claim_decision"
SEND_BATCH = 50


def deciders(session: Session, province: str | None) -> list[User]:
    """Who decides a claim on a producer of ``province``: its officers, else the admins."""
    officers = list(
        session.scalars(
            select(User)
            .join(Organization, User.organization_id == Organization.id)
            .where(
                User.role == "officer",
                User.is_active.is_(True),
                Organization.province == province,
            )
            .order_by(User.id)
        )
    )
    return officers or _admins(session)


def _admins(session: Session) -> list[User]:
    query = select(User).where(User.role == "admin", User.is_active.is_(True)).order_by(User.id)
    return list(session.scalars(query))


def tell_deciders(session: Session, claim: ProducerClaim) -> list[Notification]:
    wanted = [
        Notification(
            user_id=user.id,
            kind=REQUEST,
            idempotency_key=f"claim:{claim.id}:request:{user.id}",
            payload={"claim_id": claim.id},
            enqueued_at=utcnow(),
        )
        for user in deciders(session, claim.organization.province)
    ]
    return _queue(session, wanted)


def tell_claimant(session: Session, claim: ProducerClaim, language: str) -> list[Notification]:
    wanted = [
        Notification(
            user_id=claim.user_id,
            kind=DECISION,
            idempotency_key=f"claim:{claim.id}:decision",
            payload={"claim_id": claim.id, "language": language},
            enqueued_at=utcnow(),
        )
    ]
    return _queue(session, wanted)


def _queue(session: Session, wanted: list[Notification]) -> list[Notification]:
    if not wanted:
        return []
    return queue_notifications(session, wanted, SEND_BATCH)

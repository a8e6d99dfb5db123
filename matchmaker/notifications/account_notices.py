"""Notices about an account itself: someone tried to register with its email.

Registration does not say which emails have accounts; the owner of one is told instead, at
most once a day, so that a person who forgot they had an account learns it from their own
mailbox, and someone else's attempt does not go unnoticed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.db import transaction, utcnow
from matchmaker.notifications.alerts import queue_notifications
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings

KIND = "registration_attempt"


@transaction
def tell_owner_of_registration_attempt(
    session: Session, email: str, config: NotificationSettings
) -> list[Notification]:
    """Queues the notice to the account of ``email``, if there is one; once a day at most."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active:
        return []
    today = utcnow().date().isoformat()
    notice = Notification(
        user_id=user.id,
        kind=KIND,
        idempotency_key=f"registration_attempt:user:{user.id}:{today}",
        payload={"on": today},
        enqueued_at=utcnow(),
    )
    return queue_notifications(session, [notice], config.batch_size)

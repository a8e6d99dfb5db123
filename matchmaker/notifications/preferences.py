"""A user's choice of how often to hear about matches, and unsubscribing. Never commits."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from matchmaker.db import transaction, utcnow
from matchmaker.errors import Invalid, field_error
from matchmaker.notifications.models import FREQUENCIES, Notification, NotificationPreference


def get_preference(session: Session, user_id: int) -> NotificationPreference:
    """The user's stored preference, or the default (instant, subscribed) when none is stored."""
    preference = session.get(NotificationPreference, user_id)
    return preference or NotificationPreference(user_id=user_id, frequency="instant")


def _stored(session: Session, user_id: int) -> NotificationPreference:
    preference = session.get(NotificationPreference, user_id)
    if preference is None:
        preference = NotificationPreference(user_id=user_id, frequency="instant")
        session.add(preference)
    return preference


@transaction
def set_frequency(session: Session, user_id: int, frequency: str) -> NotificationPreference:
    if frequency not in FREQUENCIES:
        raise Invalid(
            "preferences.invalid",
            errors=[field_error("frequency", "field.choice", allowed=list(FREQUENCIES))],
        )
    preference = _stored(session, user_id)
    preference.frequency = frequency
    preference.unsubscribed_at = None
    session.flush()
    return preference


@transaction
def unsubscribe(session: Session, user_id: int) -> NotificationPreference:
    """Stops all email at once: what is still waiting to go out is cancelled too."""
    preference = _stored(session, user_id)
    preference.unsubscribed_at = preference.unsubscribed_at or utcnow()
    session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.state == "pending")
        .values(state="cancelled", last_error="unsubscribed", updated_at=utcnow())
    )
    session.flush()
    return preference

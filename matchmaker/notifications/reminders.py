"""Reminders: producers before an OCOP certificate expires, buyers before a requirement does.

Each reminder day (60, 30 and 7 days before, by default) is sent once. A run that comes late
sends the nearest reminder day still ahead, never a burst of the ones it missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import utcnow
from matchmaker.notifications.alerts import enqueue_sending, recipients
from matchmaker.notifications.models import Notification, NotificationPreference
from matchmaker.settings import NotificationSettings


def reminder_day(days_left: int, days: Sequence[int]) -> int | None:
    """The reminder a thing ``days_left`` days from expiry is due: the smallest day ≥ it."""
    due = [d for d in sorted(days) if days_left <= d]
    return due[0] if due and days_left >= 0 else None


def send_reminders(
    session: Session, config: NotificationSettings, *, today: date
) -> list[Notification]:
    created = _certificates(session, config, today) + _requirements(session, config, today)
    enqueue_sending(session, [n.id for n in created], config.batch_size)
    return created


def _certificates(
    session: Session, config: NotificationSettings, today: date
) -> list[Notification]:
    horizon = today + timedelta(days=max(config.certificate_reminder_days))
    offers = list(
        session.scalars(
            select(Offer).where(
                Offer.status != "archived",
                Offer.ocop_stars.is_not(None),
                Offer.ocop_certified_until.between(today, horizon),
            )
        )
    )
    users = recipients(session, {o.organization_id for o in offers}, "producer")
    created = []
    for offer in offers:
        assert offer.ocop_certified_until is not None
        day = reminder_day((offer.ocop_certified_until - today).days,
                           config.certificate_reminder_days)  # fmt: skip
        if day is None:
            continue
        for user in users.get(offer.organization_id, []):
            key = f"certificate:{offer.id}:{offer.ocop_certified_until}:{day}:user:{user.id}"
            payload = {"offer_id": offer.id, "days": day,
                       "expires_on": offer.ocop_certified_until.isoformat()}  # fmt: skip
            created += _remind(session, user.id, "certificate_expiry", key, payload)
    return created


def _requirements(
    session: Session, config: NotificationSettings, today: date
) -> list[Notification]:
    horizon = today + timedelta(days=max(config.requirement_reminder_days))
    requirements = list(
        session.scalars(
            select(Requirement).where(
                Requirement.status == "open", Requirement.valid_until.between(today, horizon)
            )
        )
    )
    users = recipients(session, {r.organization_id for r in requirements}, "buyer")
    created = []
    for requirement in requirements:
        assert requirement.valid_until is not None
        day = reminder_day((requirement.valid_until - today).days,
                           config.requirement_reminder_days)  # fmt: skip
        if day is None:
            continue
        for user in users.get(requirement.organization_id, []):
            key = f"requirement:{requirement.id}:{requirement.valid_until}:{day}:user:{user.id}"
            payload = {"requirement_id": requirement.id, "days": day,
                       "expires_on": requirement.valid_until.isoformat()}  # fmt: skip
            created += _remind(session, user.id, "requirement_expiry", key, payload)
    return created


def _remind(
    session: Session, user_id: int, kind: str, key: str, payload: dict[str, object]
) -> list[Notification]:
    if session.scalar(select(Notification.id).where(Notification.idempotency_key == key)):
        return []
    preference = session.get(NotificationPreference, user_id)
    if preference is not None and preference.unsubscribed_at is not None:
        return []
    notification = Notification(
        user_id=user_id, kind=kind, idempotency_key=key, payload=payload, enqueued_at=utcnow()
    )
    session.add(notification)
    session.flush()
    return [notification]

"""Digests: one email per user per period with every match they have not yet heard about."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.matching.models import Match
from matchmaker.notifications.alerts import enqueue_sending
from matchmaker.notifications.models import MatchAlert, Notification, NotificationPreference
from matchmaker.settings import NotificationSettings

PERIODS = ("daily", "weekly")


def build_digests(
    session: Session, period: str, config: NotificationSettings, *, today: date
) -> list[Notification]:
    """Groups each user's waiting alerts into one digest email.

    Users who chose ``period`` get theirs; the daily run also sends instant users the alerts
    their daily cap held back. Running twice on one day makes nothing new.
    """
    if period not in PERIODS:
        raise ValueError(f"unknown digest period {period!r}")
    waiting = session.execute(
        select(MatchAlert, NotificationPreference)
        .join(Match, Match.id == MatchAlert.match_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == MatchAlert.user_id)
        .where(
            MatchAlert.notification_id.is_(None),
            # A pair ranked since as only a related product waits: it is news again only if
            # it fits again.
            Match.related.is_(False),
            NotificationPreference.unsubscribed_at.is_(None),
            or_(
                NotificationPreference.frequency == period,
                *(
                    [
                        NotificationPreference.frequency == "instant",
                        NotificationPreference.user_id.is_(None),
                    ]
                    if period == "daily"
                    else []
                ),
            ),
        )
        .order_by(MatchAlert.id)
    ).all()
    by_user: dict[int, list[MatchAlert]] = defaultdict(list)
    for alert, _preference in waiting:
        by_user[alert.user_id].append(alert)

    created = []
    for user_id, alerts in by_user.items():
        key = f"digest:{period}:{today.isoformat()}:user:{user_id}"
        if session.scalar(select(Notification.id).where(Notification.idempotency_key == key)):
            continue  # this period's digest went out; newer alerts wait for the next one
        notification = Notification(
            user_id=user_id,
            kind="digest",
            idempotency_key=key,
            payload={"period": period, "match_ids": [a.match_id for a in alerts]},
            enqueued_at=utcnow(),
        )
        session.add(notification)
        session.flush()
        for alert in alerts:
            alert.notification_id = notification.id
        created.append(notification)
    enqueue_sending(session, [n.id for n in created], config.batch_size)
    return created

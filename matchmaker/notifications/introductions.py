"""Acceptance emails: when either side accepts a match, the sides are introduced by email.

The other side learns who is interested and how to reach them; the accepting side gets the
other's contact details in writing. A buyer's details go to the producer only once the buyer
has said yes (:mod:`matchmaker.matching.consent`): a producer accepting first is emailed when
the buyer accepts too. One email per user and match, whatever the retries; sent
right away whatever the digest frequency (it answers a person, it is no suggestion), but never
to an unsubscribed user, and not at all once the match has been declined. A producer whose
quote the buyer accepted hears of it by the quote's email instead (:mod:`.quote_notices`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import utcnow
from matchmaker.matching import consent
from matchmaker.matching.models import Match
from matchmaker.notifications.alerts import queue_notifications, recipients, unsubscribed_ids
from matchmaker.notifications.emails import INTRODUCED_STATUSES
from matchmaker.notifications.models import Notification
from matchmaker.quotes.models import Quote
from matchmaker.settings import NotificationSettings

KIND = "match_accepted"


def idempotency_key(match_id: int, user_id: int) -> str:
    return f"accepted:match:{match_id}:user:{user_id}"


def _quote_accepted(session: Session, match: Match) -> bool:
    """Whether the buyer's yes was the acceptance of the producer's quote: the producer's
    email about it (:mod:`.quote_notices`) carries the buyer's contact already."""
    found = session.scalar(
        select(Quote.id).where(
            Quote.requirement_id == match.requirement_id,
            Quote.offer_id == match.offer_id,
            Quote.status == "accepted",
        )
    )
    return found is not None


def introduce(
    session: Session, match_id: int, accepted_by_id: int, config: NotificationSettings
) -> list[Notification]:
    """Queues the acceptance email to every user of both sides; safe to run twice."""
    match = session.get(
        Match,
        match_id,
        options=[
            joinedload(Match.requirement).joinedload(Requirement.buyer),
            joinedload(Match.offer).joinedload(Offer.producer),
        ],
    )
    if match is None or match.status not in INTRODUCED_STATUSES:
        return []
    buyers = recipients(session, [match.requirement.organization_id], "buyer")
    producers = (
        recipients(session, [match.offer.organization_id], "producer")
        if consent.contact_shared(session, match, match.requirement.organization_id)
        and not _quote_accepted(session, match)
        else {}
    )
    users = [u for by_org in (producers, buyers) for group in by_org.values() for u in group]
    if not users:
        return []
    unsubscribed = unsubscribed_ids(session, users)
    keys = {u.id: idempotency_key(match.id, u.id) for u in users if u.id not in unsubscribed}
    known = set(
        session.scalars(
            select(Notification.idempotency_key).where(
                Notification.idempotency_key.in_(keys.values())
            )
        )
    )
    wanted = [
        Notification(
            user_id=user_id,
            kind=KIND,
            idempotency_key=key,
            payload={"match_id": match.id, "accepted_by_id": accepted_by_id},
            enqueued_at=utcnow(),
        )
        for user_id, key in keys.items()
        if key not in known
    ]
    return queue_notifications(session, wanted, config.batch_size)

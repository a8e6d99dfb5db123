"""Order emails: an order recorded under a match's deal reaches the side that did not record it.

A buyer's order goes to the producer's users, a producer's to the buyer's; one an officer (or
an admin) recorded goes to both sides. Each says who recorded what, how much, its value and its
day, with a link to the match; the other side's contact details only as the mutual-consent
rule allows (:mod:`matchmaker.matching.consent`), a deal alone is not taken as both sides' yes.

It is news of a person's own deal, no suggestion: it goes at once whatever the digest
frequency, never to an unsubscribed user, once per order and user however often the task runs.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.matching.models import Match
from matchmaker.matching.orders import MatchOrder
from matchmaker.notifications.alerts import queue_notifications, recipients, unsubscribed_ids
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings

KIND = "match_order"
# Who hears of an order, by the side that recorded it.
TOLD = {"buyer": ("producer",), "producer": ("buyer",), "officer": ("buyer", "producer")}


def idempotency_key(order_id: int, user_id: int) -> str:
    return f"order:{order_id}:user:{user_id}"


def tell(session: Session, order_id: int, config: NotificationSettings) -> list[Notification]:
    """Queues the email of a recorded order to every subscribed user of the sides it goes to."""
    order = session.get(MatchOrder, order_id)
    match = session.get(Match, order.match_id) if order is not None else None
    if order is None or match is None:
        return []
    organizations = {
        "buyer": match.requirement.organization_id,
        "producer": match.offer.organization_id,
    }
    users = [
        user
        for side in TOLD[order.side]
        for user in recipients(session, [organizations[side]], side).get(organizations[side], [])
        if user.id != order.user_id
    ]
    unsubscribed = unsubscribed_ids(session, users)
    wanted = [
        Notification(
            user_id=user.id,
            kind=KIND,
            idempotency_key=idempotency_key(order.id, user.id),
            payload={"order_id": order.id},
            enqueued_at=utcnow(),
        )
        for user in users
        if user.id not in unsubscribed
    ]
    return queue_notifications(session, wanted, config.batch_size) if wanted else []

"""Telling a producer that its province's list changed the OCOP facts of its products.

One email per producer and import (each of its users, in the organization's language), listing
each offer the list added or whose stars, potential-five-star flag, certificate dates or
decision number it changed, old → new. Sent right away whatever the digest frequency (it is about
the producer's own listing), never to an unsubscribed user; safe to queue twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.notifications.alerts import queue_notifications, recipients, unsubscribed_ids
from matchmaker.notifications.models import Notification

KIND = "ocop_changes"
SEND_BATCH = 50


def idempotency_key(import_key: str, organization_id: int, user_id: int) -> str:
    return f"ocop:{import_key}:org:{organization_id}:user:{user_id}"


def tell_producers(
    session: Session,
    changes: Mapping[int, Sequence[Mapping[str, Any]]],
    *,
    import_key: str,
    file: str,
) -> list[Notification]:
    """Queues the email to the users of each producer in ``changes`` (by organization id:
    ``[{"offer_id", "title", "added", "changes": [[field, old, new], ...]}]``)."""
    by_org = recipients(session, [org for org, items in changes.items() if items], "producer")
    users = [u for group in by_org.values() for u in group]
    if not users:
        return []
    unsubscribed = unsubscribed_ids(session, users)
    wanted = [
        Notification(
            user_id=user.id,
            kind=KIND,
            idempotency_key=idempotency_key(import_key, org, user.id),
            payload={"organization_id": org, "file": file, "offers": list(changes[org])},
            enqueued_at=utcnow(),
        )
        for org, group in by_org.items()
        for user in group
        if user.id not in unsubscribed
    ]
    return queue_notifications(session, wanted, SEND_BATCH)

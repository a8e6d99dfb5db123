"""Quote emails: the buyer hears of new quotes and revisions, the producer of the buyer's answer.

- The requirement's buyer (each of its users) is told of every new quote and revision, once per
  revision (:class:`QuoteAlert`). Those that come within ``quote_batch_minutes`` of the first
  one still waiting go out in that same email, which shows each quote once, with its latest terms.
- The producer is told when its quote is accepted, with the buyer's contact details (the buyer
  has said yes: :mod:`matchmaker.matching.consent`), or declined, with the buyer's reason in the
  buyer's words. The producer's own introduction email is then not sent as well
  (:mod:`.introductions`): the acceptance is that introduction.
- The producers of the other open quotes on the requirement are told that the buyer accepted
  another quote (not whose); theirs stays open until the buyer answers it.

They answer a person's own request or quote, so they never wait for a weekly digest: a buyer
who chose instant emails hears within the batching window, one who chose a daily or weekly
digest the next morning at the digest hour (quotes have a validity, a week may be too late).
Never to an unsubscribed user; each task is safe to run twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Requirement
from matchmaker.db import add_new, utcnow
from matchmaker.notifications.alerts import (
    MATCHING_LOCK,
    enqueue_sending,
    queue_notifications,
    recipients,
    unsubscribed_ids,
)
from matchmaker.notifications.models import Notification, NotificationPreference, QuoteAlert
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.settings import NotificationSettings

QUOTES = "quotes"
ACCEPTED = "quote_accepted"
DECLINED = "quote_declined"
ELSEWHERE = "quote_elsewhere"


def tell(
    session: Session,
    quote_id: int,
    event: str,
    revision: int,
    user_id: int,
    config: NotificationSettings,
) -> list[Notification]:
    """Queues the emails that a quote's ``event`` (submitted, revised, accepted, declined) makes."""
    quote = session.get(Quote, quote_id)
    if quote is None:
        return []
    if event in ("submitted", "revised"):
        return _tell_buyer(session, quote, revision, config)
    if event == "accepted" and quote.status == "accepted":
        told = _tell_producer(session, quote, ACCEPTED, {"accepted_by_id": user_id}, config)
        return told + _tell_others(session, quote, config)
    if event == "declined" and quote.status == "declined":
        return _tell_producer(session, quote, DECLINED, {}, config)
    return []


def _subscribed(session: Session, users: Sequence[User]) -> list[User]:
    if not users:
        return []
    unsubscribed = unsubscribed_ids(session, users)
    return [u for u in users if u.id not in unsubscribed]


def _users(session: Session, organization_id: int, side: str) -> list[User]:
    found = recipients(session, [organization_id], side).get(organization_id, [])
    return _subscribed(session, found)


def batch_prefix(requirement_id: int, user_id: int) -> str:
    return f"quotes:requirement:{requirement_id}:user:{user_id}:"


def _tell_buyer(
    session: Session, quote: Quote, number: int, config: NotificationSettings
) -> list[Notification]:
    if quote.status != "open":
        return []  # withdrawn (or answered) before the email was queued: nothing to tell
    # One task at a time per requirement: two quotes told at once would each start an email
    # of their own instead of the second joining the first.
    session.get(Requirement, quote.requirement_id, with_for_update=MATCHING_LOCK)
    revision = session.scalar(
        select(QuoteRevision).where(
            QuoteRevision.quote_id == quote.id, QuoteRevision.number == number
        )
    )
    if revision is None:
        return []
    users = _users(session, quote.requirement.organization_id, "buyer")
    frequency = {
        user_id: chosen
        for user_id, chosen in session.execute(
            select(NotificationPreference.user_id, NotificationPreference.frequency).where(
                NotificationPreference.user_id.in_([u.id for u in users])
            )
        )
    }
    known = set(
        session.scalars(select(QuoteAlert.user_id).where(QuoteAlert.revision_id == revision.id))
    )
    wanted = [QuoteAlert(user_id=u.id, revision_id=revision.id) for u in users if u.id not in known]
    now = utcnow()
    created: list[Notification] = []
    for alert in add_new(session, wanted, _fresh_alert):
        send_at = sending_time(frequency.get(alert.user_id, "instant"), now, config)
        prefix = batch_prefix(quote.requirement_id, alert.user_id)
        # An email on this requirement still waiting for its time: this revision joins it.
        waiting = session.scalar(
            select(Notification)
            .where(
                Notification.user_id == alert.user_id,
                Notification.kind == QUOTES,
                Notification.state == "pending",
                Notification.next_attempt_at > now,
                Notification.idempotency_key.startswith(prefix, autoescape=True),
            )
            .order_by(Notification.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if waiting is None:
            waiting = Notification(
                user_id=alert.user_id,
                kind=QUOTES,
                idempotency_key=f"{prefix}revision:{revision.id}",
                payload={"requirement_id": quote.requirement_id},
                next_attempt_at=send_at,
                # Queued for then: the sweep leaves it to that task until it is due.
                enqueued_at=send_at,
            )
            session.add(waiting)
            session.flush()
            created.append(waiting)
            enqueue_sending(session, [waiting.id], config.batch_size, at=send_at)
        alert.notification_id = waiting.id
    session.flush()
    return created


def sending_time(frequency: str, now: datetime, config: NotificationSettings) -> datetime:
    """When a new email on quotes goes: after the batching window for instant readers, at
    the next digest hour (on the deployment's clock) for those who chose a digest."""
    if frequency == "instant":
        return now + timedelta(minutes=config.quote_batch_minutes)
    local = now.astimezone(ZoneInfo(config.timezone))
    morning = local.replace(hour=config.digest_hour, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)


def _fresh_alert(alert: QuoteAlert) -> QuoteAlert:
    return QuoteAlert(user_id=alert.user_id, revision_id=alert.revision_id)


def _tell_producer(
    session: Session,
    quote: Quote,
    kind: str,
    payload: dict[str, int],
    config: NotificationSettings,
) -> list[Notification]:
    wanted = [
        Notification(
            user_id=user.id,
            kind=kind,
            idempotency_key=f"quote:{quote.id}:{kind}:user:{user.id}",
            payload={"quote_id": quote.id, **payload},
            enqueued_at=utcnow(),
        )
        for user in _users(session, quote.organization_id, "producer")
    ]
    return queue_notifications(session, wanted, config.batch_size) if wanted else []


def _tell_others(
    session: Session, accepted: Quote, config: NotificationSettings
) -> list[Notification]:
    others = session.scalars(
        select(Quote).where(
            Quote.requirement_id == accepted.requirement_id,
            Quote.id != accepted.id,
            Quote.status == "open",
            # A producer whose other product won hears of that, not of this.
            Quote.organization_id != accepted.organization_id,
        )
    )
    wanted = [
        Notification(
            user_id=user.id,
            kind=ELSEWHERE,
            idempotency_key=f"quote:{other.id}:{ELSEWHERE}:user:{user.id}",
            payload={"quote_id": other.id, "accepted_quote_id": accepted.id},
            enqueued_at=utcnow(),
        )
        for other in others
        for user in _users(session, other.organization_id, "producer")
    ]
    return queue_notifications(session, wanted, config.batch_size) if wanted else []

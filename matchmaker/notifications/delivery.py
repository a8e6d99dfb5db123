"""Delivering notification emails exactly once, as far as SMTP allows.

A send task claims its notifications (state ``sending`` with a lease), commits, sends each email
and records each outcome in its own short transaction. A task that dies leaves its claims to
run out; the sweep then hands those notifications to a new task. Transient failures are retried
with exponential backoff, permanent ones recorded. Every email carries a Message-ID fixed by
the notification, so in the one unavoidable window (the server accepted the message and the
process died before recording it, RFC 1047) the copy that goes out again shows up as the
same message.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import unit_of_work, utcnow
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.notifications.alerts import enqueue_sending
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.mail import (
    Mailer,
    OutgoingEmail,
    PermanentMailError,
    TransientMailError,
)
from matchmaker.notifications.models import Notification, NotificationPreference
from matchmaker.settings import NotificationSettings

log = logging.getLogger(__name__)


def backoff(attempts: int, config: NotificationSettings) -> timedelta:
    """Base × 2^(attempts-1), capped, with up to 10% jitter so retries do not arrive together."""
    seconds = min(config.retry_max_seconds, config.retry_base_seconds * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * (1 + random.random() / 10))


@dataclass(frozen=True)
class ClaimedEmail:
    email: OutgoingEmail
    user_id: int
    match_ids: list[int]


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)


def deliver(
    sessions: sessionmaker[Session],
    mailer: Mailer,
    builder: EmailBuilder,
    notification_ids: Sequence[int],
    config: NotificationSettings,
) -> DeliveryReport:
    """Sends what is still to be sent among ``notification_ids``; safe to run twice."""
    report = DeliveryReport()
    lease = timedelta(seconds=config.lease_seconds)
    with unit_of_work(sessions) as session:
        claimed_until = utcnow() + lease
        emails = _claim_and_build(session, builder, notification_ids, claimed_until, report)
    remaining = list(emails)
    sent_matches: dict[int, list[int]] = {}
    for notification_id, claimed in emails.items():
        if utcnow() > claimed_until - lease / 2:
            # A slow server: renew the claim on the rest, so nobody else takes them over.
            claimed_until, remaining = _renew(sessions, remaining, claimed_until, lease)
            if notification_id not in remaining:
                continue
        remaining.remove(notification_id)
        try:
            mailer.send(claimed.email)
        except TransientMailError as exc:
            _settle_transient(sessions, notification_id, str(exc), config, report)
        except PermanentMailError as exc:
            _settle(sessions, notification_id, "bounced" if exc.bounced else "failed", str(exc))
            report.failed.append(notification_id)
            log.warning("notification %s not delivered: %s", notification_id, exc)
        else:
            _settle_sent(sessions, notification_id)
            report.sent.append(notification_id)
            sent_matches.setdefault(claimed.user_id, []).extend(claimed.match_ids)
    _mark_matches_notified(sessions, sent_matches)
    return report


def _claim_and_build(
    session: Session,
    builder: EmailBuilder,
    notification_ids: Sequence[int],
    claimed_until: datetime,
    report: DeliveryReport,
) -> dict[int, ClaimedEmail]:
    now = utcnow()
    notifications = session.scalars(
        select(Notification)
        .where(
            Notification.id.in_(notification_ids),
            or_(
                and_(Notification.state == "pending", Notification.next_attempt_at <= now),
                and_(Notification.state == "sending", Notification.claimed_until <= now),
            ),
        )
        .order_by(Notification.id)
        .with_for_update(skip_locked=True)
    ).all()
    # Load what the emails need in three queries, not three per email.
    # (Held in variables: the session's identity map only keeps objects something refers to.)
    user_ids = {n.user_id for n in notifications}
    users = session.scalars(
        select(User).options(joinedload(User.organization)).where(User.id.in_(user_ids))
    ).all()
    preferences = {
        p.user_id: p
        for p in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))
        )
    }
    match_ids = {m for n in notifications for m in n.payload.get("match_ids") or []}
    matches = (
        session.scalars(
            select(Match)
            .options(
                joinedload(Match.offer).joinedload(Offer.producer),
                joinedload(Match.requirement).joinedload(Requirement.buyer),
            )
            .where(Match.id.in_(match_ids))
        )
        .unique()
        .all()
    )
    emails: dict[int, ClaimedEmail] = {}
    for notification in notifications:
        preference = preferences.get(notification.user_id)
        if preference is not None and preference.unsubscribed_at is not None:
            _cancel(notification, "unsubscribed", report)
            continue
        email = builder.build(session, notification)
        if email is None:
            _cancel(notification, "nothing in it is still true", report)
            continue
        notification.state = "sending"
        notification.claimed_until = claimed_until
        notification.attempts += 1
        notification.language = email.language
        notification.subject = email.subject[:300]
        emails[notification.id] = ClaimedEmail(
            email, notification.user_id, list(notification.payload.get("match_ids") or [])
        )
    del users, matches
    return emails


def _cancel(notification: Notification, reason: str, report: DeliveryReport) -> None:
    notification.state = "cancelled"
    notification.last_error = reason
    notification.claimed_until = None
    report.cancelled.append(notification.id)


def _renew(
    sessions: sessionmaker[Session], ids: list[int], held_until: datetime, lease: timedelta
) -> tuple[datetime, list[int]]:
    new_until = utcnow() + lease
    with unit_of_work(sessions) as session:
        still_ours = session.scalars(
            update(Notification)
            .where(
                Notification.id.in_(ids),
                Notification.state == "sending",
                Notification.claimed_until == held_until,
            )
            .values(claimed_until=new_until)
            .returning(Notification.id)
        ).all()
    return new_until, [i for i in ids if i in set(still_ours)]


def _settle_sent(sessions: sessionmaker[Session], notification_id: int) -> None:
    # One short statement: the less time between the server's "250" and this commit, the
    # smaller the window in which a crash would send the email again.
    now = utcnow()
    with unit_of_work(sessions) as session:
        session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(state="sent", sent_at=now, claimed_until=None, last_error=None, updated_at=now)
        )


def _mark_matches_notified(sessions: sessionmaker[Session], sent: dict[int, list[int]]) -> None:
    """Moves the sent emails' matches from suggested to notified (once, for the batch)."""
    by_match = {match_id: user_id for user_id, ids in sent.items() for match_id in ids}
    if not by_match:
        return
    with unit_of_work(sessions) as session:
        for match in session.scalars(
            select(Match).where(Match.id.in_(by_match), Match.status == "suggested")
        ):
            match.status = "notified"
            session.add(
                MatchEvent(
                    match_id=match.id,
                    user_id=by_match[match.id],
                    from_status="suggested",
                    to_status="notified",
                )
            )


def _settle_transient(
    sessions: sessionmaker[Session],
    notification_id: int,
    error: str,
    config: NotificationSettings,
    report: DeliveryReport,
) -> None:
    with unit_of_work(sessions) as session:
        notification = session.get(Notification, notification_id)
        assert notification is not None
        notification.claimed_until = None
        notification.last_error = error[:500]
        if notification.attempts >= config.max_attempts:
            notification.state = "failed"
            report.failed.append(notification_id)
            log.warning("notification %s failed after %d attempts: %s",
                        notification_id, notification.attempts, error)  # fmt: skip
            return
        notification.state = "pending"
        notification.next_attempt_at = utcnow() + backoff(notification.attempts, config)
        # Not queued: the sweep queues it once it is due.
        notification.enqueued_at = None
        report.retrying.append(notification_id)


def _settle(sessions: sessionmaker[Session], notification_id: int, state: str, error: str) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(state=state, last_error=error[:500], claimed_until=None, updated_at=utcnow())
        )


def sweep(session: Session, config: NotificationSettings, *, limit: int = 1000) -> list[int]:
    """Queues notifications that are due and that no live task holds: retries whose time has
    come, and those whose task or sender was lost (a dead worker, a lost broker message)."""
    now = utcnow()
    lease = timedelta(seconds=config.lease_seconds)
    due = session.scalars(
        select(Notification)
        .where(
            or_(
                and_(
                    Notification.state == "pending",
                    Notification.next_attempt_at <= now,
                    or_(
                        Notification.enqueued_at.is_(None),
                        Notification.enqueued_at <= now - lease,
                    ),
                ),
                and_(Notification.state == "sending", Notification.claimed_until <= now),
            )
        )
        .order_by(Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for notification in due:
        # A claim that ran out means its sender is gone: the notification is pending again.
        notification.state = "pending"
        notification.claimed_until = None
        notification.enqueued_at = now
    ids = [n.id for n in due]
    enqueue_sending(session, ids, config.batch_size)
    return ids

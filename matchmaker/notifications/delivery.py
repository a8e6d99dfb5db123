"""Delivering notification emails exactly once, as far as SMTP allows.

A send task claims its notifications (state ``sending`` with a lease), commits, sends each email
and records each outcome in its own short transaction. A task that dies leaves its claims to
run out; the sweep then hands those notifications to a new task. Transient failures are retried
with exponential backoff, permanent ones recorded. Every email carries a Message-ID fixed by
the notification, so in the one unavoidable window (the server accepted the message and the
process died before recording it, RFC 1047) the copy that goes out again shows up as the
same message.

Event emails (agendas, deal follow-ups) go the same way: :func:`claim`, :func:`hold`,
:func:`send_claimed` and :func:`take_due` work on any :class:`Deliverable` table.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

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
from matchmaker.notifications.models import Deliverable, Notification, NotificationPreference
from matchmaker.settings import NotificationSettings

log = logging.getLogger(__name__)
D = TypeVar("D", bound=Deliverable)


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
    with unit_of_work(sessions) as session:
        claimed_until = utcnow() + timedelta(seconds=config.sending_lease_seconds)
        claimed = _claim_and_build(session, builder, notification_ids, claimed_until, report)
    emails = {notification_id: c.email for notification_id, c in claimed.items()}
    sent = send_claimed(sessions, mailer, Notification, emails, claimed_until, config, report)
    sent_matches: dict[int, list[int]] = {}
    for notification_id in sent:
        sent_matches.setdefault(claimed[notification_id].user_id, []).extend(
            claimed[notification_id].match_ids
        )
    _mark_matches_notified(sessions, sent_matches)
    return report


def claim(session: Session, model: type[D], ids: Sequence[int]) -> list[D]:
    """The rows among ``ids`` that are due and that no live sender holds, locked (skipping
    those another sender is claiming) until the caller's transaction ends."""
    now = utcnow()
    return list(
        session.scalars(
            select(model)
            .where(
                model.id.in_(ids),
                or_(
                    and_(model.state == "pending", model.next_attempt_at <= now),
                    and_(model.state == "sending", model.claimed_until <= now),
                ),
            )
            .order_by(model.id)
            .with_for_update(skip_locked=True)
        )
    )


def hold(row: Deliverable, claimed_until: datetime) -> None:
    """Marks a claimed row as being sent until ``claimed_until`` (one more attempt)."""
    row.state = "sending"
    row.claimed_until = claimed_until
    row.attempts += 1


def send_claimed(
    sessions: sessionmaker[Session],
    mailer: Mailer,
    model: type[Deliverable],
    emails: Mapping[int, OutgoingEmail],
    claimed_until: datetime,
    config: NotificationSettings,
    report: DeliveryReport,
) -> list[int]:
    """Sends the emails of rows claimed (and committed) until ``claimed_until``, recording each
    outcome in its own short transaction: no row stays locked while SMTP is talked to. Returns
    the ids sent."""
    lease = timedelta(seconds=config.sending_lease_seconds)
    remaining = list(emails)
    for row_id, email in emails.items():
        if utcnow() > claimed_until - lease / 2:
            # A slow server: renew the claim on the rest, so nobody else takes them over.
            claimed_until, remaining = _renew(sessions, model, remaining, claimed_until, lease)
            if row_id not in remaining:
                continue
        remaining.remove(row_id)
        try:
            mailer.send(email)
        except TransientMailError as exc:
            _settle_transient(sessions, model, row_id, str(exc), config, report)
        except PermanentMailError as exc:
            _settle(sessions, model, row_id, "bounced" if exc.bounced else "failed", str(exc))
            report.failed.append(row_id)
            log.warning("%s %s not delivered: %s", model.__name__, row_id, exc)
        else:
            _settle_sent(sessions, model, row_id)
            report.sent.append(row_id)
    return [row_id for row_id in emails if row_id in report.sent]


def _claim_and_build(
    session: Session,
    builder: EmailBuilder,
    notification_ids: Sequence[int],
    claimed_until: datetime,
    report: DeliveryReport,
) -> dict[int, ClaimedEmail]:
    notifications = claim(session, Notification, notification_ids)
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
        hold(notification, claimed_until)
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
    sessions: sessionmaker[Session],
    model: type[Deliverable],
    ids: list[int],
    held_until: datetime,
    lease: timedelta,
) -> tuple[datetime, list[int]]:
    new_until = utcnow() + lease
    with unit_of_work(sessions) as session:
        still_ours = session.scalars(
            update(model)
            .where(model.id.in_(ids), model.state == "sending", model.claimed_until == held_until)
            .values(claimed_until=new_until)
            .returning(model.id)
        ).all()
    return new_until, [i for i in ids if i in set(still_ours)]


def _settle_sent(sessions: sessionmaker[Session], model: type[Deliverable], row_id: int) -> None:
    # One short statement: the less time between the server's "250" and this commit, the
    # smaller the window in which a crash would send the email again.
    with unit_of_work(sessions) as session:
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(state="sent", sent_at=utcnow(), claimed_until=None, last_error=None)
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
    model: type[Deliverable],
    row_id: int,
    error: str,
    config: NotificationSettings,
    report: DeliveryReport,
) -> None:
    with unit_of_work(sessions) as session:
        row = session.get(model, row_id)
        assert row is not None
        row.claimed_until = None
        row.last_error = error[:500]
        if row.attempts >= config.max_attempts:
            row.state = "failed"
            report.failed.append(row_id)
            log.warning("%s %s failed after %d attempts: %s",
                        model.__name__, row_id, row.attempts, error)  # fmt: skip
            return
        row.state = "pending"
        row.next_attempt_at = utcnow() + backoff(row.attempts, config)
        # Not queued: the sweep queues it once it is due.
        row.enqueued_at = None
        report.retrying.append(row_id)


def _settle(
    sessions: sessionmaker[Session], model: type[Deliverable], row_id: int, state: str, error: str
) -> None:
    with unit_of_work(sessions) as session:
        session.execute(
            update(model)
            .where(model.id == row_id)
            .values(state=state, last_error=error[:500], claimed_until=None)
        )


def sweep(session: Session, config: NotificationSettings, *, limit: int = 1000) -> list[int]:
    """Queues notifications that are due and that no live task holds: retries whose time has
    come, and those whose task or sender was lost (a dead worker, a lost broker message)."""
    ids = take_due(session, Notification, config, limit=limit)
    enqueue_sending(session, ids, config.batch_size)
    return ids


def take_due(
    session: Session, model: type[Deliverable], config: NotificationSettings, *, limit: int = 1000
) -> list[int]:
    """The rows a sweep should queue again (marked as queued now): pending ones whose retry is
    due and that no task queued within a lease, and those whose sender's claim ran out."""
    now = utcnow()
    lease = timedelta(seconds=config.sending_lease_seconds)
    due = session.scalars(
        select(model)
        .where(
            or_(
                and_(
                    model.state == "pending",
                    model.next_attempt_at <= now,
                    or_(model.enqueued_at.is_(None), model.enqueued_at <= now - lease),
                ),
                and_(model.state == "sending", model.claimed_until <= now),
            )
        )
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in due:
        # A claim that ran out means its sender is gone: the row is pending again.
        row.state = "pending"
        row.claimed_until = None
        row.enqueued_at = now
    return [row.id for row in due]

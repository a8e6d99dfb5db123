"""Notification tables: preferences, one row per email, which match each user heard about."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.accounts.models import User
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow
from matchmaker.matching.models import Match
from matchmaker.quotes.models import QuoteRevision

FREQUENCIES = ("instant", "daily", "weekly")
# match_accepted: one side accepted a match; both sides get the other's contact details.
# ocop_changes: the province's list import changed the OCOP facts of a producer's products.
# registration_attempt: someone tried to register with the user's email (they are told, the
# person registering is not).
# claim_request: to the province's officers, someone registered as a producer it lists;
# claim_decision: to that person, the officer's answer.
# messages: a thread's new messages to one of its readers, gathered for a few minutes.
# quotes: to a buyer, new quotes and revisions on one of its requirements (one email for those
# that come close together); quote_accepted / quote_declined: to the producer, the buyer's
# answer; quote_elsewhere: to the producers of the other open quotes, that the buyer accepted
# another one.
# match_order: an order recorded under a match's deal, to the side that did not record it (both
# sides when an officer did).
KINDS = (
    "match",
    "digest",
    "certificate_expiry",
    "requirement_expiry",
    "match_accepted",
    "ocop_changes",
    "registration_attempt",
    "claim_request",
    "claim_decision",
    "messages",
    "quotes",
    "quote_accepted",
    "quote_declined",
    "quote_elsewhere",
    "match_order",
)
# cancelled: the user unsubscribed, or nothing in the email is still true, before it went out.
STATES = ("pending", "sending", "sent", "failed", "bounced", "cancelled")
FINAL_STATES = ("sent", "failed", "bounced", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class NotificationPreference(Base):
    """How often a user hears about matches; no row means instant emails."""

    __tablename__ = "notification_preferences"
    __table_args__ = (CheckConstraint(_in("frequency", FREQUENCIES), name="frequency"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    frequency: Mapped[str] = mapped_column(String(8), default="instant")
    # None: the deployment's default cap (settings.notifications.daily_cap).
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Deliverable:
    """The delivery state of a row that stands for one email (a notification, an event email):
    what :mod:`matchmaker.notifications.delivery` claims, sends, retries and sweeps."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a send task was last queued for it; an old value means the task was lost.
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A sender's claim; once it passes, the sender is presumed dead and another may send.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class Notification(Deliverable, Base):
    """One email (a match, a digest or a reminder) to one user, with its delivery state."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("state", STATES), name="state"),
        Index("ix_notifications_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_notifications_user_id_created_at", "user_id", "created_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    # The same event never makes a second email: e.g. "match:12:user:7".
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    language: Mapped[str | None] = mapped_column(String(2))
    subject: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class MatchAlert(Base):
    """That a user is to hear (or heard) about a match: never the same pair twice."""

    __tablename__ = "match_alerts"
    __table_args__ = (UniqueConstraint("user_id", "match_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    # Empty until an email carries it (held for a digest, or over the daily cap).
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    match: Mapped[Match] = relationship()


class QuoteAlert(Base):
    """That a buyer's user is to hear (or heard) of one revision of a quote: never twice."""

    __tablename__ = "quote_alerts"
    __table_args__ = (UniqueConstraint("user_id", "revision_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("quote_revisions.id", ondelete="CASCADE"), index=True
    )
    # The email that carries it (with the others on the same requirement that came with it).
    notification_id: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[QuoteRevision] = relationship()


class WorkerHeartbeat(Base):
    """A worker's last sign of life, for ``/healthz`` on any broker."""

    __tablename__ = "worker_heartbeats"

    hostname: Mapped[str] = mapped_column(String(200), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    queues: Mapped[list[str]] = mapped_column(JSONType, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

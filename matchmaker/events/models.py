"""Connection event tables: events, participants, meeting requests, meetings and their outcomes,
scheduling runs, and the event emails (agendas, follow-up reminders)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Organization, TimestampMixin
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow
from matchmaker.matching.models import Match
from matchmaker.notifications.models import Deliverable

SIDES = ("producer", "buyer")
PARTICIPANT_STATUSES = ("pending", "approved", "rejected", "withdrawn")
REQUEST_STATUSES = ("pending", "accepted", "declined", "expired", "withdrawn")
ATTENDANCE = ("held", "no_show")
INTEREST = ("interested", "not_interested")
# The deal's road after a meeting; each step only moves forward.
STAGES = ("none", "mou", "contract", "first_order", "repeat_order")
EMAIL_KINDS = ("agenda", "follow_up", "invitation")
EMAIL_STATES = ("pending", "sending", "sent", "failed", "bounced", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Event(TimestampMixin, Base):
    """A supply-demand connection event run by an agency.

    ``days`` lists the meeting sessions in local time (``{"date", "start", "end"}``); the slots
    are cut from them: ``slot_minutes`` long, ``break_minutes`` apart.
    """

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="slot_minutes"),
        CheckConstraint("break_minutes BETWEEN 0 AND 120", name="break_minutes"),
        CheckConstraint("table_count BETWEEN 1 AND 2000", name="table_count"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    venue: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # The IANA zone of the venue, where the sessions' local times are (the deployment's).
    timezone: Mapped[str] = mapped_column(String(64))
    days: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    break_minutes: Mapped[int] = mapped_column(Integer, default=5)
    table_count: Mapped[int] = mapped_column(Integer)
    registration_deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # Current province codes and product group codes it is open to; empty means everyone.
    target_provinces: Mapped[list[str]] = mapped_column(JSONType, default=list)
    target_categories: Mapped[list[str]] = mapped_column(JSONType, default=list)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    request_ttl_hours: Mapped[int] = mapped_column(Integer, default=72)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()


class EventParticipant(TimestampMixin, Base):
    """A firm registered for an event with what it brings and when it can meet.

    ``availability`` holds ``[start, end]`` ISO timestamp pairs; empty means the whole event.
    """

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "organization_id"),
        CheckConstraint(_in("side", SIDES), name="side"),
        CheckConstraint(_in("status", PARTICIPANT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    side: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    offer_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    requirement_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    availability: Mapped[list[list[str]]] = mapped_column(JSONType, default=list)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(1000), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(500))

    event: Mapped[Event] = relationship()
    organization: Mapped[Organization] = relationship()


class MeetingRequest(TimestampMixin, Base):
    """A requested 1:1 meeting between a producer and a buyer of one event.

    ``published_start``/``published_table`` is where the meeting stood in the last agenda the
    participants received, so that re-scheduling can keep it there.
    """

    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "producer_id", "buyer_id"),
        CheckConstraint(_in("status", REQUEST_STATUSES), name="status"),
        CheckConstraint(_in("requested_by", SIDES), name="requested_by"),
        Index("ix_meeting_requests_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE"), index=True
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    must_meet: Mapped[bool] = mapped_column(Boolean, default=False)
    # Both sides asked for this meeting on their own.
    mutual: Mapped[bool] = mapped_column(Boolean, default=False)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(String(1000), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_table: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event] = relationship()
    producer: Mapped[EventParticipant] = relationship(foreign_keys=[producer_id])
    buyer: Mapped[EventParticipant] = relationship(foreign_keys=[buyer_id])
    match: Mapped[Match | None] = relationship()


class Meeting(TimestampMixin, Base):
    """A scheduled meeting (a request in a slot at a table) and, afterwards, its outcome."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"attendance IS NULL OR {_in('attendance', ATTENDANCE)}", name="attend"),
        CheckConstraint(f"interest IS NULL OR {_in('interest', INTEREST)}", name="interest"),
        CheckConstraint(_in("stage", STAGES), name="stage"),
        CheckConstraint("order_value_vnd IS NULL OR order_value_vnd >= 0", name="value"),
        Index("ix_meetings_follow_up_on", "follow_up_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), unique=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    table_no: Mapped[int] = mapped_column(Integer)
    attendance: Mapped[str | None] = mapped_column(String(8))
    interest: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16), default="none")
    order_value_vnd: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When both sides are next asked how the deal goes; empty once there is nothing to follow.
    follow_up_on: Mapped[date | None] = mapped_column(Date)

    request: Mapped[MeetingRequest] = relationship()


class ScheduleRun(Base):
    """One run of the scheduler: what it placed against the proven bound, and what it left."""

    __tablename__ = "schedule_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12))
    requested: Mapped[int] = mapped_column(Integer)
    placed: Mapped[int] = mapped_column(Integer)
    upper_bound: Mapped[int] = mapped_column(Integer)
    moved_published: Mapped[int] = mapped_column(Integer, default=0)
    dropped_published: Mapped[int] = mapped_column(Integer, default=0)
    solve_seconds: Mapped[float] = mapped_column(Float)
    unplaced: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventEmail(Deliverable, Base):
    """One event email (an agenda, a follow-up reminder, an invitation) to one user, or for an
    invitation to one address that may have no account yet; sent once."""

    __tablename__ = "event_emails"
    __table_args__ = (
        CheckConstraint(_in("kind", EMAIL_KINDS), name="kind"),
        CheckConstraint(_in("state", EMAIL_STATES), name="state"),
        Index("ix_event_emails_state", "state"),
    )

    # The delivery state (Deliverable) is the notifications': sent, retried with backoff and
    # swept by matchmaker.notifications.delivery.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # An invitation's address (lower case); empty for the emails to a user.
    to_email: Mapped[str | None] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(12))
    # A changed agenda has another key, so it is sent again; the same one never twice.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()

"""Scheduling an event's accepted meetings, publishing the agendas, and reading them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.catalog.services import Page, PageRequest, paginate
from matchmaker.errors import Conflict
from matchmaker.events import scheduling as sched
from matchmaker.events.models import (
    Event,
    EventEmail,
    EventParticipant,
    Meeting,
    MeetingRequest,
    ScheduleRun,
)
from matchmaker.events.slots import event_slots, slot_id

SEND_EVENT_EMAILS = "email.send_event_emails"


def _available(participant: EventParticipant, slots: Sequence[sched.Slot]) -> frozenset[str]:
    if not participant.availability:
        return frozenset(s.id for s in slots)
    windows = [
        (datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in participant.availability
    ]
    return frozenset(s.id for s in slots if any(a <= s.start and s.end <= b for a, b in windows))


def run_schedule(
    session: Session,
    event: Event,
    user: User | None,
    *,
    time_limit: float,
    method: sched.solve.Method = "auto",
) -> ScheduleRun:
    """Schedules every accepted request between approved participants.

    Meetings already sent out in an agenda are passed as published, so they stay where they
    are whenever possible. The meetings table then holds the new schedule (not yet sent).
    """
    if event.cancelled_at is not None:
        raise Conflict("event.cancelled", event_id=event.id)
    slots = event_slots(event)
    by_id = {s.id: s for s in slots}
    tables = [sched.Table(str(n)) for n in range(1, event.table_count + 1)]
    participants = list(
        session.scalars(
            select(EventParticipant).where(
                EventParticipant.event_id == event.id, EventParticipant.status == "approved"
            )
        )
    )
    approved = {p.id for p in participants}
    requests = [
        r
        for r in session.scalars(
            select(MeetingRequest).where(
                MeetingRequest.event_id == event.id, MeetingRequest.status == "accepted"
            )
        )
        if r.producer_id in approved and r.buyer_id in approved
    ]
    published = {
        str(r.id): sched.Placement(slot_id(r.published_start), str(r.published_table))
        for r in requests
        if r.published_start is not None
        and r.published_table is not None
        and slot_id(r.published_start) in by_id
        and r.published_table <= event.table_count
    }
    result = sched.schedule_meetings(
        slots,
        tables,
        [
            sched.Participant(
                str(p.id),
                sched.Side(p.side),
                _available(p, slots),
                p.max_meetings if p.max_meetings is not None else event.max_meetings,
            )
            for p in participants
        ],
        [
            sched.MeetingRequest(
                str(r.id),
                str(r.producer_id),
                str(r.buyer_id),
                must_meet=r.must_meet,
                mutual=r.mutual,
                score=r.score,
            )
            for r in requests
        ],
        _valid_published(published, requests, participants, slots),
        time_limit=time_limit,
        method=method,
    )
    _store_meetings(session, event, result, by_id)
    run = ScheduleRun(
        event_id=event.id,
        user_id=user.id if user else None,
        status=str(result.status),
        requested=len(requests),
        placed=result.placed,
        upper_bound=result.upper_bound,
        moved_published=result.moved_published,
        dropped_published=result.dropped_published,
        solve_seconds=round(result.solve_seconds, 3),
        unplaced=[
            {
                "request_id": int(u.request_id),
                "reason": str(u.reason),
                "participant_id": int(u.participant_id) if u.participant_id else None,
            }
            for u in result.unplaced
        ],
    )
    session.add(run)
    session.flush()
    return run


def _valid_published(
    published: dict[str, sched.Placement],
    requests: Sequence[MeetingRequest],
    participants: Sequence[EventParticipant],
    slots: Sequence[sched.Slot],
) -> dict[str, sched.Placement]:
    """The published placements the scheduler can take as they are: no participant booked
    twice in a slot nor a table used twice (possible after a participant was re-approved)."""
    owners = {str(r.id): (r.producer_id, r.buyer_id) for r in requests}
    available = {p.id: _available(p, slots) for p in participants}
    taken: set[tuple[str, str, object]] = set()
    kept = {}
    for request_id, placement in sorted(published.items(), key=lambda kv: int(kv[0])):
        keys = {(placement.slot_id, "table", placement.table_id)} | {
            (placement.slot_id, "p", p) for p in owners[request_id]
        }
        if keys & taken:
            continue
        if not all(placement.slot_id in available[p] for p in owners[request_id]):
            continue
        taken |= keys
        kept[request_id] = placement
    return kept


def _store_meetings(
    session: Session, event: Event, result: sched.Schedule, slots: Mapping[str, sched.Slot]
) -> None:
    current = {
        m.request_id: m
        for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    for request_id, meeting in current.items():
        if str(request_id) not in result.placements:
            session.delete(meeting)
    session.flush()
    for key, placement in result.placements.items():
        slot = slots[placement.slot_id]
        placed = current.get(int(key))
        if placed is None:
            placed = Meeting(event_id=event.id, request_id=int(key))
            session.add(placed)
        placed.starts_at, placed.ends_at = slot.start, slot.end
        placed.table_no = int(placement.table_id)
    session.flush()


def latest_run(session: Session, event: Event) -> ScheduleRun | None:
    return session.scalars(
        select(ScheduleRun).where(ScheduleRun.event_id == event.id).order_by(ScheduleRun.id.desc())
    ).first()


def publish_schedule(session: Session, event: Event, *, now: datetime) -> list[EventEmail]:
    """Sends the current schedule: each participant whose agenda changed since the last one
    they received gets it again (with its calendar file); the others get nothing."""

    meetings = list(session.scalars(select(Meeting).where(Meeting.event_id == event.id)))
    if not meetings:
        raise Conflict("event.nothing_to_publish")
    placed = {m.request_id: m for m in meetings}
    for request in session.scalars(
        select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    ):
        meeting = placed.get(request.id)
        request.published_start = meeting.starts_at if meeting else None
        request.published_table = meeting.table_no if meeting else None
    run = latest_run(session, event)
    if run is not None:
        run.published_at = now
    emails = []
    participants = session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event.id, EventParticipant.status == "approved"
        )
    )
    for participant in participants:
        fingerprint = agenda_fingerprint(session, participant)
        for user in participant_users(session, participant):
            key = f"agenda:{event.id}:{participant.id}:{fingerprint}:user:{user.id}"
            if session.scalar(select(EventEmail.id).where(EventEmail.idempotency_key == key)):
                continue
            email = EventEmail(
                event_id=event.id, user_id=user.id, kind="agenda", idempotency_key=key,
                payload={"participant_id": participant.id},
            )  # fmt: skip
            session.add(email)
            emails.append(email)
    session.flush()
    if emails:
        outbox.enqueue(session, SEND_EVENT_EMAILS, email_ids=[e.id for e in emails])
    return emails


def agenda(session: Session, participant: EventParticipant) -> list[Meeting]:
    """The participant's meetings in the current schedule, in time order."""
    return list(
        session.scalars(
            select(Meeting)
            .join(MeetingRequest, Meeting.request_id == MeetingRequest.id)
            .where(
                or_(
                    MeetingRequest.producer_id == participant.id,
                    MeetingRequest.buyer_id == participant.id,
                )
            )
            .order_by(Meeting.starts_at, Meeting.table_no)
        )
    )


def meetings(session: Session, event: Event, page: PageRequest) -> Page[Meeting]:
    return paginate(session, select(Meeting).where(Meeting.event_id == event.id), Meeting.id, page)


@dataclass(frozen=True)
class AgendaLine:
    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    table_no: int
    other: str
    other_side: str
    other_province: str | None = None
    # What the meeting is about: the matched offer and requirement when the ranking engine
    # suggested it, else what each side registered with.
    offer: str | None = None
    requirement: str | None = None
    # The other side's email and phone: both sides agreed to meet (one asked, the other
    # accepted), which is when the product lets each side's contact reach the other.
    contact: tuple[str, ...] = ()


def agenda_lines(session: Session, participant: EventParticipant) -> list[AgendaLine]:
    lines = []
    for meeting in agenda(session, participant):
        request = meeting.request
        other = request.buyer if request.producer_id == participant.id else request.producer
        organization = other.organization
        contact = (
            tuple(c for c in (organization.contact_email, organization.phone) if c)
            if request.status == "accepted"
            else ()
        )
        offer, requirement = _topic(session, request)
        lines.append(
            AgendaLine(
                meeting.id, meeting.starts_at, meeting.ends_at, meeting.table_no,
                organization.name, other.side, organization.province, offer, requirement,
                contact,
            )
        )  # fmt: skip
    return lines


def _topic(session: Session, request: MeetingRequest) -> tuple[str | None, str | None]:
    """The offer and the requirement a meeting is about."""
    if request.match is not None:
        return request.match.offer.title, request.match.requirement.title
    offer = next(iter(request.producer.offer_ids), None)
    requirement = next(iter(request.buyer.requirement_ids), None)
    return (
        session.scalar(select(Offer.title).where(Offer.id == offer)) if offer else None,
        session.scalar(select(Requirement.title).where(Requirement.id == requirement))
        if requirement
        else None,
    )


def agenda_fingerprint(session: Session, participant: EventParticipant) -> str:
    """Changes whenever anything in the participant's agenda does."""
    text = "|".join(
        f"{line.meeting_id}@{line.starts_at.isoformat()}#{line.table_no}"
        for line in agenda_lines(session, participant)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def participant_users(session: Session, participant: EventParticipant) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.organization_id == participant.organization_id, User.is_active.is_(True))
            .order_by(User.id)
        )
    )

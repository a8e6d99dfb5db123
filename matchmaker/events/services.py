"""Connection event use cases: events, registration, meeting requests, scheduling, outcomes.

Services take the session and never commit. Permission checks live in :mod:`.access`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.catalog.services import Page, PageRequest, paginate
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Invalid, field_error
from matchmaker.events import scheduling as sched
from matchmaker.events.models import (
    STAGES,
    Event,
    EventEmail,
    EventParticipant,
    Meeting,
    MeetingRequest,
    ScheduleRun,
)
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.service import RankingState, rank_offers

SEND_EVENT_EMAILS = "email.send_event_emails"
# Days between follow-up questions once a meeting led to an MoU, a contract or an order.
FOLLOW_UP_DAYS = {"mou": 14, "contract": 21, "first_order": 30}
EVENT_FIELDS = (
    "name", "venue", "description", "days", "slot_minutes", "break_minutes", "table_count",
    "registration_deadline", "target_provinces", "target_categories", "max_meetings",
    "request_ttl_hours",
)  # fmt: skip


# --- events ---------------------------------------------------------------------------------


def event_slots(event: Event) -> list[sched.Slot]:
    """The meeting slots cut from the event's sessions, in time order; a slot's id is its
    start time, so that a slot keeps its id when other sessions change."""
    zone = ZoneInfo(event.timezone)
    length = timedelta(minutes=event.slot_minutes)
    step = length + timedelta(minutes=event.break_minutes)
    slots = []
    for day in sorted(event.days, key=lambda d: (d["date"], d["start"])):
        on = date.fromisoformat(day["date"])
        start = datetime.combine(on, time.fromisoformat(day["start"]), zone)
        end = datetime.combine(on, time.fromisoformat(day["end"]), zone)
        while start + length <= end:
            slots.append(sched.Slot(slot_id(start), start, start + length))
            start += step
    return slots


def slot_id(start: datetime) -> str:
    return start.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%MZ")


def _check_event(data: Mapping[str, Any]) -> None:
    days = data.get("days") or []
    if not days:
        raise Invalid("An event needs at least one session.", errors=[field_error("days", "empty")])
    for n, day in enumerate(days):
        if time.fromisoformat(day["start"]) >= time.fromisoformat(day["end"]):
            raise Invalid(
                "A session must end after it starts.",
                errors=[field_error(f"days.{n}.end", "must be after start")],
            )
    spans = sorted((d["date"], d["start"], d["end"]) for d in days)
    for before, after in pairwise(spans):
        if before[0] == after[0] and after[1] < before[2]:
            raise Invalid(
                "Two sessions of one day overlap.", errors=[field_error("days", "overlapping")]
            )


def create_event(session: Session, agency: Organization, data: Mapping[str, Any]) -> Event:
    values = {k: v for k, v in data.items() if k in EVENT_FIELDS}
    _check_event(values)
    defaults = {"timezone": "Asia/Ho_Chi_Minh", "slot_minutes": 20, "break_minutes": 5,
                "request_ttl_hours": 72, "description": ""}  # fmt: skip
    event = Event(organization_id=agency.id, **{**defaults, **values})
    if not event_slots(event):
        raise Invalid(
            "No meeting slot fits in the sessions.",
            errors=[field_error("slot_minutes", "too long")],
        )
    session.add(event)
    session.flush()
    return event


def update_event(session: Session, event: Event, changes: Mapping[str, Any]) -> Event:
    values = {k: v for k, v in changes.items() if k in EVENT_FIELDS and v is not None}
    _check_event({"days": event.days, **values})
    for key, value in values.items():
        setattr(event, key, value)
    if not event_slots(event):
        raise Invalid(
            "No meeting slot fits in the sessions.",
            errors=[field_error("slot_minutes", "too long")],
        )
    session.flush()
    return event


def cancel_event(session: Session, event: Event) -> Event:
    event.cancelled_at = event.cancelled_at or utcnow()
    session.flush()
    return event


def list_events(
    session: Session, page: PageRequest, *, organization_id: int | None = None
) -> Page[Event]:
    query = select(Event)
    if organization_id is not None:
        query = query.where(Event.organization_id == organization_id)
    return paginate(session, query, Event.id, page)


# --- registration ---------------------------------------------------------------------------


def _windows(availability: Sequence[Mapping[str, datetime]]) -> list[list[str]]:
    windows = []
    for n, window in enumerate(availability):
        if window["end"] <= window["start"]:
            raise Invalid(
                "An availability window must end after it starts.",
                errors=[field_error(f"availability.{n}.end", "must be after start")],
            )
        windows.append([window["start"].isoformat(), window["end"].isoformat()])
    return windows


def _own_ids(
    session: Session, model: type[Offer] | type[Requirement], org: Organization, ids: list[int]
) -> list[int]:
    found = set(
        session.scalars(select(model.id).where(model.id.in_(ids), model.organization_id == org.id))
    )
    missing = [i for i in ids if i not in found]
    if missing:
        field = "offer_ids" if model is Offer else "requirement_ids"
        raise Invalid(
            f"Not your organization's: {missing}.", errors=[field_error(field, "not yours")]
        )
    return list(dict.fromkeys(ids))


def register(
    session: Session,
    event: Event,
    org: Organization,
    data: Mapping[str, Any],
    *,
    now: datetime,
) -> EventParticipant:
    """Registers (or updates the registration of) a producer or a buyer, before the deadline."""
    if event.cancelled_at is not None:
        raise Conflict("This event was cancelled.")
    if now > event.registration_deadline:
        raise Conflict("Registration for this event has closed.")
    if org.kind not in ("producer", "buyer"):
        raise Invalid("Only producers and buyers take part in events.")
    if event.target_provinces and org.province not in event.target_provinces:
        raise Conflict("This event is for firms from other provinces.")
    offer_ids = _own_ids(session, Offer, org, data.get("offer_ids") or [])
    requirement_ids = _own_ids(session, Requirement, org, data.get("requirement_ids") or [])
    if event.target_categories and offer_ids:
        categories = set(session.scalars(select(Offer.category).where(Offer.id.in_(offer_ids))))
        if not any(c.split(".")[0] in event.target_categories or c in event.target_categories
                   for c in categories):  # fmt: skip
            raise Conflict("This event is for other product groups.")
    participant = session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event.id, EventParticipant.organization_id == org.id
        )
    ).first()
    if participant is None:
        participant = EventParticipant(event_id=event.id, organization_id=org.id, side=org.kind)
        session.add(participant)
    elif participant.status == "rejected":
        raise Conflict("This registration was declined by the organizers.")
    participant.offer_ids = offer_ids if org.kind == "producer" else []
    participant.requirement_ids = requirement_ids if org.kind == "buyer" else []
    participant.availability = _windows(data.get("availability") or [])
    participant.max_meetings = data.get("max_meetings")
    participant.note = data.get("note") or ""
    if participant.status == "withdrawn":
        participant.status = "pending"
    session.flush()
    return participant


def decide(
    session: Session, participant: EventParticipant, approve: bool, reason: str | None = None
) -> EventParticipant:
    if participant.status == "withdrawn":
        raise Conflict("The participant withdrew.")
    participant.status = "approved" if approve else "rejected"
    participant.decided_at = utcnow()
    participant.decision_reason = reason
    session.flush()
    return participant


def withdraw(session: Session, participant: EventParticipant) -> EventParticipant:
    participant.status = "withdrawn"
    session.flush()
    return participant


def list_participants(
    session: Session,
    event: Event,
    page: PageRequest,
    *,
    statuses: Sequence[str] | None = None,
    side: str | None = None,
) -> Page[EventParticipant]:
    query = select(EventParticipant).where(EventParticipant.event_id == event.id)
    if statuses:
        query = query.where(EventParticipant.status.in_(statuses))
    if side:
        query = query.where(EventParticipant.side == side)
    return paginate(session, query, EventParticipant.id, page)


def participant_of(session: Session, event: Event, organization_id: int) -> EventParticipant | None:
    return session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event.id,
            EventParticipant.organization_id == organization_id,
        )
    ).first()


# --- meeting requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A participant of the other side worth meeting, and the match behind it."""

    participant: EventParticipant
    match: Match
    score: float


def suggestions(
    session: Session, state: RankingState, participant: EventParticipant, *, limit: int = 20
) -> list[Suggestion]:
    """The approved participants of the other side that the ranking engine puts first.

    Every (requirement, offer) pair between the two sides is ranked from the buyers'
    requirements; a participant's score is their best pair's.
    """
    others = {
        p.id: p
        for p in session.scalars(
            select(EventParticipant).where(
                EventParticipant.event_id == participant.event_id,
                EventParticipant.status == "approved",
                EventParticipant.side != participant.side,
            )
        )
    }
    asked = _requested_pairs(session, participant)
    if participant.side == "buyer":
        requirement_ids = participant.requirement_ids
        offer_owner = {o: p for p in others.values() for o in p.offer_ids}
    else:
        requirement_ids = [r for p in others.values() for r in p.requirement_ids]
        offer_owner = {o: participant for o in participant.offer_ids}
    requirement_owner = (
        {r: participant for r in participant.requirement_ids}
        if participant.side == "buyer"
        else {r: p for p in others.values() for r in p.requirement_ids}
    )
    best: dict[int, Suggestion] = {}
    requirements = session.scalars(select(Requirement).where(Requirement.id.in_(requirement_ids)))
    for requirement in requirements:
        for ranked in rank_offers(session, state, requirement, limit=200):
            if ranked.offer.id not in offer_owner:
                continue
            other = (
                offer_owner[ranked.offer.id]
                if participant.side == "buyer"
                else requirement_owner[requirement.id]
            )
            if other.id in asked:
                continue
            score = ranked.match.score
            if other.id not in best or score > best[other.id].score:
                best[other.id] = Suggestion(other, ranked.match, score)
    return sorted(best.values(), key=lambda s: (-s.score, s.participant.id))[:limit]


def _requested_pairs(session: Session, participant: EventParticipant) -> set[int]:
    column = (
        MeetingRequest.buyer_id if participant.side == "producer" else MeetingRequest.producer_id
    )
    own = MeetingRequest.producer_id if participant.side == "producer" else MeetingRequest.buyer_id
    return set(session.scalars(select(column).where(own == participant.id)))


def _best_match(
    session: Session, producer: EventParticipant, buyer: EventParticipant
) -> Match | None:
    if not producer.offer_ids or not buyer.requirement_ids:
        return None
    return session.scalars(
        select(Match)
        .where(
            Match.offer_id.in_(producer.offer_ids),
            Match.requirement_id.in_(buyer.requirement_ids),
        )
        .order_by(Match.score.desc(), Match.id)
    ).first()


def request_meeting(
    session: Session,
    requester: EventParticipant,
    other: EventParticipant,
    *,
    must_meet: bool = False,
    message: str = "",
    now: datetime,
) -> MeetingRequest:
    """Asks for a meeting. When the other side already asked for the same one, this answers
    it: the meeting is accepted and mutual."""
    event = requester.event
    if event.cancelled_at is not None:
        raise Conflict("This event was cancelled.")
    if requester.status != "approved" or other.status != "approved":
        raise Conflict("Both sides must be approved participants of the event.")
    if other.event_id != requester.event_id or other.side == requester.side:
        raise Invalid(
            "Meetings are between a producer and a buyer of the same event.",
            errors=[field_error("participant_id", "not a participant of the other side")],
        )
    producer, buyer = (requester, other) if requester.side == "producer" else (other, requester)
    existing = session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.producer_id == producer.id,
            MeetingRequest.buyer_id == buyer.id,
        )
    ).first()
    if existing is not None:
        if existing.requested_by != requester.side and existing.status == "pending":
            existing.status, existing.mutual, existing.answered_at = "accepted", True, now
            existing.must_meet = existing.must_meet or must_meet
            session.flush()
            return existing
        if existing.status in ("pending", "accepted"):
            return existing
        raise Conflict(f"This meeting was already asked for and is {existing.status}.")
    match = _best_match(session, producer, buyer)
    request = MeetingRequest(
        event_id=event.id,
        producer_id=producer.id,
        buyer_id=buyer.id,
        requested_by=requester.side,
        must_meet=must_meet,
        message=message,
        match_id=match.id if match else None,
        score=match.score if match else 0.0,
        expires_at=min(
            now + timedelta(hours=event.request_ttl_hours),
            max(event.registration_deadline, now + timedelta(hours=1)),
        ),
    )
    session.add(request)
    session.flush()
    return request


def answer_request(
    session: Session, request: MeetingRequest, accept: bool, *, now: datetime
) -> MeetingRequest:
    if request.status == "pending" and request.expires_at <= now:
        request.status = "expired"
    if request.status != "pending":
        raise Conflict(f"This request is {request.status}; only a pending one can be answered.")
    request.status = "accepted" if accept else "declined"
    request.answered_at = now
    session.flush()
    return request


def change_request(
    session: Session, request: MeetingRequest, *, must_meet: bool | None, withdraw: bool
) -> MeetingRequest:
    if withdraw:
        if request.status not in ("pending", "accepted"):
            raise Conflict(f"This request is {request.status}.")
        request.status = "withdrawn"
        session.execute(delete(Meeting).where(Meeting.request_id == request.id))
    if must_meet is not None:
        request.must_meet = must_meet
    session.flush()
    return request


def expire_requests(session: Session, *, now: datetime) -> int:
    """Pending requests nobody answered in time expire."""
    result = session.execute(
        update(MeetingRequest)
        .where(MeetingRequest.status == "pending", MeetingRequest.expires_at <= now)
        .values(status="expired", updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_requests(
    session: Session,
    event: Event,
    page: PageRequest,
    *,
    participant: EventParticipant | None = None,
    status: str | None = None,
) -> Page[MeetingRequest]:
    query = select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    if participant is not None:
        query = query.where(
            or_(
                MeetingRequest.producer_id == participant.id,
                MeetingRequest.buyer_id == participant.id,
            )
        )
    if status:
        query = query.where(MeetingRequest.status == status)
    return paginate(session, query, MeetingRequest.id, page)


# --- scheduling -----------------------------------------------------------------------------


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
        raise Conflict("This event was cancelled.")
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
    from matchmaker.events.agendas import agenda_fingerprint, participant_users

    meetings = list(session.scalars(select(Meeting).where(Meeting.event_id == event.id)))
    if not meetings:
        raise Conflict("There is no schedule to send yet: run the scheduler first.")
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


# --- outcomes and follow-up -----------------------------------------------------------------


def record_outcome(
    session: Session, meeting: Meeting, user: User, data: Mapping[str, Any], *, today: date
) -> Meeting:
    """Records what came of a meeting. A deal only moves forward (MoU, contract, first order,
    repeat order); each step plans the next follow-up question to both sides. The underlying
    match learns from it: a deal or interest is positive feedback, a no-show or "not
    interested" negative."""
    stage = data.get("stage")
    if stage is not None and STAGES.index(stage) < STAGES.index(meeting.stage):
        raise Conflict(f"The deal is already at {meeting.stage}; it cannot go back to {stage}.")
    for key in ("attendance", "interest", "order_value_vnd", "notes"):
        if key in data and data[key] is not None:
            setattr(meeting, key, data[key])
    if stage is not None and stage != "none":
        meeting.attendance = meeting.attendance or "held"
    if meeting.attendance == "no_show" and (stage or meeting.stage) != "none":
        raise Invalid(
            "A meeting that did not take place cannot have led to a deal.",
            errors=[field_error("attendance", "no_show with a deal")],
        )
    if stage is not None and stage != meeting.stage:
        meeting.stage = stage
        days = FOLLOW_UP_DAYS.get(stage)
        meeting.follow_up_on = today + timedelta(days=days) if days else None
    meeting.outcome_at = utcnow()
    _teach_ranker(session, meeting, user)
    session.flush()
    return meeting


def _teach_ranker(session: Session, meeting: Meeting, user: User) -> None:
    """Moves the meeting's match to where its outcome says, so the ranker trains on it."""
    match = meeting.request.match
    if match is None:
        return
    if meeting.stage != "none":
        target, reason = "deal", f"event meeting: {meeting.stage}"
    elif meeting.interest == "interested":
        target, reason = "accepted", "event meeting: interested"
    elif meeting.attendance == "no_show":
        target, reason = "declined", "event meeting: no-show"
    elif meeting.interest == "not_interested":
        target, reason = "declined", "event meeting: not interested"
    else:
        return
    order = ("suggested", "notified", "viewed", "accepted", "contacted", "deal")
    if match.status == target or match.status == "deal":
        return
    if target == "accepted" and match.status in order and order.index(match.status) > 3:
        return
    session.add(
        MatchEvent(
            match_id=match.id, user_id=user.id, from_status=match.status, to_status=target,
            reason=reason,
        )
    )  # fmt: skip
    match.status = target
    if target == "declined":
        match.decline_reason = reason


def follow_ups_due(session: Session, *, today: date) -> list[EventEmail]:
    """Asks both sides of each deal in progress how it goes, once per step and due date."""
    from matchmaker.events.agendas import participant_users

    due = session.scalars(
        select(Meeting).where(Meeting.follow_up_on.is_not(None), Meeting.follow_up_on <= today)
    ).all()
    emails = []
    for meeting in due:
        request = meeting.request
        for participant in (request.producer, request.buyer):
            for user in participant_users(session, participant):
                key = (
                    f"follow-up:{meeting.id}:{meeting.stage}:{meeting.follow_up_on}:user:{user.id}"
                )
                if session.scalar(select(EventEmail.id).where(EventEmail.idempotency_key == key)):
                    continue
                email = EventEmail(
                    event_id=meeting.event_id, user_id=user.id, kind="follow_up",
                    idempotency_key=key, payload={"meeting_id": meeting.id},
                )  # fmt: skip
                session.add(email)
                emails.append(email)
        days = FOLLOW_UP_DAYS.get(meeting.stage)
        meeting.follow_up_on = today + timedelta(days=days) if days else None
    session.flush()
    if emails:
        outbox.enqueue(session, SEND_EVENT_EMAILS, email_ids=[e.id for e in emails])
    return emails

"""Events and who takes part: creating and changing an event, registering, deciding.

Services take the session and never commit (the use cases in :mod:`.access` do); they raise
coded errors (:mod:`matchmaker.errors`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from itertools import pairwise
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.catalog.services import Page, PageRequest, paginate
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Invalid, field_error
from matchmaker.events.inputs import EventChanges, NewEvent, Registration, Window
from matchmaker.events.models import Event, EventParticipant
from matchmaker.events.slots import event_slots

# What an event is unless its organizers say otherwise.
EVENT_DEFAULTS: dict[str, Any] = {
    "slot_minutes": 20, "break_minutes": 5, "request_ttl_hours": 72, "description": "",
}  # fmt: skip


def _check_days(days: Sequence[dict[str, str]]) -> None:
    if not days:
        raise Invalid("event.invalid", errors=[field_error("days", "event.no_session")])
    for n, day in enumerate(days):
        if time.fromisoformat(day["start"]) >= time.fromisoformat(day["end"]):
            raise Invalid(
                "event.invalid", errors=[field_error(f"days.{n}.end", "event.session_order")]
            )
    spans = sorted((d["date"], d["start"], d["end"]) for d in days)
    for before, after in pairwise(spans):
        if before[0] == after[0] and after[1] < before[2]:
            raise Invalid(
                "event.invalid",
                errors=[field_error("days", "event.sessions_overlap", date=after[0])],
            )


def _check_slots(event: Event) -> None:
    if not event_slots(event):
        raise Invalid("event.invalid", errors=[field_error("slot_minutes", "event.no_slot")])


def _values(data: NewEvent | EventChanges) -> dict[str, Any]:
    values = data.model_dump(mode="json", exclude_none=True)
    if data.registration_deadline is not None:
        values["registration_deadline"] = data.registration_deadline
    return values


def create_event(session: Session, agency: Organization, data: NewEvent, *, timezone: str) -> Event:
    """A new event of ``agency``, its sessions in ``timezone`` (the deployment's)."""
    values = _values(data)
    _check_days(values["days"])
    event = Event(organization_id=agency.id, timezone=timezone, **{**EVENT_DEFAULTS, **values})
    _check_slots(event)
    session.add(event)
    session.flush()
    return event


def update_event(session: Session, event: Event, changes: EventChanges | NewEvent) -> Event:
    """Changes the fields given (a whole :class:`NewEvent` replaces every field)."""
    values = _values(changes)
    _check_days(values.get("days", event.days))
    for key, value in values.items():
        setattr(event, key, value)
    _check_slots(event)
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


def _windows(availability: Sequence[Window]) -> list[list[str]]:
    windows = []
    for n, window in enumerate(availability):
        if window.end <= window.start:
            raise Invalid(
                "participant.invalid",
                errors=[field_error(f"availability.{n}.end", "participant.window_order")],
            )
        windows.append([window.start.isoformat(), window.end.isoformat()])
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
            "participant.invalid",
            errors=[field_error(field, "participant.not_yours", ids=[str(i) for i in missing])],
        )
    return list(dict.fromkeys(ids))


def ensure_open(event: Event, now: datetime) -> None:
    """Refuses a registration the event no longer takes."""
    if event.cancelled_at is not None:
        raise Conflict("event.cancelled", event_id=event.id)
    if now > event.registration_deadline:
        raise Conflict(
            "event.registration_closed", event_id=event.id, deadline=event.registration_deadline
        )


def register(
    session: Session, event: Event, org: Organization, data: Registration, *, now: datetime
) -> EventParticipant:
    """Registers (or updates the registration of) a producer or a buyer, before the deadline."""
    ensure_open(event, now)
    if org.kind not in ("producer", "buyer"):
        raise Invalid("participant.firms_only")
    if event.target_provinces and org.province not in event.target_provinces:
        raise Conflict("participant.other_provinces", provinces=list(event.target_provinces))
    offer_ids = _own_ids(session, Offer, org, data.offer_ids)
    requirement_ids = _own_ids(session, Requirement, org, data.requirement_ids)
    if event.target_categories and offer_ids:
        categories = set(session.scalars(select(Offer.category).where(Offer.id.in_(offer_ids))))
        if not any(c.split(".")[0] in event.target_categories or c in event.target_categories
                   for c in categories):  # fmt: skip
            raise Conflict("participant.other_categories", categories=event.target_categories)
    participant = participant_of(session, event, org.id)
    if participant is None:
        participant = EventParticipant(event_id=event.id, organization_id=org.id, side=org.kind)
        session.add(participant)
    elif participant.status == "rejected":
        raise Conflict("participant.rejected")
    participant.offer_ids = offer_ids if org.kind == "producer" else []
    participant.requirement_ids = requirement_ids if org.kind == "buyer" else []
    participant.availability = _windows(data.availability)
    participant.max_meetings = data.max_meetings
    participant.note = data.note or ""
    if participant.status == "withdrawn":
        participant.status = "pending"
    session.flush()
    return participant


def decide(
    session: Session, participant: EventParticipant, approve: bool, reason: str | None = None
) -> EventParticipant:
    if participant.status == "withdrawn":
        raise Conflict("participant.withdrew")
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

"""Event use cases on behalf of a signed-in user: the permission check, then the service.

Officers run the events of their own agency (admins every event); producers and buyers
register their own organization and see their own requests and agenda.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.services import Page, PageRequest
from matchmaker.errors import Forbidden, NotFound
from matchmaker.events import services
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest, ScheduleRun
from matchmaker.events.reports import EventReport, ReportFilters, build_report
from matchmaker.events.scheduling.solve import Method
from matchmaker.matching.service import RankingState


def can_manage(user: User, event: Event) -> bool:
    return can.is_admin(user) or (
        user.role == "officer" and user.organization_id == event.organization_id
    )


def read_event(session: Session, user: User, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} does not exist.")
    return event


def managed_event(session: Session, user: User, event_id: int) -> Event:
    event = read_event(session, user, event_id)
    if not can_manage(user, event):
        raise Forbidden("Only the officers of the organizing agency manage this event.")
    return event


def list_events(session: Session, user: User, page: PageRequest, mine: bool) -> Page[Event]:
    organization_id = user.organization_id if mine else None
    return services.list_events(session, page, organization_id=organization_id)


def create_event(session: Session, user: User, data: Mapping[str, Any]) -> Event:
    if user.role not in ("officer", "admin"):
        raise Forbidden("Only trade promotion officers create events.")
    return services.create_event(session, user.organization, data)


def update_event(session: Session, user: User, event_id: int, data: Mapping[str, Any]) -> Event:
    return services.update_event(session, managed_event(session, user, event_id), data)


def cancel_event(session: Session, user: User, event_id: int) -> Event:
    return services.cancel_event(session, managed_event(session, user, event_id))


# --- participants ---------------------------------------------------------------------------


def own_participant(session: Session, user: User, event: Event) -> EventParticipant:
    participant = services.participant_of(session, event, user.organization_id)
    if participant is None:
        raise NotFound("Your organization is not registered for this event.")
    return participant


def read_participant(
    session: Session, user: User, event_id: int, participant_id: int
) -> EventParticipant:
    event = read_event(session, user, event_id)
    participant = session.get(EventParticipant, participant_id)
    visible = (
        participant is not None
        and participant.event_id == event.id
        and (
            can_manage(user, event)
            or participant.organization_id == user.organization_id
            or participant.status == "approved"
        )
    )
    if not visible:
        raise NotFound(f"Participant {participant_id} does not exist.")
    assert participant is not None
    return participant


def register(
    session: Session, user: User, event_id: int, data: Mapping[str, Any], *, now: datetime
) -> EventParticipant:
    if user.role not in ("producer", "buyer"):
        raise Forbidden("Producers and buyers register for events.")
    event = read_event(session, user, event_id)
    return services.register(session, event, user.organization, data, now=now)


def withdraw(session: Session, user: User, event_id: int) -> EventParticipant:
    event = read_event(session, user, event_id)
    return services.withdraw(session, own_participant(session, user, event))


def decide(
    session: Session,
    user: User,
    event_id: int,
    participant_id: int,
    approve: bool,
    reason: str | None,
) -> EventParticipant:
    managed_event(session, user, event_id)
    participant = read_participant(session, user, event_id, participant_id)
    return services.decide(session, participant, approve, reason)


def list_participants(
    session: Session,
    user: User,
    event_id: int,
    page: PageRequest,
    *,
    status: str | None,
    side: str | None,
) -> Page[EventParticipant]:
    """Officers see every registration; participants the approved ones (whom they may ask
    to meet)."""
    event = read_event(session, user, event_id)
    if can_manage(user, event):
        statuses = [status] if status else None
    elif status not in (None, "approved"):
        return Page(items=[], total=0)
    else:
        statuses = ["approved"]
    return services.list_participants(session, event, page, statuses=statuses, side=side)


def suggestions(
    session: Session, state: RankingState, user: User, event_id: int, limit: int
) -> list[services.Suggestion]:
    event = read_event(session, user, event_id)
    return services.suggestions(session, state, own_participant(session, user, event), limit=limit)


# --- meeting requests -----------------------------------------------------------------------


def request_meeting(
    session: Session,
    user: User,
    event_id: int,
    participant_id: int,
    *,
    must_meet: bool,
    message: str,
    now: datetime,
) -> MeetingRequest:
    event = read_event(session, user, event_id)
    requester = own_participant(session, user, event)
    other = read_participant(session, user, event_id, participant_id)
    return services.request_meeting(
        session, requester, other, must_meet=must_meet, message=message, now=now
    )


def read_request(session: Session, user: User, event_id: int, request_id: int) -> MeetingRequest:
    event = read_event(session, user, event_id)
    request = session.get(MeetingRequest, request_id)
    if request is None or request.event_id != event.id:
        raise NotFound(f"Meeting request {request_id} does not exist.")
    sides = (request.producer.organization_id, request.buyer.organization_id)
    if not (can_manage(user, event) or user.organization_id in sides):
        raise NotFound(f"Meeting request {request_id} does not exist.")
    return request


def _side_of(user: User, request: MeetingRequest) -> str | None:
    if user.organization_id == request.producer.organization_id:
        return "producer"
    if user.organization_id == request.buyer.organization_id:
        return "buyer"
    return None


def answer_request(
    session: Session, user: User, event_id: int, request_id: int, accept: bool, *, now: datetime
) -> MeetingRequest:
    request = read_request(session, user, event_id, request_id)
    side = _side_of(user, request)
    if side is None or side == request.requested_by:
        raise Forbidden("Only the participant who was asked answers a meeting request.")
    return services.answer_request(session, request, accept, now=now)


def change_request(
    session: Session,
    user: User,
    event_id: int,
    request_id: int,
    *,
    must_meet: bool | None,
    withdraw: bool,
) -> MeetingRequest:
    request = read_request(session, user, event_id, request_id)
    if not (can_manage(user, request.event) or _side_of(user, request) is not None):
        raise Forbidden("Only the two sides and the organizers change a meeting request.")
    return services.change_request(session, request, must_meet=must_meet, withdraw=withdraw)


def list_requests(
    session: Session, user: User, event_id: int, page: PageRequest, status: str | None
) -> Page[MeetingRequest]:
    event = read_event(session, user, event_id)
    participant = None if can_manage(user, event) else own_participant(session, user, event)
    return services.list_requests(session, event, page, participant=participant, status=status)


# --- schedule, agenda, outcomes, report -----------------------------------------------------


def run_schedule(
    session: Session, user: User, event_id: int, *, time_limit: float, method: Method
) -> ScheduleRun:
    event = managed_event(session, user, event_id)
    return services.run_schedule(session, event, user, time_limit=time_limit, method=method)


def latest_run(session: Session, user: User, event_id: int) -> ScheduleRun:
    run = services.latest_run(session, managed_event(session, user, event_id))
    if run is None:
        raise NotFound("This event has not been scheduled yet.")
    return run


def publish_schedule(session: Session, user: User, event_id: int, *, now: datetime) -> int:
    event = managed_event(session, user, event_id)
    return len(services.publish_schedule(session, event, now=now))


def agenda(
    session: Session, user: User, event_id: int, participant_id: int | None
) -> tuple[EventParticipant, list[Meeting]]:
    """A participant's own agenda; officers may open anyone's."""
    event = read_event(session, user, event_id)
    if participant_id is None:
        participant = own_participant(session, user, event)
    else:
        participant = read_participant(session, user, event_id, participant_id)
        if not (can_manage(user, event) or participant.organization_id == user.organization_id):
            raise NotFound(f"Participant {participant_id} does not exist.")
    return participant, services.agenda(session, participant)


def list_meetings(session: Session, user: User, event_id: int, page: PageRequest) -> Page[Meeting]:
    return services.meetings(session, managed_event(session, user, event_id), page)


def read_meeting(session: Session, user: User, event_id: int, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound(f"Meeting {meeting_id} does not exist.")
    read_request(session, user, event_id, meeting.request_id)
    return meeting


def record_outcome(
    session: Session,
    user: User,
    event_id: int,
    meeting_id: int,
    data: Mapping[str, Any],
    *,
    today: date,
) -> Meeting:
    meeting = read_meeting(session, user, event_id, meeting_id)
    return services.record_outcome(session, meeting, user, data, today=today)


def report(session: Session, user: User, filters: ReportFilters) -> EventReport:
    """One event's figures for its organizers; a period's for an officer's own events."""
    if filters.event_id is not None:
        managed_event(session, user, filters.event_id)
        return build_report(session, filters)
    if user.role not in ("officer", "admin"):
        raise Forbidden("Reports are for officers.")
    if not can.is_admin(user):
        filters = ReportFilters(
            event_id=None, since=filters.since, until=filters.until,
            organization_id=user.organization_id,
        )  # fmt: skip
    return build_report(session, filters)

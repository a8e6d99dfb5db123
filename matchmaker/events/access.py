"""The events use cases on behalf of a signed-in user: the permission check, then the service,
in one unit of work (:func:`~matchmaker.db.transaction`).

Officers run the events of their own agency (admins every event); producers and buyers
register their own organization and see their own requests and agenda. Each action takes the
session, the acting user and its input model (:mod:`.inputs`); the API, the pages and the
tasks call the same functions and never commit themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Organization
from matchmaker.catalog.services import Page, PageRequest
from matchmaker.db import transaction, utcnow
from matchmaker.errors import Forbidden, NotFound
from matchmaker.events import invitations, outcomes, registration, requests, schedule
from matchmaker.events.agendas import sweep
from matchmaker.events.inputs import (
    Answer,
    Decision,
    EventChanges,
    Invitations,
    MeetingAsk,
    NewEvent,
    NewParticipants,
    Outcome,
    Registration,
    RequestChange,
    ScheduleSettings,
)
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest, ScheduleRun
from matchmaker.events.profiles import Profile, firm_profiles
from matchmaker.events.profiles import profiles as build_profiles
from matchmaker.events.reports import EventReport, ReportFilters, build_report
from matchmaker.events.requests import Suggestion
from matchmaker.events.slots import local_today
from matchmaker.matching.service import RankingState
from matchmaker.settings import NotificationSettings

EVERYTHING = PageRequest(limit=500, page=1)


def can_manage(user: User, event: Event) -> bool:
    return can.is_admin(user) or (
        user.role == "officer" and user.organization_id == event.organization_id
    )


# --- events ---------------------------------------------------------------------------------


def read_event(session: Session, user: User, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("event.not_found", event_id=event_id)
    return event


def managed_event(session: Session, user: User, event_id: int) -> Event:
    event = read_event(session, user, event_id)
    if not can_manage(user, event):
        raise Forbidden("event.organizers_only", event_id=event_id)
    return event


def list_events(session: Session, user: User, page: PageRequest, mine: bool) -> Page[Event]:
    organization_id = user.organization_id if mine else None
    return registration.list_events(session, page, organization_id=organization_id)


@transaction
def create_event(session: Session, user: User, data: NewEvent, *, timezone: str) -> Event:
    """A new event of the officer's agency; its sessions are in ``timezone``."""
    if user.role not in ("officer", "admin"):
        raise Forbidden("event.officers_only")
    return registration.create_event(session, user.organization, data, timezone=timezone)


@transaction
def update_event(
    session: Session, user: User, event_id: int, data: EventChanges | NewEvent
) -> Event:
    return registration.update_event(session, managed_event(session, user, event_id), data)


@transaction
def cancel_event(session: Session, user: User, event_id: int) -> Event:
    return registration.cancel_event(session, managed_event(session, user, event_id))


# --- participants ---------------------------------------------------------------------------


def my_registration(session: Session, user: User, event: Event) -> EventParticipant | None:
    """The user's organization's registration for the event, if any."""
    return registration.participant_of(session, event, user.organization_id)


def my_registrations(
    session: Session, user: User, events: Iterable[Event]
) -> dict[int, EventParticipant]:
    """The user's organization's registrations, by event id."""
    return {e.id: p for e in events if (p := my_registration(session, user, e)) is not None}


def own_participant(session: Session, user: User, event: Event) -> EventParticipant:
    participant = my_registration(session, user, event)
    if participant is None:
        raise NotFound("participant.not_registered", event_id=event.id)
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
        raise NotFound("participant.not_found", participant_id=participant_id)
    assert participant is not None
    return participant


@transaction
def register(
    session: Session,
    user: User,
    event_id: int,
    data: Registration,
    *,
    now: datetime,
    invited_email: str | None = None,
) -> EventParticipant:
    """Registers the user's organization. A firm the organizers invited (``invited_email``,
    from a signed invitation link, is the user's or their organization's address) is approved
    at once: the organizers chose it."""
    if user.role not in ("producer", "buyer"):
        raise Forbidden("participant.firms_only")
    event = read_event(session, user, event_id)
    participant = registration.register(session, event, user.organization, data, now=now)
    addresses = {user.email.lower(), (user.organization.contact_email or "").lower()}
    if invited_email and invited_email.lower() in addresses and participant.status == "pending":
        registration.decide(session, participant, True)
    return participant


@transaction
def withdraw(session: Session, user: User, event_id: int) -> EventParticipant:
    event = read_event(session, user, event_id)
    return registration.withdraw(session, own_participant(session, user, event))


@transaction
def decide(
    session: Session, user: User, event_id: int, participant_id: int, data: Decision
) -> EventParticipant:
    managed_event(session, user, event_id)
    participant = read_participant(session, user, event_id, participant_id)
    return registration.decide(session, participant, data.decision == "approve", data.reason)


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
    return registration.list_participants(session, event, page, statuses=statuses, side=side)


@transaction
def suggestions(
    session: Session, user: User, event_id: int, *, state: RankingState, limit: int
) -> list[Suggestion]:
    """The participants worth meeting; the matches behind them are recorded."""
    event = read_event(session, user, event_id)
    return requests.suggestions(session, state, own_participant(session, user, event), limit=limit)


@dataclass
class EventOverview:
    """What the event page shows its visitor: organizers manage it, a firm sees its own
    registration, the firms worth meeting and its requests."""

    event: Event
    managed: bool
    participants: Sequence[EventParticipant] = ()
    requests: Sequence[MeetingRequest] = ()
    run: ScheduleRun | None = None
    mine: EventParticipant | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    # What each participant shown brings (products, needs, stars), by participant id.
    profiles: dict[int, Profile] = field(default_factory=dict)


@transaction
def event_overview(
    session: Session, user: User, event_id: int, *, state: RankingState, limit: int
) -> EventOverview:
    event = read_event(session, user, event_id)
    today = local_today(event, utcnow())
    if can_manage(user, event):
        overview = EventOverview(
            event,
            managed=True,
            participants=list_participants(
                session, user, event_id, EVERYTHING, status=None, side=None
            ).items,
            requests=list_requests(session, user, event_id, EVERYTHING, None).items,
            run=schedule.latest_run(session, event),
        )
        overview.profiles = build_profiles(session, overview.participants, today=today)
        return overview
    if user.role not in ("producer", "buyer"):
        raise Forbidden("participant.firms_only")
    overview = EventOverview(event, managed=False, mine=my_registration(session, user, event))
    if overview.mine is not None and overview.mine.status == "approved":
        overview.suggestions = requests.suggestions(session, state, overview.mine, limit=limit)
        overview.requests = list_requests(session, user, event_id, EVERYTHING, None).items
        shown = [s.participant for s in overview.suggestions]
        shown += [r.buyer if overview.mine.side == "producer" else r.producer
                  for r in overview.requests]  # fmt: skip
        overview.profiles = build_profiles(session, shown, today=today)
    return overview


# --- firms an officer brings ---------------------------------------------------------------


@transaction
def invite(
    session: Session, user: User, event_id: int, data: Invitations, *, now: datetime
) -> invitations.Invited:
    """Emails each address an invitation with a signed registration link."""
    event = managed_event(session, user, event_id)
    return invitations.invite(session, event, data, now=now)


def firms_to_add(
    session: Session, user: User, event_id: int, *, q: str, side: str | None
) -> tuple[list[Organization], dict[int, Profile]]:
    """Producers and buyers of the catalogue the officer may add (those of their own province
    first), with what each would bring, by organization id."""
    event = managed_event(session, user, event_id)
    home = None if can.is_admin(user) else can.officer_scope(user)
    firms = invitations.firms_to_add(session, event, q=q, side=side, home=home)
    return firms, firm_profiles(session, firms, today=local_today(event, utcnow()))


@transaction
def add_participants(
    session: Session, user: User, event_id: int, data: NewParticipants, *, now: datetime
) -> list[EventParticipant]:
    event = managed_event(session, user, event_id)
    return invitations.add_participants(session, event, data.organization_ids, now=now)


@dataclass
class ListAdded:
    added: list[EventParticipant]
    firms: invitations.FirmList


@transaction
def add_from_list(
    session: Session, user: User, event_id: int, rows: Iterable[Sequence[object]], *, now: datetime
) -> ListAdded:
    """Adds the firms a spreadsheet names (by email or name); says which lines name none."""
    event = managed_event(session, user, event_id)
    firms = invitations.read_firm_list(session, rows)
    ids = [o.id for o in firms.organizations]
    added = invitations.add_participants(session, event, ids, now=now) if ids else []
    return ListAdded(added, firms)


# --- meeting requests -----------------------------------------------------------------------


@transaction
def request_meeting(
    session: Session, user: User, event_id: int, data: MeetingAsk, *, now: datetime
) -> MeetingRequest:
    event = read_event(session, user, event_id)
    requester = own_participant(session, user, event)
    other = read_participant(session, user, event_id, data.participant_id)
    return requests.request_meeting(
        session, requester, other, must_meet=data.must_meet, message=data.message, now=now
    )


def read_request(session: Session, user: User, event_id: int, request_id: int) -> MeetingRequest:
    event = read_event(session, user, event_id)
    request = session.get(MeetingRequest, request_id)
    if request is None or request.event_id != event.id:
        raise NotFound("meeting.request_not_found", request_id=request_id)
    sides = (request.producer.organization_id, request.buyer.organization_id)
    if not (can_manage(user, event) or user.organization_id in sides):
        raise NotFound("meeting.request_not_found", request_id=request_id)
    return request


def _side_of(user: User, request: MeetingRequest) -> str | None:
    if user.organization_id == request.producer.organization_id:
        return "producer"
    if user.organization_id == request.buyer.organization_id:
        return "buyer"
    return None


@transaction
def answer_request(
    session: Session, user: User, event_id: int, request_id: int, data: Answer, *, now: datetime
) -> MeetingRequest:
    request = read_request(session, user, event_id, request_id)
    side = _side_of(user, request)
    if side is None or side == request.requested_by:
        raise Forbidden("meeting.answer_not_yours")
    return requests.answer_request(session, request, data.answer == "accept", now=now)


@transaction
def change_request(
    session: Session, user: User, event_id: int, request_id: int, data: RequestChange
) -> MeetingRequest:
    request = read_request(session, user, event_id, request_id)
    if not (can_manage(user, request.event) or _side_of(user, request) is not None):
        raise Forbidden("meeting.change_not_yours")
    return requests.change_request(
        session, request, must_meet=data.must_meet, withdraw=data.withdraw
    )


def list_requests(
    session: Session, user: User, event_id: int, page: PageRequest, status: str | None
) -> Page[MeetingRequest]:
    event = read_event(session, user, event_id)
    participant = None if can_manage(user, event) else own_participant(session, user, event)
    return requests.list_requests(session, event, page, participant=participant, status=status)


# --- schedule, agenda, outcomes, report -----------------------------------------------------


@transaction
def run_schedule(
    session: Session, user: User, event_id: int, data: ScheduleSettings
) -> ScheduleRun:
    event = managed_event(session, user, event_id)
    return schedule.run_schedule(
        session, event, user, time_limit=data.time_limit, method=data.method
    )


def schedule_of(session: Session, user: User, event_id: int) -> ScheduleRun | None:
    """The latest scheduling run of a managed event, if it was scheduled."""
    return schedule.latest_run(session, managed_event(session, user, event_id))


def latest_run(session: Session, user: User, event_id: int) -> ScheduleRun:
    run = schedule_of(session, user, event_id)
    if run is None:
        raise NotFound("event.not_scheduled", event_id=event_id)
    return run


@transaction
def publish_schedule(session: Session, user: User, event_id: int, *, now: datetime) -> int:
    event = managed_event(session, user, event_id)
    return len(schedule.publish_schedule(session, event, now=now))


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
            raise NotFound("participant.not_found", participant_id=participant_id)
    return participant, schedule.agenda(session, participant)


def list_meetings(session: Session, user: User, event_id: int, page: PageRequest) -> Page[Meeting]:
    return schedule.meetings(session, managed_event(session, user, event_id), page)


def read_meeting(session: Session, user: User, event_id: int, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.event_id != event_id:
        raise NotFound("meeting.not_found", meeting_id=meeting_id)
    read_request(session, user, event_id, meeting.request_id)
    return meeting


@transaction
def record_outcome(
    session: Session, user: User, event_id: int, meeting_id: int, data: Outcome, *, now: datetime
) -> Meeting:
    """What came of a meeting; follow-ups are planned from the day it is at the venue."""
    meeting = read_meeting(session, user, event_id, meeting_id)
    today = local_today(meeting.request.event, now)
    return outcomes.record_outcome(session, meeting, user, data, today=today)


def report(session: Session, user: User, filters: ReportFilters) -> EventReport:
    """One event's figures for its organizers; a period's for an officer's own events."""
    if filters.event_id is not None:
        managed_event(session, user, filters.event_id)
        return build_report(session, filters)
    if user.role not in ("officer", "admin"):
        raise Forbidden("event.reports_officers_only")
    if not can.is_admin(user):
        filters = ReportFilters(
            event_id=None, since=filters.since, until=filters.until,
            organization_id=user.organization_id, timezone=filters.timezone,
        )  # fmt: skip
    return build_report(session, filters)


# --- housekeeping ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Housekeeping:
    expired: int
    follow_ups: int
    retried: int


@transaction
def housekeeping(
    session: Session, config: NotificationSettings, *, now: datetime, today: date
) -> Housekeeping:
    """Expires unanswered meeting requests, offers again the event emails that are due (a
    retry after a transient failure, a sender that died) and asks about deals whose follow-up
    is due; every email goes out through the outbox once this commits."""
    expired = requests.expire_requests(session, now=now)
    # Before the follow-ups: those it creates are queued by the outbox already.
    retried = sweep(session, config)
    follow_ups = outcomes.follow_ups_due(session, today=today)
    return Housekeeping(expired, len(follow_ups), len(retried))

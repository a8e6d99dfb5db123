"""Request and response shapes of the events API (v1), also its OpenAPI schemas.

The request bodies are the events use cases' own input models (:mod:`matchmaker.events.inputs`,
where their rules are written once), named here for the document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from matchmaker.api.schemas import Day, Id, PageQuery, Schema
from matchmaker.events import inputs
from matchmaker.events.inputs import EventDay, Window


class EventCreate(inputs.NewEvent, Schema):
    """A new event: sessions, slot length and breaks, tables, registration deadline."""


class EventPatch(inputs.EventChanges, Schema):
    """The fields of an event to change."""


class SlotOut(Schema):
    id: str
    start: datetime
    end: datetime


class EventOut(Schema):
    id: int
    organization_id: int
    organizer: str
    name: str
    venue: str
    description: str
    timezone: str
    days: list[EventDay]
    slot_minutes: int
    break_minutes: int
    table_count: int
    slots: list[SlotOut]
    registration_deadline: datetime
    target_provinces: list[str]
    target_categories: list[str]
    max_meetings: int | None
    request_ttl_hours: int
    cancelled: bool
    created_at: datetime


class EventPage(Schema):
    items: list[EventOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class EventQuery(PageQuery):
    mine: bool = Field(False, description="Only the events of your own agency.")


class EventPath(Schema):
    event_id: Id


class ParticipantRegistration(inputs.Registration, Schema):
    """What your organization brings and when it can meet."""


class ParticipantOut(Schema):
    id: int
    event_id: int
    organization_id: int
    name: str
    side: Literal["producer", "buyer"]
    province: str | None
    buyer_type: str | None
    status: str
    offer_ids: list[int]
    requirement_ids: list[int]
    availability: list[Window]
    max_meetings: int | None
    decision_reason: str | None


class ParticipantPage(Schema):
    items: list[ParticipantOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class ParticipantQuery(PageQuery):
    status: Literal["pending", "approved", "rejected", "withdrawn"] | None = None
    side: Literal["producer", "buyer"] | None = None


class ParticipantPath(Schema):
    event_id: Id
    participant_id: Id


class InvitationCreate(inputs.Invitations, Schema):
    """Invite firms to register, by email: each address once per event, in the language of its
    organization when it has an account (or ``language`` for everybody with
    ``force_language``); the email carries a signed registration link."""


class InvitationsOut(Schema):
    sent: list[str] = Field(description="Addresses an invitation is queued for.")
    already: list[str] = Field(description="Addresses invited before (nothing sent again).")


class ParticipantsAdd(inputs.NewParticipants, Schema):
    """Producers and buyers of the catalogue to add (organizers): they take part at once with
    their active offers or open requirements; a firm already registered is left as it is."""


class ParticipantList(Schema):
    items: list[ParticipantOut]


class Decision(inputs.Decision, Schema):
    """Approve or reject a registration."""


class SuggestionQuery(Schema):
    limit: int = Field(20, ge=1, le=100)


class SuggestionOut(Schema):
    participant: ParticipantOut
    match_id: int
    score: float


class SuggestionList(Schema):
    items: list[SuggestionOut]


class RequestCreate(inputs.MeetingAsk, Schema):
    """Ask a participant of the other side for a meeting."""


class RequestAnswer(inputs.Answer, Schema):
    """Accept or decline a meeting you were asked for."""


class RequestPatch(inputs.RequestChange, Schema):
    """Mark a request must-meet, or withdraw it."""


class RequestOut(Schema):
    id: int
    event_id: int
    producer_id: int
    buyer_id: int
    producer: str
    buyer: str
    requested_by: str
    status: str
    must_meet: bool
    mutual: bool
    match_id: int | None
    score: float
    message: str
    expires_at: datetime
    published_start: datetime | None
    published_table: int | None


class RequestPage(Schema):
    items: list[RequestOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class RequestQuery(PageQuery):
    status: Literal["pending", "accepted", "declined", "expired", "withdrawn"] | None = None


class RequestPath(Schema):
    event_id: Id
    request_id: Id


class ScheduleRequest(inputs.ScheduleSettings, Schema):
    """How long the scheduler may search, and with which method."""


class UnplacedOut(Schema):
    request_id: int
    reason: str
    participant_id: int | None


class ScheduleOut(Schema):
    id: int
    status: str
    requested: int
    placed: int
    upper_bound: int = Field(..., description="Proven most meetings any schedule can place.")
    moved_published: int
    dropped_published: int
    solve_seconds: float
    unplaced: list[UnplacedOut]
    created_at: datetime
    published_at: datetime | None


class PublishOut(Schema):
    emails: int = Field(..., description="Agenda emails queued (changed agendas only).")


class MeetingOut(Schema):
    id: int
    request_id: int
    starts_at: datetime
    ends_at: datetime
    table: int
    producer_id: int
    buyer_id: int
    producer: str
    buyer: str
    attendance: str | None
    interest: str | None
    stage: str
    order_value_vnd: int | None
    notes: str
    follow_up_on: date | None


class MeetingPage(Schema):
    items: list[MeetingOut]
    total: int
    next_cursor: str | None = None
    page: int | None = None


class MeetingPath(Schema):
    event_id: Id
    meeting_id: Id


class AgendaQuery(Schema):
    participant_id: Id | None = Field(None, description="Officers: whose agenda.")
    format: Literal["json", "ics"] = "json"


class AgendaOut(Schema):
    # format=ics answers with the calendar file instead.
    model_config = ConfigDict(
        openapi_extra={  # type: ignore[typeddict-unknown-key]  # flask-openapi3 reads it
            "content": {"text/calendar": {"schema": {"type": "string"}}}
        }
    )

    participant: ParticipantOut
    meetings: list[MeetingOut]


class OutcomeIn(inputs.Outcome, Schema):
    """What came of a meeting."""


class ReportQuery(Schema):
    model_config = ConfigDict(extra="forbid")

    since: Day | None = None
    until: Day | None = None
    format: Literal["json", "csv", "xlsx"] = "json"


class PeriodReportQuery(ReportQuery):
    event_id: Id | None = None


class FiguresOut(Schema):
    meetings: int
    held: int
    no_show: int
    interested: int
    mous: int
    contracts: int
    orders: int
    value_vnd: int


class GroupFigures(FiguresOut):
    group: str


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportOut(Schema):
    # format=csv or xlsx answers with the meetings as a file instead.
    model_config = ConfigDict(
        openapi_extra={  # type: ignore[typeddict-unknown-key]  # flask-openapi3 reads it
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    )

    totals: FiguresOut
    by_province: list[GroupFigures]
    by_product_group: list[GroupFigures]
    by_buyer_type: list[GroupFigures]

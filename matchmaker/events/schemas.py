"""Request and response shapes of the events API (v1), also its OpenAPI schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from matchmaker.api.schemas import Day, Id, PageQuery, PriceVnd, Province, Schema

Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local")]
Moment = Annotated[
    AwareDatetime,
    Field(description="With a time zone; between 1990 and 2100."),
]


class EventDay(Schema):
    model_config = ConfigDict(extra="forbid")

    date: Day
    start: Clock
    end: Clock


class EventFields(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(None, max_length=10_000)
    slot_minutes: int | None = Field(None, ge=5, le=240)
    break_minutes: int | None = Field(None, ge=0, le=120)
    target_provinces: list[Province] | None = Field(None, max_length=34)
    target_categories: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None, max_length=50, description="Product group codes; empty means every group."
    )
    max_meetings: int | None = Field(None, ge=1, le=100, description="Per participant.")
    request_ttl_hours: int | None = Field(None, ge=1, le=720)


class EventCreate(EventFields):
    name: str = Field(..., min_length=1, max_length=300)
    venue: str = Field(..., min_length=1, max_length=500)
    days: list[EventDay] = Field(..., min_length=1, max_length=14)
    table_count: int = Field(..., ge=1, le=2000)
    registration_deadline: Moment


class EventPatch(EventFields):
    name: str | None = Field(None, min_length=1, max_length=300)
    venue: str | None = Field(None, min_length=1, max_length=500)
    days: list[EventDay] | None = Field(None, min_length=1, max_length=14)
    table_count: int | None = Field(None, ge=1, le=2000)
    registration_deadline: Moment | None = None


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


class Window(Schema):
    model_config = ConfigDict(extra="forbid")

    start: Moment
    end: Moment


class ParticipantRegistration(Schema):
    model_config = ConfigDict(extra="forbid")

    offer_ids: list[Id] = Field(default_factory=list, max_length=50)
    requirement_ids: list[Id] = Field(default_factory=list, max_length=50)
    availability: list[Window] = Field(
        default_factory=list, max_length=50, description="Empty: available the whole event."
    )
    max_meetings: int | None = Field(None, ge=1, le=100)
    note: str | None = Field(None, max_length=1000)


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


class Decision(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approve", "reject"]
    reason: str | None = Field(None, max_length=500)


class SuggestionQuery(Schema):
    limit: int = Field(20, ge=1, le=100)


class SuggestionOut(Schema):
    participant: ParticipantOut
    match_id: int
    score: float


class SuggestionList(Schema):
    items: list[SuggestionOut]


class RequestCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    participant_id: Id = Field(..., description="The participant of the other side.")
    must_meet: bool = False
    message: str = Field("", max_length=1000)


class RequestAnswer(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: Literal["accept", "decline"]


class RequestPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    must_meet: bool | None = None
    withdraw: bool = False


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


class ScheduleRequest(Schema):
    model_config = ConfigDict(extra="forbid")

    time_limit: float = Field(10.0, ge=1, le=120, description="Seconds the scheduler may use.")
    method: Literal["auto", "cp-sat", "mip", "greedy"] = "auto"


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


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    attendance: Literal["held", "no_show"] | None = None
    interest: Literal["interested", "not_interested"] | None = None
    stage: Literal["none", "mou", "contract", "first_order", "repeat_order"] | None = None
    order_value_vnd: PriceVnd | None = None
    notes: str | None = Field(None, max_length=5000)


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

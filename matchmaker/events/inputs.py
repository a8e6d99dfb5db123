"""What each event use case takes: the single source of the rules on events, registrations,
meeting requests, schedules and outcomes.

The API's request bodies are these models, and the pages build them from their forms; a broken
rule comes back as a coded :class:`~matchmaker.errors.Invalid` whatever the caller
(:func:`parse`), each field error carrying a ``field.*`` or ``event.*`` code.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

from matchmaker.catalog.inputs import EMAIL
from matchmaker.inputs import MULTILINE, Input, M, coded
from matchmaker.inputs import parse as parse_input
from matchmaker.ranking import reference


def parse(model: type[M], data: Mapping[str, Any], code: str = "event.invalid") -> M:
    """``data`` as the model, or :class:`Invalid` naming each offending field by code."""
    return parse_input(model, data, code)


# --- field types ----------------------------------------------------------------------------


def _plausible_day(value: date) -> date:
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        raise PydanticCustomError("field.date", "A date from 1990 to 2100.")
    return value


def _plausible_moment(value: Any) -> Any:
    _plausible_day(value.date())
    return value


def _province_code(value: str) -> str:
    match = reference.resolve_province(value)
    if match is None:
        raise PydanticCustomError("field.province", "Unknown province.")
    return match.province.code


EntityId = Annotated[int, Field(ge=1, le=2**31 - 1)]
EventDate = Annotated[
    date, AfterValidator(_plausible_day), Field(description="A date from 1990 to 2100.")
]
Clock = Annotated[
    str,
    Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, local"),
    coded("event.clock"),
]
Moment = Annotated[
    AwareDatetime,
    coded("event.moment"),
    AfterValidator(_plausible_moment),
    Field(description="With a time zone; between 1990 and 2100."),
]
ProvinceName = Annotated[
    str,
    Field(description="Code or any spelling of a current or pre-2025 name.", max_length=120),
    AfterValidator(_province_code),
]
GroupCode = Annotated[str, Field(max_length=64)]
Money = Annotated[int, Field(ge=0, le=10**13)]


class Strict(Input):
    """Refuses fields it does not know, and text no one could have meant (see :class:`Input`)."""


# --- events ---------------------------------------------------------------------------------


class EventDay(Strict):
    date: EventDate
    start: Clock
    end: Clock


def _some_sessions(days: list[EventDay] | None) -> list[EventDay] | None:
    if days is not None and not days:
        raise PydanticCustomError("event.no_session", "Give at least one session.")
    return days


Sessions = Annotated[
    list[EventDay],
    Field(max_length=14, json_schema_extra={"minItems": 1}),
    AfterValidator(_some_sessions),
]


class EventSettings(Strict):
    description: Annotated[str | None, MULTILINE] = Field(None, max_length=10_000)
    slot_minutes: int | None = Field(None, ge=5, le=240)
    break_minutes: int | None = Field(None, ge=0, le=120)
    target_provinces: list[ProvinceName] | None = Field(None, max_length=34)
    target_categories: list[GroupCode] | None = Field(
        None, max_length=50, description="Product group codes; empty means every group."
    )
    max_meetings: int | None = Field(None, ge=1, le=100, description="Per participant.")
    request_ttl_hours: int | None = Field(None, ge=1, le=720)


class NewEvent(EventSettings):
    """An event as its organizers first describe it."""

    name: str = Field(..., min_length=1, max_length=300)
    venue: str = Field(..., min_length=1, max_length=500)
    days: Sessions
    table_count: int = Field(..., ge=1, le=2000)
    registration_deadline: Moment


class EventChanges(EventSettings):
    """The fields of an event to change; those left out stay as they are."""

    name: str | None = Field(None, min_length=1, max_length=300)
    venue: str | None = Field(None, min_length=1, max_length=500)
    days: Sessions | None = None
    table_count: int | None = Field(None, ge=1, le=2000)
    registration_deadline: Moment | None = None


# --- participants ---------------------------------------------------------------------------


class Window(Strict):
    start: Moment
    end: Moment


class Registration(Strict):
    """What a firm brings to an event and when it can meet."""

    offer_ids: list[EntityId] = Field(default_factory=list, max_length=50)
    requirement_ids: list[EntityId] = Field(default_factory=list, max_length=50)
    availability: list[Window] = Field(
        default_factory=list, max_length=50, description="Empty: available the whole event."
    )
    max_meetings: int | None = Field(None, ge=1, le=100)
    note: Annotated[str | None, MULTILINE] = Field(None, max_length=1000)


class Decision(Strict):
    decision: Literal["approve", "reject"]
    reason: Annotated[str | None, MULTILINE] = Field(None, max_length=500)


# --- meeting requests -----------------------------------------------------------------------


class MeetingAsk(Strict):
    participant_id: EntityId = Field(..., description="The participant of the other side.")
    must_meet: bool = False
    message: Annotated[str, MULTILINE] = Field("", max_length=1000)


class Answer(Strict):
    answer: Literal["accept", "decline"]


class RequestChange(Strict):
    must_meet: bool | None = None
    withdraw: bool = False


# --- schedule and outcomes ------------------------------------------------------------------


class ScheduleSettings(Strict):
    time_limit: float = Field(10.0, ge=1, le=120, description="Seconds the scheduler may use.")
    method: Literal["auto", "cp-sat", "mip", "greedy"] = "auto"


class Outcome(Strict):
    attendance: Literal["held", "no_show"] | None = None
    interest: Literal["interested", "not_interested"] | None = None
    stage: Literal["none", "mou", "contract", "first_order", "repeat_order"] | None = None
    order_value_vnd: Money | None = None
    notes: Annotated[str | None, MULTILINE] = Field(None, max_length=5000)


# --- invitations and participants an officer adds -------------------------------------------


def _emails(values: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    if not cleaned:
        raise PydanticCustomError("invitation.no_email", "Give at least one email address.")
    for value in cleaned:
        if not EMAIL.match(value):
            raise PydanticCustomError("field.email", "Not an email address.", {"email": value})
    return cleaned


class Invitations(Strict):
    """Firms an officer invites to register, by email."""

    emails: Annotated[
        list[Annotated[str, Field(max_length=320)]],
        Field(max_length=500),
        AfterValidator(_emails),
    ]
    # The email's language when the address is not a known account's (whose own one wins).
    language: Literal["vi", "en"] = "vi"
    # Whatever the invitee's own language, write in ``language``.
    force_language: bool = False


class NewParticipants(Strict):
    """Firms from the catalogue an officer adds to an event, approved at once."""

    organization_ids: list[EntityId] = Field(..., min_length=1, max_length=2500)

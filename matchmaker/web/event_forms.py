"""Forms of the connection event pages: the event itself, registrations, meeting requests,
decisions and meeting outcomes.

A form reads what was typed the local way (numbers, dates, times) and hands the use case its
input model (:mod:`matchmaker.events.inputs`), which holds the rules: a broken one comes back
as a coded error that :func:`show_problems` puts on the form's fields in the page's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from matchmaker.errors import DomainError
from matchmaker.i18n import say, say_error
from matchmaker.ranking import reference
from matchmaker.web import i18n
from matchmaker.web.forms import LocalDateField, MultiCheckboxField, NumberField, options

SESSION_ROWS = 3
ATTENDANCE = {"held": _l("Held"), "no_show": _l("No-show")}
INTEREST = {"interested": _l("Interested"), "not_interested": _l("Not interested")}
STAGE = {
    "none": _l("No deal yet"),
    "mou": _l("MoU signed"),
    "contract": _l("Contract signed"),
    "first_order": _l("First order"),
    "repeat_order": _l("Repeat order"),
}


def show_problems(form: FlaskForm, error: DomainError, *, fallback: str | None = None) -> None:
    """Puts each coded field error on its field (an event's sessions together); an error of no
    field goes on ``fallback`` when given, above the form otherwise."""
    problems = [(p.field.split(".")[0], say(p.code, p.params)) for p in error.errors]
    if not problems:
        problems = [(fallback or "", say_error(error))]
    session_errors: list[str] | None = getattr(form, "session_errors", None)
    for name, text in problems:
        if name == "days" and session_errors is not None:
            session_errors.append(text)
        elif name in form and name != "csrf_token":
            form[name].errors = [*form[name].errors, text]
        else:
            form.form_errors.append(text)


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The values given: a blank number or date is left out, so that the rules see it missing."""
    return {k: v for k, v in values.items() if v is not None}


class LocalTimeField(TimeField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a time, e.g. 08:00"))) from None


class LocalDateTimeField(DateTimeLocalField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a date and a time."))) from None


class SessionFields(Form):
    """One session of an event: a day, and the hours meetings run on it."""

    date = LocalDateField(_l("Day"), validators=[Optional()])
    start = LocalTimeField(_l("From"), validators=[Optional()])
    end = LocalTimeField(_l("Until"), validators=[Optional()])


class EventForm(FlaskForm):
    name = StringField(_l("Name of the event"))
    venue = StringField(_l("Venue"))
    description = TextAreaField(_l("Description"))
    days = FieldList(FormField(SessionFields), label=_l("Sessions"), min_entries=SESSION_ROWS)
    slot_minutes = NumberField(_l("Meeting length (minutes)"), whole=True)
    break_minutes = NumberField(_l("Break between meetings (minutes)"), whole=True)
    table_count = NumberField(_l("Tables"), whole=True)
    registration_deadline = LocalDateTimeField(_l("Registration closes"), validators=[Optional()])
    max_meetings = NumberField(_l("Most meetings per participant"), whole=True)
    target_provinces = MultiCheckboxField(_l("For firms from these provinces"))
    target_categories = MultiCheckboxField(_l("For these product groups"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session_errors: list[str] = []
        self.target_provinces.choices = options(i18n.province_pairs())
        self.target_categories.choices = options(
            (c.code, i18n.localized(c)) for c in reference.categories() if c.is_group
        )

    def fill(self, event: Any) -> None:
        """Shows a saved event's values (dates and times the local way)."""
        zone = ZoneInfo(event.timezone)
        self.registration_deadline.data = event.registration_deadline.astimezone(zone).replace(
            tzinfo=None
        )
        while len(self.days) < len(event.days):
            self.days.append_entry()
        for row, day in zip(self.days, event.days, strict=False):
            row.form.date.data = datetime.fromisoformat(day["date"]).date()
            row.form.start.data = datetime.strptime(day["start"], "%H:%M").time()
            row.form.end.data = datetime.strptime(day["end"], "%H:%M").time()

    def event_data(self) -> dict[str, Any]:
        """What was typed, for :class:`~matchmaker.events.inputs.NewEvent` or
        :class:`~matchmaker.events.inputs.EventChanges`."""
        deadline = self.registration_deadline.data
        return _given({
            "name": (self.name.data or "").strip(),
            "venue": (self.venue.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "days": [
                {
                    "date": row.form.date.data.isoformat(),
                    "start": row.form.start.data.strftime("%H:%M"),
                    "end": row.form.end.data.strftime("%H:%M"),
                }
                for row in self.days
                if row.form.date.data and row.form.start.data and row.form.end.data
            ],
            "slot_minutes": self.slot_minutes.number,
            "break_minutes": self.break_minutes.number,
            "table_count": self.table_count.number,
            "registration_deadline": deadline.replace(tzinfo=get_timezone()) if deadline else None,
            "max_meetings": self.max_meetings.number,
            "target_provinces": self.target_provinces.data or [],
            "target_categories": self.target_categories.data or [],
        })  # fmt: skip

    def validate(self, extra_validators: Any = None) -> bool:
        """Besides reading each field: every session row used is complete."""
        valid = super().validate(extra_validators)
        rows = [row.form for row in self.days]
        if any(bool(r.date.data) != bool(r.start.data and r.end.data) for r in rows):
            self.session_errors.append(str(_l("Give each session its day, start and end.")))
        return valid and not self.session_errors


class RegistrationForm(FlaskForm):
    offer_ids = MultiCheckboxField(_l("Products you bring"), coerce=int)
    requirement_ids = MultiCheckboxField(_l("What you are looking for"), coerce=int)
    sessions = MultiCheckboxField(_l("Sessions you can attend"))
    max_meetings = NumberField(_l("Most meetings you want"), whole=True)
    note = TextAreaField(_l("Note to the organizers"))

    def registration_data(self, sessions: dict[str, tuple[datetime, datetime]]) -> dict[str, Any]:
        """What was chosen, for :class:`~matchmaker.events.inputs.Registration`."""
        return _given({
            "offer_ids": self.offer_ids.data or [],
            "requirement_ids": self.requirement_ids.data or [],
            "availability": [
                {"start": sessions[k][0], "end": sessions[k][1]}
                for k in self.sessions.data or []
                if k in sessions
            ],
            "max_meetings": self.max_meetings.number,
            "note": (self.note.data or "").strip(),
        })  # fmt: skip


class DecisionForm(FlaskForm):
    decision = SelectField(choices=options((("approve", "approve"), ("reject", "reject"))))
    reason = StringField(_l("Reason (shown to the firm)"))

    def decision_data(self) -> dict[str, Any]:
        return _given({"decision": self.decision.data, "reason": self.reason.data or None})


class MeetingRequestForm(FlaskForm):
    participant_id = HiddenField()
    must_meet = BooleanField(_l("Must meet"))
    message = StringField(_l("Message"))

    def request_data(self) -> dict[str, Any]:
        return _given({
            "participant_id": self.participant_id.data,
            "must_meet": bool(self.must_meet.data),
            "message": self.message.data or "",
        })  # fmt: skip


class AnswerForm(FlaskForm):
    answer = SelectField(choices=options((("accept", "accept"), ("decline", "decline"))))

    def answer_data(self) -> dict[str, Any]:
        return {"answer": self.answer.data}


class MustMeetForm(FlaskForm):
    must_meet = SelectField(choices=options((("1", "1"), ("0", "0"))))

    def change_data(self) -> dict[str, Any]:
        return {"must_meet": self.must_meet.data == "1", "withdraw": False}


class OutcomeForm(FlaskForm):
    attendance = SelectField(
        _l("Meeting"), choices=options([("", _l("Not recorded")), *ATTENDANCE.items()])
    )
    interest = SelectField(
        _l("Interest"), choices=options([("", _l("Not recorded")), *INTEREST.items()])
    )
    stage = SelectField(_l("Deal"), choices=options(STAGE.items()))
    order_value_vnd = NumberField(_l("Order value (VND)"), whole=True)
    notes = TextAreaField(_l("Notes"))

    def outcome_data(self) -> dict[str, Any]:
        """What was recorded, for :class:`~matchmaker.events.inputs.Outcome`."""
        data: dict[str, Any] = {"stage": self.stage.data, "notes": self.notes.data or ""}
        if self.attendance.data:
            data["attendance"] = self.attendance.data
        if self.interest.data:
            data["interest"] = self.interest.data
        if self.order_value_vnd.number is not None:
            data["order_value_vnd"] = self.order_value_vnd.number
        return data


class InviteForm(FlaskForm):
    emails = TextAreaField(
        _l("Email addresses"),
        description=_l("One a line, or separated by commas or spaces."),
    )
    language = SelectField(
        _l("Language of the invitation"),
        choices=options((("vi", "Tiếng Việt"), ("en", "English"))),
        description=_l("Firms with an account get it in their own language."),
    )
    force_language = BooleanField(_l("Use this language for everybody"))

    def invitation_data(self) -> dict[str, Any]:
        text = (self.emails.data or "").replace(",", " ").replace(";", " ")
        return {
            "emails": text.split(),
            "language": self.language.data,
            "force_language": bool(self.force_language.data),
        }


class FirmListForm(FlaskForm):
    spreadsheet = FileField(
        _l("A list of firms (XLSX or CSV)"),
        description=_l("One firm a line: its email or its name, in the first column."),
        validators=[FileAllowed(["xlsx", "csv"], _l("Choose an .xlsx or .csv file."))],
    )

"""Connection event pages: officers run events (registrations, scheduling, agendas, outcomes,
report); producers and buyers register, ask each other for meetings and see their agenda."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from matchmaker.accounts.services import user_by_email
from matchmaker.catalog import access as catalog
from matchmaker.catalog.services import OfferFilters, PageRequest, RequirementFilters
from matchmaker.collation import sort_key
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, DomainError, Invalid
from matchmaker.events import access
from matchmaker.events.agendas import agenda_calendar
from matchmaker.events.inputs import (
    Answer,
    Decision,
    Invitations,
    MeetingAsk,
    NewEvent,
    NewParticipants,
    Outcome,
    Registration,
    RequestChange,
    ScheduleSettings,
    parse,
)
from matchmaker.events.invitations import BadInvitation, InvitationLinks, spreadsheet_rows
from matchmaker.events.models import Event, EventParticipant
from matchmaker.events.profiles import Profile
from matchmaker.events.reports import ReportFilters, to_csv, to_xlsx
from matchmaker.events.schedule import agenda_lines
from matchmaker.extensions import db_session, get_ranking, get_settings
from matchmaker.files.photos import list_photos
from matchmaker.files.store import open_store
from matchmaker.i18n import say, say_error, say_fields
from matchmaker.web import i18n
from matchmaker.web.event_forms import (
    ATTENDANCE,
    INTEREST,
    STAGE,
    AnswerForm,
    DecisionForm,
    EventForm,
    FirmListForm,
    InviteForm,
    MeetingRequestForm,
    MustMeetForm,
    OutcomeForm,
    RegistrationForm,
    show_problems,
)
from matchmaker.web.forms import BUYER_LABELS, ENTITY_LABELS
from matchmaker.web.pages import blueprint
from matchmaker.web.session import current_user, role_required, signed_in_user

bp = blueprint("events", __name__, url_prefix="/events")
STAFF = ("officer", "admin")
FIRMS = ("producer", "buyer")
EVERYONE = (*STAFF, *FIRMS)
ALL = PageRequest(limit=500, page=1)
SUGGESTION_LIMIT = 10
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PARTICIPANT_STATUS = {
    "pending": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
REQUEST_STATUS = {
    "pending": _l("Waiting for an answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired"),
    "withdrawn": _l("Withdrawn"),
}
SIDE = {"producer": _l("Producer"), "buyer": _l("Buyer")}
UNPLACED = {
    "participant_unavailable": _l("One side is not available at any time"),
    "no_common_slot": _l("Both sides attend, but never at the same time"),
    "no_table_slot": _l("No table is set up when both sides are free"),
    "at_cap": _l("One side already has its most meetings"),
    "participant_busy": _l("One side has another meeting whenever both are free"),
    "tables_full": _l("Every table is taken whenever both are free"),
    "not_chosen": _l("Time ran out before this one was placed; run the scheduler again"),
}


def clock(value: datetime) -> str:
    return str(format_time(value, "short"))


def event_day(text: str) -> str:
    return i18n.day(date.fromisoformat(text))


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "PARTICIPANT_STATUS": PARTICIPANT_STATUS,
        "REQUEST_STATUS": REQUEST_STATUS,
        "SIDE": SIDE,
        "UNPLACED": UNPLACED,
        "ATTENDANCE": ATTENDANCE,
        "INTEREST": INTEREST,
        "STAGE": STAGE,
        "BUYER_TYPE": BUYER_LABELS,
        "ENTITY_TYPE": ENTITY_LABELS,
        "clock": clock,
        "event_day": event_day,
    }


def _redirect(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values))  # type: ignore[return-value]


def _problem(error: DomainError) -> None:
    """Says why an action was refused: what each field needs, or the refusal itself."""
    for text in say_fields(error.errors).values() if error.errors else [say_error(error)]:
        flash(text, "error")


def _sessions(event: Event) -> dict[str, tuple[datetime, datetime]]:
    """The event's sessions as availability windows, keyed for the registration form."""
    zone = ZoneInfo(event.timezone)
    found = {}
    for day in event.days:
        on = datetime.fromisoformat(day["date"])
        start = datetime.combine(on.date(), datetime.strptime(day["start"], "%H:%M").time(), zone)
        end = datetime.combine(on.date(), datetime.strptime(day["end"], "%H:%M").time(), zone)
        found[f"{day['date']}T{day['start']}"] = (start, end)
    return found


# --- lists and the event page ---------------------------------------------------------------


def _timezone() -> str:
    return get_settings().notifications.timezone


def _report_filters(event_id: int) -> ReportFilters:
    return ReportFilters(event_id=event_id, timezone=_timezone())


@bp.get("/")
@role_required(*EVERYONE)
def index() -> str:
    user = signed_in_user()
    session = db_session()
    staff = user.role in STAFF
    page = access.list_events(session, user, ALL, mine=staff and user.role != "admin")
    events = [e for e in page.items if staff or e.cancelled_at is None]
    registered = {} if staff else access.my_registrations(session, user, events)
    return render_template(
        "events/index.html", events=events, registered=registered, now=utcnow(), staff=staff
    )


@bp.get("/<int:event_id>")
@role_required(*EVERYONE)
def event(event_id: int) -> str:
    overview = access.event_overview(
        db_session(), signed_in_user(), event_id, state=get_ranking(), limit=SUGGESTION_LIMIT
    )
    found = overview.event
    if overview.managed:
        return render_template(
            "events/manage.html",
            event=found,
            participants=overview.participants,
            profiles=overview.profiles,
            requests=overview.requests,
            run=overview.run,
            decision=DecisionForm(),
        )
    return render_template(
        "events/participant.html",
        event=found,
        mine=overview.mine,
        profiles=overview.profiles,
        photos=_first_photos([s.participant.id for s in overview.suggestions], overview.profiles),
        suggestions=overview.suggestions,
        requests=overview.requests,
        open=found.cancelled_at is None and utcnow() <= found.registration_deadline,
        ask=MeetingRequestForm(),
        answer=AnswerForm(),
    )


def _first_photos(participant_ids: list[int], profiles: dict[int, Profile]) -> dict[int, str]:
    """The address of a photo of each participant's first product that has one."""
    store = open_store(get_settings(), db_session())
    found = {}
    for participant_id in participant_ids:
        for product in profiles[participant_id].products[:3] if participant_id in profiles else ():
            names = list_photos(store, product.offer_id)
            if names:
                found[participant_id] = url_for(
                    "public.photo", offer_id=product.offer_id, name=names[0]
                )
                break
    return found


# --- officers: the event itself -------------------------------------------------------------


def _save_event(form: EventForm, event_id: int | None) -> Response | None:
    if not form.validate_on_submit():
        return None
    user = signed_in_user()
    session = db_session()
    try:
        data = parse(NewEvent, form.event_data())
        if event_id is None:
            saved = access.create_event(session, user, data, timezone=_timezone())
        else:
            saved = access.update_event(session, user, event_id, data)
    except Invalid as error:
        show_problems(form, error)
        return None
    flash(_("The event is saved."), "success")
    return _redirect("events.event", event_id=saved.id)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_event() -> str | Response:
    form = EventForm()
    if request.method == "GET":
        form.slot_minutes.data, form.break_minutes.data = "20", "5"
    return _save_event(form, None) or render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_event(event_id: int) -> str | Response:
    found = access.managed_event(db_session(), signed_in_user(), event_id)
    form = EventForm(obj=found)
    if request.method == "GET":
        form.fill(found)
    return _save_event(form, event_id) or render_template(
        "events/form.html", form=form, event=found
    )


@bp.post("/<int:event_id>/participants/<int:participant_id>/decision")
@role_required(*STAFF)
def decide(event_id: int, participant_id: int) -> Response:
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = parse(Decision, form.decision_data(), "participant.invalid")
        participant = access.decide(db_session(), signed_in_user(), event_id, participant_id, data)
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        name = participant.organization.name
        flash(
            _("%(name)s is approved.", name=name)
            if data.decision == "approve"
            else _("%(name)s is rejected.", name=name),
            "success",
        )
    return _redirect("events.event", event_id=event_id)


# --- officers: schedule, publish, meetings, print, report ------------------------------------


@bp.get("/<int:event_id>/schedule")
@role_required(*STAFF)
def schedule(event_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    found = access.managed_event(session, user, event_id)
    requests = {r.id: r for r in access.list_requests(session, user, event_id, ALL, None).items}
    return render_template(
        "events/schedule.html",
        event=found,
        run=access.schedule_of(session, user, event_id),
        requests=requests,
    )


@bp.post("/<int:event_id>/schedule")
@role_required(*STAFF)
def run_schedule(event_id: int) -> Response:
    try:
        run = access.run_schedule(
            db_session(), signed_in_user(), event_id, ScheduleSettings(time_limit=10)
        )
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        flash(
            _("%(placed)s of %(requested)s meetings are placed. Nothing is sent until you publish.",
              placed=run.placed, requested=run.requested),
            "success",
        )  # fmt: skip
    return _redirect("events.schedule", event_id=event_id)


@bp.post("/<int:event_id>/publish")
@role_required(*STAFF)
def publish(event_id: int) -> Response:
    try:
        count = access.publish_schedule(db_session(), signed_in_user(), event_id, now=utcnow())
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        flash(_("The schedule is published: %(count)s agenda emails are on their way.",
                count=count), "success")  # fmt: skip
    return _redirect("events.schedule", event_id=event_id)


@bp.get("/<int:event_id>/meetings")
@role_required(*STAFF)
def meetings(event_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    found = access.managed_event(session, user, event_id)
    listed = access.list_meetings(session, user, event_id, ALL).items
    return render_template(
        "events/meetings.html",
        event=found,
        meetings=sorted(listed, key=lambda m: (m.starts_at, m.table_no)),
        forms={m.id: OutcomeForm(obj=m, prefix=f"m{m.id}") for m in listed},
    )


@bp.post("/<int:event_id>/meetings/<int:meeting_id>/outcome")
@role_required(*STAFF)
def outcome(event_id: int, meeting_id: int) -> tuple[str, int] | Response:
    form = OutcomeForm(prefix=f"m{meeting_id}")
    session = db_session()
    user = signed_in_user()
    if form.validate_on_submit():
        try:
            data = parse(Outcome, form.outcome_data(), "deal.invalid")
            access.record_outcome(session, user, event_id, meeting_id, data, now=utcnow())
        except (Invalid, Conflict) as error:
            show_problems(form, error, fallback="stage")
        else:
            flash(_("The outcome is saved."), "success")
            return _redirect("events.meetings", event_id=event_id, _anchor=f"meeting-{meeting_id}")
    found = access.managed_event(session, user, event_id)
    listed = access.list_meetings(session, user, event_id, ALL).items
    forms = {m.id: OutcomeForm(obj=m, prefix=f"m{m.id}", formdata=None) for m in listed}
    forms[meeting_id] = form
    return render_template(
        "events/meetings.html",
        event=found,
        meetings=sorted(listed, key=lambda m: (m.starts_at, m.table_no)),
        forms=forms,
    ), 422


@bp.get("/<int:event_id>/print/tables")
@role_required(*STAFF)
def print_tables(event_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    found = access.managed_event(session, user, event_id)
    by_table: dict[int, list[Any]] = defaultdict(list)
    for meeting in sorted(
        access.list_meetings(session, user, event_id, ALL).items, key=lambda m: m.starts_at
    ):
        by_table[meeting.table_no].append(meeting)
    return render_template("events/print_tables.html", event=found, tables=sorted(by_table.items()))


@bp.get("/<int:event_id>/print/participants")
@role_required(*STAFF)
def print_participants(event_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    found = access.managed_event(session, user, event_id)
    approved = access.list_participants(
        session, user, event_id, ALL, status="approved", side=None
    ).items
    agendas = [(p, agenda_lines(session, p)) for p in approved]
    return render_template("events/print_participants.html", event=found, agendas=agendas)


@bp.get("/<int:event_id>/report")
@role_required(*STAFF)
def report(event_id: int) -> str:
    user = signed_in_user()
    session = db_session()
    found = access.managed_event(session, user, event_id)
    figures = access.report(session, user, _report_filters(event_id))

    def named(name: Any) -> Any:
        return lambda code: _("Not stated") if code == "unknown" else str(name(code))

    def rows(breakdown: dict[str, Any], label: Any) -> list[tuple[str, int]]:
        """Most meetings first; equal counts in the alphabet order of their names."""
        counts = [(k, f.meetings) for k, f in breakdown.items()]
        return sorted(counts, key=lambda r: (-r[1], sort_key(label(r[0]))))

    province, group, buyer = (named(i18n.province_name), named(i18n.category_name),
                              named(BUYER_LABELS.get))  # fmt: skip
    charts = [
        (_("Meetings by province"), rows(figures.by_province, province), province, _("Province")),
        (_("Meetings by product group"), rows(figures.by_product_group, group), group,
         _("Group")),
        (_("Meetings by buyer type"), rows(figures.by_buyer_type, buyer), buyer,
         _("Buyer type")),
    ]  # fmt: skip
    return render_template("events/report.html", event=found, report=figures, charts=charts)


@bp.get("/<int:event_id>/report.<any(csv, xlsx):fmt>")
@role_required(*STAFF)
def export(event_id: int, fmt: str) -> Response:
    figures = access.report(db_session(), signed_in_user(), _report_filters(event_id))
    body = to_csv(figures, say).encode() if fmt == "csv" else to_xlsx(figures, say)
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event_id}.{fmt}"'
    return response


# --- producers and buyers -------------------------------------------------------------------


def _own_choices(form: RegistrationForm, event: Event) -> None:
    user = signed_in_user()
    session = db_session()
    if user.role == "producer":
        offers = catalog.list_offers(
            session, user,
            OfferFilters(status=("active",), organization_id=user.organization_id), ALL,
        ).items  # fmt: skip
        form.offer_ids.choices = [(o.id, o.title) for o in offers]
    else:
        requirements = catalog.list_requirements(
            session, user, RequirementFilters(status=("open",)), ALL
        ).items
        form.requirement_ids.choices = [(r.id, r.title) for r in requirements]
    # Each session as the event's page says it: its day in the reader's words, then the hours.
    form.sessions.choices = [
        (key, f"{i18n.day(a.date())}, {a:%H:%M}–{b:%H:%M}")
        for key, (a, b) in _sessions(event).items()
    ]


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@role_required(*FIRMS)
def register(event_id: int) -> str | Response:
    user = signed_in_user()
    session = db_session()
    found = access.read_event(session, user, event_id)
    mine = access.my_registration(session, user, found)
    form = RegistrationForm(obj=mine)
    _own_choices(form, found)
    if request.method == "GET" and mine is not None:
        windows = {tuple(w) for w in mine.availability}
        form.sessions.data = [
            k for k, (a, b) in _sessions(found).items() if (a.isoformat(), b.isoformat()) in windows
        ]
    if form.validate_on_submit():
        try:
            data = parse(
                Registration, form.registration_data(_sessions(found)), "participant.invalid"
            )
            saved = access.register(
                session, user, event_id, data, now=utcnow(), invited_email=_invited(event_id)
            )
        except (Invalid, Conflict) as error:
            show_problems(form, error)
        else:
            if saved.status == "approved":
                flash(_("Your registration is saved."), "success")
            else:
                flash(_("Your registration is sent. The organizers will approve it."), "success")
            return _redirect("events.event", event_id=event_id)
    return render_template("events/register.html", event=found, form=form, mine=mine)


@bp.post("/<int:event_id>/requests")
@role_required(*FIRMS)
def request_meeting(event_id: int) -> Response:
    form = MeetingRequestForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = parse(MeetingAsk, form.request_data(), "meeting.invalid")
        made = access.request_meeting(db_session(), signed_in_user(), event_id, data, now=utcnow())
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        flash(
            _("You both want to meet: the meeting is accepted.")
            if made.status == "accepted"
            else _("Your request is sent."),
            "success",
        )
    return _redirect("events.event", event_id=event_id, _anchor="requests")


@bp.post("/<int:event_id>/requests/<int:request_id>/answer")
@role_required(*FIRMS)
def answer(event_id: int, request_id: int) -> Response:
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = parse(Answer, form.answer_data(), "meeting.invalid")
        access.answer_request(
            db_session(), signed_in_user(), event_id, request_id, data, now=utcnow()
        )
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        flash(_("The meeting is accepted.") if data.answer == "accept"
              else _("The request is declined."),
              "success")  # fmt: skip
    return _redirect("events.event", event_id=event_id, _anchor="requests")


@bp.post("/<int:event_id>/requests/<int:request_id>/must-meet")
@role_required(*FIRMS)
def must_meet(event_id: int, request_id: int) -> Response:
    form = MustMeetForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = parse(RequestChange, form.change_data(), "meeting.invalid")
        access.change_request(db_session(), signed_in_user(), event_id, request_id, data)
    except (Invalid, Conflict) as error:
        _problem(error)
    else:
        flash(_("Your request is updated."), "success")
    return _redirect("events.event", event_id=event_id, _anchor="requests")


def _agenda_of(event_id: int) -> tuple[EventParticipant, list[Any]]:
    user = signed_in_user()
    participant_id = request.args.get("participant", type=int)
    participant, _meetings = access.agenda(db_session(), user, event_id, participant_id)
    return participant, agenda_lines(db_session(), participant)


@bp.get("/<int:event_id>/agenda")
@role_required(*EVERYONE)
def agenda(event_id: int) -> str:
    participant, lines = _agenda_of(event_id)
    return render_template(
        "events/agenda.html", event=participant.event, participant=participant, lines=lines
    )


@bp.get("/<int:event_id>/agenda.ics")
@role_required(*EVERYONE)
def agenda_ics(event_id: int) -> Response:
    participant, lines = _agenda_of(event_id)
    calendar = agenda_calendar(
        participant.event, participant, lines, get_settings().base_url, i18n.lang()
    )
    response = make_response(calendar)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="agenda-{event_id}.ics"'
    return response


# --- officers: inviting and adding firms ----------------------------------------------------


@bp.route("/<int:event_id>/invite", methods=["GET", "POST"])
@role_required(*STAFF)
def invite(event_id: int) -> str | Response:
    session, user = db_session(), signed_in_user()
    found = access.managed_event(session, user, event_id)
    form = InviteForm()
    if request.method == "GET" and request.args.get("emails"):
        form.emails.data = "\n".join(request.args["emails"].split())
    if form.validate_on_submit():
        try:
            data = parse(Invitations, form.invitation_data(), "invitation.invalid")
            done = access.invite(session, user, event_id, data, now=utcnow())
        except Invalid as error:
            form.emails.errors = list(say_fields(error.errors).values()) or [say_error(error)]
        except Conflict as error:
            flash(say_error(error), "error")
        else:
            if done.sent:
                flash(_("Invitations sent: %(emails)s", emails=", ".join(done.sent)), "success")
            if done.already:
                flash(_("Already invited: %(emails)s", emails=", ".join(done.already)), "info")
            return _redirect("events.invite", event_id=event_id)
    return render_template("events/invite.html", event=found, form=form)


def _add_page(event_id: int, list_form: FirmListForm, unknown: Any = None) -> str:
    q, side = request.args.get("q", "")[:200], request.args.get("side") or None
    firms, profiles = access.firms_to_add(db_session(), signed_in_user(), event_id, q=q, side=side)
    return render_template(
        "events/add_firms.html",
        event=access.managed_event(db_session(), signed_in_user(), event_id),
        firms=firms, profiles=profiles, q=q, side=side or "", list_form=list_form,
        unknown=unknown,
    )  # fmt: skip


@bp.route("/<int:event_id>/add", methods=["GET", "POST"])
@role_required(*STAFF)
def add_firms(event_id: int) -> str | Response:
    if request.method == "POST":
        ids = request.form.getlist("organization_id")
        try:
            data = parse(NewParticipants, {"organization_ids": ids}, "participant.invalid")
            added = access.add_participants(
                db_session(), signed_in_user(), event_id, data, now=utcnow()
            )
        except DomainError as error:
            _problem(error)
        else:
            flash(_("Firms added: %(count)s", count=i18n.number(len(added))), "success")
        return _redirect("events.add_firms", event_id=event_id, **request.args)
    return _add_page(event_id, FirmListForm())


@bp.post("/<int:event_id>/add/list")
@role_required(*STAFF)
def add_firm_list(event_id: int) -> str | Response:
    form = FirmListForm()
    if not form.validate_on_submit() or not form.spreadsheet.data:
        if not form.errors:
            form.spreadsheet.errors = [_("Choose an .xlsx or .csv file.")]
        return _add_page(event_id, form)
    file = form.spreadsheet.data
    try:
        rows = spreadsheet_rows(file.filename or "", file.stream.read())
        done = access.add_from_list(db_session(), signed_in_user(), event_id, rows, now=utcnow())
    except DomainError as error:
        _problem(error)
        return _add_page(event_id, form)
    flash(_("Firms added: %(count)s", count=i18n.number(len(done.added))), "success")
    unknown = done.firms.unknown_emails or done.firms.unknown_names
    if unknown:
        lines = {"emails": done.firms.unknown_emails, "names": done.firms.unknown_names}
        return _add_page(event_id, FirmListForm(formdata=None), lines)
    return _redirect("events.add_firms", event_id=event_id)


def _invitation_links() -> InvitationLinks:
    return InvitationLinks(get_settings().secret_key, get_settings().base_url)


def _invited(event_id: int) -> str | None:
    """The address the invitation the visitor came with was made for, if any."""
    token = request.args.get("invitation")
    try:
        return _invitation_links().load(event_id, token) if token else None
    except BadInvitation:
        return None


@bp.get("/<int:event_id>/join/<token>")
def join(event_id: int, token: str) -> Response:
    """An invitation's link: to the registration, through signing up or in when need be; the
    invitation goes along, so that the invited firm's registration is approved at once."""
    try:
        email = _invitation_links().load(event_id, token)
    except BadInvitation:
        flash(say("invitation.bad_link"), "error")
        return _redirect("events.index")
    register_url = url_for("events.register", event_id=event_id, invitation=token)
    user = current_user()
    if user is not None:
        return redirect(register_url)  # type: ignore[return-value]
    if user_by_email(db_session(), email) is not None:
        return _redirect("account.signin", next=register_url)
    return _redirect("account.signup", email=email, next=register_url)


@bp.get("/events.css")
def stylesheet() -> Response:
    response = make_response(render_template("events/events.css"))
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

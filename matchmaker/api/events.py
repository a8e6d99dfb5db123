"""Connection events: events, participants, meeting requests, schedule, agenda, outcomes, report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, make_response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import event_schemas as e
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.catalog.services import Page, PageRequest
from matchmaker.db import utcnow
from matchmaker.events import access
from matchmaker.events.agendas import agenda_calendar
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest, ScheduleRun
from matchmaker.events.reports import EventReport, Figures, ReportFilters, to_csv, to_xlsx
from matchmaker.events.schedule import agenda_lines
from matchmaker.events.slots import event_slots
from matchmaker.extensions import db_session, get_ranking, get_settings
from matchmaker.i18n import lang, say

TAG = Tag(name="events", description="Connection events and their 1:1 meetings")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}
WRITE_ERRORS = {**ERRORS, 409: s.Problem}


def event_out(event: Event) -> e.EventOut:
    return e.EventOut(
        id=event.id,
        organization_id=event.organization_id,
        organizer=event.organization.name,
        name=event.name,
        venue=event.venue,
        description=event.description,
        timezone=event.timezone,
        days=[e.EventDay.model_validate(d) for d in event.days],
        slot_minutes=event.slot_minutes,
        break_minutes=event.break_minutes,
        table_count=event.table_count,
        slots=[e.SlotOut(id=x.id, start=x.start, end=x.end) for x in event_slots(event)],
        registration_deadline=event.registration_deadline,
        target_provinces=event.target_provinces,
        target_categories=event.target_categories,
        max_meetings=event.max_meetings,
        request_ttl_hours=event.request_ttl_hours,
        cancelled=event.cancelled_at is not None,
        created_at=event.created_at,
    )


def participant_out(p: EventParticipant) -> e.ParticipantOut:
    return e.ParticipantOut(
        id=p.id,
        event_id=p.event_id,
        organization_id=p.organization_id,
        name=p.organization.name,
        side=p.side,  # type: ignore[arg-type]
        province=p.organization.province,
        buyer_type=p.organization.buyer_type,
        status=p.status,
        offer_ids=p.offer_ids,
        requirement_ids=p.requirement_ids,
        availability=[
            e.Window(start=datetime.fromisoformat(a), end=datetime.fromisoformat(b))
            for a, b in p.availability
        ],
        max_meetings=p.max_meetings,
        decision_reason=p.decision_reason,
    )


def request_out(r: MeetingRequest) -> e.RequestOut:
    return e.RequestOut(
        id=r.id,
        event_id=r.event_id,
        producer_id=r.producer_id,
        buyer_id=r.buyer_id,
        producer=r.producer.organization.name,
        buyer=r.buyer.organization.name,
        requested_by=r.requested_by,
        status=r.status,
        must_meet=r.must_meet,
        mutual=r.mutual,
        match_id=r.match_id,
        score=r.score,
        message=r.message,
        expires_at=r.expires_at,
        published_start=r.published_start,
        published_table=r.published_table,
    )


def meeting_out(m: Meeting) -> e.MeetingOut:
    r = m.request
    return e.MeetingOut(
        id=m.id,
        request_id=m.request_id,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        table=m.table_no,
        producer_id=r.producer_id,
        buyer_id=r.buyer_id,
        producer=r.producer.organization.name,
        buyer=r.buyer.organization.name,
        attendance=m.attendance,
        interest=m.interest,
        stage=m.stage,
        order_value_vnd=m.order_value_vnd,
        notes=m.notes,
        follow_up_on=m.follow_up_on,
    )


def run_out(run: ScheduleRun) -> e.ScheduleOut:
    return e.ScheduleOut(
        id=run.id,
        status=run.status,
        requested=run.requested,
        placed=run.placed,
        upper_bound=run.upper_bound,
        moved_published=run.moved_published,
        dropped_published=run.dropped_published,
        solve_seconds=run.solve_seconds,
        unplaced=[e.UnplacedOut(**u) for u in run.unplaced],
        created_at=run.created_at,
        published_at=run.published_at,
    )


def report_out(report: EventReport) -> e.ReportOut:
    def figures(f: Figures) -> dict[str, int]:
        return dict(vars(f))

    def groups(breakdown: dict[str, Figures]) -> list[e.GroupFigures]:
        return [e.GroupFigures(group=k, **figures(v)) for k, v in sorted(breakdown.items())]

    return e.ReportOut(
        totals=e.FiguresOut(**figures(report.totals)),
        by_province=groups(report.by_province),
        by_product_group=groups(report.by_product_group),
        by_buyer_type=groups(report.by_buyer_type),
    )


def _page(query: s.PageQuery) -> PageRequest:
    return PageRequest(query.limit, query.cursor, query.page)


def _paged(model: type[Any], page: Page[Any], out: Any) -> Response:
    return json(
        model(
            items=[out(x) for x in page.items],
            total=page.total,
            next_cursor=page.next_cursor,
            page=page.page,
        )
    )


def _report_response(report: EventReport, fmt: str, name: str) -> Response:
    if fmt == "csv":
        response = make_response(to_csv(report, say).encode())
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        response = make_response(to_xlsx(report, say))
        response.headers["Content-Type"] = e.XLSX
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return json(report_out(report))


REPORT_RESPONSES = {200: e.ReportOut, **ERRORS}


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_events", __name__, url_prefix="/api/v1/events", abp_tags=[TAG], signed_in=True
    )

    @api.get("", responses={200: e.EventPage, **ERRORS})
    def list_events(query: e.EventQuery) -> Response:
        """Connection events, oldest first; ``mine`` for your own agency's."""
        page = access.list_events(db_session(), current_user(), _page(query), query.mine)
        return _paged(e.EventPage, page, event_out)

    @api.post("", responses={201: e.EventOut, **WRITE_ERRORS})
    def create_event(body: e.EventCreate) -> Response:
        """Create an event (officers): sessions, slot length and breaks, tables, deadline."""
        event = access.create_event(
            db_session(), current_user(), body, timezone=get_settings().notifications.timezone
        )
        return json(event_out(event), 201)

    @api.get("/<int:event_id>", responses={200: e.EventOut, **ERRORS})
    def get_event(path: e.EventPath) -> Response:
        """One event with its meeting slots."""
        return json(event_out(access.read_event(db_session(), current_user(), path.event_id)))

    @api.patch("/<int:event_id>", responses={200: e.EventOut, **WRITE_ERRORS})
    def update_event(path: e.EventPath, body: e.EventPatch) -> Response:
        """Change an event (its organizers)."""
        event = access.update_event(db_session(), current_user(), path.event_id, body)
        return json(event_out(event))

    @api.delete("/<int:event_id>", responses={200: e.EventOut, **ERRORS})
    def cancel_event(path: e.EventPath) -> Response:
        """Cancel an event (its organizers); it stays on record."""
        event = access.cancel_event(db_session(), current_user(), path.event_id)
        return json(event_out(event))

    # participants

    @api.get("/<int:event_id>/participants", responses={200: e.ParticipantPage, **ERRORS})
    def list_participants(path: e.EventPath, query: e.ParticipantQuery) -> Response:
        """Organizers see every registration; participants the approved ones."""
        page = access.list_participants(
            db_session(), current_user(), path.event_id, _page(query),
            status=query.status, side=query.side,
        )  # fmt: skip
        return _paged(e.ParticipantPage, page, participant_out)

    @api.post("/<int:event_id>/participants", responses={201: e.ParticipantOut, **WRITE_ERRORS})
    def register_participant(path: e.EventPath, body: e.ParticipantRegistration) -> Response:
        """Register your organization (producers and buyers) with the offers or requirements
        it brings and when it can meet; registering again updates the registration."""
        participant = access.register(
            db_session(), current_user(), path.event_id, body, now=utcnow()
        )
        return json(participant_out(participant), 201)

    @api.get(
        "/<int:event_id>/participants/<int:participant_id>",
        responses={200: e.ParticipantOut, **ERRORS},
    )
    def get_participant(path: e.ParticipantPath) -> Response:
        """One participant."""
        participant = access.read_participant(
            db_session(), current_user(), path.event_id, path.participant_id
        )
        return json(participant_out(participant))

    @api.post(
        "/<int:event_id>/participants/<int:participant_id>/decision",
        responses={200: e.ParticipantOut, **WRITE_ERRORS},
    )
    def decide_participant(path: e.ParticipantPath, body: e.Decision) -> Response:
        """Approve or reject a registration (organizers)."""
        participant = access.decide(
            db_session(), current_user(), path.event_id, path.participant_id, body
        )
        return json(participant_out(participant))

    @api.post("/<int:event_id>/invitations", responses={201: e.InvitationsOut, **WRITE_ERRORS})
    def invite(path: e.EventPath, body: e.InvitationCreate) -> Response:
        """Email firms an invitation to register (organizers)."""
        done = access.invite(db_session(), current_user(), path.event_id, body, now=utcnow())
        return json(e.InvitationsOut(sent=done.sent, already=done.already), 201)

    @api.post(
        "/<int:event_id>/participants/batch", responses={201: e.ParticipantList, **WRITE_ERRORS}
    )
    def add_participants(path: e.EventPath, body: e.ParticipantsAdd) -> Response:
        """Add producers and buyers of the catalogue, approved at once (organizers); the answer
        lists the participants made (none for firms already in)."""
        added = access.add_participants(
            db_session(), current_user(), path.event_id, body, now=utcnow()
        )
        return json(e.ParticipantList(items=[participant_out(p) for p in added]), 201)

    @api.get("/<int:event_id>/suggestions", responses={200: e.SuggestionList, **ERRORS})
    def meeting_suggestions(path: e.EventPath, query: e.SuggestionQuery) -> Response:
        """Participants of the other side worth meeting, best first, from the ranking."""
        found = access.suggestions(
            db_session(), current_user(), path.event_id, state=get_ranking(), limit=query.limit
        )
        return json(
            e.SuggestionList(
                items=[
                    e.SuggestionOut(
                        participant=participant_out(x.participant),
                        match_id=x.match.id,
                        score=x.score,
                    )
                    for x in found
                ]
            )
        )

    # meeting requests

    @api.get("/<int:event_id>/requests", responses={200: e.RequestPage, **ERRORS})
    def list_requests(path: e.EventPath, query: e.RequestQuery) -> Response:
        """Your meeting requests (both directions); organizers see all."""
        page = access.list_requests(
            db_session(), current_user(), path.event_id, _page(query), query.status
        )
        return _paged(e.RequestPage, page, request_out)

    @api.post("/<int:event_id>/requests", responses={201: e.RequestOut, **WRITE_ERRORS})
    def request_meeting(path: e.EventPath, body: e.RequestCreate) -> Response:
        """Ask a participant of the other side for a meeting. If they already asked you,
        the meeting is accepted at once."""
        request = access.request_meeting(
            db_session(), current_user(), path.event_id, body, now=utcnow()
        )
        return json(request_out(request), 201)

    @api.post(
        "/<int:event_id>/requests/<int:request_id>/answer",
        responses={200: e.RequestOut, **WRITE_ERRORS},
    )
    def answer_request(path: e.RequestPath, body: e.RequestAnswer) -> Response:
        """Accept or decline a meeting you were asked for."""
        request = access.answer_request(
            db_session(), current_user(), path.event_id, path.request_id, body, now=utcnow()
        )
        return json(request_out(request))

    @api.patch(
        "/<int:event_id>/requests/<int:request_id>", responses={200: e.RequestOut, **WRITE_ERRORS}
    )
    def change_request(path: e.RequestPath, body: e.RequestPatch) -> Response:
        """Mark a request must-meet, or withdraw it."""
        request = access.change_request(
            db_session(), current_user(), path.event_id, path.request_id, body
        )
        return json(request_out(request))

    # schedule

    @api.post("/<int:event_id>/schedule", responses={201: e.ScheduleOut, **WRITE_ERRORS})
    def run_schedule(path: e.EventPath, body: e.ScheduleRequest) -> Response:
        """Schedule every accepted request (organizers): placed against the proven upper
        bound, and why each of the others was left out. Meetings already sent out stay where
        they are whenever possible. Nothing is sent until the schedule is published."""
        run = access.run_schedule(db_session(), current_user(), path.event_id, body)
        return json(run_out(run), 201)

    @api.get("/<int:event_id>/schedule", responses={200: e.ScheduleOut, **ERRORS})
    def get_schedule(path: e.EventPath) -> Response:
        """The latest scheduling run (organizers)."""
        return json(run_out(access.latest_run(db_session(), current_user(), path.event_id)))

    @api.post("/<int:event_id>/schedule/publish", responses={200: e.PublishOut, **WRITE_ERRORS})
    def publish_schedule(path: e.EventPath) -> Response:
        """Send the schedule: every participant whose agenda changed gets it by email with a
        calendar file (organizers)."""
        count = access.publish_schedule(db_session(), current_user(), path.event_id, now=utcnow())
        return json(e.PublishOut(emails=count))

    @api.get("/<int:event_id>/meetings", responses={200: e.MeetingPage, **ERRORS})
    def list_meetings(path: e.EventPath, query: s.PageQuery) -> Response:
        """Every scheduled meeting (organizers)."""
        page = access.list_meetings(db_session(), current_user(), path.event_id, _page(query))
        return _paged(e.MeetingPage, page, meeting_out)

    @api.get(
        "/<int:event_id>/agenda",
        responses={200: e.AgendaOut, **ERRORS},
    )
    def get_agenda(path: e.EventPath, query: e.AgendaQuery) -> Response:
        """Your agenda in the current schedule (officers: anyone's); ``format=ics`` gives the
        calendar file."""
        user = current_user()
        participant, meetings = access.agenda(
            db_session(), user, path.event_id, query.participant_id
        )
        if query.format == "ics":
            event = participant.event
            lines = agenda_lines(db_session(), participant)
            calendar = agenda_calendar(event, participant, lines, get_settings().base_url, lang())
            response = make_response(calendar)
            response.headers["Content-Type"] = "text/calendar; charset=utf-8"
            response.headers["Content-Disposition"] = (
                f'attachment; filename="agenda-{event.id}.ics"'
            )
            return response
        return json(
            e.AgendaOut(
                participant=participant_out(participant),
                meetings=[meeting_out(m) for m in meetings],
            )
        )

    @api.put(
        "/<int:event_id>/meetings/<int:meeting_id>/outcome",
        responses={200: e.MeetingOut, **WRITE_ERRORS},
    )
    def record_outcome(path: e.MeetingPath, body: e.OutcomeIn) -> Response:
        """What came of a meeting: held or no-show, interest, MoU, contract, orders and their
        value (either side, or the organizers). A deal only moves forward."""
        meeting = access.record_outcome(
            db_session(), current_user(), path.event_id, path.meeting_id, body, now=utcnow()
        )
        return json(meeting_out(meeting))

    @api.get("/report", responses=REPORT_RESPONSES)
    def period_report(query: e.PeriodReportQuery) -> Response:
        """Figures over a period for your agency's events (officers; admins every event)."""
        filters = ReportFilters(
            event_id=query.event_id, since=query.since, until=query.until,
            timezone=get_settings().notifications.timezone,
        )  # fmt: skip
        report = access.report(db_session(), current_user(), filters)
        return _report_response(report, query.format, "events-report")

    @api.get("/<int:event_id>/report", responses=REPORT_RESPONSES)
    def event_report(path: e.EventPath, query: e.ReportQuery) -> Response:
        """The event's figures by province, product group and buyer type (organizers);
        ``format=csv`` or ``xlsx`` exports its meetings."""
        filters = ReportFilters(
            event_id=path.event_id, since=query.since, until=query.until,
            timezone=get_settings().notifications.timezone,
        )  # fmt: skip
        report = access.report(db_session(), current_user(), filters)
        return _report_response(report, query.format, f"event-{path.event_id}")

    return api

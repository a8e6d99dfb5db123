"""Connection events through the services: registration, requests, schedule, outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matchmaker.errors import Conflict, Invalid
from matchmaker.events import access, services
from matchmaker.events.agendas import agenda_calendar
from matchmaker.events.inputs import EventChanges, Outcome, Registration
from matchmaker.events.models import Event, EventEmail, Meeting, MeetingRequest
from matchmaker.events.reports import ReportFilters, build_report
from matchmaker.events.schedule import SEND_EVENT_EMAILS, agenda_lines
from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.service import RankingState
from matchmaker.outbox import OutboxMessage
from matchmaker.settings import NotificationSettings

from .conftest import NOW, ZONE, MakeFirm


def test_slots_are_cut_from_sessions_with_breaks(event: Event) -> None:
    slots = services.event_slots(event)
    # 08:00-10:00 local, 20 minutes with 5 between; the last one ends at 10:00 sharp.
    assert [s.start.strftime("%H:%M") for s in slots] == [
        "08:00", "08:25", "08:50", "09:15", "09:40",
    ]  # fmt: skip
    assert all(s.end - s.start == timedelta(minutes=20) for s in slots)


def test_registration_waits_for_approval_and_closes_at_the_deadline(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    firm = make_firm("producer", "Mật ong rừng", approve=False)
    assert firm.participant.status == "pending"
    services.decide(db, firm.participant, True)
    assert firm.participant.status == "approved"
    with pytest.raises(Conflict) as refused:
        services.register(
            db, event, firm.user.organization, Registration(), now=NOW + timedelta(days=11)
        )
    assert refused.value.code == "event.registration_closed"
    assert refused.value.params["deadline"] == event.registration_deadline


def test_an_event_for_other_provinces_refuses_the_registration(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    services.update_event(db, event, EventChanges(target_provinces=["79"]))
    with pytest.raises(Conflict) as refused:
        make_firm("buyer", "Gạo")
    assert refused.value.code == "participant.other_provinces"


def test_suggestions_come_from_the_ranking_engine_best_first(
    db: Session, make_firm: MakeFirm, tmp_path: object
) -> None:
    buyer = make_firm("buyer", "Mật ong rừng nguyên chất")
    honey = make_firm("producer", "Mật ong rừng U Minh")
    make_firm("producer", "Chè Shan tuyết")
    suggested = services.suggestions(db, RankingState(), buyer.participant)
    assert suggested[0].participant.id == honey.participant.id
    assert suggested[0].match.offer_id == honey.participant.offer_ids[0]


def test_a_request_asked_by_both_sides_is_accepted_and_mutual(
    db: Session, make_firm: MakeFirm
) -> None:
    buyer, producer = make_firm("buyer", "Gạo ST25"), make_firm("producer", "Gạo ST25")
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
    assert request.status == "pending"
    again = services.request_meeting(db, producer.participant, buyer.participant, now=NOW)
    assert again.id == request.id and request.status == "accepted" and request.mutual


def test_an_unanswered_request_expires(db: Session, make_firm: MakeFirm) -> None:
    buyer, producer = make_firm("buyer", "Gạo"), make_firm("producer", "Gạo")
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
    assert services.expire_requests(db, now=NOW + timedelta(hours=73)) == 1
    db.refresh(request)
    assert request.status == "expired"
    with pytest.raises(Conflict) as refused:
        services.answer_request(db, request, True, now=NOW + timedelta(hours=74))
    assert refused.value.code == "meeting.already_answered"
    assert refused.value.params == {"status": "expired"}


def _accepted(db: Session, buyer: object, producer: object) -> None:
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)  # type: ignore[attr-defined]
    services.answer_request(db, request, True, now=NOW)


def test_schedule_places_every_meeting_without_double_booking_and_reports_the_bound(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    buyers = [make_firm("buyer", f"Nhu cầu {i}") for i in range(3)]
    producers = [make_firm("producer", f"Sản phẩm {i}") for i in range(3)]
    for buyer in buyers:
        for producer in producers:
            _accepted(db, buyer, producer)
    run = services.run_schedule(db, event, None, time_limit=5)
    assert run.requested == 9 and run.placed == 9 and run.upper_bound == 9
    meetings = list(db.scalars(select(Meeting)))
    for participant in [f.participant for f in buyers + producers]:
        times = [m.starts_at for m in services.agenda(db, participant)]
        assert len(times) == len(set(times)) == 3
    assert len({(m.starts_at, m.table_no) for m in meetings}) == 9


def test_rescheduling_keeps_published_meetings_and_resends_only_changed_agendas(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    a, b = make_firm("buyer", "Gạo"), make_firm("buyer", "Mật ong")
    p, q = make_firm("producer", "Gạo"), make_firm("producer", "Mật ong")
    _accepted(db, a, p)
    _accepted(db, b, q)
    services.run_schedule(db, event, None, time_limit=5)
    first = services.publish_schedule(db, event, now=NOW)
    assert len(first) == 4  # one agenda email per participant's user
    before = {m.request_id: (m.starts_at, m.table_no) for m in db.scalars(select(Meeting))}

    late = make_firm("producer", "Chè")
    _accepted(db, a, late)
    run = services.run_schedule(db, event, None, time_limit=5)
    assert run.placed == 3 and run.moved_published == 0
    after = {m.request_id: (m.starts_at, m.table_no) for m in db.scalars(select(Meeting))}
    assert all(after[k] == v for k, v in before.items())
    resent = services.publish_schedule(db, event, now=NOW)
    recipients = {e.user_id for e in resent}
    assert recipients == {a.user.id, late.user.id}
    assert services.publish_schedule(db, event, now=NOW) == []


def test_agenda_calendar_has_one_entry_per_meeting(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    a, p, q = make_firm("buyer", "Gạo"), make_firm("producer", "Gạo"), make_firm("producer", "Chè")
    _accepted(db, a, p)
    _accepted(db, a, q)
    services.run_schedule(db, event, None, time_limit=5)
    lines = agenda_lines(db, a.participant)
    calendar = Calendar.from_ical(agenda_calendar(event, a.participant, lines, "test"))
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 2
    assert {e.decoded("dtstart") for e in entries} == {line.starts_at for line in lines}
    assert all(event.venue in str(e["location"]) for e in entries)


def test_outcomes_teach_the_ranker_and_plan_follow_ups(
    db: Session, event: Event, make_firm: MakeFirm, officer: object
) -> None:
    a = make_firm("buyer", "Mật ong rừng")
    p, q = make_firm("producer", "Mật ong rừng"), make_firm("producer", "Mật ong hoa nhãn")
    services.suggestions(db, RankingState(), a.participant)  # records the matches
    _accepted(db, a, p)
    _accepted(db, a, q)
    services.run_schedule(db, event, None, time_limit=5)
    deal, missed = sorted(db.scalars(select(Meeting)), key=lambda m: m.request.producer_id)
    today = date(2026, 10, 1)
    services.record_outcome(db, deal, officer, Outcome(stage="mou"), today=today)  # type: ignore[arg-type]
    services.record_outcome(db, missed, officer, Outcome(attendance="no_show"), today=today)  # type: ignore[arg-type]
    assert deal.request.match is not None and deal.request.match.status == "deal"
    # A no-show is no answer: the match is not declined, nothing labels it.
    assert missed.request.match is not None and missed.request.match.status != "declined"
    answers = db.scalars(select(MatchAnswer).order_by(MatchAnswer.id)).all()
    assert [(x.match_id, x.side, x.action) for x in answers] == [
        (deal.request.match.id, "officer", "mou")
    ]
    assert deal.attendance == "held" and deal.follow_up_on == today + timedelta(days=14)
    with pytest.raises(Conflict) as backwards:
        services.record_outcome(db, deal, officer, Outcome(stage="none"), today=today)  # type: ignore[arg-type]
    assert backwards.value.code == "deal.stage_backwards"
    with pytest.raises(Invalid) as no_show:
        services.record_outcome(db, missed, officer, Outcome(stage="contract"), today=today)  # type: ignore[arg-type]
    assert [(e.field, e.code) for e in no_show.value.errors] == [("attendance", "deal.no_show")]

    assert services.follow_ups_due(db, today=today) == []
    reminders = services.follow_ups_due(db, today=today + timedelta(days=14))
    assert {e.user_id for e in reminders} == {a.user.id, p.user.id}
    assert services.follow_ups_due(db, today=today + timedelta(days=14)) == []
    assert all(e.kind == "follow_up" for e in db.scalars(select(EventEmail)))


def test_report_counts_by_province_group_and_buyer_type_and_exports(
    db: Session, event: Event, make_firm: MakeFirm, officer: object
) -> None:
    a, p = make_firm("buyer", "Gạo"), make_firm("producer", "Gạo")
    _accepted(db, a, p)
    services.run_schedule(db, event, None, time_limit=5)
    (meeting,) = db.scalars(select(Meeting))
    services.record_outcome(db, meeting, officer,  # type: ignore[arg-type]
                            Outcome(stage="first_order", order_value_vnd=120_000_000),
                            today=date(2026, 10, 1))  # fmt: skip
    report = build_report(db, ReportFilters(event_id=event.id, timezone=ZONE))
    assert (report.totals.meetings, report.totals.held, report.totals.mous) == (1, 1, 1)
    assert report.totals.contracts == 1 and report.totals.value_vnd == 120_000_000
    assert report.by_product_group["food"].orders == 1
    assert report.by_buyer_type["supermarket"].meetings == 1
    assert report.rows[0]["stage"] == "first_order"
    assert report.rows[0]["order_value_vnd"] == 120_000_000
    period = build_report(db, ReportFilters(since=date(2026, 11, 1), timezone=ZONE))
    assert period.totals.meetings == 0


def test_housekeeping_queues_follow_ups_and_retries_through_the_outbox(
    db: Session, event: Event, make_firm: MakeFirm, officer: object
) -> None:
    a, p, q = make_firm("buyer", "Gạo"), make_firm("producer", "Gạo"), make_firm("producer", "Chè")
    _accepted(db, a, p)
    unanswered = services.request_meeting(db, a.participant, q.participant, now=NOW)
    services.run_schedule(db, event, None, time_limit=5)
    (meeting,) = db.scalars(select(Meeting))
    today = date(2026, 10, 1)
    services.record_outcome(db, meeting, officer, Outcome(stage="mou"), today=today)  # type: ignore[arg-type]
    held_back = services.publish_schedule(db, event, now=NOW)  # agenda emails not sent yet
    db.execute(delete(OutboxMessage))

    done = access.housekeeping(
        db, NotificationSettings(), now=NOW + timedelta(days=30), today=today + timedelta(days=14)
    )

    assert (done.expired, done.follow_ups, done.retried) == (1, 2, len(held_back))
    assert db.get(MeetingRequest, unanswered.id).status == "expired"  # type: ignore[union-attr]
    queued = [(m.task, sorted(m.kwargs["email_ids"])) for m in db.scalars(select(OutboxMessage))]
    emails = db.scalars(select(EventEmail).order_by(EventEmail.id)).all()
    assert sorted(queued) == sorted([
        (SEND_EVENT_EMAILS, [e.id for e in emails if e.kind == "follow_up"]),
        (SEND_EVENT_EMAILS, [e.id for e in emails if e.kind == "agenda"]),
    ])  # fmt: skip

"""Connection event pages: an officer's event from creation to the report, as people see it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services as catalog
from matchmaker.events.inputs import EventDay, NewEvent
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest
from matchmaker.events.registration import create_event

from .conftest import MakeUser, post_form, sign_in

DEADLINE = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
EVENT_FORM = {
    "name": "Hội chợ OCOP Tây Ninh",
    "venue": "Nhà văn hóa tỉnh",
    "days-0-date": "2030-10-01",
    "days-0-start": "08:00",
    "days-0-end": "09:00",
    "slot_minutes": "15",
    "break_minutes": "5",
    "table_count": "2",
    "registration_deadline": DEADLINE,
}


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _create_event(client: FlaskClient, db: Session) -> Event:
    response = post_form(client, "/events/new", EVENT_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.scalars(select(Event).order_by(Event.id.desc())).first()  # type: ignore[return-value]


def test_an_event_from_creation_to_the_report(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer = make_user("officer")
    producer = make_user("producer", province="Tây Ninh")
    buyer = make_user("buyer", province="Tây Ninh")
    honey = {"title": "Mật ong rừng U Minh", "category": "food.raw_processed", "unit": "kg"}
    offer = catalog.create_offer(db, producer.organization, honey)
    requirement = catalog.create_requirement(
        db, buyer.organization, {"title": "Mật ong rừng nguyên chất"}
    )
    db.commit()

    sign_in(client, officer)
    assert "Sự kiện" in _text(client, "/officer/")  # the nav link
    event = _create_event(client, db)
    page = _text(client, f"/events/{event.id}")
    assert "Hội chợ OCOP Tây Ninh" in page and "Chưa có đăng ký nào." in page

    for firm, field, item in ((producer, "offer_ids", offer), (buyer, "requirement_ids",
                                                                 requirement)):  # fmt: skip
        sign_in(client, firm)
        assert "Hội chợ OCOP Tây Ninh" in _text(client, "/events/")
        form = _text(client, f"/events/{event.id}/register")
        assert item.title in form
        assert "1 thg 10, 2030, 08:00–09:00" in form  # the session as the event page says it
        done = post_form(client, f"/events/{event.id}/register", {field: str(item.id)})
        assert done.status_code == 302
        assert "Chờ duyệt" in _text(client, f"/events/{event.id}")
        client = app.test_client()

    sign_in(client, officer)
    participants = db.scalars(select(EventParticipant).where(
        EventParticipant.event_id == event.id)).all()  # fmt: skip
    for p in participants:
        done = post_form(client, f"/events/{event.id}/participants/{p.id}/decision",
                         {"decision": "approve"}, page=f"/events/{event.id}")  # fmt: skip
        assert done.status_code == 302
    assert "đã được duyệt" in _text(client, f"/events/{event.id}")
    client = app.test_client()

    # The buyer sees the producer suggested and asks to meet; the producer accepts.
    by_side = {p.side: p for p in participants}
    sign_in(client, buyer)
    page = _text(client, f"/events/{event.id}")
    assert producer.organization.name in page
    asked = post_form(client, f"/events/{event.id}/requests",
                      {"participant_id": str(by_side["producer"].id), "must_meet": "y"},
                      page=f"/events/{event.id}")  # fmt: skip
    assert asked.status_code == 302
    assert "Phải gặp" in _text(client, f"/events/{event.id}")
    client = app.test_client()

    sign_in(client, producer)
    request = db.scalars(select(MeetingRequest)).one()
    answered = post_form(client, f"/events/{event.id}/requests/{request.id}/answer",
                         {"answer": "accept"}, page=f"/events/{event.id}")  # fmt: skip
    assert answered.status_code == 302
    assert "Đã chấp nhận" in _text(client, f"/events/{event.id}")
    client = app.test_client()

    sign_in(client, officer)
    ran = post_form(client, f"/events/{event.id}/schedule", {},
                    page=f"/events/{event.id}/schedule")  # fmt: skip
    assert ran.status_code == 302
    schedule = _text(client, f"/events/{event.id}/schedule")
    assert "1 of at most 1" in schedule or "1 trong tối đa 1" in schedule
    published = post_form(client, f"/events/{event.id}/publish", {},
                          page=f"/events/{event.id}/schedule")  # fmt: skip
    assert published.status_code == 302
    assert "Đã gửi" in _text(client, f"/events/{event.id}/schedule")
    tables = _text(client, f"/events/{event.id}/print/tables")
    assert "Bàn 1" in tables and producer.organization.name in tables

    meeting = db.scalars(select(Meeting)).one()
    prefix = f"m{meeting.id}-"
    recorded = post_form(client, f"/events/{event.id}/meetings/{meeting.id}/outcome",
                         {prefix + "attendance": "held", prefix + "interest": "interested",
                          prefix + "stage": "contract", prefix + "order_value_vnd": "15.000.000",
                          prefix + "notes": ""},
                         page=f"/events/{event.id}/meetings")  # fmt: skip
    assert recorded.status_code == 302, recorded.get_data(as_text=True)
    report = _text(client, f"/events/{event.id}/report")
    assert "15.000.000" in report and "Tây Ninh" in report
    export = client.get(f"/events/{event.id}/report.csv")
    assert export.status_code == 200 and producer.organization.name in export.get_data(as_text=True)
    client = app.test_client()

    # The producer's agenda, also as a calendar file.
    sign_in(client, producer)
    agenda = _text(client, f"/events/{event.id}/agenda")
    assert buyer.organization.name in agenda
    ics = client.get(f"/events/{event.id}/agenda.ics")
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.data


def test_a_wrong_event_keeps_what_was_typed_and_says_what_to_fix(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    response = post_form(client, "/events/new", {**EVENT_FORM, "days-0-end": "07:00",
                                                 "table_count": "nhiều"})  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Hội chợ OCOP Tây Ninh"' in page and 'value="nhiều"' in page
    assert "Nhập số nguyên" in page
    assert db.scalars(select(Event)).first() is None

    # A session that ends before it starts is refused by the service, with the typed values kept.
    response = post_form(client, "/events/new", {**EVENT_FORM, "days-0-end": "07:00"})
    page = response.get_data(as_text=True)
    assert "Phiên phải kết thúc sau khi bắt đầu" in page and 'value="07:00"' in page
    assert db.scalars(select(Event)).first() is None


def test_only_the_organizers_manage_an_event(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    organizer = make_user("officer", province="Tây Ninh")
    sign_in(client, organizer)
    event = _create_event(client, db)
    client = app.test_client()

    sign_in(client, make_user("officer", province="Hà Nội"))
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.get(f"/events/{event.id}/report").status_code == 403
    client = app.test_client()

    sign_in(client, make_user("producer"))
    assert client.get("/events/new").status_code == 403
    assert client.get(f"/events/{event.id}/schedule").status_code == 403
    page = _text(client, f"/events/{event.id}")
    assert "Đăng ký tham gia" in page and "Duyệt" not in page


def test_event_pages_switch_to_english(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    client.get("/lang/en")
    page = _text(client, "/events/new")
    assert "Meeting length (minutes)" in page and "Registration closes" in page


def test_registering_after_the_deadline_is_refused_in_the_visitors_language(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer, producer = make_user("officer"), make_user("producer")
    closed = NewEvent(
        name="Hội chợ đã đóng", venue="Nhà văn hóa tỉnh", table_count=1,
        days=[EventDay(date=date(2030, 10, 1), start="08:00", end="09:00")],
        registration_deadline=datetime(2026, 1, 2, 3, 0, tzinfo=UTC),
    )  # fmt: skip
    event = create_event(db, officer.organization, closed, timezone="Asia/Ho_Chi_Minh")
    db.commit()

    sign_in(client, producer)
    response = post_form(client, f"/events/{event.id}/register", {})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sự kiện này đã hết hạn đăng ký vào" in page and "2026" in page
    assert "Registration for this event" not in page
    assert db.scalars(select(EventParticipant)).first() is None

    client.get("/lang/en")
    page = post_form(client, f"/events/{event.id}/register", {}).get_data(as_text=True)
    assert "Registration for this event closed on" in page


def test_the_event_form_follows_the_rules_of_the_event_itself(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    typed = {**EVENT_FORM, "name": "", "slot_minutes": "2", "days-0-date": "", "days-0-start": "",
             "days-0-end": ""}  # fmt: skip
    page = post_form(client, "/events/new", typed).get_data(as_text=True)
    assert "Ô này là bắt buộc." in page  # the name
    assert "Nhập từ 5 trở lên." in page  # the meeting length
    assert "Nhập ít nhất một phiên." in page
    assert db.scalars(select(Event)).first() is None

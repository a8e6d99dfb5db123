"""An agenda email is written in its recipient's language, with the meeting times on the
event's clock as that language writes them, by a process with no app or request at all."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.events import agendas, services
from matchmaker.events.models import Event, EventEmail, Meeting
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import OutgoingEmail

from .conftest import NOW, ZONE, MakeFirm

BUILDER = agendas.EventEmailBuilder(
    Links("secret", "https://matchmaker.example.vn", timedelta(days=60)),
    "https://matchmaker.example.vn",
)


def _agendas(
    db: Session, event: Event, make_firm: MakeFirm
) -> tuple[Meeting, dict[str, OutgoingEmail]]:
    buyer, producer = make_firm("buyer", "Mật ong rừng"), make_firm("producer", "Mật ong rừng")
    buyer.participant.organization.preferred_language = "en"
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
    services.answer_request(db, request, True, now=NOW)
    services.run_schedule(db, event, None, time_limit=5)
    services.publish_schedule(db, event, now=NOW)
    meeting = db.scalars(select(Meeting)).one()
    built = {}
    for row in db.scalars(select(EventEmail).where(EventEmail.kind == "agenda")):
        email = BUILDER.build(db, row)
        assert email is not None
        built[email.language] = email
    return meeting, built


def test_each_firm_reads_its_agenda_in_its_language_on_the_events_clock(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    meeting, emails = _agendas(db, event, make_firm)
    starts = meeting.starts_at.astimezone(ZoneInfo(ZONE))
    ends = starts + timedelta(minutes=20)
    assert starts.date().isoformat() == "2026-10-01"  # 08:00 to 10:00 in the event's zone

    vietnamese, english = emails["vi"], emails["en"]
    assert vietnamese.subject == "Lịch gặp của bạn tại Kết nối cung cầu Tây Ninh 2026"
    assert f"1 thg 10 {starts:%H:%M}-{ends:%H:%M}  Bàn {meeting.table_no}" in vietnamese.text
    assert english.subject == "Your meetings at Kết nối cung cầu Tây Ninh 2026"
    at = f"{starts.hour % 12 or 12}:{starts:%M}\u202fAM"
    assert f"Oct 1 {at}-{ends.hour % 12 or 12}:{ends:%M}\u202fAM  Table {meeting.table_no}" in (
        english.text
    )
    assert "Hello" in english.text and "Xin chào" in vietnamese.text

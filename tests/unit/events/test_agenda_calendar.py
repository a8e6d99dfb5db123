"""An agenda's calendar file reads in its reader's language and says, for each meeting, whom
to meet, at which table, about which product and need, how to reach them and where to look."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy.orm import Session

from matchmaker.events import services
from matchmaker.events.agendas import agenda_calendar
from matchmaker.events.models import Event
from matchmaker.events.schedule import agenda_lines
from matchmaker.matching.service import RankingState

from .conftest import NOW, MakeFirm

BASE_URL = "http://127.0.0.1:5101"


def _calendar(db: Session, event: Event, make_firm: MakeFirm, locale: str | None) -> list:  # type: ignore[type-arg]
    buyer, producer = make_firm("buyer", "Mật ong rừng"), make_firm("producer", "Mật ong rừng")
    producer.participant.organization.contact_email = "htx@matong.vn"
    producer.participant.organization.phone = "0912 345 678"
    services.suggestions(db, RankingState(), buyer.participant)  # records the match
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
    services.answer_request(db, request, True, now=NOW)
    services.run_schedule(db, event, None, time_limit=5)
    lines = agenda_lines(db, buyer.participant)
    data = agenda_calendar(event, buyer.participant, lines, BASE_URL, locale)
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_an_english_reader_gets_an_english_entry_with_the_counterpart_and_a_link(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    (entry,) = _calendar(db, event, make_firm, "en")
    summary, description = str(entry["summary"]), str(entry["description"])
    assert summary.startswith("Meet Mật ong rừng")
    lines = description.splitlines()
    assert lines[0].startswith("With Mật ong rừng") and "(producer), Tay Ninh" in lines[0]
    assert lines[1].startswith("Table ")
    assert "Product: Mật ong rừng" in lines and "Need: Mật ong rừng" in lines
    assert "Contact: htx@matong.vn · 0912 345 678" in lines
    assert lines[-1].startswith(f"Agenda and details: {BASE_URL}/events/{event.id}/agenda#meeting-")
    assert str(entry["url"]) == f"{BASE_URL}/events/{event.id}/agenda"


def test_a_vietnamese_reader_gets_it_in_vietnamese(
    db: Session, event: Event, make_firm: MakeFirm
) -> None:
    (entry,) = _calendar(db, event, make_firm, "vi")
    description = str(entry["description"])
    assert str(entry["summary"]).startswith("Gặp Mật ong rừng")
    assert "Tây Ninh" in description and "Liên hệ: htx@matong.vn" in description

"""An officer reports on a quarter and runs a connection event: filters the dashboard to the
last quarter, downloads the XLSX report, invites two firms by email, adds ten from the
catalogue, schedules their meetings, and a participant's calendar file names whom to meet.
No page needs panning sideways at phone width (every screenshot checks it)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.db import unit_of_work
from matchmaker.events import services
from matchmaker.events.models import Event, EventParticipant
from matchmaker.extensions import get_database

from .conftest import Journey, Server

TEXT = {
    "vi": {
        "signin": "Đăng nhập", "password": "Mật khẩu", "last_quarter": "Quý trước",
        "from": "Từ", "download": "Tải báo cáo (XLSX)", "summary": "Tổng hợp",
        "events": "Sự kiện", "new_event": "Tạo sự kiện", "save": "Lưu sự kiện",
        "invite": "Mời", "send": "Gửi thư mời", "sent": "Đã gửi thư mời",
        "add": "Thêm đơn vị", "add_chosen": "Thêm các đơn vị đã chọn", "added": "Đã thêm",
        "side": "Bên", "schedule": "Lịch gặp", "run": "Xếp lịch gặp", "with": "Với ",
        "table": "Bàn ", "meetings": "Cuộc gặp và kết quả", "report": "Báo cáo",
    },
    "en": {
        "signin": "Sign in", "password": "Password", "last_quarter": "Last quarter",
        "from": "From", "download": "Download the report (XLSX)", "summary": "Summary",
        "events": "Events", "new_event": "New event", "save": "Save the event",
        "invite": "Invite", "send": "Send the invitations", "sent": "Invitations sent",
        "add": "Add firms", "add_chosen": "Add the chosen firms", "added": "Firms added",
        "side": "Side", "schedule": "Schedule", "run": "Run the scheduler", "with": "With ",
        "table": "Table ", "meetings": "Meetings and outcomes", "report": "Report",
    },
}  # fmt: skip


def _fits_a_phone(journey: Journey) -> None:
    page = journey.page
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _ask_and_accept(server: Server, event_id: int) -> int:
    """The firms ask each other to meet, as they do on their own pages: each buyer asks three
    producers, who accept. Returns a buyer participant's id."""
    now = datetime.now(UTC)
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        event = session.get(Event, event_id)
        assert event is not None
        people = session.scalars(
            select(EventParticipant).where(EventParticipant.event_id == event_id)
        ).all()
        buyers = [p for p in people if p.side == "buyer"]
        producers = [p for p in people if p.side == "producer"]
        for buyer in buyers:
            for producer in producers[:3]:
                request = services.request_meeting(session, buyer, producer, now=now)
                services.answer_request(session, request, True, now=now)
        return buyers[0].id


def test_officer_reports_a_quarter_and_runs_an_event(journey: Journey, live_server: Server) -> None:
    t, page = TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["officer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()

    # The dashboard, filtered to the last quarter, and its report downloaded.
    page.get_by_role("link", name=t["last_quarter"]).click()
    expect(page.get_by_role("heading", name=re.compile(f"^{t['from']} "))).to_be_visible()
    assert "since=" in page.url
    journey.shoot("dashboard-quarter")
    with page.expect_download() as download:
        page.get_by_role("link", name=t["download"]).click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames[0] == t["summary"] and len(book.sheetnames) >= 5

    # A new event.
    page.get_by_role("link", name=t["events"]).first.click()
    page.get_by_role("link", name=t["new_event"]).click()
    day = (datetime.now() + timedelta(days=30)).date()
    page.locator("#name").fill(f"Kết nối cung cầu Tây Ninh {journey.lang}")
    page.locator("#venue").fill("Trung tâm Hội nghị tỉnh Tây Ninh")
    page.locator("#days-0-date").fill(day.isoformat())
    page.locator("#days-0-start").fill("08:00")
    page.locator("#days-0-end").fill("11:00")
    page.locator("#table_count").fill("6")
    deadline = datetime.now() + timedelta(days=20)
    page.locator("#registration_deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name=t["save"]).click()
    event_id = int(re.search(r"/events/(\d+)", page.url).group(1))  # type: ignore[union-attr]

    # Two firms invited by email.
    page.get_by_role("link", name=t["invite"], exact=True).click()
    page.locator("#emails").fill(
        f"htx.moi.{journey.lang}@example.vn\nsieuthi.{journey.lang}@example.vn"
    )
    journey.shoot("invite")
    page.get_by_role("button", name=t["send"]).click()
    expect(page.locator(".flash", has_text=t["sent"])).to_contain_text(
        f"sieuthi.{journey.lang}@example.vn"
    )

    # Ten firms from the catalogue: eight producers and two buyers.
    page.get_by_role("link", name=t["add"], exact=True).click()
    for side, count in (("producer", 8), ("buyer", 2)):
        page.get_by_label(t["side"]).select_option(side)
        page.locator("form.search-row button").click()
        boxes = page.locator("ul.pick input[type=checkbox]")
        expect(boxes.first).to_be_visible()
        for n in range(count):
            boxes.nth(n).check()
        if side == "producer":
            journey.shoot("add-firms")
        page.get_by_role("button", name=t["add_chosen"]).click()
        expect(page.locator(".flash", has_text=t["added"])).to_contain_text(str(count))

    # The registrations read as cards on a phone, with every firm approved.
    page.get_by_role("link", name=t["events"]).first.click()
    page.goto(f"{live_server.url}/events/{event_id}")
    registrations = page.locator("section[aria-labelledby=registrations] table.stack tbody tr")
    expect(registrations).to_have_count(10)
    journey.shoot("registrations")
    _fits_a_phone(journey)

    buyer = _ask_and_accept(live_server, event_id)
    page.get_by_role("link", name=t["schedule"], exact=True).click()
    page.get_by_role("button", name=t["run"]).click()
    expect(page.locator(".flash")).to_contain_text("6")
    journey.shoot("schedule")

    # Meetings and the report fit a phone too (the value tile included).
    page.get_by_role("link", name=t["meetings"], exact=True).click()
    expect(page.locator("ul.cards li.card")).to_have_count(6)
    journey.shoot("meetings")
    page.get_by_role("link", name=t["report"], exact=True).click()
    expect(page.locator(".kpi.money")).to_be_visible()
    journey.shoot("report")

    # The buyer's agenda as a calendar file, in the reader's language, naming the counterpart.
    page.goto(f"{live_server.url}/events/{event_id}/agenda?participant={buyer}")
    journey.shoot("agenda")
    _fits_a_phone(journey)
    ics = page.request.get(f"{live_server.url}/events/{event_id}/agenda.ics?participant={buyer}")
    assert ics.ok
    entries = list(Calendar.from_ical(ics.body()).walk("VEVENT"))
    assert len(entries) == 3
    for entry in entries:
        description = str(entry["description"])
        assert description.startswith(t["with"]) and t["table"] in description
        assert f"/events/{event_id}/agenda#meeting-" in description

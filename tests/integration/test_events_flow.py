"""A connection event end to end: registration, requests, schedule, agenda emails with
calendar files over real SMTP, outcomes and the exported report."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.accounts.services import create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog import services as catalog
from matchmaker.db import unit_of_work
from matchmaker.events.models import EventEmail
from matchmaker.extensions import get_database

from .conftest import PASSWORD, Deployment

pytestmark = pytest.mark.integration


def _officer_token(deployment: Deployment) -> str:
    with unit_of_work(get_database(deployment.app).sessions) as session:
        agency = catalog.create_organization(
            session, {"kind": "agency", "name": "Sở Công Thương", "province": "Tây Ninh"}
        )
        user = create_user(session, agency, email="officer@sct.vn", name="Officer",
                           password=PASSWORD, role="officer")  # fmt: skip
        raw, _ = issue_token(session, user, ttl=timedelta(hours=1))
    return raw


def _call(deployment: Deployment, method: str, token: str, path: str, body: Any = None) -> Any:
    response = deployment.client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json() if response.is_json else response.data


def _send_event_emails(deployment: Deployment) -> None:
    from workers.event_tasks import send_event_emails

    with unit_of_work(get_database(deployment.app).sessions) as session:
        ids = list(session.scalars(select(EventEmail.id).where(EventEmail.state == "pending")))
    with deployment.app.app_context():
        send_event_emails.run(ids)


def test_an_event_from_registration_to_exported_report(make_deployment: Any) -> None:
    deployment: Deployment = make_deployment()
    officer = _officer_token(deployment)
    event = _call(deployment, "POST", officer, "/api/v1/events", {
        "name": "Kết nối cung cầu Tây Ninh", "venue": "Nhà văn hóa tỉnh",
        "days": [{"date": "2030-10-01", "start": "08:00", "end": "09:00"}],
        "slot_minutes": 20, "break_minutes": 0, "table_count": 2,
        "registration_deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
    })  # fmt: skip
    url = f"/api/v1/events/{event['id']}"

    firms = {}
    for email, role, title, language in (
        ("rung@htx.vn", "producer", "Mật ong rừng U Minh", "vi"),
        ("tea@htx.vn", "producer", "Chè Shan tuyết", "en"),
        ("mua@coop.vn", "buyer", "Mật ong rừng và chè", "vi"),
    ):
        token = deployment.register(role, email, language=language)
        if role == "producer":
            made = _call(
                deployment,
                "POST",
                token,
                "/api/v1/offers",
                {"title": title, "category": "food.raw_processed", "unit": "kg"},
            )
            registration = {"offer_ids": [made["id"]]}
        else:
            made = _call(deployment, "POST", token, "/api/v1/requirements", {"title": title})
            registration = {"requirement_ids": [made["id"]]}
        participant = _call(deployment, "POST", token, f"{url}/participants", registration)
        _call(deployment, "POST", officer, f"{url}/participants/{participant['id']}/decision",
              {"decision": "approve"})  # fmt: skip
        firms[email] = (token, participant["id"])

    buyer_token, _ = firms["mua@coop.vn"]
    for producer in ("rung@htx.vn", "tea@htx.vn"):
        token, pid = firms[producer]
        request = _call(deployment, "POST", buyer_token, f"{url}/requests", {"participant_id": pid})
        _call(deployment, "POST", token, f"{url}/requests/{request['id']}/answer",
              {"answer": "accept"})  # fmt: skip

    run = _call(deployment, "POST", officer, f"{url}/schedule", {"time_limit": 2})
    assert (run["placed"], run["upper_bound"]) == (2, 2)
    assert _call(deployment, "POST", officer, f"{url}/schedule/publish")["emails"] == 3
    _send_event_emails(deployment)

    received = deployment.mailbox.wait_for(3)
    assert sorted(m.to for m in received) == ["mua@coop.vn", "rung@htx.vn", "tea@htx.vn"]
    (buyer_mail,) = deployment.mailbox.to("mua@coop.vn")
    assert buyer_mail.subject == "Lịch gặp của bạn tại Kết nối cung cầu Tây Ninh"
    (attachment,) = [p for p in buyer_mail.message.iter_attachments()]
    assert attachment.get_content_type() == "text/calendar"
    entries = list(Calendar.from_ical(attachment.get_content()).walk("VEVENT"))
    starts = sorted(e.decoded("dtstart") for e in entries)
    assert len(starts) == 2 and starts[0] != starts[1]  # never two meetings at once
    (english,) = deployment.mailbox.to("tea@htx.vn")
    assert english.subject == "Your meetings at Kết nối cung cầu Tây Ninh"
    # Publishing the same schedule again sends nothing new.
    assert _call(deployment, "POST", officer, f"{url}/schedule/publish")["emails"] == 0

    meetings = _call(deployment, "GET", officer, f"{url}/meetings")["items"]
    honey = next(m for m in meetings if m["producer"] == "rung")
    tea = next(m for m in meetings if m["producer"] == "tea")
    _call(deployment, "PUT", buyer_token, f"{url}/meetings/{honey['id']}/outcome",
          {"stage": "contract", "order_value_vnd": 80_000_000})  # fmt: skip
    _call(deployment, "PUT", officer, f"{url}/meetings/{tea['id']}/outcome",
          {"attendance": "no_show"})  # fmt: skip

    exported = _call(deployment, "GET", officer, f"{url}/report?format=csv")
    # In the API's language (English unless asked otherwise), names rather than codes.
    rows = {r["Producer"]: r for r in csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))}
    assert rows["rung"]["Outcome"] == "Contract signed"
    assert rows["rung"]["Order value (VND)"] == "80000000"
    assert rows["tea"]["Attendance"] == "No-show"
    workbook = load_workbook(io.BytesIO(_call(deployment, "GET", officer,
                                              f"{url}/report?format=xlsx")))  # fmt: skip
    summary = {row[0]: row for row in workbook["By buyer type"].iter_rows(values_only=True)}
    assert summary["Group"][1:6] == ("Scheduled", "Held", "No-show", "Interested", "MoU")
    assert summary["Supermarket chain"][1:6] == (2, 1, 1, 0, 1)
    assert summary["Supermarket chain"][-1] == 80_000_000

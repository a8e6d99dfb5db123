"""The events API: an officer's event from registration to the report, as clients see it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from icalendar import Calendar
from openpyxl import load_workbook

from .conftest import Caller, MakeCaller

DEADLINE = (datetime.now(UTC) + timedelta(days=7)).isoformat()
EVENT = {
    "name": "Hội chợ OCOP Tây Ninh",
    "venue": "Nhà văn hóa tỉnh",
    "days": [{"date": "2030-10-01", "start": "08:00", "end": "09:00"}],
    "slot_minutes": 15,
    "break_minutes": 5,
    "table_count": 1,
    "registration_deadline": DEADLINE,
    "target_provinces": ["Tay Ninh"],
}


def _ok(response: object, status: int = 200) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.get_json()  # type: ignore[attr-defined]
    return response.get_json()  # type: ignore[attr-defined,no-any-return]


def _firm(client: FlaskClient, caller: Caller, event_id: int, kind: str, title: str) -> int:
    if kind == "producer":
        body = {"title": title, "category": "food.raw_processed", "unit": "kg"}
        offer = _ok(client.post("/api/v1/offers", json=body, headers=caller.headers), 201)
        registration = {"offer_ids": [offer["id"]]}
    else:
        requirement = _ok(
            client.post("/api/v1/requirements", json={"title": title}, headers=caller.headers),
            201,
        )
        registration = {"requirement_ids": [requirement["id"]]}
    participant = _ok(
        client.post(f"/api/v1/events/{event_id}/participants", json=registration,
                    headers=caller.headers), 201,
    )  # fmt: skip
    assert participant["status"] == "pending"
    return int(participant["id"])


def test_an_event_from_registration_to_report(client: FlaskClient, make_caller: MakeCaller) -> None:
    officer = make_caller("officer")
    event = _ok(client.post("/api/v1/events", json=EVENT, headers=officer.headers), 201)
    assert event["target_provinces"] == [officer.user.organization.province]
    assert [s["start"][11:] for s in event["slots"]] == [
        "08:00:00+07:00", "08:20:00+07:00", "08:40:00+07:00",
    ]  # fmt: skip
    url = f"/api/v1/events/{event['id']}"

    producer, buyer = make_caller("producer"), make_caller("buyer", province="Tây Ninh")
    p = _firm(client, producer, event["id"], "producer", "Mật ong rừng U Minh")
    b = _firm(client, buyer, event["id"], "buyer", "Mật ong rừng nguyên chất")
    # Only the organizers decide, and participants do not see pending registrations.
    assert client.post(f"{url}/participants/{p}/decision", json={"decision": "approve"},
                       headers=producer.headers).status_code == 403  # fmt: skip
    assert _ok(client.get(f"{url}/participants", headers=buyer.headers))["total"] == 0
    for pid in (p, b):
        _ok(client.post(f"{url}/participants/{pid}/decision", json={"decision": "approve"},
                        headers=officer.headers))  # fmt: skip

    suggested = _ok(client.get(f"{url}/suggestions", headers=buyer.headers))["items"]
    assert [s["participant"]["id"] for s in suggested] == [p]
    request = _ok(client.post(f"{url}/requests", json={"participant_id": p, "must_meet": True},
                              headers=buyer.headers), 201)  # fmt: skip
    assert request["match_id"] == suggested[0]["match_id"]
    # The buyer asked, so only the producer answers.
    answer = f"{url}/requests/{request['id']}/answer"
    assert client.post(answer, json={"answer": "accept"}, headers=buyer.headers).status_code == 403
    assert _ok(client.post(answer, json={"answer": "accept"}, headers=producer.headers))[
        "status"] == "accepted"  # fmt: skip

    run = _ok(client.post(f"{url}/schedule", json={"time_limit": 2}, headers=officer.headers), 201)
    assert (run["placed"], run["upper_bound"], run["unplaced"]) == (1, 1, [])
    assert _ok(client.post(f"{url}/schedule/publish", headers=officer.headers))["emails"] == 2

    agenda = _ok(client.get(f"{url}/agenda", headers=producer.headers))
    (meeting,) = agenda["meetings"]
    assert meeting["buyer"] == buyer.user.organization.name and meeting["table"] == 1
    ics = client.get(f"{url}/agenda?format=ics", headers=buyer.headers)
    assert ics.mimetype == "text/calendar"
    (entry,) = Calendar.from_ical(ics.data).walk("VEVENT")
    assert entry.decoded("dtstart").isoformat() == meeting["starts_at"].replace("Z", "+00:00")

    outcome = _ok(client.put(f"{url}/meetings/{meeting['id']}/outcome",
                             json={"stage": "contract", "order_value_vnd": 50_000_000},
                             headers=buyer.headers))  # fmt: skip
    assert outcome["attendance"] == "held" and outcome["follow_up_on"]

    report = _ok(client.get(f"{url}/report", headers=officer.headers))
    assert report["totals"]["contracts"] == 1 and report["totals"]["value_vnd"] == 50_000_000
    assert report["by_buyer_type"][0]["group"] == "supermarket"
    exported = client.get(f"{url}/report?format=csv", headers=officer.headers)
    rows = list(csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0]["Outcome"] == "Contract signed"  # in the request's language (English)
    xlsx = client.get(f"/api/v1/events/report?format=xlsx&event_id={event['id']}",
                      headers={**officer.headers, "Accept-Language": "vi"})  # fmt: skip
    assert load_workbook(io.BytesIO(xlsx.data))["Theo loại người mua"]["F2"].value == 1
    # Another agency's officer cannot see the report.
    other = make_caller("officer")
    assert client.get(f"{url}/report", headers=other.headers).status_code == 403


def test_producers_cannot_create_events_and_errors_are_problems(
    client: FlaskClient, producer: Caller, make_caller: MakeCaller
) -> None:
    response = client.post("/api/v1/events", json=EVENT, headers=producer.headers)
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    officer = make_caller("officer")
    late = {**EVENT, "days": [{"date": "2030-10-01", "start": "09:00", "end": "08:00"}]}
    response = client.post("/api/v1/events", json=late, headers=officer.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "days.0.end"


def test_errors_carry_their_code_and_speak_the_callers_language(
    client: FlaskClient, make_caller: MakeCaller
) -> None:
    officer, producer = make_caller("officer"), make_caller("producer")
    closed = {**EVENT, "registration_deadline": "2026-01-02T03:00:00+00:00"}
    event = _ok(client.post("/api/v1/events", json=closed, headers=officer.headers), 201)
    url = f"/api/v1/events/{event['id']}/participants"

    response = client.post(url, json={}, headers=producer.headers)
    problem = response.get_json()
    assert response.status_code == 409 and problem["code"] == "event.registration_closed"
    assert problem["detail"].startswith("Registration for this event closed on Jan 2, 2026")
    response = client.post(url, json={}, headers={**producer.headers, "Accept-Language": "vi"})
    assert response.get_json()["detail"].startswith("Sự kiện này đã hết hạn đăng ký vào")

    backwards = {**EVENT, "days": [{"date": "2030-10-01", "start": "09:00", "end": "08:00"}]}
    response = client.post("/api/v1/events", json=backwards, headers=officer.headers)
    problem = response.get_json()
    assert (response.status_code, problem["code"]) == (422, "event.invalid")
    assert problem["errors"][0]["code"] == "event.session_order"
    assert problem["errors"][0]["message"] == "A session must end after it starts."


def test_organizers_invite_by_email_and_add_firms_of_the_catalogue(
    client: FlaskClient, make_caller: MakeCaller, producer: Caller
) -> None:
    officer = make_caller("officer")
    event = _ok(client.post("/api/v1/events", json=EVENT, headers=officer.headers), 201)
    invited = client.post(
        f"/api/v1/events/{event['id']}/invitations",
        json={"emails": ["HTX@example.vn", "htx@example.vn", "mua@example.vn"], "language": "en"},
        headers=officer.headers,
    )
    assert _ok(invited, 201) == {"sent": ["htx@example.vn", "mua@example.vn"], "already": []}
    again = client.post(f"/api/v1/events/{event['id']}/invitations",
                        json={"emails": ["htx@example.vn"]}, headers=officer.headers)  # fmt: skip
    assert _ok(again, 201)["already"] == ["htx@example.vn"]
    broken = client.post(f"/api/v1/events/{event['id']}/invitations",
                         json={"emails": ["not an address"]}, headers=officer.headers)  # fmt: skip
    assert broken.status_code == 422
    refused = client.post(f"/api/v1/events/{event['id']}/invitations",
                          json={"emails": ["a@b.vn"]}, headers=producer.headers)  # fmt: skip
    assert refused.status_code == 403

    body = {"organization_ids": [producer.organization_id]}
    added = _ok(client.post(f"/api/v1/events/{event['id']}/participants/batch", json=body,
                            headers=officer.headers), 201)  # fmt: skip
    assert [(p["organization_id"], p["status"]) for p in added["items"]] == [
        (producer.organization_id, "approved")
    ]
    repeat = client.post(f"/api/v1/events/{event['id']}/participants/batch", json=body,
                         headers=officer.headers)  # fmt: skip
    assert _ok(repeat, 201)["items"] == []

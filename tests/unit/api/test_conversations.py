"""Conversations over HTTP: a match's thread and its files, who reads and downloads them, the
contacts kept back, hostile uploads, a meeting's thread, the inbox, and files on quotes."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.conversations import services as conversations
from matchmaker.matching.models import Match
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteInput
from tests.meetings import scheduled_meeting

from .conftest import Caller, MakeCaller

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _photo() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 40.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(out, "JPEG", exif=exif)
    return out.getvalue()


class Scene:
    def __init__(self, db: Session, make_caller: MakeCaller) -> None:
        self.producer = make_caller(
            "producer", province="Tây Ninh", phone="0909000111", contact_email="htx@tayninh.vn"
        )
        self.buyer = make_caller(
            "buyer", province="Hồ Chí Minh", phone="0281234567", contact_email="mua@coop.vn"
        )
        self.stranger = make_caller("producer", province="Tây Ninh")
        self.officer = make_caller("officer", province="Tây Ninh")
        self.far_officer = make_caller("officer", province="Hà Nội")
        offer = services.create_offer(
            db,
            self.producer.user.organization,
            {"title": "Mật ong", "category": "food", "unit": "kg"},
        )
        requirement = services.create_requirement(
            db, self.buyer.user.organization, {"title": "Mật ong rừng"}
        )
        match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
        db.add(match)
        db.commit()
        self.match_id = match.id
        self.requirement_id = requirement.id
        self.quote_id = quotes.submit(
            db,
            self.producer.user,
            requirement.id,
            QuoteInput.model_validate(
                {"offer_id": offer.id, "unit_price_vnd": 300_000, "unit": "kg"}
            ),
        ).id


@pytest.fixture
def scene(db: Session, make_caller: MakeCaller) -> Scene:
    return Scene(db, make_caller)


def _send_file(
    client: FlaskClient, url: str, who: Caller, name: str, data: bytes, text: str = ""
) -> object:
    return client.post(
        url,
        data={"file": (io.BytesIO(data), name), "text": text},
        headers=who.headers,
        content_type="multipart/form-data",
    )


def test_a_thread_with_a_file_reads_only_for_its_sides_and_officers_of_the_province(
    client: FlaskClient, scene: Scene
) -> None:
    base = f"/api/v1/matches/{scene.match_id}"
    sent = client.post(
        f"{base}/messages", json={"text": "Cho xin báo giá 100 kg?"}, headers=scene.buyer.headers
    )
    assert sent.status_code == 201, sent.get_json()
    upload = _send_file(
        client, f"{base}/attachments", scene.buyer, "yeu-cau.exe.pdf", PDF, "Yêu cầu chất lượng"
    )
    assert upload.status_code == 201, upload.get_json()
    file = upload.get_json()["attachments"][0]
    assert file["file_name"] == "yeu-cau.exe.pdf" and file["content_type"] == "application/pdf"

    page = client.get(f"{base}/messages", headers=scene.producer.headers).get_json()
    assert [m["text"] for m in page["items"]] == ["Cho xin báo giá 100 kg?", "Yêu cầu chất lượng"]
    assert page["unread"] == 2 and page["thread"]["can_write"] is True
    # Neither side has said yes: no email or phone of the other in the thread.
    assert page["thread"]["buyer"]["phone"] is None
    assert page["thread"]["buyer"]["contact_email"] is None

    download = client.get(file["url"], headers=scene.producer.headers)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    assert client.get(file["url"], headers=scene.officer.headers).status_code == 200
    for outsider in (scene.stranger, scene.far_officer):
        assert client.get(f"{base}/messages", headers=outsider.headers).status_code == 404
        assert client.get(file["url"], headers=outsider.headers).status_code == 404
        inbox = client.get("/api/v1/conversations", headers=outsider.headers).get_json()
        assert inbox["items"] == []
    # The file under another thread's path is not found either.
    other = f"/api/v1/quotes/{scene.quote_id}/attachments/{file['id']}"
    assert client.get(other, headers=scene.buyer.headers).status_code == 404

    inbox = client.get("/api/v1/conversations", headers=scene.producer.headers).get_json()
    assert inbox["unread"] == 2 and inbox["items"][0]["thread"]["match_id"] == scene.match_id
    read = client.post(f"{base}/messages/read", json={}, headers=scene.producer.headers)
    assert read.get_json() == {"unread": 0}


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("bang-gia.pdf", b"MZ\x90\x00" + b"\x00" * 100, 422, "attachment.bad_type"),
        ("anh.jpg", b"<svg onload=alert(1)>", 422, "attachment.bad_type"),
        ("scan.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF", 413, None),
    ],
)
def test_hostile_uploads_are_refused(
    client: FlaskClient, scene: Scene, name: str, data: bytes, status: int, code: str | None
) -> None:
    response = _send_file(
        client, f"/api/v1/matches/{scene.match_id}/attachments", scene.buyer, name, data
    )
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    if code:
        assert response.get_json()["errors"][0]["code"] == code
    page = client.get(f"/api/v1/matches/{scene.match_id}/messages", headers=scene.buyer.headers)
    assert page.get_json()["items"] == []


def test_the_contacts_show_in_the_thread_once_the_match_allows(
    client: FlaskClient, scene: Scene
) -> None:
    base = f"/api/v1/matches/{scene.match_id}"
    answer = client.post(
        f"{base}/feedback", json={"action": "accepted"}, headers=scene.producer.headers
    )
    assert answer.status_code == 200
    as_buyer = client.get(f"{base}/messages", headers=scene.buyer.headers).get_json()["thread"]
    assert as_buyer["producer"]["phone"] == "0909000111"
    as_producer = client.get(f"{base}/messages", headers=scene.producer.headers).get_json()
    assert as_producer["thread"]["buyer"]["phone"] is None, "the buyer has not said yes"


def test_quote_files_go_to_the_buyer_not_to_another_producer(
    client: FlaskClient, scene: Scene
) -> None:
    base = f"/api/v1/quotes/{scene.quote_id}/attachments"
    assert _send_file(client, base, scene.buyer, "x.pdf", PDF).status_code == 403
    added = _send_file(client, base, scene.producer, "Giấy chứng nhận.jpeg", _photo())
    assert added.status_code == 201, added.get_json()
    file = added.get_json()
    assert file["file_name"] == "Giấy chứng nhận.jpg" and file["content_type"] == "image/jpeg"
    listed = client.get(base, headers=scene.buyer.headers).get_json()["items"]
    assert [f["id"] for f in listed] == [file["id"]]
    # The buyer's comparison lists each quote's files with it.
    compared = client.get(
        f"/api/v1/requirements/{scene.requirement_id}/quotes", headers=scene.buyer.headers
    ).get_json()["items"]
    (line,) = [line for line in compared if line["quote"]["id"] == scene.quote_id]
    assert [(f["id"], f["url"]) for f in line["attachments"]] == [(file["id"], file["url"])]
    image = client.get(file["url"], headers=scene.buyer.headers)
    assert image.status_code == 200 and not Image.open(io.BytesIO(image.data)).getexif()
    for outsider in (scene.stranger, scene.far_officer):
        assert client.get(base, headers=outsider.headers).status_code == 404
        assert client.get(file["url"], headers=outsider.headers).status_code == 404
    assert client.delete(file["url"], headers=scene.producer.headers).status_code == 204
    assert client.get(base, headers=scene.buyer.headers).get_json()["items"] == []


def test_a_meeting_has_its_thread_between_its_two_firms(
    client: FlaskClient, db: Session, scene: Scene, make_caller: MakeCaller
) -> None:
    organizer = make_caller("officer", province="Tây Ninh")
    event, meeting = scheduled_meeting(
        db,
        organizer.organization_id,
        scene.producer.organization_id,
        scene.buyer.organization_id,
        name="Hội chợ OCOP Tây Ninh",
    )
    base = f"/api/v1/events/{event.id}/meetings/{meeting.id}"
    sent = client.post(
        f"{base}/messages", json={"text": "Hẹn gặp ở bàn 1"}, headers=scene.producer.headers
    )
    assert sent.status_code == 201
    for reader, status in (
        (scene.buyer, 200),
        (organizer, 200),
        (scene.officer, 200),
        (scene.stranger, 404),
        (scene.far_officer, 404),
    ):
        assert client.get(f"{base}/messages", headers=reader.headers).status_code == status
    assert (
        client.get(
            f"/api/v1/events/{event.id}/meetings/999999/messages", headers=scene.buyer.headers
        ).status_code
        == 404
    )


@pytest.mark.parametrize("text", ["a\x00b", "\u202egnp.exe", "\u200b"])
def test_message_text_follows_the_text_rules(client: FlaskClient, scene: Scene, text: str) -> None:
    response = client.post(
        f"/api/v1/matches/{scene.match_id}/messages",
        json={"text": text},
        headers=scene.buyer.headers,
    )
    assert response.status_code == 422


def test_a_client_pages_on_with_the_cursor_and_asks_for_what_is_new_since(
    client: FlaskClient, scene: Scene
) -> None:
    base = f"/api/v1/matches/{scene.match_id}/messages"
    for text in ("Một", "Hai", "Ba"):
        client.post(base, json={"text": text}, headers=scene.buyer.headers)
    first = client.get(f"{base}?limit=2", headers=scene.producer.headers).get_json()
    assert [m["text"] for m in first["items"]] == ["Một", "Hai"] and first["next_cursor"]
    rest = client.get(f"{base}?cursor={first['next_cursor']}", headers=scene.producer.headers)
    assert [m["text"] for m in rest.get_json()["items"]] == ["Ba"]
    assert rest.get_json()["next_cursor"] is None
    since = first["items"][-1]["created_at"]
    newer = client.get(base, query_string={"since": since}, headers=scene.producer.headers)
    assert [m["text"] for m in newer.get_json()["items"]] == ["Ba"]
    assert client.get(f"{base}?since=2030", headers=scene.producer.headers).status_code == 422


def test_the_inbox_total_counts_threads_beyond_the_listed_page(
    client: FlaskClient, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = f"/api/v1/matches/{scene.match_id}"
    for text in ("Chào anh", "Cho xin báo giá"):
        client.post(f"{base}/messages", json={"text": text}, headers=scene.buyer.headers)
    # As for an organization whose thread lies beyond the inbox's first page of 100.
    monkeypatch.setattr(conversations, "inbox", lambda session, user, limit=100: [])
    inbox = client.get("/api/v1/conversations", headers=scene.producer.headers).get_json()
    assert inbox == {"items": [], "unread": 2}  # the number the menu shows

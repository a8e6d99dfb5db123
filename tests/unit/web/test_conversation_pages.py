"""The thread page under a match: a buyer writes with a file, the producer reads it (the unread
count goes), replies; a stranger gets a 404; the email's mute link asks first, acts on POST."""

from __future__ import annotations

import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.conversations.models import Conversation, ThreadReader
from matchmaker.extensions import get_notifier
from matchmaker.matching.models import Match

from .conftest import MakeUser, post_form, sign_in

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_a_buyer_writes_with_a_file_and_the_producer_reads_and_replies(
    app: Flask, client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    buyer, producer = make_user("buyer"), make_user("producer")
    stranger = make_user("producer")
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    offer = services.create_offer(
        db, producer.organization, {"title": "Mật ong U Minh", "category": "food", "unit": "kg"}
    )
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.commit()
    path = f"/matches/{match.id}/messages"

    sign_in(client, buyer)
    sent = post_form(
        client,
        path,
        {"text": "Cho xin báo giá 100 kg?", "files": (io.BytesIO(PDF), "bang-gia.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    refused = post_form(
        client,
        path,
        {"text": "", "files": (io.BytesIO(b"MZ" * 9), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 200 and "PDF" in refused.get_data(as_text=True)

    client.post("/signout", data={})
    client.delete_cookie("session")
    sign_in(client, producer)
    inbox = client.get("/messages").get_data(as_text=True)
    assert re.search(r'class="badge badge-open">1 ', inbox) and path in inbox
    page = client.get(path).get_data(as_text=True)
    assert "Cho xin báo giá 100 kg?" in page and "bang-gia.pdf" in page
    link = re.search(r'href="(/attachments/\d+)"', page)
    assert link is not None
    download = client.get(link.group(1))
    assert download.data == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "badge-open" not in client.get("/messages").get_data(as_text=True)
    assert post_form(client, path, {"text": "Dạ được ạ"}).status_code == 302

    client.delete_cookie("session")
    sign_in(client, stranger)
    assert client.get(path).status_code == 404
    assert client.get(link.group(1)).status_code == 404


def test_the_mute_link_asks_then_mutes_on_post(
    app: Flask, client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    buyer, producer = make_user("buyer"), make_user("producer")
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong"})
    offer = services.create_offer(
        db, producer.organization, {"title": "Mật ong", "category": "food", "unit": "kg"}
    )
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.flush()
    conversation = Conversation(
        match_id=match.id, buyer_id=buyer.organization_id, producer_id=producer.organization_id
    )
    db.add(conversation)
    db.commit()
    url = get_notifier(app).links.url("mute", producer.id, thread_id=conversation.id)
    path = "/" + url.split("/", 3)[3]
    asked = client.get(path)
    assert asked.status_code == 200
    assert db.scalar(select(ThreadReader.muted_at)) is None, "a mail scanner's GET mutes nothing"
    assert client.post(path).status_code == 200
    assert db.scalar(select(ThreadReader.muted_at).where(ThreadReader.user_id == producer.id))
    wrong = get_notifier(app).links.url("unsubscribe", producer.id)
    assert client.get("/notifications/mute/" + wrong.rsplit("/", 1)[1]).status_code == 400

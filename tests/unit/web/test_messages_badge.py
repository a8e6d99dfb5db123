"""The menu's Messages link carries the inbox's unread count: the number to see ("9+" above
nine), a sentence to hear in the reader's language; nothing at zero, nothing (and no query)
for visitors and officers; gone once the thread is read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog import services as catalog
from matchmaker.conversations import services as threads
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.services import Subject
from matchmaker.extensions import db_session
from matchmaker.files.store import DatabaseStore
from matchmaker.matching.models import Match
from matchmaker.settings import NotificationSettings, StorageSettings
from matchmaker.web.session import role_required

from .conftest import MakeUser, sign_in

_MENU = re.compile(r'<nav class="wrap menu".*?</nav>', re.S)
_LINK = re.compile(r'<a href="/messages">(.*?)</a>', re.S)
_BADGE = re.compile(
    r'<span class="menu-count" aria-hidden="true">([^<]+)</span>\s*'
    r'<span class="sr-only">\(([^<]+)\)</span>'
)


def badge(client: FlaskClient, path: str) -> tuple[str, str] | None:
    """The Messages link's count and its spoken label on the page, or None without one."""
    response = client.get(path)
    assert response.status_code == 200, path
    menu = _MENU.search(response.get_data(as_text=True))
    assert menu, f"a menu on {path}"
    links = _LINK.findall(menu.group(0))
    assert len(links) == 1, f"one Messages link on {path}"
    found = _BADGE.search(links[0])
    assert found or "menu-count" not in links[0]
    return (found.group(1), found.group(2)) if found else None


def thread_between(db: Session, buyer: User, producer: User, title: str = "Mật ong") -> Subject:
    requirement = catalog.create_requirement(db, buyer.organization, {"title": f"{title} rừng"})
    offer = catalog.create_offer(
        db, producer.organization, {"title": f"{title} U Minh", "category": "food", "unit": "kg"}
    )
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.commit()
    return Subject(match_id=match.id)


def write(db: Session, user: User, subject: Subject, *texts: str) -> None:
    for body in texts:
        threads.post_message(db, user, subject, MessageInput(text=body), store=DatabaseStore(db),
                             storage=StorageSettings(), notices=NotificationSettings())  # fmt: skip


@contextmanager
def statements(connection: Connection) -> Iterator[list[str]]:
    """The SQL the pages send while the block runs."""
    sent: list[str] = []

    def _record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", _record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", _record)


def test_the_producer_sees_how_many_messages_wait_until_it_reads_them(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    buyer, producer = make_user("buyer"), make_user("producer")
    subject = thread_between(db, buyer, producer)
    write(db, buyer, subject, "Chào anh", "Cho xin báo giá 100 kg?", "Giao về Thủ Đức được không?")

    sign_in(client, producer)
    assert badge(client, "/producer/") == ("3", "3 tin nhắn chưa đọc")
    client.get("/lang/en")
    assert badge(client, "/messages") == ("3", "3 unread messages")

    path = f"/matches/{subject.match_id}/messages"
    assert badge(client, path) is None, "the thread it opens is read before the menu counts"
    assert badge(client, "/producer/") is None
    write(db, buyer, subject, "Anh ơi?")
    assert badge(client, "/producer/") == ("1", "1 unread message")

    sign_in(client, buyer)
    assert badge(client, "/buyer/") is None, "one's own messages are read"
    write(db, producer, subject, "Dạ được ạ")
    client.get("/lang/vi")
    assert badge(client, "/buyer/") == ("1", "1 tin nhắn chưa đọc")


def test_more_than_nine_show_as_9_plus_and_are_said_in_full(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    buyer, producer = make_user("buyer"), make_user("producer")
    honey, rice = thread_between(db, buyer, producer), thread_between(db, buyer, producer, "Gạo")
    write(db, producer, honey, *(f"Ảnh lô {n}" for n in range(7)))
    write(db, producer, rice, *(f"Giá gạo {n}" for n in range(5)))
    sign_in(client, buyer)
    assert badge(client, "/buyer/") == ("9+", "12 tin nhắn chưa đọc")
    client.get(f"/matches/{rice.match_id}/messages")
    assert badge(client, "/buyer/") == ("7", "7 tin nhắn chưa đọc")


def test_one_cheap_query_a_page_for_the_two_sides_none_for_visitors_and_officers(
    client: FlaskClient, db: Session, make_user: MakeUser, connection: Connection
) -> None:
    buyer, producer, officer = make_user("buyer"), make_user("producer"), make_user("officer")
    write(db, buyer, thread_between(db, buyer, producer), "Chào anh")

    with statements(connection) as sent:
        page = client.get("/").get_data(as_text=True)
    assert "menu-count" not in page and 'href="/messages"' not in page
    assert not [s for s in sent if "messages" in s], "a visitor costs no count"

    sign_in(client, officer)
    with statements(connection) as sent:
        page = client.get("/officer/").get_data(as_text=True)
    assert "menu-count" not in page and 'href="/messages"' not in page
    assert not [s for s in sent if "messages" in s], "officers have no inbox to count"

    sign_in(client, producer)
    with statements(connection) as sent:
        assert badge(client, "/producer/") == ("1", "1 tin nhắn chưa đọc")
    assert len([s for s in sent if "FROM messages" in s]) == 1


def test_nothing_to_read_shows_no_count(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    producer = make_user("producer")
    sign_in(client, producer)
    assert badge(client, "/producer/") is None
    assert badge(client, "/messages") is None


def test_a_page_the_database_failed_still_gets_its_error_page(
    app: Flask, client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    """PostgreSQL refuses every statement of a transaction after a failed one: the error page
    must not ask for the count."""

    @role_required("producer")
    def _broken() -> str:
        db_session().execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    app.add_url_rule("/broken", view_func=_broken)
    producer = make_user("producer")
    sign_in(client, producer)
    response = client.get("/broken")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert 'href="/messages"' in page and "menu-count" not in page

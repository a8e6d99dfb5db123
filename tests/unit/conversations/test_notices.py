"""The email notice of new messages, through a real SMTP server: a thread's messages wait a
few minutes and go in one email to each reader of the other side, in its language; none when
it read them first or muted the thread."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.conversations import services as threads
from matchmaker.conversations.attachments import Upload
from matchmaker.conversations.inputs import MessageInput
from matchmaker.conversations.services import Subject
from matchmaker.db import utcnow
from matchmaker.files.store import DatabaseStore
from matchmaker.notifications.delivery import deliver, take_due
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import SmtpMailer
from matchmaker.notifications.models import Notification
from tests.unit.conftest import SmtpServer
from tests.unit.conversations.conftest import NOTICES, STORAGE, Pair, make_pair, pdf

BASE = "https://ocop.example.vn"
LINKS = Links("secret", BASE, timedelta(days=60))
BUILDER = EmailBuilder(LINKS, BASE, "Asia/Ho_Chi_Minh")


def _write(
    db: Session, user: object, pair: Pair, text: str, files: list[Upload] | None = None
) -> None:
    threads.post_message(
        db,
        user,
        Subject(match_id=pair.match.id),
        MessageInput(text=text),
        files=files or [],
        store=DatabaseStore(db),
        storage=STORAGE,
        notices=NOTICES,
    )


def _minutes_pass(db: Session) -> list[int]:
    """The notices' wait is over; the relay's sweep takes them up."""
    for notice in db.scalars(select(Notification).where(Notification.state == "pending")):
        notice.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.commit()
    ids = take_due(db, Notification, NOTICES)
    db.commit()
    return ids


def _send(sessions: sessionmaker[Session], smtp: SmtpServer, ids: list[int]) -> list[EmailMessage]:
    mailer = SmtpMailer(smtp.settings)
    deliver(sessions, mailer, BUILDER, ids, NOTICES)
    mailer.close()
    return [message_from_bytes(e.content, policy=policy.default) for e in smtp.received]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("language", "subject", "intro", "one"),
    [
        (
            "vi",
            "Co.op Mart: 2 tin nhắn mới về “Mật ong rừng”",
            "Co.op Mart đã nhắn cho bạn về “Mật ong rừng”:",
            "Co.op Mart gửi bạn một tin nhắn về “Mật ong rừng”",
        ),
        (
            "en",
            "Co.op Mart: 2 new messages about “Mật ong rừng”",
            "Co.op Mart wrote to you about “Mật ong rừng”:",
            "Co.op Mart sent you a message about “Mật ong rừng”",
        ),
    ],
)
def test_two_messages_make_one_email_in_the_reader_s_language(
    language: str,
    subject: str,
    intro: str,
    one: str,
    db: Session,
    sessions: sessionmaker[Session],
    smtp_server: SmtpServer,
) -> None:
    pair = make_pair(db, producer_language=language)
    _write(db, pair.buyer, pair, "Chào anh, cho xin báo giá 100 kg?")
    _write(db, pair.buyer, pair, "Kèm yêu cầu chất lượng.", [Upload("yeu-cau.pdf", pdf())])
    ids = _minutes_pass(db)
    notices = db.scalars(select(Notification).where(Notification.kind == "messages")).all()
    assert [n.user_id for n in notices] == [pair.producer.id], "one notice, the other side's"
    assert ids == [notices[0].id]
    (email,) = _send(sessions, smtp_server, ids)
    assert email["To"] == pair.producer.email and email["Subject"] == subject
    text = email.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert intro in text
    assert "Chào anh, cho xin báo giá 100 kg?" in text and "Kèm yêu cầu chất lượng." in text
    assert f"{BASE}/matches/{pair.match.id}/messages" in text
    assert f"{BASE}/notifications/mute/" in text
    # The buyer has not said yes: its address and phone stay out of the email.
    assert "mua@coop.vn" not in email.as_string() and "0281234567" not in text
    # Sent once; a third message later makes a notice of its own with only itself.
    assert len(_send(sessions, smtp_server, ids)) == 1
    _write(db, pair.buyer, pair, "Anh xem giúp nhé.")
    ids = _minutes_pass(db)
    assert len(ids) == 1
    later = _send(sessions, smtp_server, ids)[-1]
    assert later["Subject"] == one
    body = later.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Anh xem giúp nhé." in body and "Chào anh" not in body


def test_read_before_the_email_goes_no_email(
    db: Session, sessions: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    pair = make_pair(db)
    _write(db, pair.buyer, pair, "Chào anh")
    threads.mark_read(db, pair.producer, Subject(match_id=pair.match.id))
    ids = _minutes_pass(db)
    assert _send(sessions, smtp_server, ids) == []
    assert db.scalar(select(Notification.state).where(Notification.id.in_(ids))) == "cancelled"


def test_a_muted_thread_sends_no_email(
    db: Session, sessions: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    pair = make_pair(db)
    _write(db, pair.buyer, pair, "Chào anh")
    conversation_id = threads.read_thread(db, pair.producer, Subject(match_id=pair.match.id))
    assert conversation_id.conversation is not None
    threads.mute(db, pair.producer, conversation_id.conversation.id)
    _write(db, pair.buyer, pair, "Anh ơi?")
    assert _send(sessions, smtp_server, _minutes_pass(db)) == []
    assert db.scalars(select(Notification.state)).all() == ["cancelled"]

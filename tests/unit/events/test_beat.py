"""Event emails go out through the beat schedule: the follow-up about a deal falls due and is
sent, and an agenda a mail server turned away for a moment is sent on a later run. Each run
is the scheduled task, looked up by its schedule entry and run as beat hands it to a worker,
then the tasks it queued (through the outbox) run as the worker would."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.accounts.models import User
from matchmaker.db import utcnow
from matchmaker.events import agendas, services
from matchmaker.events.inputs import Outcome
from matchmaker.events.models import Event, EventEmail, Meeting
from matchmaker.extensions import get_database, get_notifier, get_settings
from matchmaker.notifications.mail import OutgoingEmail, SmtpMailer, TransientMailError
from matchmaker.outbox import Envelope, relay_once
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer

from .conftest import NOW, Firm, MakeFirm


@pytest.fixture
def worker(app: Flask, smtp_server: SmtpServer) -> Iterator[Flask]:
    """The app as a worker process has it: its mailer talks to the SMTP server."""
    mailer = SmtpMailer(smtp_server.settings)
    get_notifier(app).mailer = mailer
    app.extensions["celery"].loader.import_default_modules()
    yield app
    mailer.close()


def run_tasks(app: Flask, queued: list[Envelope]) -> None:
    celery_app = app.extensions["celery"]
    for envelope in queued:
        task = celery_app.tasks[envelope.task]
        task.apply(kwargs={**envelope.kwargs, "outbox_id": envelope.message_id}).get()


def relay_emails(app: Flask) -> None:
    """The outbox relay hands the queued email tasks to a worker, which runs them."""
    queued: list[Envelope] = []
    relay_once(get_database(app).sessions, queued.extend, lease=timedelta(minutes=10),
               grace=timedelta(0))  # fmt: skip
    run_tasks(app, [e for e in queued if e.task == services.SEND_EVENT_EMAILS])


def beat(app: Flask, entry: str) -> None:
    """Runs a beat schedule entry as beat does: the task it names, with its arguments."""
    celery_app = app.extensions["celery"]
    scheduled = celery_app.conf.beat_schedule[entry]
    celery_app.tasks[scheduled["task"]].apply(kwargs=scheduled.get("kwargs", {})).get()
    relay_emails(app)


def received(smtp_server: SmtpServer) -> list[EmailMessage]:
    return [message_from_bytes(e.content, policy=policy.default) for e in smtp_server.received]  # type: ignore[misc]


def _meeting(db: Session, event: Event, make_firm: MakeFirm) -> tuple[Firm, Firm, Meeting]:
    buyer, producer = make_firm("buyer", "Mật ong rừng"), make_firm("producer", "Mật ong rừng")
    request = services.request_meeting(db, buyer.participant, producer.participant, now=NOW)
    services.answer_request(db, request, True, now=NOW)
    services.run_schedule(db, event, None, time_limit=5)
    meeting = db.scalars(select(Meeting)).one()
    return buyer, producer, meeting


def test_a_deal_follow_up_falls_due_and_beat_sends_it(
    worker: Flask,
    db: Session,
    event: Event,
    make_firm: MakeFirm,
    smtp_server: SmtpServer,
    officer: User,
) -> None:
    buyer, producer, meeting = _meeting(db, event, make_firm)
    local_today = datetime.now(ZoneInfo(get_settings(worker).notifications.timezone)).date()
    # The MoU was signed a fortnight ago: its follow-up is due today.
    services.record_outcome(db, meeting, officer, Outcome(stage="mou"),
                            today=local_today - timedelta(days=15))  # fmt: skip
    db.commit()

    beat(worker, "event-housekeeping")

    mails = received(smtp_server)
    assert sorted(m["To"] for m in mails) == sorted([buyer.user.email, producer.user.email])
    assert all("MoU" in m.get_body(("plain",)).get_content() for m in mails)  # type: ignore[union-attr]
    db.expire_all()
    emails = db.scalars(select(EventEmail).where(EventEmail.kind == "follow_up")).all()
    assert {e.state for e in emails} == {"sent"} and len(emails) == 2

    beat(worker, "event-housekeeping")  # asked once per step: nothing more
    assert len(smtp_server.received) == 2


def test_an_agenda_a_server_turned_away_is_sent_by_a_later_beat_run(
    worker: Flask, db: Session, event: Event, make_firm: MakeFirm, smtp_server: SmtpServer
) -> None:
    buyer, producer, _ = _meeting(db, event, make_firm)
    services.publish_schedule(db, event, now=NOW)
    db.commit()
    smtp_server.reply = "451 4.3.0 Try again later"
    relay_emails(worker)
    assert smtp_server.received == []
    db.expire_all()
    waiting = db.scalars(select(EventEmail)).all()
    assert {(e.state, e.attempts) for e in waiting} == {("pending", 1)}
    assert all("451" in (e.last_error or "") and e.enqueued_at is None for e in waiting)

    beat(worker, "event-housekeeping")  # the retry is not due yet
    assert smtp_server.received == [] and {e.attempts for e in waiting} == {1}

    smtp_server.reply = None  # the server is back; the backoff has run out
    db.execute(update(EventEmail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    beat(worker, "event-housekeeping")

    mails = received(smtp_server)
    assert sorted(m["To"] for m in mails) == sorted([buyer.user.email, producer.user.email])
    assert all(m.get_content_type() == "multipart/mixed" for m in mails)  # with the .ics file
    db.expire_all()
    assert {(e.state, e.attempts) for e in db.scalars(select(EventEmail))} == {("sent", 2)}


class Watching:
    """A mailer that looks at the email's row while it talks to the server."""

    def __init__(self, sessions: sessionmaker[Session], email_id: int, failures: int) -> None:
        self.sessions, self.email_id, self.failures = sessions, email_id, failures
        self.seen: list[tuple[str, datetime | None]] = []

    def send(self, email: OutgoingEmail) -> None:
        with self.sessions() as session:
            row = session.execute(
                select(EventEmail.state, EventEmail.claimed_until).where(
                    EventEmail.id == self.email_id
                )
            ).first()
            assert row is not None
            self.seen.append((row[0], row[1]))
        if self.failures:
            self.failures -= 1
            raise TransientMailError("421 4.7.0 Too busy")

    def close(self) -> None:
        pass


def test_event_emails_are_claimed_before_smtp_and_give_up_after_the_configured_attempts(
    db: Session, sessions: sessionmaker[Session], event: Event, make_firm: MakeFirm, app: Flask
) -> None:
    _meeting(db, event, make_firm)
    email = services.publish_schedule(db, event, now=NOW)[0]
    db.commit()
    builder = agendas.EventEmailBuilder(get_notifier(app).links, "https://matchmaker.example.vn")
    config = NotificationSettings(max_attempts=2, retry_base_seconds=0, sending_lease_seconds=60)
    mailer = Watching(sessions, email.id, failures=5)
    first = agendas.deliver(sessions, mailer, builder, [email.id], config)
    assert first.retrying == [email.id]
    state, claimed_until = mailer.seen[0]
    # The claim was committed before the server was spoken to; no lock is held meanwhile.
    assert state == "sending" and claimed_until is not None and claimed_until > utcnow()
    second = agendas.deliver(sessions, mailer, builder, [email.id], config)
    assert second.failed == [email.id]  # settings say two attempts, not a fixed number
    db.expire_all()
    assert (email.state, email.attempts) == ("failed", 2)
    assert agendas.deliver(sessions, mailer, builder, [email.id], config).sent == []

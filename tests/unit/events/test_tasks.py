"""The event housekeeping task: one use case, and its emails queued through the outbox."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.events.models import Event, EventEmail
from matchmaker.events.schedule import SEND_EVENT_EMAILS
from matchmaker.outbox import OutboxMessage
from workers import event_tasks


def test_housekeeping_retries_held_back_emails_through_the_outbox(
    app: Flask, db: Session, event: Event, officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_back = EventEmail(
        event_id=event.id, user_id=officer.id, kind="agenda", idempotency_key="agenda:test",
        payload={"participant_id": 0},
    )  # fmt: skip
    db.add(held_back)
    db.commit()

    def straight_to_the_broker(*args: object) -> None:
        raise AssertionError("event emails are queued through the outbox")

    monkeypatch.setattr(event_tasks.send_event_emails, "delay", straight_to_the_broker)
    with app.app_context():
        assert event_tasks.event_housekeeping.run() == 0  # nothing expired, no follow-up due

    (queued,) = db.scalars(select(OutboxMessage).where(OutboxMessage.task == SEND_EVENT_EMAILS))
    assert queued.kwargs == {"email_ids": [held_back.id]}

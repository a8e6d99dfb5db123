from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.notifications.reminders import reminder_day, send_reminders
from matchmaker.outbox import OutboxMessage
from matchmaker.settings import NotificationSettings

from .conftest import make_buyer, make_producer


def test_the_reminder_due_is_the_nearest_reminder_day_ahead() -> None:
    days = (60, 30, 7)
    assert [reminder_day(d, days) for d in (61, 60, 45, 30, 8, 7, 0, -1)] == [
        None, 60, 60, 30, 30, 7, 7, None,
    ]  # fmt: skip


def test_certificate_and_requirement_reminders_go_out_once_per_reminder_day(
    db: Session, config: NotificationSettings
) -> None:
    today = date(2026, 3, 1)
    producer = make_producer(db, "HTX Ong", "Mật ong rừng")
    assert producer.offer is not None
    producer.offer.ocop_certified_until = today + timedelta(days=30)
    buyer = make_buyer(db)
    services.create_requirement(
        db, buyer.organization, {"title": "Mật ong", "valid_until": today + timedelta(days=7)},
        today=today,
    )  # fmt: skip
    db.flush()

    created = send_reminders(db, config, today=today)
    assert sorted((n.kind, n.user_id, n.payload["days"]) for n in created) == [
        ("certificate_expiry", producer.user.id, 30),
        ("requirement_expiry", buyer.user.id, 7),
    ]
    assert send_reminders(db, config, today=today + timedelta(days=1)) == []
    sends = select(OutboxMessage).where(OutboxMessage.task == "email.send_notifications")
    assert [m.kwargs["notification_ids"] for m in db.scalars(sends)] == [[n.id for n in created]]

    later = send_reminders(db, config, today=today + timedelta(days=23))
    assert [(n.kind, n.payload["days"]) for n in later] == [("certificate_expiry", 7)]

from collections.abc import Sequence
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.app import create_app
from matchmaker.catalog import services
from matchmaker.db import utcnow
from matchmaker.extensions import get_database
from matchmaker.jobs.celery_app import get_publisher
from matchmaker.outbox import OutboxMessage, relay_once
from matchmaker.settings import Settings

LEASE = timedelta(seconds=60)


class Broker:
    """Stands in for the broker's publish call; ``down`` makes it fail as Redis would."""

    def __init__(self) -> None:
        self.published: list[outbox.Envelope] = []
        self.down = False

    def send(self, envelopes: Sequence[outbox.Envelope]) -> None:
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.published += envelopes


def _age(db: Session, seconds: int) -> None:
    past = utcnow() - timedelta(seconds=seconds)
    db.execute(update(OutboxMessage).values(created_at=past))
    db.execute(update(OutboxMessage).where(OutboxMessage.published_at.is_not(None))
               .values(published_at=past))  # fmt: skip
    db.commit()


def test_a_change_writes_its_task_in_the_same_transaction(db: Session) -> None:
    org = services.create_organization(db, {"kind": "buyer", "name": "Co.op", "province": "Huế"})
    requirement = services.create_requirement(db, org, {"title": "Mật ong"})
    (message,) = db.scalars(select(OutboxMessage)).all()
    assert (message.task, message.kwargs) == (outbox.REQUIREMENT_CHANGED,
                                              {"requirement_id": requirement.id})  # fmt: skip
    db.rollback()
    assert db.scalars(select(OutboxMessage)).all() == []


def test_the_relay_keeps_offering_until_the_broker_takes_it_and_the_task_finishes(
    db: Session, sessions: sessionmaker[Session]
) -> None:
    broker = Broker()
    message = outbox.enqueue(db, outbox.OFFER_CHANGED, offer_id=7)
    db.commit()
    assert relay_once(sessions, broker.send, lease=LEASE).published == 0  # within the grace

    _age(db, 5)
    broker.down = True
    report = relay_once(sessions, broker.send, lease=LEASE)
    assert (report.published, report.failed) == (0, True)
    db.refresh(message)
    assert message.published_at is None and "refused" in (message.last_error or "")

    broker.down = False
    assert relay_once(sessions, broker.send, lease=LEASE).published == 1
    assert broker.published[0].kwargs == {"offer_id": 7, "outbox_id": message.id}
    assert relay_once(sessions, broker.send, lease=LEASE).published == 0

    _age(db, 120)  # published long ago, never finished: the task was lost
    assert relay_once(sessions, broker.send, lease=LEASE).published == 1
    assert broker.published[1].task_id == f"outbox-{message.id}-2"

    outbox.complete(db, message.id)
    db.commit()
    _age(db, 120)
    assert relay_once(sessions, broker.send, lease=LEASE).published == 0


def test_a_task_marks_its_outbox_row_finished_when_it_succeeds(app: Flask, db: Session) -> None:
    from workers.tasks import requirement_changed

    message = outbox.enqueue(db, outbox.REQUIREMENT_CHANGED, requirement_id=424242)
    db.commit()
    assert requirement_changed(requirement_id=424242, outbox_id=message.id) == 0
    db.refresh(message)
    assert message.completed_at is not None


@pytest.fixture
def live_publisher(app: Flask) -> Broker:
    """The test's session factory publishes to a stand-in broker (the app's own factory,
    which publishes to Celery, is not the one a test's sessions come from)."""
    broker = Broker()
    outbox.publish_after_commit(get_database(app).sessions, broker.send)
    return broker


def test_rows_are_published_right_after_the_commit_and_never_before(
    db: Session, live_publisher: Broker
) -> None:
    message = outbox.enqueue(db, outbox.OFFER_CHANGED, offer_id=1)
    assert live_publisher.published == []
    db.commit()
    assert [e.message_id for e in live_publisher.published] == [message.id]
    db.refresh(message)
    assert message.published_at is not None

    outbox.enqueue(db, outbox.OFFER_CHANGED, offer_id=2)
    db.rollback()
    db.commit()
    assert len(live_publisher.published) == 1


def test_only_the_session_factory_given_a_publisher_publishes(
    connection: Connection, live_publisher: Broker, sessions: sessionmaker[Session]
) -> None:
    """No global hook: a script's or another app's sessions leave their rows to the relay."""
    other = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with other() as session:
        waiting = outbox.enqueue(session, outbox.OFFER_CHANGED, offer_id=3)
        session.commit()
    assert live_publisher.published == []

    with sessions() as session:
        outbox.enqueue(session, outbox.OFFER_CHANGED, offer_id=4)
        session.commit()
    assert [e.kwargs["offer_id"] for e in live_publisher.published] == [4]
    assert waiting.published_at is None


def test_publishing_can_be_stopped(db: Session, sessions: sessionmaker[Session]) -> None:
    broker = Broker()
    publisher = outbox.publish_after_commit(sessions, broker.send)
    outbox.stop_publishing(publisher)
    outbox.enqueue(db, outbox.OFFER_CHANGED, offer_id=5)
    db.commit()
    assert broker.published == []


def test_the_app_publishes_what_its_own_sessions_commit(settings: Settings) -> None:
    app = create_app(settings)
    assert get_publisher(app).sessions is get_database(app).sessions


def test_offers_changed_together_are_one_task_at_the_end_of_the_block(db: Session) -> None:
    org = services.create_organization(db, {"kind": "producer", "name": "HTX", "province": "Huế"})
    db.execute(delete(OutboxMessage))
    with outbox.offers_together(db):
        first = services.create_offer(
            db, org, {"title": "Mè xửng", "category": "food.processed", "unit": "box"}
        )
        second = services.create_offer(
            db, org, {"title": "Tôm chua", "category": "food.processed", "unit": "box"}
        )
        services.update_offer(db, first, {"unit_price_vnd": 90_000})
        assert db.scalars(select(OutboxMessage)).all() == [], "nothing queued within the block"
    (message,) = db.scalars(select(OutboxMessage)).all()
    assert (message.task, message.kwargs) == (outbox.OFFERS_CHANGED,
                                              {"offer_ids": [first.id, second.id]})  # fmt: skip

    with pytest.raises(RuntimeError), outbox.offers_together(db):
        services.update_offer(db, second, {"unit_price_vnd": 80_000})
        raise RuntimeError("the batch failed")
    assert len(db.scalars(select(OutboxMessage)).all()) == 1, "a failed block queues nothing"
    services.update_offer(db, second, {"unit_price_vnd": 70_000})
    assert db.scalars(select(OutboxMessage.task).order_by(OutboxMessage.id)).all() == [
        outbox.OFFERS_CHANGED, outbox.OFFER_CHANGED]  # fmt: skip


def test_a_large_block_of_offers_is_queued_in_tasks_of_bounded_size(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox, "OFFERS_PER_TASK", 2)
    org = services.create_organization(db, {"kind": "producer", "name": "HTX", "province": "Huế"})
    db.execute(delete(OutboxMessage))
    with outbox.offers_together(db):
        made = [
            services.create_offer(
                db, org, {"title": f"Mè xửng {n}", "category": "food.processed", "unit": "box"}
            ).id
            for n in range(5)
        ]
    queued = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kwargs["offer_ids"] for m in queued] == [made[0:2], made[2:4], made[4:5]]


def test_the_task_of_offers_changed_together_matches_each_and_finishes(
    app: Flask, db: Session
) -> None:
    from workers.tasks import offers_changed

    message = outbox.enqueue(db, outbox.OFFERS_CHANGED, offer_ids=[424242, 424243])
    db.commit()
    assert offers_changed(offer_ids=[424242, 424243], outbox_id=message.id) == 0
    db.refresh(message)
    assert message.completed_at is not None

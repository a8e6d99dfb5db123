"""The transactional outbox: work for the workers, written in the same transaction as the change.

A service calls :func:`enqueue`; the row commits (or rolls back) with everything else the edge
does. Right after the commit the :class:`Publisher` that the app or worker factory attached to
its session factory (:func:`publish_after_commit`) hands the rows to the broker; if the
broker is down the rows simply wait, and the relay (:func:`relay_once`, run in a loop by
``matchmaker outbox relay``) keeps offering them until it succeeds. A row is finished only when
its task reports success, so a task lost after publishing (a dead worker, a restarted broker)
is published again once its lease runs out. Tasks are therefore written to be safe to run twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, Integer, String, and_, delete, event, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from matchmaker.db import Base, JSONType, UTCDateTime, unit_of_work, utcnow

log = logging.getLogger(__name__)

_PENDING = "matchmaker.outbox.pending"
_GATHERED = "matchmaker.outbox.gathered_offers"

# Task names the catalog's changes start (the workers package defines the tasks).
REQUIREMENT_CHANGED = "matching.requirement_changed"
OFFER_CHANGED = "matching.offer_changed"
# Offers changed together (an import's batch): one task for them all.
OFFERS_CHANGED = "matching.offers_changed"
OFFERS_PER_TASK = 100
SEND_NOTIFICATIONS = "email.send_notifications"
MATCH_ACCEPTED = "email.match_accepted"
QUOTE_CHANGED = "email.quote_changed"
ORDER_RECORDED = "email.order_recorded"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_open", "completed_at", "available_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task: Mapped[str] = mapped_column(String(120))
    kwargs: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publish_count: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


def enqueue(session: Session, task: str, **kwargs: Any) -> OutboxMessage:
    """Adds a task to run once the session's transaction commits."""
    return enqueue_at(session, None, task, **kwargs)


def enqueue_at(
    session: Session, available_at: datetime | None, task: str, **kwargs: Any
) -> OutboxMessage:
    """Adds a task to run once the session's transaction commits and ``available_at`` (if
    given) has come: until then neither the commit nor the relay publishes it."""
    message = OutboxMessage(task=task, kwargs=kwargs, available_at=available_at or utcnow())
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING, []).append(message.id)
    return message


def requirement_changed(session: Session, requirement_id: int) -> OutboxMessage:
    return enqueue(session, REQUIREMENT_CHANGED, requirement_id=requirement_id)


def offer_changed(session: Session, offer_id: int) -> OutboxMessage | None:
    """Queues the matching of a new or changed offer; within :func:`offers_together`, it is
    gathered instead (None then) and queued with the others at the block's end."""
    gathered: list[int] | None = session.info.get(_GATHERED)
    if gathered is not None:
        gathered.append(offer_id)
        return None
    return enqueue(session, OFFER_CHANGED, offer_id=offer_id)


@contextmanager
def offers_together(session: Session) -> Iterator[None]:
    """The offers changed within the block are queued together (:data:`OFFERS_CHANGED`, up to
    :data:`OFFERS_PER_TASK` a task) when it ends, not one task each: a bulk change (an
    import's batch of rows) writes a few outbox rows and publishes a few messages, where one a
    row cost the broker a commit each. A block left
    by an exception queues nothing (its transaction is rolled back by the caller). An offer
    whose savepoint was rolled back may be among them: its task finds no such offer."""
    gathered: list[int] = []
    outer = session.info.get(_GATHERED)
    session.info[_GATHERED] = gathered
    try:
        yield
    finally:
        if outer is None:
            session.info.pop(_GATHERED, None)
        else:
            session.info[_GATHERED] = outer
    offer_ids = list(dict.fromkeys(gathered))
    # In tasks of a bounded size: each stays well inside the task time limit however many
    # requirements are open, and several workers can share a large batch.
    for start in range(0, len(offer_ids), OFFERS_PER_TASK):
        enqueue(session, OFFERS_CHANGED, offer_ids=offer_ids[start : start + OFFERS_PER_TASK])


def match_accepted(session: Session, match_id: int, accepted_by_id: int) -> OutboxMessage:
    return enqueue(session, MATCH_ACCEPTED, match_id=match_id, accepted_by_id=accepted_by_id)


def quote_changed(
    session: Session, quote_id: int, event: str, revision: int, user_id: int
) -> OutboxMessage:
    """A quote was submitted, revised, accepted or declined (``event``) by ``user_id``: the
    other side is told by email."""
    return enqueue(
        session, QUOTE_CHANGED, quote_id=quote_id, event=event, revision=revision, user_id=user_id
    )


def order_recorded(session: Session, order_id: int) -> OutboxMessage:
    """An order was recorded under a match's deal: the other side is told by email."""
    return enqueue(session, ORDER_RECORDED, order_id=order_id)


def complete(session: Session, message_id: int) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.completed_at.is_(None))
        .values(completed_at=utcnow())
    )


@dataclass(frozen=True)
class Envelope:
    """What the broker receives for one outbox row."""

    message_id: int
    task: str
    kwargs: dict[str, Any]
    task_id: str


Send = Callable[[Sequence[Envelope]], None]


def _envelope(message: OutboxMessage) -> Envelope:
    return Envelope(
        message_id=message.id,
        task=message.task,
        kwargs={**message.kwargs, "outbox_id": message.id},
        task_id=f"outbox-{message.id}-{message.publish_count + 1}",
    )


class Publisher:
    """Publishes a committed transaction's outbox rows; failures are left to the relay."""

    def __init__(self, sessions: sessionmaker[Session], send: Send) -> None:
        self.sessions = sessions
        self._send = send

    def publish(self, message_ids: Sequence[int]) -> None:
        try:
            with unit_of_work(self.sessions) as session:
                messages = list(
                    session.scalars(
                        select(OutboxMessage).where(
                            OutboxMessage.id.in_(message_ids),
                            OutboxMessage.published_at.is_(None),
                            OutboxMessage.available_at <= utcnow(),
                        )
                    )
                )
                if not messages:
                    return
                self._send([_envelope(m) for m in messages])
                now = utcnow()
                for message in messages:
                    message.published_at = now
                    message.publish_count += 1
        except Exception:  # the rows are committed; the relay will publish them
            log.warning("outbox: publishing after commit failed; the relay will retry",
                        exc_info=True)  # fmt: skip

    def after_commit(self, session: Session) -> None:
        # SQLAlchemy signals a released SAVEPOINT as a commit too; the rows are not committed
        # then, and the outer transaction still holds its locks (on SQLite the database's
        # write lock, which the publisher's own connection would wait for until it times out).
        if session.in_nested_transaction():
            return
        pending = session.info.pop(_PENDING, None)
        if pending:
            self.publish(pending)


def publish_after_commit(sessions: sessionmaker[Session], send: Send) -> Publisher:
    """Publishes the outbox rows of every transaction a session of ``sessions`` commits, right
    after the commit. Sessions of other factories (a test's, a script's) publish nothing: their
    rows wait for the relay."""
    publisher = Publisher(sessions, send)
    event.listen(sessions, "after_commit", publisher.after_commit)
    event.listen(sessions, "after_soft_rollback", _after_rollback)
    return publisher


def stop_publishing(publisher: Publisher) -> None:
    """Detaches ``publisher`` from its session factory: new rows wait for the relay."""
    event.remove(publisher.sessions, "after_commit", publisher.after_commit)
    event.remove(publisher.sessions, "after_soft_rollback", _after_rollback)


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


# --- the relay --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelayReport:
    published: int
    failed: bool


def relay_once(
    sessions: sessionmaker[Session],
    send: Send,
    *,
    lease: timedelta,
    grace: timedelta = timedelta(seconds=2),
    limit: int = 500,
) -> RelayReport:
    """Publishes rows nobody published (the broker was down, the process died after its commit)
    and rows published longer than ``lease`` ago whose task never finished."""
    now = utcnow()
    with unit_of_work(sessions) as session:
        messages = list(
            session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.completed_at.is_(None),
                    OutboxMessage.available_at <= now,
                    or_(
                        and_(
                            OutboxMessage.published_at.is_(None),
                            OutboxMessage.created_at <= now - grace,
                        ),
                        OutboxMessage.published_at <= now - lease,
                    ),
                )
                .order_by(OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not messages:
            return RelayReport(0, False)
        try:
            send([_envelope(m) for m in messages])
        except Exception as exc:  # the broker is down: keep the rows, try at the next tick
            error = f"{type(exc).__name__}: {exc}"[:500]
            for message in messages:
                message.last_error = error
            log.warning("outbox: %d task(s) wait for the broker: %s", len(messages), error)
            return RelayReport(0, True)
        for message in messages:
            message.published_at = now
            message.publish_count += 1
            message.last_error = None
        log.info("outbox: relayed %d task(s)", len(messages))
        return RelayReport(len(messages), False)


def purge_completed(session: Session, older_than: datetime) -> int:
    result = session.execute(delete(OutboxMessage).where(OutboxMessage.completed_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def backlog(session: Session) -> dict[str, int]:
    """Open rows: waiting to be published, and published but not finished."""
    open_rows = select(func.count()).where(OutboxMessage.completed_at.is_(None))
    total = session.scalar(open_rows) or 0
    unpublished = session.scalar(open_rows.where(OutboxMessage.published_at.is_(None))) or 0
    return {"unpublished": unpublished, "in_flight": total - unpublished}

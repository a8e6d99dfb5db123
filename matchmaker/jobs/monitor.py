"""What ``/healthz`` says about the workers: who is alive, how much work waits where."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kombu import Connection
from sqlalchemy import func, select

from matchmaker import outbox
from matchmaker.db import unit_of_work, utcnow
from matchmaker.extensions import get_database, get_settings
from matchmaker.jobs import QUEUES
from matchmaker.notifications.models import Notification, WorkerHeartbeat

# A worker whose relay has not written for this long is reported as gone.
STALE_AFTER = timedelta(seconds=30)


def workers() -> dict[str, Any]:
    now = utcnow()
    with unit_of_work(get_database().sessions) as session:
        beats = list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.hostname)))
        backlog = outbox.backlog(session)
        states = dict(
            session.execute(
                select(Notification.state, func.count())
                .where(Notification.state.in_(("pending", "sending", "failed", "bounced")))
                .group_by(Notification.state)
            ).all()
        )
    alive = [b for b in beats if now - b.seen_at <= STALE_AFTER]
    return {
        "alive": len(alive),
        "workers": [
            {
                "hostname": b.hostname,
                "pid": b.pid,
                "seen_seconds_ago": round((now - b.seen_at).total_seconds(), 1),
            }
            for b in alive
        ],
        "outbox": backlog,
        "notifications": states,
    }


def queue_lengths() -> dict[str, int]:
    with Connection(get_settings().effective_broker_url, connect_timeout=2) as connection:
        channel = connection.default_channel
        return {name: int(channel.queue_declare(queue=name).message_count) for name in QUEUES}

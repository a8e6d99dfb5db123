"""The Celery app, as in Flask's Celery example: configured from the Flask app's settings,
its tasks run inside the app context."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask
from kombu import Exchange, Queue

from matchmaker import outbox
from matchmaker.db import is_transient, unit_of_work
from matchmaker.extensions import get_database, get_settings
from matchmaker.jobs import QUEUES, TASK_MODULES, signals
from matchmaker.settings import Settings

PUBLISHER = "matchmaker.outbox.publisher"
T = TypeVar("T")
log = logging.getLogger(__name__)


def celery_config(settings: Settings) -> dict[str, Any]:
    lease = int(settings.notifications.lease_seconds)
    hour = settings.notifications.digest_hour
    transport_options: dict[str, Any] = {
        # A task the broker handed out and never saw acknowledged comes back after this long;
        # longer than any task may run, so a slow task is not run twice at once.
        "visibility_timeout": max(2 * settings.worker.task_time_limit, lease),
    }
    if settings.redis_url:
        transport_options |= {"socket_connect_timeout": 2, "socket_timeout": 10}
    else:
        # The SQLite transport hands its options to create_engine, and has no unacked
        # messages to restore: the outbox's lease brings lost tasks back instead.
        transport_options = {}
    return {
        "broker_url": settings.effective_broker_url,
        "result_backend": settings.effective_result_backend,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        # Keep reconnecting for as long as the broker is away; the outbox holds new work.
        "broker_connection_max_retries": None,
        "broker_connection_timeout": 2,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": settings.worker.task_soft_time_limit,
        "task_time_limit": settings.worker.task_time_limit,
        # One exchange and routing key per queue: a task lands in its own queue only.
        "task_queues": [Queue(name, Exchange(name), routing_key=name) for name in QUEUES],
        "task_default_queue": "maintenance",
        "task_default_exchange": "maintenance",
        "task_default_routing_key": "maintenance",
        "task_routes": {
            f"{name}.*": {"queue": name, "exchange": name, "routing_key": name} for name in QUEUES
        },
        "imports": TASK_MODULES,
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": settings.notifications.timezone,
        "worker_hijack_root_logger": False,
        "beat_schedule_filename": str(settings.instance_path / "celerybeat-schedule"),
        "beat_schedule": {
            "daily-digests": {
                "task": "maintenance.send_digests",
                "schedule": crontab(minute=0, hour=hour),
                "kwargs": {"period": "daily"},
            },
            "weekly-digests": {
                "task": "maintenance.send_digests",
                "schedule": crontab(minute=0, hour=hour, day_of_week="mon"),
                "kwargs": {"period": "weekly"},
            },
            "reminders": {
                "task": "maintenance.send_reminders",
                "schedule": crontab(minute=30, hour=hour),
            },
            "nightly-rematch": {
                "task": "matching.rematch_all",
                "schedule": crontab(minute=0, hour=2),
            },
            # After the re-match: the day's answers are in, the workers are quiet.
            "nightly-training": {
                "task": "maintenance.train_ranker",
                "schedule": crontab(minute=30, hour=3),
            },
            "housekeeping": {
                "task": "maintenance.housekeeping",
                "schedule": crontab(minute=0, hour=3),
            },
            # Meeting requests expire, deal follow-ups fall due and event emails held back by
            # a transient failure wait for this: a quarter of an hour at most.
            # An import job whose worker died is found within minutes (the officer watches it).
            "stalled-imports": {
                "task": "maintenance.recover_stalled_imports",
                "schedule": crontab(minute="*/5"),
            },
            "event-housekeeping": {
                "task": "maintenance.event_housekeeping",
                "schedule": crontab(minute="*/15"),
            },
        },
    }


def celery_init_app(app: Flask) -> Celery:
    """Flask's pattern: a Celery app configured from the Flask app, tasks in its context.

    A task published through the outbox carries ``outbox_id``; once the task succeeds its row
    is marked finished, so the relay stops offering it. The app's session factory publishes
    the outbox rows of each commit to this Celery app's broker right after the commit.
    """

    class FlaskTask(Task):  # type: ignore[misc]
        def __call__(self, *args: object, **kwargs: object) -> object:
            outbox_id = kwargs.pop("outbox_id", None)
            with app.app_context():
                result = _with_retries(self.name, lambda: self.run(*args, **kwargs))
                if isinstance(outbox_id, int):
                    _with_retries(self.name, lambda: _complete(outbox_id))
                return result

    settings = get_settings(app)
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_config(settings))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    app.extensions[PUBLISHER] = outbox.publish_after_commit(
        get_database(app).sessions, celery_sender(celery_app)
    )
    signals.connect(app)
    return celery_app


# Pauses before each new attempt of a task the database failed for a passing reason (a
# deadlock, a serialization failure, a lost connection): seconds, not the outbox's lease.
RETRY_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)


def _with_retries(name: str, work: Callable[[], T]) -> T:
    """``work()``, done again (every task is safe to run twice, each attempt in a transaction
    of its own) while the database fails it for a passing reason; then the outbox's lease."""
    for attempt, pause in enumerate(RETRY_PAUSES, start=1):
        try:
            return work()
        except Exception as error:
            if not is_transient(error):
                raise
            log.warning("task %s: the database failed it (%s); attempt %d in %.1f s",
                        name, type(getattr(error, "orig", error)).__name__, attempt + 1,
                        pause)  # fmt: skip
            time.sleep(pause)
    return work()


def _complete(outbox_id: int) -> None:
    with unit_of_work(get_database().sessions) as session:
        outbox.complete(session, outbox_id)


def get_celery(app: Flask) -> Celery:
    return app.extensions["celery"]  # type: ignore[no-any-return]


def get_publisher(app: Flask) -> outbox.Publisher:
    """What publishes the outbox rows of the app's commits (tests and tools may stop it)."""
    return app.extensions[PUBLISHER]  # type: ignore[no-any-return]


def celery_sender(celery_app: Celery) -> outbox.Send:
    """Publishes outbox envelopes, failing fast (no retries) when the broker is down."""

    def send(envelopes: Sequence[outbox.Envelope]) -> None:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            with celery_app.producer_or_acquire(celery_app.amqp.Producer(connection)) as producer:
                for envelope in envelopes:
                    celery_app.send_task(
                        envelope.task,
                        kwargs=envelope.kwargs,
                        task_id=envelope.task_id,
                        producer=producer,
                        retry=False,
                    )

    return send

"""The relay: a loop that reads the database, not the broker, so that it notices waiting work
whatever state the broker is in. Each tick it

- publishes outbox rows nobody published, and those whose task never finished;
- queues notifications whose retry is due or whose sender died;
- records the worker's heartbeat for ``/healthz``.

``matchmaker worker`` runs one beside each worker; ``matchmaker outbox relay`` runs it alone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from celery import Celery
from flask import Flask

from matchmaker import outbox
from matchmaker.db import unit_of_work, utcnow
from matchmaker.extensions import get_database, get_settings
from matchmaker.jobs import QUEUES
from matchmaker.jobs.celery_app import celery_sender
from matchmaker.notifications import delivery
from matchmaker.notifications.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def tick(app: Flask, celery_app: Celery) -> outbox.RelayReport:
    settings = get_settings(app)
    sessions = get_database(app).sessions
    with app.app_context():
        with unit_of_work(sessions) as session:
            due = delivery.sweep(session, settings.notifications)
        if due:
            log.info("relay: %d notification(s) due again", len(due))
        return outbox.relay_once(
            sessions,
            celery_sender(celery_app),
            lease=timedelta(seconds=settings.notifications.lease_seconds),
        )


def beat(app: Flask, hostname: str, pid: int, started_at: object) -> None:
    with unit_of_work(get_database(app).sessions) as session:
        row = session.get(WorkerHeartbeat, hostname)
        if row is None:
            row = WorkerHeartbeat(hostname=hostname, started_at=started_at)
            session.add(row)
        row.pid = pid
        row.queues = list(QUEUES)
        row.seen_at = utcnow()


def run(
    app: Flask,
    celery_app: Celery,
    *,
    stop: threading.Event,
    parent_pid: int | None = None,
    hostname: str | None = None,
) -> None:
    """Ticks until ``stop`` is set or the worker it serves (``parent_pid``) is gone."""
    interval = get_settings(app).notifications.relay_interval_seconds
    hostname = hostname or f"relay@{socket.gethostname()}"
    started_at = utcnow()
    log.info("relay: started (every %.1fs)", interval)
    while not stop.is_set():
        if parent_pid is not None and os.getppid() != parent_pid:
            log.info("relay: the worker is gone; stopping")
            return
        try:
            tick(app, celery_app)
            beat(app, hostname, parent_pid or os.getpid(), started_at)
        except Exception:  # the database may be away too: log, wait, try again
            log.exception("relay: tick failed")
        stop.wait(interval)

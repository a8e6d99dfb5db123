"""What a worker does at start-up: JSON logs, and per-process resources after a fork."""

from __future__ import annotations

from typing import Any

from celery import signals
from flask import Flask

from matchmaker.extensions import get_database, get_settings, reset_notifier
from matchmaker.jobs import logs


def connect(app: Flask) -> None:
    def setup_logging(**_kwargs: Any) -> None:
        logs.configure(get_settings(app).log_level)

    def after_fork(**_kwargs: Any) -> None:
        # A forked pool process must not share the parent's database or SMTP connections.
        get_database(app).engine.dispose(close=False)
        reset_notifier(app)

    # weak=False: the receivers are closures nothing else keeps alive. One app per worker
    # process; the uid stops apps made later in the same process (tests) piling receivers up.
    signals.setup_logging.connect(setup_logging, weak=False, dispatch_uid="matchmaker.logging")
    signals.worker_process_init.connect(after_fork, weak=False, dispatch_uid="matchmaker.fork")

"""Commands that run workers: ``matchmaker worker``, ``matchmaker beat``, ``matchmaker outbox``."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import click

from matchmaker.cli_context import load_app, with_appcontext
from matchmaker.jobs import QUEUES

if TYPE_CHECKING:
    from celery import Celery
    from flask import Flask

log = logging.getLogger(__name__)


def _apps() -> tuple[Flask, Celery]:
    from matchmaker.jobs.celery_app import get_celery

    app = load_app()
    return app, get_celery(app)


def _matchmaker(*args: str) -> list[str]:
    """This same command line, in a new process (same interpreter, same environment)."""
    return [sys.executable, "-m", "matchmaker.cli", *args]


def start_worker_process(*args: str, **popen: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_matchmaker("worker", *args), **popen)


@click.command("worker")
@click.option("--queues", "-Q", default=",".join(QUEUES), show_default=True)
@click.option(
    "--concurrency",
    "-c",
    type=int,
    default=None,
    help="Processes (or threads); default from settings.worker.concurrency.",
)
@click.option(
    "--pool",
    type=click.Choice(["prefork", "threads", "solo"]),
    default="prefork",
    show_default=True,
)
@click.option("--beat", is_flag=True, help="Also run the scheduler (only one per deployment).")
@click.option("--hostname", "-n", default=None, help="Node name, unique per worker.")
@click.option(
    "--relay/--no-relay",
    default=True,
    show_default=True,
    help="Run the outbox relay beside the worker.",
)
@click.option(
    "--supervise/--no-supervise",
    default=True,
    show_default=True,
    help="Restart the Celery worker whenever it dies.",
)
@with_appcontext
def worker_command(
    queues: str, concurrency: int | None, pool: str, beat: bool, hostname: str | None,
    relay: bool, supervise: bool,
) -> None:  # fmt: skip
    """Run a Celery worker (and its outbox relay) for this deployment's broker."""
    from matchmaker.extensions import get_settings

    settings = get_settings()
    hostname = hostname or f"matchmaker-{os.getpid()}@{socket.gethostname()}"
    processes = concurrency or settings.worker.concurrency
    worker_args = [f"--queues={queues}", f"--concurrency={processes}", f"--pool={pool}",
                   f"--hostname={hostname}"]  # fmt: skip
    if beat:
        worker_args.append("--beat")
    if not supervise:
        _run_celery_worker(worker_args)
        return
    helpers = []
    if relay:
        args = ("--parent-pid", str(os.getpid()), "--hostname", hostname)
        helpers.append(subprocess.Popen(_matchmaker("outbox", "relay", *args)))
    try:
        _supervise(_matchmaker("worker", "--no-supervise", "--no-relay", *worker_args))
    finally:
        for helper in helpers:
            helper.terminate()
            helper.wait(10)


def _run_celery_worker(worker_args: list[str]) -> None:
    from matchmaker.extensions import get_settings

    _app, celery_app = _apps()
    settings = get_settings()
    argv = ["worker", *worker_args, f"--loglevel={settings.log_level}"]
    if "--beat" in worker_args:
        argv.append(f"--schedule={settings.instance_path / 'celerybeat-schedule'}")
    celery_app.worker_main(argv)


def _supervise(command: list[str]) -> None:
    """Runs the Celery worker and starts it again whenever it dies, until told to stop.

    Some broker failures end a Celery worker outright (kombu 5.7 dies when Redis goes away
    while it holds unacknowledged tasks); the work itself is safe in the outbox, and a fresh
    worker picks it up as soon as the broker is back.
    """
    from matchmaker.extensions import get_settings
    from matchmaker.jobs import logs

    logs.configure(get_settings().log_level)
    stopping = threading.Event()
    current: list[subprocess.Popen[bytes]] = []

    def stop(signum: int, _frame: object) -> None:
        stopping.set()
        for process in current:
            process.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = 1.0
    while not stopping.is_set():
        started = time.monotonic()
        process = subprocess.Popen(command)
        current[:] = [process]
        code = process.wait()
        if stopping.is_set():
            break
        # A worker that ran for a while gets restarted at once; one that keeps dying, slower.
        delay = 1.0 if time.monotonic() - started > 60 else min(delay * 2, 30.0)
        log.warning("worker exited with code %s; starting it again in %.0fs", code, delay)
        stopping.wait(delay)


@click.command("beat")
@with_appcontext
def beat_command() -> None:
    """Run the scheduler alone: digests, reminders, the nightly re-match (one per deployment)."""
    from matchmaker.extensions import get_settings

    _app, celery_app = _apps()
    settings = get_settings()
    celery_app.start(["beat", f"--schedule={settings.instance_path / 'celerybeat-schedule'}",
                      f"--loglevel={settings.log_level}"])  # fmt: skip


@click.group("outbox", help="Work waiting to be handed to the workers.")
def outbox_group() -> None:
    pass


@outbox_group.command("relay")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option("--parent-pid", type=int, default=None, hidden=True)
@click.option("--hostname", default=None, help="Name to report in /healthz.")
@with_appcontext
def outbox_relay(once: bool, parent_pid: int | None, hostname: str | None) -> None:
    """Publish waiting and unfinished tasks, and re-queue due emails, until stopped."""
    from matchmaker.extensions import get_settings
    from matchmaker.jobs import logs, relay

    app, celery_app = _apps()

    logs.configure(get_settings().log_level)
    if once:
        report = relay.tick(app, celery_app)
        click.echo(f"Published {report.published} task(s).")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        relay.run(app, celery_app, stop=stop, parent_pid=parent_pid, hostname=hostname)


@outbox_group.command("status")
@with_appcontext
def outbox_status() -> None:
    """How many tasks wait to be published, and how many are published but unfinished."""
    from matchmaker import outbox
    from matchmaker.db import unit_of_work
    from matchmaker.extensions import get_database

    with unit_of_work(get_database().sessions) as session:
        counts = outbox.backlog(session)
    click.echo(f"unpublished: {counts['unpublished']}  in flight: {counts['in_flight']}")


@click.command("rematch")
@with_appcontext
def rematch_command() -> None:
    """Queue the full re-match now (it also runs every night)."""
    from matchmaker import outbox
    from matchmaker.db import unit_of_work
    from matchmaker.extensions import get_database

    with unit_of_work(get_database().sessions) as session:
        outbox.enqueue(session, "matching.rematch_all")
    click.echo("Full re-match queued.")


COMMANDS = (worker_command, beat_command, outbox_group, rematch_command)

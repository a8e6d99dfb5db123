"""A real deployment for integration tests: PostgreSQL, Redis, a Celery worker process, SMTP.

Each :class:`Deployment` has its own PostgreSQL database (the worker process must see what the
web app commits, so no rolled-back test transaction here), its own ``redis-server`` on a free
port (so a test may stop and start it), an SMTP server (aiosmtpd) that records what it receives,
and worker processes started with ``matchmaker worker``. The web app runs in the test process.
"""

from __future__ import annotations

import asyncio
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, text

from matchmaker.app import create_app
from matchmaker.db import make_engine, unit_of_work
from matchmaker.extensions import get_database
from matchmaker.jobs import QUEUES
from matchmaker.migrations import upgrade
from matchmaker.models import Base
from matchmaker.notifications.models import Notification
from matchmaker.outbox import OutboxMessage
from matchmaker.settings import Settings
from tests.conftest import create_database, drop_database, unavailable

pytestmark = pytest.mark.integration

LINK = re.compile(r"https?://[^\s\"<>]+/notifications/(\w+)/([\w.\-]+)")
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, which the test may stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed (scripts/services.sh installs Redis)")
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.binary is not None
        # No persistence: a restart loses whatever was queued, which the outbox must survive.
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, 10, "redis-server to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class Received:
    to: str
    message: EmailMessage
    at: float

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""  # type: ignore[no-any-return]

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""  # type: ignore[no-any-return]

    def links(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for match in LINK.finditer(self.text):
            found.setdefault(match.group(1), []).append(match.group(0))
        return found


@dataclass
class Mailbox:
    """The SMTP server's side: what it accepted, and the faults a test asks it to show."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse_until: float = 0.0
    refused: int = 0
    # Once this many messages are in, every new recipient waits (a stalled server).
    hold_after: int | None = None
    held: int = 0
    # Recipients taken so far, counted when taken: a message whose data is still on its way
    # counts, so that two senders at once cannot both slip in under ``hold_after``.
    taken: int = 0

    async def handle_RCPT(  # aiosmtpd calls its hooks by these names
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if time.monotonic() < self.refuse_until:
            self.refused += 1
            return "451 4.3.0 Mail server temporarily unavailable"
        if self.hold_after is not None and self.taken >= self.hold_after:
            self.held += 1
            while self.hold_after is not None:
                await asyncio.sleep(0.02)
            return "451 4.3.0 Held while the sender went away"
        self.taken += 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for to in envelope.rcpt_tos:
                self.messages.append(Received(to, message, time.time()))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [m for m in self.messages if m.to == address]

    def wait_for(self, count: int, timeout: float = 60) -> list[Received]:
        wait_until(lambda: len(self.messages) >= count, timeout, f"{count} email(s)")
        return list(self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.refuse_until, self.refused, self.hold_after, self.held = 0.0, 0, None, 0
        self.taken = 0


@pytest.fixture(scope="session")
def smtp() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield mailbox, controller.port
    controller.stop()


# --- the deployment -------------------------------------------------------------------------


def _env(values: dict[str, Any], prefix: str = "MATCHMAKER_") -> dict[str, str]:
    env = {}
    for key, value in values.items():
        if isinstance(value, dict):
            env |= _env(value, f"{prefix}{key.upper()}__")
        else:
            env[f"{prefix}{key.upper()}"] = str(value)
    return env


class Deployment:
    def __init__(self, folder: Path, mailbox: Mailbox, smtp_port: int, **overrides: Any) -> None:
        self.folder = folder
        self.mailbox = mailbox
        self.redis = RedisServer(folder)
        self.database_url = create_database(f"matchmaker_it_{uuid.uuid4().hex[:10]}")
        self.engine: Engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.redis.start()
        self.values: dict[str, Any] = {
            "environment": "testing",
            "instance_path": str(folder / "instance"),
            "database_url": self.database_url,
            "redis_url": self.redis.url,
            "secret_key": "integration-secret",
            "base_url": "http://matchmaker.test",
            "login_rate_limit": "10000/minute",
            "log_level": "INFO",
            "smtp": {"host": "127.0.0.1", "port": smtp_port, "starttls": False,
                     "timeout_seconds": 10},
            # Short leases and retries, so that recovery shows within seconds.
            "notifications": {"lease_seconds": 3, "sending_lease_seconds": 3,
                              "relay_interval_seconds": 0.2,
                              "retry_base_seconds": 0.3, "retry_max_seconds": 2,
                              "daily_cap": 50},
            "worker": {"concurrency": 2},
        }  # fmt: skip
        for key, value in overrides.items():
            if isinstance(value, dict):
                self.values[key] = {**self.values.get(key, {}), **value}
            else:
                self.values[key] = value
        self.settings = Settings(**self.values)
        self.app: Flask = create_app(self.settings)
        self.client: FlaskClient = self.app.test_client()
        self.workers: list[subprocess.Popen[bytes]] = []

    # workers

    def start_worker(self) -> subprocess.Popen[bytes]:
        log = (self.folder / f"worker-{len(self.workers)}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "matchmaker.cli", "worker"],
            env={**os.environ, **_env(self.values)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool and relay die with it
        )
        self.workers.append(process)
        wait_until(self._worker_answers, 180, "the worker to start")
        return process

    def _worker_answers(self) -> bool:
        celery_app = self.app.extensions["celery"]
        try:
            return bool(celery_app.control.ping(timeout=0.5))
        except Exception:  # the broker may be restarting
            return False

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the worker, its pool processes and its relay: nothing gets to clean up."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_workers(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
        self.workers.clear()

    def worker_log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.folder.glob("worker-*.log"))

    # the application, through its JSON API

    def register(self, role: str, email: str, *, language: str = "vi", **org: Any) -> str:
        organization = {"name": org.pop("name", email.split("@")[0]),
                        "preferred_language": language, "province": "Tây Ninh", **org}  # fmt: skip
        if role == "producer":
            organization.setdefault("entity_type", "cooperative")
        else:
            organization.setdefault("buyer_type", "supermarket")
        response = self.client.post("/api/v1/auth/register", json={
            "email": email, "password": PASSWORD, "name": email.split("@")[0].title(),
            "role": role, "organization": organization,
        })  # fmt: skip
        assert response.status_code == 201, response.get_json()
        return str(response.get_json()["token"])

    def post(self, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def producer_with_offer(self, email: str, title: str, *, language: str = "vi") -> str:
        token = self.register("producer", email, language=language)
        self.post(token, "/api/v1/offers", {"title": title, "category": "food.raw_processed",
                                            "unit": "kg", "ocop_stars": 4})  # fmt: skip
        return token

    # waiting for the system to settle

    def broker_idle(self) -> bool:
        """Nothing queued in Redis, and no live worker running or holding a task. (A killed
        worker's unacknowledged tasks stay in Redis until their visibility timeout; they do
        not count: the outbox has already handed that work to someone else.)"""
        import redis

        client = redis.Redis.from_url(self.redis.url, socket_connect_timeout=1)
        try:
            if sum(int(client.llen(name)) for name in QUEUES):
                return False
        except redis.RedisError:
            return False
        finally:
            client.close()
        try:
            inspect = self.app.extensions["celery"].control.inspect(timeout=0.5)
            busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
        except Exception:  # the broker may be restarting
            return False
        return not any(busy)

    def settled(self) -> bool:
        """No task waiting, queued or running, and no email still to go out."""
        if not self.broker_idle():
            return False
        with unit_of_work(get_database(self.app).sessions) as session:
            open_tasks = session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.completed_at.is_(None)).limit(1)
            )
            unsent = session.scalar(
                select(Notification.id)
                .where(Notification.state.in_(("pending", "sending")))
                .limit(1)
            )
        return open_tasks is None and unsent is None

    def wait_settled(self, timeout: float = 60) -> None:
        wait_until(self.settled, timeout, "every task and email to finish")

    def notifications(self) -> list[Notification]:
        with unit_of_work(get_database(self.app).sessions) as session:
            return list(session.scalars(select(Notification).order_by(Notification.id)))

    def reset(self) -> None:
        """Empties every table (between tests sharing one deployment)."""
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} CASCADE"))
        self.mailbox.clear()

    def close(self) -> None:
        self.stop_workers()
        self.redis.stop()
        get_database(self.app).engine.dispose()
        self.engine.dispose()
        drop_database(self.database_url)


@pytest.fixture
def make_deployment(
    tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Mailbox, int]
) -> Iterator[Callable[..., Deployment]]:
    made: list[Deployment] = []

    def make(**overrides: Any) -> Deployment:
        mailbox, port = smtp
        mailbox.clear()
        deployment = Deployment(tmp_path_factory.mktemp("deployment"), mailbox, port, **overrides)
        made.append(deployment)
        return deployment

    yield make
    for deployment in made:
        deployment.close()
    smtp[0].clear()


@pytest.fixture(scope="session")
def shared_deployment(
    tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Mailbox, int]
) -> Iterator[Deployment]:
    mailbox, port = smtp
    deployment = Deployment(tmp_path_factory.mktemp("shared"), mailbox, port)
    deployment.start_worker()
    yield deployment
    deployment.close()


@pytest.fixture
def deployment(shared_deployment: Deployment) -> Iterator[Deployment]:
    """The shared deployment, emptied before the test; its worker keeps running."""
    shared_deployment.wait_settled()
    shared_deployment.reset()
    yield shared_deployment

"""Notification throughput and latency: one worker with two processes, a local SMTP server.

Producers with honey offers are loaded, a worker is started (``matchmaker worker -c 2``), then
requirements are posted through the JSON API. Prints emails/s for a burst of requirements, and
p50/p95 latency from a requirement posted to its email received, with requirements posted
one at a time. Needs PostgreSQL; uses its own redis-server unless MATCHMAKER_REDIS_URL is set.

    python bench/notify.py [--producers 20] [--burst 50] [--paced 30] [--interval 0.5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from matchmaker.accounts.services import create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.app import create_app
from matchmaker.catalog import services
from matchmaker.db import make_engine, unit_of_work
from matchmaker.extensions import get_database
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings

POSTGRES = os.environ.get(
    "MATCHMAKER_BENCH_POSTGRES_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_bench_notify",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        subject = str(message_from_bytes(envelope.content, policy=policy.default)["Subject"])
        with self.lock:
            self.arrivals.append((time.monotonic(), subject))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def fresh_database() -> str:
    url = make_url(POSTGRES)
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine = make_engine(POSTGRES)
    upgrade(engine)
    engine.dispose()
    return POSTGRES


def env_for(values: dict[str, Any], prefix: str = "MATCHMAKER_") -> dict[str, str]:
    env: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            env |= env_for(value, f"{prefix}{key.upper()}__")
        else:
            env[f"{prefix}{key.upper()}"] = str(value)
    return env


def wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=20)
    parser.add_argument("--burst", type=int, default=50, help="requirements posted at once")
    parser.add_argument("--paced", type=int, default=30, help="requirements posted one by one")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between paced ones")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    redis_process = None
    redis_url = os.environ.get("MATCHMAKER_REDIS_URL", "")
    if not redis_url:
        port = free_port()
        binary = shutil.which("redis-server") or "redis-server"
        redis_process = subprocess.Popen(
            [binary, "--port", str(port), "--save", "", "--appendonly", "no",
             "--dir", str(folder)], stdout=subprocess.DEVNULL,
        )  # fmt: skip
        redis_url = f"redis://127.0.0.1:{port}/0"
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    values: dict[str, Any] = {
        "environment": "testing",
        "instance_path": str(folder / "instance"),
        "database_url": fresh_database(),
        "redis_url": redis_url,
        "secret_key": "bench",
        "login_rate_limit": "100000/minute",
        "log_level": os.environ.get("MATCHMAKER_LOG_LEVEL", "WARNING"),
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "starttls": False},
        "notifications": {"daily_cap": 100000, "matches_per_change": args.producers},
        "worker": {"concurrency": 2},
    }
    app = create_app(Settings(**values))
    client = app.test_client()

    print(f"loading {args.producers} producers with honey offers…", file=sys.stderr)
    with unit_of_work(get_database(app).sessions) as session:
        for i in range(args.producers):
            org = services.create_organization(session, {
                "kind": "producer", "name": f"HTX Ong {i}", "province": "Cà Mau",
                "entity_type": "cooperative", "preferred_language": ("vi", "en")[i % 2],
            })  # fmt: skip
            create_user(session, org, email=f"p{i}@htx.vn", name=f"P {i}",
                        password="correct horse battery", role="producer")  # fmt: skip
            services.create_offer(session, org, {"title": f"Mật ong rừng U Minh {i}",
                                                 "category": "food.raw_processed", "unit": "kg",
                                                 "ocop_stars": 4})  # fmt: skip
        buyer_org = services.create_organization(
            session, {"kind": "buyer", "name": "Co.op", "province": "Hồ Chí Minh"}
        )
        buyer = create_user(session, buyer_org, email="b@coop.vn", name="B",
                            password="correct horse battery", role="buyer")  # fmt: skip
        token, _ = issue_token(session, buyer, ttl=timedelta(hours=2))
    headers = {"Authorization": f"Bearer {token}"}

    worker = subprocess.Popen(
        [sys.executable, "-m", "matchmaker.cli", "worker", "--concurrency", "2"],
        env={**os.environ, **env_for(values)},
        stdout=(folder / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    celery_app = app.extensions["celery"]
    try:
        wait(lambda: bool(celery_app.control.ping(timeout=0.5)), 180, "the worker")
        time.sleep(3)  # let the offers' own matching tasks drain

        posted: dict[str, float] = {}

        def post(title: str) -> None:
            posted[title] = time.monotonic()
            response = client.post("/api/v1/requirements", json={"title": title},
                                   headers=headers)  # fmt: skip
            assert response.status_code == 201, response.get_json()

        # Throughput: a burst of requirements, every producer fits each one.
        expected = args.burst * args.producers
        start = time.monotonic()
        for k in range(args.burst):
            post(f"Mật ong rừng đợt A {k}")
        wait(lambda: inbox.count() >= expected, 600, f"{expected} emails")
        elapsed = inbox.arrivals[expected - 1][0] - start
        rate = expected / elapsed

        # Latency: one requirement at a time, as buyers post them.
        before = inbox.count()
        for k in range(args.paced):
            post(f"Mật ong rừng đợt B {k}")
            time.sleep(args.interval)
        wanted = before + args.paced * args.producers
        wait(lambda: inbox.count() >= wanted, 600, f"{wanted} emails")
        latencies = sorted(
            arrived - posted[title]
            for arrived, subject in inbox.arrivals[before:]
            for title in posted
            if f"“{title}”" in subject
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
        smtp.stop()
        if redis_process is not None:
            redis_process.terminate()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

    print(f"machine: {os.cpu_count()} CPUs (nproc {os.sched_getaffinity(0).__len__()})")
    print(f"burst: {expected} emails for {args.burst} requirements × {args.producers} producers "
          f"in {elapsed:.1f}s = {rate:.0f} emails/s (one worker, two processes)")  # fmt: skip
    print(f"paced: {len(latencies)} emails, one requirement every {args.interval}s: "
          f"latency p50 {statistics.median(latencies):.2f}s, p95 {pct(0.95):.2f}s, "
          f"max {latencies[-1]:.2f}s (requirement posted → email received)")  # fmt: skip


if __name__ == "__main__":
    main()

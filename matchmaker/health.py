"""``/healthz``: is the database reachable, is the broker reachable; workers and queues.

The status follows the database and the broker only: a web process with no worker running
still serves pages, so a load balancer should keep it. Workers and queue lengths are reported
for whoever watches the deployment."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, jsonify
from kombu import Connection
from sqlalchemy import text

from matchmaker.extensions import get_database, get_settings
from matchmaker.jobs import monitor

blueprint = Blueprint("health", __name__)


def _check(probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # any failure is a state to report, not to raise
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def _database() -> dict[str, Any]:
    engine = get_database().engine
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"backend": engine.dialect.name}


def _broker() -> dict[str, Any]:
    url = get_settings().effective_broker_url
    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        transport = conn.transport_cls
    return {"transport": str(transport)}


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    checks = {"database": _check(_database), "broker": _check(_broker)}
    healthy = all(c["ok"] for c in checks.values())
    return jsonify(
        status="ok" if healthy else "degraded",
        checks=checks,
        workers=_check(monitor.workers),
        queues=_check(lambda: {"lengths": monitor.queue_lengths()}),
    ), 200 if healthy else 503

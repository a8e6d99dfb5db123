"""``/healthz``: is the database reachable, is the broker reachable; workers and queues.

The status follows the database and the broker only: a web process with no worker running
still serves pages, so a load balancer should keep it. Workers (names, pids) and queue lengths
are reported only to whoever watches the deployment: an administrator's API token, or the
``health_token`` setting sent as a bearer token. Anyone else learns ok or not ok."""

from __future__ import annotations

import hmac
import time
from typing import Any

from flask import Blueprint, Response, jsonify, request
from kombu import Connection
from sqlalchemy import text

from matchmaker.accounts.tokens import user_for_token
from matchmaker.extensions import db_session, get_database, get_settings
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


def _may_see_details() -> bool:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw:
        return False
    expected = get_settings().health_token
    if expected and hmac.compare_digest(raw.encode(), expected.encode()):
        return True
    try:
        user = user_for_token(db_session(), raw)
    except Exception:  # a database that is down answers "not ok" below, not an error here
        return False
    return user is not None and user.role == "admin"


@blueprint.get("/healthz")
def healthz() -> tuple[Response, int]:
    checks = {"database": _check(_database), "broker": _check(_broker)}
    healthy = all(c["ok"] for c in checks.values())
    if not _may_see_details():
        return jsonify(status="ok" if healthy else "degraded"), 200 if healthy else 503
    return jsonify(
        status="ok" if healthy else "degraded",
        checks=checks,
        workers=_check(monitor.workers),
        queues=_check(lambda: {"lengths": monitor.queue_lengths()}),
    ), 200 if healthy else 503

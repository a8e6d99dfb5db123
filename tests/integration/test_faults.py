"""Faults: an SMTP server that refuses for a while, Redis going away, a worker killed mid-batch.

Each test has a deployment of its own (database, Redis, worker), so nothing else runs beside
the fault it injects.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, text

from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database, get_ranking
from matchmaker.notifications import alerts
from matchmaker.settings import NotificationSettings

from .conftest import PASSWORD, Deployment, wait_until

pytestmark = pytest.mark.integration

HONEY = ["Mật ong rừng U Minh", "Mật ong rừng Tràm Chim", "Mật ong rừng Cà Mau",
         "Mật ong rừng Phú Quốc", "Mật ong rừng Tây Nguyên", "Mật ong rừng Yên Bái",
         "Mật ong rừng Sơn La", "Mật ong rừng Lâm Đồng", "Mật ong rừng Hà Giang"]  # fmt: skip


def _producers(deployment: Deployment, count: int) -> list[str]:
    emails = [f"producer{i}@htx.vn" for i in range(count)]
    for email, title in zip(emails, HONEY, strict=False):
        deployment.producer_with_offer(email, title)
    return emails


def _delivered_once(deployment: Deployment, emails: list[str], per_producer: int) -> None:
    received = deployment.mailbox.messages
    assert Counter(m.to for m in received) == {email: per_producer for email in emails}
    assert len({m.message_id for m in received}) == len(received)
    assert {n.state for n in deployment.notifications()} == {"sent"}


def test_smtp_refusing_for_a_while_then_recovering_delivers_every_email_exactly_once(
    make_deployment: Callable[..., Deployment],
) -> None:
    deployment = make_deployment()
    deployment.start_worker()
    producers = _producers(deployment, 5)
    buyer = deployment.register("buyer", "buyer@coop.vn")
    deployment.wait_settled()

    deployment.mailbox.refuse_until = time.monotonic() + 2.0
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng nguyên chất"})
    deployment.mailbox.wait_for(5, timeout=60)
    deployment.wait_settled()

    assert deployment.mailbox.refused >= 5
    _delivered_once(deployment, producers, 1)
    assert all(n.attempts >= 2 for n in deployment.notifications())


def test_redis_stopped_and_restarted_while_requirements_are_posted_loses_nothing(
    make_deployment: Callable[..., Deployment],
) -> None:
    deployment = make_deployment()
    deployment.start_worker()
    producers = _producers(deployment, 3)
    buyer = deployment.register("buyer", "buyer@coop.vn")
    deployment.wait_settled()

    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng nguyên chất"})
    deployment.redis.stop()
    # The web app keeps taking requirements: the change and its outbox row commit together.
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng loại một"})
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng đóng chai"})
    time.sleep(1.0)
    deployment.redis.start()  # empty: whatever it held is gone
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng hữu cơ"})

    deployment.mailbox.wait_for(12, timeout=120)
    deployment.wait_settled()
    _delivered_once(deployment, producers, 4)


def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_repeats_nothing(
    make_deployment: Callable[..., Deployment],
) -> None:
    deployment = make_deployment(notifications={"batch_size": 3})
    worker = deployment.start_worker()
    producers = _producers(deployment, 9)
    buyer = deployment.register("buyer", "buyer@coop.vn")
    deployment.wait_settled()

    # The SMTP server stalls after four emails, so both pool processes are caught mid-batch.
    deployment.mailbox.hold_after = 4
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng nguyên chất"})
    wait_until(lambda: deployment.mailbox.held >= 2, 30, "both senders to be mid-batch")
    assert len(deployment.mailbox.messages) == 4
    deployment.kill_worker(worker)
    deployment.mailbox.hold_after = None

    deployment.start_worker()
    deployment.mailbox.wait_for(9, timeout=120)
    deployment.wait_settled()
    _delivered_once(deployment, producers, 1)
    assert max(n.attempts for n in deployment.notifications()) == 2


# --- matching tasks on crossing rows ----------------------------------------------------------


def _match_at_once(deployment: Deployment, requirement_id: int, offer_id: int) -> list[str]:
    """Runs the requirement's and the offer's matching at the same moment, each in a
    transaction of its own: both take their row's lock, then both write the pair's match
    (whose foreign keys point at the other's row). The failures, if any."""
    app = deployment.app
    settings = deployment.settings.notifications
    engine = get_database(app).engine
    both_locked = threading.Barrier(2, timeout=10)
    waiting = threading.local()

    @event.listens_for(engine, "before_cursor_execute")
    def _cross(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO MATCHES") and not getattr(
            waiting, "done", False
        ):
            waiting.done = True
            both_locked.wait()  # each holds its own row now: the inserts cross

    failures: list[str] = []

    def run(use_case: Callable[..., Any], row_id: int) -> None:
        try:
            with app.app_context(), unit_of_work(get_database(app).sessions) as session:
                use_case(session, get_ranking(app), row_id, settings)
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
            both_locked.abort()

    threads = [
        threading.Thread(target=run, args=(alerts.alert_for_requirement, requirement_id)),
        threading.Thread(target=run, args=(alerts.alert_for_offer, offer_id)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(engine, "before_cursor_execute", _cross)
    return failures


def test_two_matching_tasks_on_crossing_rows_never_deadlock(
    make_deployment: Callable[..., Deployment],
) -> None:
    deployment = make_deployment()
    producer = deployment.producer_with_offer("producer@htx.vn", "Mật ong rừng U Minh")
    buyer = deployment.register("buyer", "buyer@coop.vn")
    requirement = deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng"})
    offer = deployment.client.get(
        "/api/v1/offers", headers={"Authorization": f"Bearer {producer}"}
    ).get_json()["items"][0]

    assert _match_at_once(deployment, requirement["id"], offer["id"]) == []
    with deployment.engine.connect() as conn:
        pairs = conn.execute(
            text("SELECT count(*) FROM matches WHERE requirement_id = :r AND offer_id = :o"),
            {"r": requirement["id"], "o": offer["id"]},
        ).scalar()
    assert pairs == 1


# --- transient database errors and dead senders -------------------------------------------------


def _terminate_the_task_waiting_on(
    deployment: Deployment, table: str, start: Callable[[], Any]
) -> None:
    """Holds a lock on every row of ``table``, starts the work (``start``), and once a
    worker's transaction waits for the lock terminates that worker's connection: what a
    failover or a restarted PostgreSQL does to a running task."""
    with deployment.engine.connect() as holder:
        holder.execute(text(f"SELECT id FROM {table} FOR UPDATE"))
        start()

        def waiting_pid() -> int | None:
            with deployment.engine.connect() as conn:
                return conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                ).scalar()

        pid = wait_until(waiting_pid, 60, "a task to wait for the locked rows")
        with deployment.engine.connect() as killer:
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        holder.rollback()


def test_a_task_the_database_fails_for_a_passing_reason_is_done_again_within_seconds(
    make_deployment: Callable[..., Deployment],
) -> None:
    # The outbox's lease at ten minutes: only the task's own retry can bring the emails now.
    deployment = make_deployment(notifications={"lease_seconds": 600})
    deployment.start_worker()
    producers = _producers(deployment, 2)
    buyer = deployment.register("buyer", "buyer@coop.vn")
    deployment.wait_settled()

    posted = time.monotonic()
    # The matching task writes matches whose keys point at the offers: it waits on their lock.
    _terminate_the_task_waiting_on(
        deployment,
        "offers",
        lambda: deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng"}),
    )
    deployment.mailbox.wait_for(2, timeout=60)
    assert time.monotonic() - posted < 30
    deployment.wait_settled()
    _delivered_once(deployment, producers, 1)
    assert "attempt 2" in deployment.worker_log()


def test_a_killed_senders_claimed_emails_go_out_within_a_minute(
    make_deployment: Callable[..., Deployment],
) -> None:
    # Production's leases: ten minutes for a task, the default for a claimed email.
    default = NotificationSettings()
    deployment = make_deployment(
        notifications={"lease_seconds": 600, "sending_lease_seconds": default.sending_lease_seconds}
    )
    worker = deployment.start_worker()
    producers = _producers(deployment, 3)
    buyer = deployment.register("buyer", "buyer@coop.vn")
    deployment.wait_settled()

    deployment.mailbox.hold_after = 0  # the server takes the connection and never answers
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng nguyên chất"})
    wait_until(lambda: deployment.mailbox.held >= 1, 30, "a sender to be mid-send")
    deployment.kill_worker(worker)
    killed = time.monotonic()
    deployment.mailbox.hold_after = None

    deployment.start_worker()
    deployment.mailbox.wait_for(3, timeout=90)
    assert time.monotonic() - killed < 60
    # (The killed task's own outbox row waits for its ten-minute lease: it has nothing left
    # to do, the sweep has handed its emails to the new sender.)
    wait_until(lambda: {n.state for n in deployment.notifications()} == {"sent"}, 30, "sent")
    _delivered_once(deployment, producers, 1)


# --- Redis down -------------------------------------------------------------------------------


def test_with_redis_down_sign_in_still_answers(
    make_deployment: Callable[..., Deployment],
) -> None:
    deployment = make_deployment(login_rate_limit="5/minute")
    deployment.register("buyer", "buyer@coop.vn")
    deployment.redis.stop()

    def attempt(password: str) -> int:
        client = deployment.app.test_client()  # a new client each time: no known device
        body = {"email": "buyer@coop.vn", "password": password}
        return client.post("/api/v1/auth/token", json=body).status_code

    # The attempts are still counted (in the process) and the sixth wrong one is refused.
    assert [attempt("wrong password") for _ in range(6)] == [401] * 5 + [429]
    assert attempt(PASSWORD) in (200, 429)

"""Faults: an SMTP server that refuses for a while, Redis going away, a worker killed mid-batch.

Each test has a deployment of its own (database, Redis, worker), so nothing else runs beside
the fault it injects.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest

from .conftest import Deployment, wait_until

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

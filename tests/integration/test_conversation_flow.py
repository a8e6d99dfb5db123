"""Messages over HTTP with a real worker and relay, real email over SMTP: a buyer's two quick
messages reach the producer in one email after the wait; the producer reads a third on the
site before the wait is over and gets no email for it; its reply reaches the buyer."""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import Deployment, wait_until

pytestmark = pytest.mark.integration
# A message waits about two seconds before its email notice goes.
WAIT_MINUTES = 2 / 60


def _call(deployment: Deployment, method: str, token: str, path: str,
          body: dict[str, Any] | None = None) -> Any:  # fmt: skip
    response = deployment.client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_messages_are_batched_into_one_email_and_none_once_read(make_deployment: Any) -> None:
    deployment: Deployment = make_deployment(notifications={"message_notice_minutes": WAIT_MINUTES})
    deployment.start_worker()
    producer = deployment.producer_with_offer("rung@htx.vn", "Mật ong rừng U Minh", language="en")
    buyer = deployment.register("buyer", "mua@coop.vn", name="Saigon Co.op")
    requirement = deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng"})
    deployment.wait_settled()
    matches = _call(deployment, "GET", buyer, f"/api/v1/requirements/{requirement['id']}/matches")
    match_id = matches[0]["id"]
    deployment.mailbox.clear()
    thread = f"/api/v1/matches/{match_id}/messages"

    _call(deployment, "POST", buyer, thread, {"text": "Cho xin báo giá 100 kg?"})
    _call(deployment, "POST", buyer, thread, {"text": "Giao về Thủ Đức được không?"})
    (notice,) = deployment.mailbox.wait_for(1, timeout=60)
    assert notice.to == "rung@htx.vn"
    assert notice.subject == "Saigon Co.op: 2 new messages about “Mật ong rừng”"
    assert "Cho xin báo giá 100 kg?" in notice.text and "Giao về Thủ Đức" in notice.text
    assert "mua@coop.vn" not in notice.text

    _call(deployment, "POST", buyer, thread, {"text": "Anh xem giúp nhé."})
    assert _call(deployment, "POST", producer, f"{thread}/read", {}) == {"unread": 0}
    _call(deployment, "POST", producer, thread, {"text": "Dạ được ạ."})
    wait_until(lambda: len(deployment.mailbox.messages) >= 2, 60, "the buyer's notice")
    time.sleep(3)  # longer than the wait: a notice for the read message would be out by now
    deployment.wait_settled()
    received = deployment.mailbox.messages
    assert sorted(m.to for m in received) == ["mua@coop.vn", "rung@htx.vn"]
    (reply,) = deployment.mailbox.to("mua@coop.vn")
    assert "Dạ được ạ." in reply.text

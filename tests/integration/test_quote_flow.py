"""From a match to a deal over HTTP, with a real worker process, Redis, PostgreSQL and SMTP:
two producers quote on one requirement, one revises, the buyer compares (units converted),
messages one producer and accepts its quote; the buyer and both producers get their emails;
the deal shows in the officer's dashboard and in the ranking's training data."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from matchmaker import outbox
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.db import unit_of_work, utcnow
from matchmaker.extensions import get_database
from matchmaker.matching.answers import MatchAnswer, training_examples
from matchmaker.matching.models import Match
from matchmaker.notifications.models import Notification

from .conftest import PASSWORD, Deployment, Mailbox, Received, wait_until

pytestmark = pytest.mark.integration

# The buyer's emails on quotes wait this long for others to join them; the test lets the
# time pass at once rather than sleep through it.
BATCH_MINUTES = 10
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def deployment(make_deployment: Callable[..., Deployment]) -> Deployment:
    made = make_deployment(
        notifications={"quote_batch_minutes": BATCH_MINUTES, "message_notice_minutes": 2 / 60}
    )
    made.start_worker()
    return made


def _call(
    deployment: Deployment, method: str, token: str, path: str, body: Any = None, status: int = 200
) -> Any:
    response = deployment.client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == status, (path, response.get_json())
    return response.get_json()


def _quote_tasks_done(deployment: Deployment, count: int) -> bool:
    with unit_of_work(get_database(deployment.app).sessions) as session:
        done = session.scalars(
            select(outbox.OutboxMessage.id).where(
                outbox.OutboxMessage.task == outbox.QUOTE_CHANGED,
                outbox.OutboxMessage.completed_at.is_not(None),
            )
        ).all()
    return len(done) >= count


def _let_the_batching_window_pass(deployment: Deployment) -> None:
    """What ten minutes would do: the buyer's waiting quote email and its send task are due."""
    now = utcnow() - timedelta(seconds=1)
    with unit_of_work(get_database(deployment.app).sessions) as session:
        session.execute(
            update(Notification)
            .where(Notification.kind == "quotes", Notification.state == "pending")
            .values(next_attempt_at=now)
        )
        session.execute(
            update(outbox.OutboxMessage)
            .where(
                outbox.OutboxMessage.task == outbox.SEND_NOTIFICATIONS,
                outbox.OutboxMessage.published_at.is_(None),
            )
            .values(available_at=now)
        )


def _one(mailbox: Mailbox, to: str, subject: str, timeout: float = 60) -> Received:
    def found() -> list[Received]:
        return [m for m in mailbox.to(to) if m.subject == subject]

    wait_until(found, timeout, f"“{subject}” to {to}")
    (message,) = found()
    return message


def _officer(deployment: Deployment) -> str:
    with unit_of_work(get_database(deployment.app).sessions) as session:
        agency = catalog.create_organization(
            session, {"kind": "agency", "name": "Sở Công Thương Tây Ninh", "province": "Tây Ninh"}
        )
        create_user(session, agency, email="officer@sct.vn", name="Officer",
                    password=PASSWORD, role="officer")  # fmt: skip
    client = deployment.app.test_client()
    page = client.get("/signin").get_data(as_text=True)
    token = CSRF.search(page)
    assert token
    form = {"csrf_token": token.group(1), "email": "officer@sct.vn", "password": PASSWORD}
    signed = client.post("/signin", data=form)
    assert signed.status_code == 302
    return client.get("/officer/").get_data(as_text=True)


def test_two_quotes_a_revision_a_comparison_and_an_accepted_quote_reach_everyone(
    deployment: Deployment,
) -> None:
    mail = deployment.mailbox
    rung = deployment.register("producer", "rung@htx.vn", name="HTX Ong U Minh")
    tram = deployment.register("producer", "tram@honey.vn", name="Bee Farm", language="en")
    third = deployment.register("producer", "tea@htx.vn", name="HTX Chè")
    buyer = deployment.register("buyer", "mua@coop.vn", name="Saigon Co.op",
                                province="Hồ Chí Minh")  # fmt: skip
    honey = {"category": "food.raw_processed", "ocop_stars": 4}
    kilos = {"title": "Mật ong rừng U Minh", "unit": "kg", **honey}
    by_kilo = deployment.post(rung, "/api/v1/offers", kilos)["id"]
    tonnes = {"title": "Mật ong tràm", "unit": "ton", **honey}
    by_tonne = deployment.post(tram, "/api/v1/offers", tonnes)["id"]
    tea = deployment.post(third, "/api/v1/offers", {"title": "Chè Shan tuyết", "unit": "kg",
                                                    "category": "food.tea"})["id"]  # fmt: skip
    deployment.wait_settled()
    requirement = deployment.post(buyer, "/api/v1/requirements", {
        "title": "Mật ong nguyên chất", "unit": "kg", "quantity_per_month": 300,
        "delivery_provinces": ["Hồ Chí Minh"],
    })["id"]  # fmt: skip
    deployment.wait_settled()
    mail.clear()
    # The buyer looks at its matches (what it is shown becomes the ranking's training data).
    shown = _call(deployment, "GET", buyer, f"/api/v1/requirements/{requirement}/matches")
    assert {by_kilo, by_tonne} <= {m["offer"]["id"] for m in shown}

    quotes = f"/api/v1/requirements/{requirement}/quotes"
    kilo_quote = _call(deployment, "POST", rung, quotes, {
        "offer_id": by_kilo, "unit_price_vnd": 320_000, "unit": "kg", "monthly_volume": 400,
        "delivery_terms": "delivered", "delivery_provinces": ["Hồ Chí Minh"],
    }, status=201)["id"]  # fmt: skip
    tonne_quote = _call(deployment, "POST", tram, quotes, {
        "offer_id": by_tonne, "unit_price_vnd": 310_000_000, "unit": "ton",
        "min_order_quantity": 0.5,
    }, status=201)["id"]  # fmt: skip
    _call(deployment, "PATCH", tram, f"/api/v1/quotes/{tonne_quote}",
          {"unit_price_vnd": 295_000_000})  # fmt: skip

    # The buyer hears of both quotes in one email, with the revised price only.
    wait_until(lambda: _quote_tasks_done(deployment, 3), 60, "the three quote tasks")
    waiting = [n for n in deployment.notifications() if n.kind == "quotes"]
    assert len(waiting) == 1 and waiting[0].state == "pending"
    _let_the_batching_window_pass(deployment)
    told = _one(mail, "mua@coop.vn", "2 báo giá mới hoặc đã sửa cho “Mật ong nguyên chất”")
    assert "Báo giá mới: HTX Ong U Minh — Mật ong rừng U Minh" in told.text
    assert "Báo giá mới: Bee Farm — Mật ong tràm" in told.text
    assert "295.000.000" in told.text and "310.000.000" not in told.text
    assert f"/requirements/{requirement}/quotes" in told.text

    # The buyer compares, prices in its own unit; delivered costs are estimated.
    compared = _call(deployment, "GET", buyer, quotes + "?sort=delivered")
    lines = {line["quote"]["id"]: line for line in compared["items"]}
    assert lines[tonne_quote]["price_per_wanted_unit"] == 295_000
    assert lines[tonne_quote]["min_order_in_wanted_unit"] == 500
    assert lines[tonne_quote]["freight_estimate"] > 0  # collected in Tây Ninh
    assert lines[kilo_quote]["delivered_cost"] == 320_000  # brought to Hồ Chí Minh
    # A third producer sees neither quote, nor the comparison's other lines.
    assert _call(deployment, "GET", third, quotes)["items"] == []
    _call(deployment, "GET", third, f"/api/v1/quotes/{kilo_quote}", status=404)
    assert tea

    # The buyer messages one producer about its quote; the producer's notice comes by email
    # (after a short wait, gathering what follows), without the buyer's contact (not yet agreed).
    thread = f"/api/v1/matches/{lines[kilo_quote]['match_id']}/messages"
    asked = {"text": "Giao 400 kg mỗi tháng về Thủ Đức được không?"}
    _call(deployment, "POST", buyer, thread, asked, status=201)
    notice = _one(mail, "rung@htx.vn", "Saigon Co.op gửi bạn một tin nhắn về “Mật ong nguyên chất”")
    assert "Giao 400 kg mỗi tháng về Thủ Đức" in notice.text and "mua@coop.vn" not in notice.text
    _call(deployment, "POST", rung, thread, {"text": "Dạ được, giá đã gồm vận chuyển."}, status=201)
    replies = _call(deployment, "GET", buyer, thread)
    assert [m["text"] for m in replies["items"]][-1] == "Dạ được, giá đã gồm vận chuyển."
    # The third producer cannot read the thread.
    _call(deployment, "GET", third, thread, status=404)

    mail.clear()
    accepted = _call(deployment, "POST", buyer, f"/api/v1/quotes/{kilo_quote}/accept")
    assert accepted["status"] == "accepted" and accepted["deal_value_vnd"] == 320_000 * 400

    # The producer: accepted, with the buyer's contact (both said yes), once.
    yes = _one(mail, "rung@htx.vn", "Saigon Co.op đã chấp nhận báo giá Mật ong rừng U Minh của bạn")
    assert "mua@coop.vn" in yes.text and "128.000.000" in yes.text
    # The other producer: the buyer chose another quote (in English, naming no rival).
    other = _one(
        mail, "tram@honey.vn", "Saigon Co.op accepted another quote on “Mật ong nguyên chất”"
    )
    assert "U Minh" not in other.text and "mua@coop.vn" not in other.text
    # The buyer: the producer's contact details.
    intro = _one(
        mail, "mua@coop.vn", "Thông tin liên hệ của HTX Ong U Minh cho “Mật ong nguyên chất”"
    )
    assert "rung@htx.vn" in intro.text
    deployment.wait_settled()
    assert len(mail.to("rung@htx.vn")) == 1  # the acceptance is its introduction: one email
    assert all(n.state == "sent" for n in deployment.notifications())

    # The deal is in the officer's dashboard (the producers' province, Tây Ninh)...
    page = _officer(deployment)
    assert re.search(r'<span class="kpi">1</span>\s*giao dịch', page), page

    # ... and in the ranking's training data: the buyer's yes and deal on what it was shown.
    with unit_of_work(get_database(deployment.app).sessions) as session:
        match = session.scalar(select(Match).where(Match.offer_id == by_kilo))
        assert match is not None and match.status == "deal"
        answers = {(a.side, a.action) for a in session.scalars(
            select(MatchAnswer).where(MatchAnswer.match_id == match.id))}  # fmt: skip
        assert {("producer", "accepted"), ("buyer", "accepted"), ("buyer", "deal")} <= answers
        examples = {e.offer.title: e for e in training_examples(session, "buyer")}
        assert examples["Mật ong rừng U Minh"].action == "deal"
        assert examples["Mật ong tràm"].action != "deal"

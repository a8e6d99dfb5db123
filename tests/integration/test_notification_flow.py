"""Posting requirements through the API, a real worker process, real email over SMTP."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database, get_notifier
from matchmaker.matching.models import Match

from .conftest import Deployment, wait_until

pytestmark = pytest.mark.integration


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path


def _match_status(deployment: Deployment, match_id: int) -> str:
    with unit_of_work(get_database(deployment.app).sessions) as session:
        return session.get(Match, match_id).status  # type: ignore[union-attr]


def test_a_new_requirement_emails_each_matching_producer_once_in_their_language(
    deployment: Deployment,
) -> None:
    deployment.producer_with_offer("rung@htx.vn", "Mật ong rừng U Minh")
    deployment.producer_with_offer("nhan@htx.vn", "Mật ong hoa nhãn Hưng Yên")
    deployment.producer_with_offer("export@honey.vn", "Mật ong bạc hà Hà Giang", language="en")
    deployment.producer_with_offer("tea@htx.vn", "Chè Shan tuyết cổ thụ")
    buyer = deployment.register("buyer", "mua@coop.vn", name="Saigon Co.op")
    deployment.wait_settled()  # the offers are matched (against nothing) first

    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong nguyên chất"})
    deployment.mailbox.wait_for(3)
    deployment.wait_settled()

    received = deployment.mailbox.messages
    assert sorted(m.to for m in received) == ["export@honey.vn", "nhan@htx.vn", "rung@htx.vn"]
    assert len({m.message_id for m in received}) == 3
    (english,) = deployment.mailbox.to("export@honey.vn")
    (vietnamese,) = deployment.mailbox.to("rung@htx.vn")
    assert english.subject == "Saigon Co.op needs “Mật ong nguyên chất” — your product fits"
    assert "Why it fits" in english.text and "Vì sao phù hợp" not in english.text
    assert english.message["Content-Language"] == "en"
    assert vietnamese.subject.startswith("Saigon Co.op cần “Mật ong nguyên chất”")
    assert "Vì sao phù hợp" in vietnamese.text and "Điểm còn thiếu" in vietnamese.text
    assert "<strong>Vì sao phù hợp</strong>" in vietnamese.html
    assert all(n.state == "sent" for n in deployment.notifications())

    # The links work: view, then accept, from the email itself.
    links = vietnamese.links()
    claims = get_notifier(deployment.app).links.load("accept", links["accept"][0].rsplit("/", 1)[1])
    assert claims.match_id is not None
    assert _match_status(deployment, claims.match_id) == "notified"
    # Fetching the links (as a mail scanner does) shows pages and changes nothing.
    page = deployment.client.get(_path(links["view"][0]))
    assert page.status_code == 200 and "Mật ong rừng U Minh" in page.get_data(as_text=True)
    page = deployment.client.get(_path(links["accept"][0]))
    assert page.status_code == 200 and "Chấp nhận kết nối này" in page.get_data(as_text=True)
    assert _match_status(deployment, claims.match_id) == "notified"
    page = deployment.client.post(_path(links["accept"][0]))
    assert page.status_code == 200 and "quan tâm" in page.get_data(as_text=True)
    assert _match_status(deployment, claims.match_id) == "accepted"

    # The producer accepting from the email tells the buyer, with the producer's details; the
    # buyer's reach the producer only once the buyer says yes too.
    deployment.mailbox.wait_for(4)
    (introduced,) = deployment.mailbox.to("mua@coop.vn")
    assert introduced.subject == "rung quan tâm đến “Mật ong nguyên chất” — thông tin liên hệ"
    assert "rung@htx.vn" in introduced.text
    assert len(deployment.mailbox.to("rung@htx.vn")) == 1  # the alert only

    # Declining asks for the reason first.
    (other,) = deployment.mailbox.to("nhan@htx.vn")
    decline = _path(other.links()["decline"][0])
    form = deployment.client.get(decline)
    assert form.status_code == 200 and 'name="reason"' in form.get_data(as_text=True)
    assert deployment.client.post(decline, data={"reason": ""}).status_code == 422
    done = deployment.client.post(decline, data={"reason": "Không đủ sản lượng"})
    assert done.status_code == 200
    tampered = decline[:-3] + ("abc" if not decline.endswith("abc") else "xyz")
    assert deployment.client.get(tampered).status_code == 400

    # Editing the requirement re-ranks it, but nobody hears about the same pair twice.
    requirement_id = _single_requirement_id(deployment)
    response = deployment.client.patch(
        f"/api/v1/requirements/{requirement_id}",
        json={"description": "Mật ong nguyên chất, đóng chai 500 ml"},
        headers={"Authorization": f"Bearer {buyer}"},
    )
    assert response.status_code == 200
    deployment.wait_settled()
    assert len(deployment.mailbox.messages) == 4


def _single_requirement_id(deployment: Deployment) -> int:
    from matchmaker.catalog.models import Requirement

    with unit_of_work(get_database(deployment.app).sessions) as session:
        (requirement_id,) = session.scalars(select(Requirement.id)).all()
    return requirement_id


def test_daily_digest_groups_the_matches_of_the_day(deployment: Deployment) -> None:
    deployment.producer_with_offer("daily@htx.vn", "Mật ong hoa cà phê Đắk Lắk")
    links = get_notifier(deployment.app).links
    user_id = _user_id(deployment, "daily@htx.vn")
    choose = _path(links.url("preferences", user_id))
    assert deployment.client.post(choose, data={"frequency": "daily"}).status_code == 200
    buyer = deployment.register("buyer", "digest-buyer@coop.vn", name="Bách Hóa Xanh")
    deployment.wait_settled()

    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong hoa cà phê"})
    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong nguyên chất Đắk Lắk"})
    deployment.wait_settled()
    assert deployment.mailbox.messages == []  # held for the digest

    deployment.app.extensions["celery"].send_task(
        "maintenance.send_digests", kwargs={"period": "daily"}
    )
    (digest,) = deployment.mailbox.wait_for(1)
    deployment.wait_settled()
    assert len(deployment.mailbox.messages) == 1
    assert digest.subject == "Bản tin hằng ngày: 2 kết nối mới"
    assert "Mật ong hoa cà phê" in digest.text and "Mật ong nguyên chất Đắk Lắk" in digest.text
    assert len(digest.links()["accept"]) == 2


def _user_id(deployment: Deployment, email: str) -> int:
    from matchmaker.accounts.models import User

    with unit_of_work(get_database(deployment.app).sessions) as session:
        return session.scalars(select(User.id).where(User.email == email)).one()


def test_unsubscribing_stops_mail_at_once(deployment: Deployment) -> None:
    deployment.producer_with_offer("leaving@htx.vn", "Mật ong rừng Cà Mau")
    deployment.producer_with_offer("staying@htx.vn", "Mật ong rừng Tràm Chim")
    buyer = deployment.register("buyer", "unsub-buyer@coop.vn", name="MM Mega Market")
    deployment.wait_settled()

    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng tràm"})
    deployment.mailbox.wait_for(2)
    (first,) = deployment.mailbox.to("leaving@htx.vn")
    assert first.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = _path(first.links()["unsubscribe"][0])
    assert deployment.client.get(unsubscribe).status_code == 200  # the page asks, nothing more
    assert deployment.client.post(unsubscribe).status_code == 200  # its button, or one click

    deployment.post(buyer, "/api/v1/requirements", {"title": "Mật ong rừng U Minh Hạ"})
    wait_until(lambda: len(deployment.mailbox.to("staying@htx.vn")) == 2, 30, "the second email")
    deployment.wait_settled()
    assert len(deployment.mailbox.to("leaving@htx.vn")) == 1

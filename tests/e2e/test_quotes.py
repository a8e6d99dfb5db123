"""A producer quotes on a buyer's requirement from a phone; the buyer compares the quotes as
stacked cards, accepts one and records the first order under the deal on the match page. Every
page at 375 px, in Vietnamese and English."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.accounts.models import User
from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.matching.models import Match
from matchmaker.quotes.models import Quote

from .conftest import PHONE, Journey, Server

TEXT = {
    "vi": {"signin": "Đăng nhập", "password": "Mật khẩu", "price": "Đơn giá (đồng)",
           "done": "báo giá", "accept": "Chấp nhận báo giá này",
           "accepted": "Đã chấp nhận báo giá", "sign_out": "Đăng xuất",
           "ordered": "Đã ghi nhận đơn hàng đầu tiên", "first": "Đơn hàng đầu tiên"},
    "en": {"signin": "Sign in", "password": "Password", "price": "Unit price (VND)",
           "done": "quote", "accept": "Accept this quote",
           "accepted": "Quote accepted", "sign_out": "Sign out",
           "ordered": "The first order is recorded", "first": "First order"},
}  # fmt: skip


def _pair(server: Server, lang: str) -> tuple[int, int]:
    """An open requirement of the demo buyer and an active offer of the demo producer, one
    offer per language: each run quotes afresh."""
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        buyer = session.scalar(select(User).where(User.email == DEMO_LOGINS["buyer"]))
        producer = session.scalar(select(User).where(User.email == DEMO_LOGINS["producer"]))
        assert buyer is not None and producer is not None
        requirement = session.scalar(
            select(Requirement.id).where(Requirement.organization_id == buyer.organization_id,
                                         Requirement.status == "open").order_by(Requirement.id)
        )  # fmt: skip
        offer = session.scalar(
            select(Offer.id).where(Offer.organization_id == producer.organization_id,
                                   Offer.status == "active").order_by(Offer.id)
            .offset(0 if lang == "vi" else 1)
        )  # fmt: skip
        assert requirement is not None and offer is not None
        return requirement, offer


def _quote_id(server: Server, offer_id: int) -> int:
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        quote_id = session.scalar(select(Quote.id).where(Quote.offer_id == offer_id))
        assert quote_id is not None
        return quote_id


def _match_id(server: Server, requirement_id: int, offer_id: int) -> int:
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        match_id = session.scalar(
            select(Match.id).where(Match.requirement_id == requirement_id,
                                   Match.offer_id == offer_id)
        )  # fmt: skip
        assert match_id is not None
        return match_id


def test_a_producer_quotes_on_a_phone_and_the_buyer_compares_and_accepts(
    journey: Journey, live_server: Server
) -> None:
    t, page = TEXT[journey.lang], journey.page
    requirement_id, offer_id = _pair(live_server, journey.lang)
    page.set_viewport_size(PHONE)
    journey.sign_in(DEMO_LOGINS["producer"], DEMO_PASSWORD)
    journey.open(f"/requirements/{requirement_id}/quote?offer_id={offer_id}")
    page.get_by_label(t["price"]).fill("85.000" if journey.lang == "vi" else "85000")
    page.locator("#min_order_quantity").fill("10")
    page.locator("#note").fill("Giao hàng trong 5 ngày")
    journey.shoot("producer-quote-form")
    page.locator("form.form button.primary").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(t["done"], re.IGNORECASE))
    journey.shoot("producer-quote-sent")
    page.context.clear_cookies()  # type: ignore[attr-defined]
    journey.open(f"/lang/{journey.lang}")  # the language was kept in the cookie cleared

    journey.sign_in(DEMO_LOGINS["buyer"], DEMO_PASSWORD)
    journey.open(f"/requirements/{requirement_id}/quotes")
    card = page.locator(f"#quote-{_quote_id(live_server, offer_id)}")
    expect(card).to_contain_text("Giao hàng trong 5 ngày")
    journey.shoot("buyer-compares-quotes")
    card.get_by_role("button", name=t["accept"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["accepted"])
    journey.shoot("buyer-accepted-a-quote")

    journey.open(f"/matches/{_match_id(live_server, requirement_id, offer_id)}")
    orders = page.locator("section[aria-labelledby=orders]")
    orders.locator("summary").click()
    orders.locator("#value_vnd").fill("4.250.000" if journey.lang == "vi" else "4250000")
    orders.locator("#quantity").fill("50")
    journey.shoot("buyer-order-form")
    orders.locator("button.primary").click()
    expect(page.get_by_role("status")).to_contain_text(t["ordered"])
    expect(page.locator("ul.orders")).to_contain_text(t["first"])
    journey.shoot("buyer-recorded-an-order")

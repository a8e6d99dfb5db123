"""A buyer writes to a producer from the comparison of quotes, with a file; the producer sees
the unread count on the menu's Messages link, finds the thread in its inbox and replies, and
the count goes down. On a phone (375 px), in Vietnamese and English."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from matchmaker.accounts.models import User
from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteInput
from matchmaker.quotes.models import Quote

from .conftest import PHONE, Journey, Server

TEXT = {
    "vi": {
        "signin": "Đăng nhập",
        "password": "Mật khẩu",
        "write": "Tin nhắn của bạn",
        "files": "Đính kèm tệp",
        "send": "Gửi",
        "messages": "Tin nhắn",
        "unread": "1 chưa đọc",
        "with": "Nhắn tin với",
        "waiting": r"^Tin nhắn \((\d+) tin nhắn chưa đọc\)$",
    },
    "en": {
        "signin": "Sign in",
        "password": "Password",
        "write": "Your message",
        "files": "Attach files",
        "send": "Send",
        "messages": "Messages",
        "unread": "1 unread",
        "with": "Messages with",
        "waiting": r"^Messages \((\d+) unread messages?\)$",
    },
}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _quoted(server: Server, lang: str) -> tuple[int, int]:
    """A quote of the demo producer on an open requirement of the demo buyer (one offer per
    language, past those other journeys quote with); the requirement and the quote."""
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        buyer = session.scalar(select(User).where(User.email == DEMO_LOGINS["buyer"]))
        producer = session.scalar(select(User).where(User.email == DEMO_LOGINS["producer"]))
        assert buyer is not None and producer is not None
        requirement = session.scalar(
            select(Requirement.id)
            .where(
                Requirement.organization_id == buyer.organization_id, Requirement.status == "open"
            )
            .order_by(Requirement.id)
        )
        offers = session.scalars(
            select(Offer.id)
            .where(Offer.organization_id == producer.organization_id, Offer.status == "active")
            .order_by(Offer.id.desc())
        ).all()
        assert requirement is not None and len(offers) >= 2
        offer = offers[0 if lang == "vi" else 1]
        found = session.scalar(
            select(Quote.id).where(Quote.requirement_id == requirement, Quote.offer_id == offer)
        )
        if found is None:
            data = QuoteInput.model_validate(
                {"offer_id": offer, "unit_price_vnd": 90_000, "unit": "kg"}
            )
            found = quotes.submit(session, producer, requirement, data).id
        return requirement, found


def _waiting(page: Page, lang: str) -> int:
    """How many unread messages the menu's Messages link says wait, as a screen reader hears
    it, checked against the number it shows (none at zero)."""
    link = page.locator("nav.menu a[href='/messages']")
    heard = re.search(r'link "([^"]+)"', link.aria_snapshot())
    assert heard is not None
    if heard.group(1) == TEXT[lang]["messages"]:
        expect(link.locator(".menu-count")).to_have_count(0)
        return 0
    said = re.fullmatch(TEXT[lang]["waiting"], heard.group(1))
    assert said is not None, heard.group(1)
    count = int(said.group(1))
    expect(link.locator(".menu-count")).to_have_text("9+" if count > 9 else str(count))
    return count


def test_the_buyer_writes_from_the_comparison_and_the_producer_replies(
    journey: Journey, live_server: Server
) -> None:
    t, page = TEXT[journey.lang], journey.page
    requirement_id, quote_id = _quoted(live_server, journey.lang)
    words = f"Chào anh, giao 200 kg về Thủ Đức được không? ({journey.lang})"
    page.set_viewport_size(PHONE)
    journey.sign_in(DEMO_LOGINS["buyer"], DEMO_PASSWORD)
    journey.open(f"/requirements/{requirement_id}/quotes")
    page.locator(f"#quote-{quote_id}").get_by_role("link", name=re.compile(t["with"])).click()
    page.get_by_label(t["write"]).fill(words)
    page.get_by_label(re.compile(t["files"])).set_input_files(
        files=[{"name": "yeu-cau-chat-luong.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name=t["send"], exact=True).click()
    bubble = page.locator(".bubble.mine").last
    expect(bubble).to_contain_text(words)
    expect(bubble).to_contain_text("yeu-cau-chat-luong.pdf")
    journey.shoot("buyer-writes-from-the-comparison")
    thread_path = page.url.split(live_server.url, 1)[1].split("#", 1)[0]

    page.context.clear_cookies()  # type: ignore[attr-defined]
    journey.open(f"/lang/{journey.lang}")
    journey.sign_in(DEMO_LOGINS["producer"], DEMO_PASSWORD)
    waiting = _waiting(page, journey.lang)
    assert waiting >= 1, "the buyer's message waits on the menu"
    page.locator("nav.menu a[href='/messages']").click()
    line = page.locator(".inbox li", has=page.locator(f'a[href="{thread_path}"]'))
    expect(line).to_contain_text(t["unread"])
    journey.shoot("producer-inbox")
    line.get_by_role("link").first.click()
    expect(page.locator(".bubble.theirs").last).to_contain_text(words)
    assert _waiting(page, journey.lang) == waiting - 1, "read, it no longer counts"
    page.get_by_label(t["write"]).fill("Dạ được ạ, giá đã gồm vận chuyển.")
    page.get_by_role("button", name=t["send"], exact=True).click()
    expect(page.locator(".bubble.mine").last).to_contain_text("Dạ được ạ")
    journey.shoot("producer-replies")

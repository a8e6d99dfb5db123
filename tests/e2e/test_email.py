"""Both sides hear about a match by email, over real SMTP and in their own language: a buyer
posts a requirement in the browser and the producer whose product fits is emailed; the buyer
accepts that producer and both are emailed the other's contact details; a producer lists a
product and the buyer it fits is emailed.

The rest of the deployment is real too: PostgreSQL, Redis and a worker process (the
notification engine's integration harness), with the pages served from a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.integration.conftest import (
    PASSWORD,
    Deployment,
    Mailbox,
    Received,
    free_port,
    wait_until,
)

from .conftest import Journey, Server

pytestmark = pytest.mark.integration

TEXT = {
    "vi": {
        "signin": "Đăng nhập", "password": "Mật khẩu", "post": "Đăng nhu cầu",
        "need": "Bạn cần sản phẩm gì?", "submit": "Đăng và xem nhà cung cấp",
        "accept": "Chấp nhận", "accepted": "Đã chấp nhận", "why": "Vì sao phù hợp",
        "add": "Thêm sản phẩm", "product": "Tên sản phẩm", "list": "Đăng sản phẩm",
        "buyers": "Người mua có nhu cầu phù hợp",
        "to_buyer": "Thông tin liên hệ của {producer} cho “{need}”",
        "to_producer": "{buyer} quan tâm đến “{offer}” — thông tin liên hệ",
    },
    "en": {
        "signin": "Sign in", "password": "Password", "post": "Post a requirement",
        "need": "What do you need?", "submit": "Post and see suppliers",
        "accept": "Accept", "accepted": "Accepted", "why": "Why it fits",
        "add": "Add a product", "product": "Product name", "list": "List my product",
        "buyers": "Buyers whose requirements fit",
        "to_buyer": "Contact details of {producer} for “{need}”",
        "to_producer": "{buyer} is interested in “{offer}” — contact details",
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    deployment = Deployment(Path(tmp_path_factory.mktemp("e2e-email")), mailbox, smtp.port)
    try:
        deployment.start_worker()
        yield deployment
    finally:
        deployment.close()
        smtp.stop()


@pytest.fixture(scope="module")
def live_server(deployment: Deployment) -> Iterator[Server]:
    """The deployment's app behind a real HTTP server, for the browser."""
    server = make_server("127.0.0.1", 0, deployment.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{server.server_port}", deployment.app)
    server.shutdown()
    thread.join(timeout=10)


def test_the_fitting_producer_is_emailed_and_the_buyer_accepts_it(
    journey: Journey, deployment: Deployment
) -> None:
    t, page, lang = TEXT[journey.lang], journey.page, journey.lang
    producer, buyer = f"rung-{lang}@htx-uminh.vn", f"mua-{lang}@coop.vn"
    offer = f"Mật ong rừng U Minh ({lang})"
    deployment.producer_with_offer(producer, offer, language=lang)
    deployment.register("buyer", buyer, language=lang, name=f"Saigon Co.op ({lang})")
    deployment.wait_settled()

    journey.sign_in(buyer, PASSWORD)
    page.get_by_role("link", name=t["post"]).first.click()
    page.get_by_label(t["need"]).fill("Mật ong rừng U Minh nguyên chất")
    page.get_by_role("button", name=t["submit"]).click()

    (email,) = wait_until(lambda: deployment.mailbox.to(producer), 60, f"an email to {producer}")
    assert "Mật ong rừng U Minh nguyên chất" in email.subject
    assert t["why"] in email.text

    supplier = page.locator("ol.matches > li.match", has_text=offer)
    supplier.get_by_role("button", name=t["accept"], exact=True).click()
    supplier = page.locator("ol.matches > li.match", has_text=offer)
    expect(supplier.locator(".badge")).to_have_text(t["accepted"])
    expect(supplier.locator("dl.contact")).to_contain_text(producer.split("@")[0])
    journey.shoot("accepted-after-email")

    # Both sides are emailed the other's contact details, each in its own language.
    need, name = "Mật ong rừng U Minh nguyên chất", producer.split("@")[0]
    (to_buyer,) = wait_until(lambda: deployment.mailbox.to(buyer), 60, f"an email to {buyer}")
    assert to_buyer.subject == t["to_buyer"].format(producer=name, need=need)
    assert producer in to_buyer.text

    def both_to_producer() -> list[Received] | None:
        mail = deployment.mailbox.to(producer)
        return mail if len(mail) == 2 else None

    _, to_producer = wait_until(both_to_producer, 60, f"a second email to {producer}")
    assert to_producer.subject == t["to_producer"].format(buyer=f"Saigon Co.op ({lang})",
                                                          offer=offer)  # fmt: skip
    assert buyer in to_producer.text


def test_the_fitting_buyer_is_emailed_when_a_producer_lists_a_product(
    journey: Journey, deployment: Deployment
) -> None:
    t, page, lang = TEXT[journey.lang], journey.page, journey.lang
    producer, buyer = f"sen-{lang}@htx-hue.vn", f"nguon-hang-{lang}@lotte.vn"
    token = deployment.register("buyer", buyer, language=lang, name=f"Lotte Mart ({lang})")
    deployment.post(token, "/api/v1/requirements", {"title": "Hạt sen sấy Huế"})
    deployment.register("producer", producer, language=lang, name=f"HTX Sen Huế ({lang})")
    deployment.wait_settled()

    journey.sign_in(producer, PASSWORD)
    page.get_by_role("link", name=t["add"]).first.click()
    page.get_by_label(t["product"]).fill(f"Hạt sen sấy Huế ({lang})")
    page.locator("#category").select_option("food.raw_processed")
    page.locator("#unit").select_option("kg")
    page.locator("#ocop_stars").select_option("4")
    page.get_by_role("button", name=t["list"]).click()
    expect(page.locator("ol.matches > li.match", has_text="Hạt sen sấy Huế").first).to_be_visible()

    (email,) = wait_until(lambda: deployment.mailbox.to(buyer), 60, f"an email to {buyer}")
    assert f"Hạt sen sấy Huế ({lang})" in email.text
    assert t["why"] in email.text
    journey.shoot("listed-and-buyer-emailed")

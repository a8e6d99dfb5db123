"""A buyer posts a requirement, accepts a supplier, declines another with a reason, finds
suppliers by typing without accents, and narrows a search with filters shown as chips."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.ranking.text import fold

from .conftest import DESKTOP, PHONE, Journey

# The suppliers that fit, not the related products listed apart below them.
FITTING = "section[aria-labelledby=suppliers] ol.matches > li.match"
TEXT = {
    "vi": {
        "signin": "Đăng nhập", "password": "Mật khẩu", "post": "Đăng nhu cầu",
        "need": "Bạn cần sản phẩm gì?", "quantity": "Số lượng mỗi tháng",
        "submit": "Đăng và xem nhà cung cấp", "suppliers": "Nhà cung cấp phù hợp, tốt nhất trước",
        "accept": "Chấp nhận", "accepted": "Đã chấp nhận", "contact": "Liên hệ",
        "decline": "Từ chối", "why": "Vì sao?", "send_decline": "Từ chối với lý do này",
        "declined": "Đã từ chối", "find": "Tìm nhà cung cấp", "search": "Tìm",
        "field": "Sản phẩm hoặc chủ thể", "save": "Lưu vào danh sách chọn",
        "related": "Sản phẩm liên quan",
        "saved": "Đã lưu vào danh sách chọn.", "shortlist": "Danh sách chọn",
        "bad_number": "Nhập một số", "note": "Ghi chú cho đồng nghiệp",
        "note_text": "Hỏi giá sỉ và mẫu thử", "save_note": "Lưu ghi chú",
    },
    "en": {
        "signin": "Sign in", "password": "Password", "post": "Post a requirement",
        "need": "What do you need?", "quantity": "Quantity per month",
        "submit": "Post and see suppliers", "suppliers": "Suppliers that fit, best first",
        "accept": "Accept", "accepted": "Accepted", "contact": "Contact",
        "decline": "Decline", "why": "Why?", "send_decline": "Decline with this reason",
        "declined": "Declined", "find": "Find suppliers", "search": "Search",
        "field": "Product or producer", "save": "Save to shortlist",
        "related": "Related products",
        "saved": "Saved to your shortlist.", "shortlist": "Shortlist",
        "bad_number": "Enter a number", "note": "Note for your colleagues",
        "note_text": "Ask for wholesale prices and samples", "save_note": "Save note",
    },
}  # fmt: skip


def test_buyer_posts_a_requirement_and_accepts_a_supplier(journey: Journey) -> None:
    t, page = TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["buyer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()

    page.get_by_role("link", name=t["post"]).first.click()
    page.get_by_label(t["need"]).fill(f"Gạo thơm cho chuỗi cửa hàng ({journey.lang})")
    page.get_by_label(t["quantity"]).fill("ba trăm")
    page.locator("#unit").select_option("kg")
    page.locator("#min_ocop_stars").select_option("3")
    page.get_by_role("button", name=t["submit"]).click()
    expect(page.locator("#quantity_per_month-error")).to_contain_text(t["bad_number"])
    expect(page.get_by_label(t["need"])).to_have_value(
        f"Gạo thơm cho chuỗi cửa hàng ({journey.lang})"
    )
    journey.shoot("requirement-form-error")
    page.get_by_label(t["quantity"]).fill("300")
    page.get_by_role("button", name=t["submit"]).click()

    expect(page.get_by_role("heading", name=t["suppliers"])).to_be_visible()
    suppliers = page.locator(FITTING)
    expect(suppliers.first).to_be_visible()
    expect(suppliers.first.locator("ul.reasons li").first).to_be_visible()
    journey.shoot("supplier-shortlist")

    first = suppliers.first
    first.get_by_role("button", name=t["accept"], exact=True).click()
    first = page.locator(FITTING).first
    expect(first.locator(".badge")).to_have_text(t["accepted"])
    expect(first.locator("dl.contact")).to_contain_text(t["contact"])

    second = page.locator(FITTING).nth(1)
    declined_title = second.locator("h3").inner_text()
    second.locator("summary", has_text=t["decline"]).click()
    second.get_by_label(t["why"]).select_option("price")
    second.get_by_role("button", name=t["send_decline"]).click()
    # A declined supplier leaves the list for good; the accepted one stays, with its contact.
    expect(page.locator(FITTING, has_text=declined_title)).to_have_count(0)
    expect(page.locator(FITTING).locator(".badge", has_text=t["accepted"])).to_have_count(1)
    journey.shoot("accepted-and-declined")

    page.get_by_role("link", name=t["find"]).first.click()
    page.get_by_label(t["field"]).fill("kho ca sac")
    page.get_by_role("button", name=t["search"], exact=True).click()
    hits = page.locator(".results > .cards > li")
    expect(hits.first.locator("mark").first).to_be_visible()
    expect(hits.first.locator("h3")).to_contain_text("cá sặc")
    # Typed without accents, "khô cá sặc" is that fish only; other dried fish need "kho ca".
    expect(hits).to_have_count(1)
    journey.shoot("search-without-accents")
    # So few found: other dried fish follow apart, under the results on a phone too.
    related = page.locator("section.related-products")
    expect(related.get_by_role("heading", name=t["related"])).to_be_visible()
    related_titles = related.locator(".cards > li h3").all_inner_texts()
    assert related_titles and not any("cá sặc" in x.lower() for x in related_titles)
    page.set_viewport_size(PHONE)
    found, apart = hits.first.bounding_box(), related.bounding_box()
    assert found and apart and found["y"] + found["height"] <= apart["y"], (found, apart)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    journey.shoot("search-with-related-products")
    page.set_viewport_size(DESKTOP)
    page.get_by_label(t["field"]).fill("kho ca")
    page.get_by_role("button", name=t["search"], exact=True).click()
    expect(hits.nth(2)).to_be_visible()
    # The shortlist is the buyer's, shared by its colleagues: skip what a run saved before.
    unsaved = hits.filter(has=page.get_by_role("button", name=t["save"])).first
    title = unsaved.locator("h3").inner_text()
    unsaved.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])
    page.get_by_role("link", name=t["shortlist"]).first.click()
    saved = page.locator(".cards > li", has_text=title)
    expect(saved).to_be_visible()
    saved.get_by_label(t["note"]).fill(t["note_text"])
    saved.get_by_role("button", name=t["save_note"]).click()
    expect(page.get_by_role("status")).to_contain_text(t["saved"])
    page.reload()
    saved = page.locator(".cards > li", has_text=title)
    expect(saved.get_by_label(t["note"])).to_have_value(t["note_text"])
    journey.shoot("shortlist-with-note")


SEARCH_TEXT = {
    "vi": {"three_stars": "Từ 3 sao trở lên", "max_price": "Giá cao nhất (₫/đơn vị)",
           "apply": "Áp dụng", "clear_all": "Xóa tất cả", "remove": "Bỏ lọc"},
    "en": {"three_stars": "3 stars or more", "max_price": "Highest price (₫/unit)",
           "apply": "Apply", "clear_all": "Clear all", "remove": "Remove the filter"},
}  # fmt: skip
# Every <mark> is a whole word: no letter right before or after it in its text.
_HALF_MARKED = """() => [...document.querySelectorAll('.results mark')].filter(m => {
  const before = m.previousSibling ? m.previousSibling.textContent.slice(-1) : '';
  const after = m.nextSibling ? m.nextSibling.textContent.slice(0, 1) : '';
  return /[\\p{L}\\p{N}]/u.test(before + after);
}).map(m => m.parentElement.textContent)"""


def _only_coffee(page: object) -> None:
    """Every listing found is a coffee (typed "ca phe": no "cá", no "phê" of anything else),
    titled in Vietnamese or in English ("Hải Đăng Arabica coffee")."""
    titles = page.locator(".results > .cards > li h3")  # type: ignore[attr-defined]
    expect(titles.first).to_be_visible()
    found = titles.all_inner_texts()
    assert found and all(
        "cà phê" in title.lower() or title.lower().endswith("coffee") for title in found
    ), found


def test_buyer_narrows_a_search_and_removes_a_filter_on_a_phone_and_a_desktop(
    journey: Journey,
) -> None:
    t, s, page = TEXT[journey.lang], SEARCH_TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["buyer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()

    for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.get_by_role("link", name=t["find"]).first.click()
        page.get_by_label(t["field"]).fill("ca phe")
        page.get_by_role("button", name=t["search"], exact=True).click()
        page.locator(".facets a.facet", has_text=s["three_stars"]).first.click()
        page.get_by_label(s["max_price"]).fill("500000")
        page.get_by_role("button", name=s["apply"], exact=True).click()

        chips = page.locator(".chips a.chip")
        expect(chips).to_have_count(2)
        _only_coffee(page)
        results, facets = (
            page.locator(".results").bounding_box(),
            page.locator(".facets").bounding_box(),
        )
        assert results and facets
        if width == "phone":  # the results first, the filters a link away
            assert results["y"] < facets["y"], (results, facets)
            expect(page.locator(".to-filters a")).to_be_visible()
        else:  # the filters beside the results
            assert facets["x"] < results["x"], (results, facets)
            expect(page.locator(".to-filters a")).to_be_hidden()
        expect(page.get_by_role("link", name=s["clear_all"])).to_be_visible()
        expect(chips.first).to_have_attribute("aria-label", re.compile(s["remove"]))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{width}: the page is {overflow}px wider than the window"
        journey.shoot(f"search-chips-at-{width}-width")
        page.set_viewport_size(size)  # the screenshots end at desktop width

        page.locator(".chips a.chip[data-filter=min_stars]").click()
        expect(chips).to_have_count(1)
        expect(chips.first).to_have_attribute("data-filter", "max_price")
        expect(page.get_by_label(s["max_price"])).to_have_value("500000")
        marks = page.locator(".results .cards > li h3 mark")
        expect(marks.first).to_be_visible()
        for text in marks.all_inner_texts():
            assert fold(text) in ("ca", "phe"), text
        assert page.evaluate(_HALF_MARKED) == []
        _only_coffee(page)
        journey.shoot(f"search-chip-removed-at-{width}-width")
        page.set_viewport_size(size)
        page.get_by_role("link", name=s["clear_all"]).click()
        expect(chips).to_have_count(0)


REQUEST_TEXT = {
    "vi": {"only": re.compile(r"Chỉ có \d nhà cung cấp phù hợp với nhu cầu này"),
           "none": re.compile(r"Chưa có nhà cung cấp nào phù hợp"),
           "one": "Chỉ có 1 nhà cung cấp phù hợp với nhu cầu này", "related": "Sản phẩm liên quan",
           "widen": "Tìm nhà cung cấp theo"},
    "en": {"only": re.compile(r"Only \d suppliers fit this request"),
           "none": "No supplier fits this request yet.",
           "one": "Only one supplier fits this request", "related": "Related products",
           "widen": "Search every supplier for"},
}  # fmt: skip
_WIDER_THAN_WINDOW = "document.documentElement.scrollWidth - window.innerWidth"


def _post_one_line(journey: Journey, title: str) -> None:
    t, page = TEXT[journey.lang], journey.page
    journey.open("/buyer/requirements/new")
    page.get_by_label(t["need"]).fill(title)
    page.get_by_role("button", name=t["submit"]).click()
    expect(page.get_by_role("heading", name=t["suppliers"])).to_be_visible()


def _fits_the_window(journey: Journey, name: str) -> None:
    for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
        journey.page.set_viewport_size(size)
        overflow = journey.page.evaluate(_WIDER_THAN_WINDOW)
        assert overflow <= 0, f"{name} at {width} width: {overflow}px wider than the window"


def test_a_one_line_requirement_lists_only_suppliers_of_that_product_and_related_ones_apart(
    journey: Journey,
) -> None:
    t, r, page = TEXT[journey.lang], REQUEST_TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["buyer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()

    # Honey, typed without accents: the catalogue's honeys, nothing else, and how few.
    page.set_viewport_size(PHONE)
    _post_one_line(journey, "mat ong")
    suppliers = page.locator(f"{FITTING} h3")
    expect(suppliers.first).to_be_visible()
    titles = suppliers.all_inner_texts()
    assert titles and all("mật ong" in title.lower() for title in titles), titles
    expect(page.locator(".few-fit-count")).to_have_text(r["only"])
    expect(page.locator(".widen a", has_text=r["widen"])).to_be_visible()
    _fits_the_window(journey, "honey request")
    journey.shoot("one-line-request-few-fit")

    # Wild honey: none is listed, so none fits; the flower honeys follow as related products,
    # their producers not told of the request.
    _post_one_line(journey, "mat ong rung")
    expect(page.locator(f"{FITTING} h3")).to_have_count(0)
    expect(page.locator(".few-fit-count")).to_have_text(r["none"])
    related = page.locator("section.related-products")
    expect(related.get_by_role("heading", name=r["related"])).to_be_visible()
    honeys = related.locator("li.match h3").all_inner_texts()
    assert honeys and all("mật ong" in x.lower() for x in honeys), honeys

    # Purple sweet potato: one fits; plain sweet potatoes follow as related products.
    page.set_viewport_size(PHONE)
    _post_one_line(journey, "khoai lang tim")
    fitting = page.locator(f"{FITTING} h3")
    expect(fitting).to_have_count(1)
    assert "khoai lang tím" in fitting.first.inner_text().lower()
    expect(page.locator(".few-fit-count")).to_contain_text(r["one"])
    related = page.locator("section.related-products")
    expect(related.get_by_role("heading", name=r["related"])).to_be_visible()
    related_titles = related.locator("li.match h3").all_inner_texts()
    # Related: other sweet potatoes, whether listed in Vietnamese or in English.
    assert related_titles and all(
        "khoai lang" in x.lower() or "sweet potato" in x.lower() for x in related_titles
    ), related_titles
    assert not any("khoai lang tím" in x.lower() for x in related_titles), related_titles
    _fits_the_window(journey, "sweet potato request")
    journey.shoot("one-line-request-with-related-products")

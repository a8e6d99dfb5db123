"""A producer signs up, lists a product (after fixing a mistake) and sees a matching buyer."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from matchmaker.ranking import reference

from .conftest import Journey

TEXT = {
    "vi": {
        "signup": "Tạo tài khoản", "role": "Chủ thể sản xuất (tôi bán sản phẩm OCOP)",
        "name": "Họ và tên", "password": "Mật khẩu (ít nhất 8 ký tự)",
        "org": "Tên tổ chức", "create": "Tạo tài khoản của tôi", "add": "Thêm sản phẩm",
        "product": "Tên sản phẩm", "price": "Giá mỗi đơn vị (đồng)", "list": "Đăng sản phẩm",
        "fix": "Vui lòng sửa các ô được đánh dấu", "bad_url": "Nhập địa chỉ web",
        "buyers": "Người mua có nhu cầu phù hợp", "public": "Trang công khai",
        "trace": "Truy xuất nguồn gốc", "typed_price": "85.000", "shown_price": "85.000",
    },
    "en": {
        "signup": "Create an account", "role": "Producer (I sell OCOP products)",
        "name": "Your name", "password": "Password (at least 8 characters)",
        "org": "Organization name", "create": "Create my account", "add": "Add a product",
        "product": "Product name", "price": "Price per unit (VND)", "list": "List my product",
        "fix": "Please correct the fields marked below", "bad_url": "Enter a web address",
        "buyers": "Buyers whose requirements fit", "public": "Public page",
        "trace": "Traceability", "typed_price": "85,000", "shown_price": "85,000",
    },
}  # fmt: skip


def test_producer_lists_a_product_and_sees_a_matching_buyer(journey: Journey) -> None:
    t, page = TEXT[journey.lang], journey.page
    province = reference.resolve_province("Đồng Tháp")
    assert province is not None

    # Keyboard users land on "skip to content" first, and the sign-up form answers to keys.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.get_by_role("link", name=t["signup"]).first.focus()
    page.keyboard.press("Enter")
    page.get_by_label(t["role"]).focus()
    page.keyboard.press("Space")
    expect(page.get_by_label(t["role"])).to_be_checked()
    page.get_by_label(t["name"]).fill("Phạm Thị Lan")
    page.get_by_label("Email").fill(f"lan-{journey.lang}-{uuid.uuid4().hex[:6]}@htx-dongthap.vn")
    page.get_by_label(t["password"]).fill("ca-sac-kho-2025")
    page.get_by_label(t["org"]).fill(f"HTX Thủy sản Tam Nông ({journey.lang})")
    page.locator("#entity_type").select_option("cooperative")
    page.locator("#province").select_option(province.province.code)
    journey.shoot("signup")
    page.get_by_role("button", name=t["create"]).click()

    page.get_by_role("link", name=t["add"]).first.click()
    page.get_by_label(t["product"]).fill("Khô cá sặc bổi Tam Nông")
    page.locator("#category").select_option("food.processed")
    page.locator("#unit").select_option("kg")
    page.locator("#ocop_stars").select_option("4")
    page.get_by_label("HACCP").check()
    page.locator("#monthly_capacity").fill("800")
    page.get_by_label(t["price"]).fill(t["typed_price"])
    page.locator("#shelf_life_days").fill("180")
    page.locator("#traceability_url").fill("truyxuat dot vn/kho-ca-sac")
    page.get_by_role("button", name=t["list"]).click()

    # The mistake is explained next to the field, and nothing typed is lost.
    expect(page.get_by_role("alert")).to_contain_text(t["fix"])
    expect(page.locator("#traceability_url-error")).to_contain_text(t["bad_url"])
    expect(page.get_by_label(t["product"])).to_have_value("Khô cá sặc bổi Tam Nông")
    expect(page.get_by_label(t["price"])).to_have_value(t["typed_price"])
    expect(page.get_by_label("HACCP")).to_be_checked()
    journey.shoot("product-form-error")

    page.locator("#traceability_url").fill("https://truyxuat.vn/kho-ca-sac-tam-nong")
    page.get_by_role("button", name=t["list"]).click()

    heading = page.get_by_role("heading", name=t["buyers"])
    expect(heading).to_be_visible()
    buyers = page.locator("ol.matches > li")
    expect(buyers.first).to_be_visible()
    fitting = buyers.filter(has_text=re.compile(r"c[aá] s[aặ]c", re.IGNORECASE))
    expect(fitting.first).to_be_visible()
    expect(fitting.first.locator("ul.reasons li").first).to_be_visible()
    journey.shoot("matching-buyers")

    page.get_by_role("link", name=t["public"]).click()
    expect(page.get_by_role("heading", name="Khô cá sặc bổi Tam Nông")).to_be_visible()
    expect(page.get_by_role("heading", name=t["trace"])).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(t["shown_price"])
    journey.shoot("public-product")

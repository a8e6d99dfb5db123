"""A household takes over the listing its province imported: it registers under the listed
name, waits, the province's officer approves, and it reads its product's history, on a phone
too, in Vietnamese and in English."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.accounts.models import User
from matchmaker.catalog import services
from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.catalog.history import ChangedBy, record_changes
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.ranking import reference

from .conftest import Journey, Server

TEXT = {
    "vi": {
        "signup": "Tạo tài khoản", "role": "Chủ thể sản xuất (tôi bán sản phẩm OCOP)",
        "name": "Họ và tên", "password": "Mật khẩu (ít nhất 8 ký tự)", "org": "Tên tổ chức",
        "create": "Tạo tài khoản của tôi", "waiting": "Tài khoản của bạn đang chờ duyệt",
        "signin": "Đăng nhập", "signout": "Đăng xuất",
        "requests": "Yêu cầu của chủ thể", "approve": "Duyệt:", "approved": "nay quản lý",
        "history": "Lịch sử thay đổi", "by_import": "nhập danh sách danh-sach-2025.xlsx",
        "stars": "Hạng sao OCOP", "accounts": "Tài khoản",
    },
    "en": {
        "signup": "Create an account", "role": "Producer (I sell OCOP products)",
        "name": "Your name", "password": "Password (at least 8 characters)",
        "org": "Organization name", "create": "Create my account",
        "waiting": "Your account is waiting for approval", "signin": "Sign in",
        "signout": "Sign out",
        "requests": "Producers' requests", "approve": "Approve:", "approved": "now keeps",
        "history": "History of changes", "by_import": "import of danh-sach-2025.xlsx",
        "stars": "OCOP stars", "accounts": "Accounts",
    },
}  # fmt: skip


def _listed_by_the_province(server: Server, name: str) -> None:
    """A producer and its product as the Tây Ninh office's import left them: no account."""
    with unit_of_work(get_database(server.app).sessions) as session:  # type: ignore[arg-type]
        officer = session.scalars(select(User).where(User.email == DEMO_LOGINS["officer"])).one()
        org = services.create_organization(session, {
            "kind": "producer", "name": name, "province": "Tây Ninh",
            "contact_email": f"{uuid.uuid4().hex[:8]}@gmail.com", "entity_type": "household",
        })  # fmt: skip
        offer = services.create_offer(session, org, {
            "title": "Mãng cầu Bà Đen", "category": "food", "unit": "kg", "ocop_stars": 4,
        })  # fmt: skip
        record_changes(session, offer.id, {"ocop_stars": 3}, {"ocop_stars": 4},
                       ChangedBy(officer.id, "danh-sach-2025.xlsx"))  # fmt: skip


def test_a_household_claims_its_listing_and_reads_its_history(
    journey: Journey, live_server: Server
) -> None:
    t, page = TEXT[journey.lang], journey.page
    name = f"Hộ kinh doanh Mãng cầu Bà Đen {journey.lang} {uuid.uuid4().hex[:4]}"
    _listed_by_the_province(live_server, name)
    email, password = f"chi-ba-{uuid.uuid4().hex[:6]}@example.vn", "mang-cau-ba-den-2025"
    tay_ninh = reference.resolve_province("Tây Ninh")
    assert tay_ninh is not None

    page.get_by_role("link", name=t["signup"]).first.click()
    page.get_by_label(t["role"]).check()
    page.get_by_label(t["name"]).fill("Chị Ba")
    page.get_by_label("Email").fill(email)
    page.get_by_label(t["password"]).fill(password)
    page.get_by_label(t["org"]).fill(name.replace("Mãng cầu Bà Đen", "mang cau Ba Den"))
    page.locator("#entity_type").select_option("household")
    page.locator("#province").select_option(tay_ninh.province.code)
    page.get_by_role("button", name=t["create"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t["waiting"])
    expect(page.get_by_role("status")).to_contain_text(name)
    journey.shoot("claim-waiting")

    journey.sign_in(DEMO_LOGINS["officer"], DEMO_PASSWORD)
    page.get_by_role("link", name=t["requests"]).first.click()
    request = page.locator("li.claim", has_text=name)
    expect(request).to_contain_text(email)
    journey.shoot("claims")
    request.get_by_role("button", name=t["approve"]).click()
    expect(page.get_by_role("status").or_(page.locator(".flash"))).to_contain_text(t["approved"])
    # The account is among the province's accounts, whose table pans inside itself on a phone.
    page.get_by_role("link", name=t["accounts"], exact=True).click()
    expect(page.locator("table.data")).to_contain_text(email)
    journey.shoot("accounts")
    page.get_by_role("button", name=t["signout"]).click()

    journey.sign_in(email, password)
    page.get_by_role("link", name="Mãng cầu Bà Đen").first.click()
    history = page.locator("section.history")
    expect(history.get_by_role("heading")).to_have_text(t["history"])
    expect(history).to_contain_text(t["by_import"])
    expect(history).to_contain_text(t["stars"])
    journey.shoot("history")

"""An officer imports a province's OCOP list with bad rows, sees them reported, and finds the
new products counted on the dashboard."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import expect

from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import Journey

TEXT = {
    "vi": {
        "signin": "Đăng nhập", "password": "Mật khẩu", "listed": "sản phẩm đang đăng",
        "import": "Nhập danh sách", "file": "Danh sách OCOP (XLSX hoặc CSV)",
        "preview": "Xem trước kết quả nhập", "rejected": "Các dòng bị loại",
        "confirm": "Nhập các dòng hợp lệ", "done": "Đã nhập xong",
        "dashboard": "Xem trang tổng quan",
        "funnel": "Phễu kết nối", "reach": "Gợi ý đến được với ai", "household": "Hộ kinh doanh",
        "accounts": "Tài khoản",
    },
    "en": {
        "signin": "Sign in", "password": "Password", "listed": "listed products",
        "import": "Import a list", "file": "OCOP list (XLSX or CSV)",
        "preview": "Preview the import", "rejected": "Rejected rows",
        "confirm": "Import the good rows", "done": "Import finished",
        "dashboard": "See the dashboard", "funnel": "Match funnel",
        "reach": "Who the suggestions reach", "household": "Household business",
        "accounts": "Accounts",
    },
}  # fmt: skip
GOOD = 3


def _province_list(folder: Path, lang: str) -> Path:
    """A list as provinces publish it: a title block, then one row per product."""
    book = Workbook()
    sheet = book.active
    sheet.append([f"DANH SÁCH SẢN PHẨM OCOP TỈNH TÂY NINH NĂM {date.today().year}"])
    sheet.append([])
    sheet.append(["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao", "Nhóm sản phẩm", "Địa chỉ",
                  "Ngày cấp"])  # fmt: skip
    issued = date.today().replace(day=1).strftime("%d/%m/%Y")
    rows = [
        (f"Bánh tráng phơi sương Trảng Bàng {lang}", "Hộ kinh doanh Bảy Lụa", "4 sao",
         "Thực phẩm chế biến", "Trảng Bàng, Tây Ninh", issued),
        (f"Muối tôm Tây Ninh {lang}", "HTX Nông nghiệp Hòa Thành", "3 sao", "Gia vị",
         "Hòa Thành, Tây Ninh", issued),
        (f"Mãng cầu sấy dẻo Bà Đen {lang}", "Công ty TNHH Mãng Cầu Bà Đen", "3 sao",
         "Thực phẩm chế biến", "Long An", issued),
        (f"Nước mắm cá linh {lang}", "Hộ Tư Hùng", "6 sao", "Thực phẩm chế biến",
         "Tân Hưng, Long An", issued),
        (f"Chổi đót {lang}", "Tổ hợp tác Chổi đót Tân Biên", "3 sao", "Không rõ nhóm",
         "Tân Biên, Tây Ninh", issued),
    ]  # fmt: skip
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    path = folder / f"ocop-tay-ninh-{lang}.xlsx"
    book.save(path)
    return path


def _listed(journey: Journey, label: str) -> int:
    kpi = journey.page.locator(".kpis li", has_text=label).locator(".kpi")
    return int(re.sub(r"\D", "", kpi.inner_text()))


def test_officer_imports_a_list_and_sees_the_dashboard_updated(
    journey: Journey, tmp_path: Path
) -> None:
    t, page = TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["officer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()

    expect(page.locator("figure.chart", has_text=t["funnel"])).to_be_visible()
    reach = page.locator("section[aria-labelledby=reach]")
    expect(reach.get_by_role("row", name=re.compile(t["household"]))).to_be_visible()
    before = _listed(journey, t["listed"])
    journey.shoot("dashboard-before")

    page.get_by_role("link", name=t["import"]).first.click()
    page.get_by_label(t["file"]).set_input_files(_province_list(tmp_path, journey.lang))
    page.get_by_role("button", name=t["preview"]).click()

    rejected = page.locator("table.rejected tbody tr")
    expect(page.get_by_role("heading", name=t["rejected"])).to_be_visible()
    expect(rejected).to_have_count(2)
    expect(rejected.nth(0)).to_contain_text(f"Nước mắm cá linh {journey.lang}")
    expect(rejected.nth(1)).to_contain_text(f"Chổi đót {journey.lang}")
    journey.shoot("import-preview")
    page.get_by_role("button", name=t["confirm"]).click()

    expect(page.get_by_role("heading", name=t["done"])).to_be_visible()
    expect(page.locator("table.rejected tbody tr")).to_have_count(2)
    journey.shoot("import-report")

    page.get_by_role("link", name=t["dashboard"]).click()
    expect(page.locator("figure.chart", has_text=t["funnel"])).to_be_visible()
    assert _listed(journey, t["listed"]) == before + GOOD
    journey.shoot("dashboard-after")

    page.get_by_role("link", name=t["accounts"]).first.click()
    expect(page.get_by_role("heading", name=t["accounts"])).to_be_visible()

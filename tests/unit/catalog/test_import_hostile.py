"""Hostile and oversized files: each is refused with a coded message (or read within the
bounds), and reading it grows the process's memory by less than 300 MB (measured in a fresh
process). The files are generated here, never committed."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.importer import UnreadableFile, import_offers
from matchmaker.catalog.models import Offer
from matchmaker.catalog.spreadsheets import read_tables
from matchmaker.settings import ImportSettings

MEMORY_BOUND_MB = 300
HEADER = "STT,Tên sản phẩm,Chủ thể,Tỉnh,Phân nhóm,Hạng sao\n"
ROW = "{n},Bánh tráng phơi sương số {n},HTX Bánh tráng Trảng Bàng,Tây Ninh,Thực phẩm chế biến,4\n"

_MEASURE = """
import json, resource, sys
from pathlib import Path
import openpyxl, defusedxml.ElementTree  # imported before the baseline: not the file's cost
from matchmaker.catalog.spreadsheets import UnreadableFile, read_tables
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    sheets = read_tables(Path(sys.argv[1]))
    out = {"rows": sum(len(s.rows) for s in sheets)}
except UnreadableFile as error:
    out = {"code": error.code}
out["grew_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
print(json.dumps(out))
"""


def read_in_fresh_process(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def workbook_with(path: Path, sheet_xml: bytes | None = None, strings_xml: bytes | None = None,
                  compress: int = zipfile.ZIP_DEFLATED) -> Path:  # fmt: skip
    """A real workbook whose first sheet (or shared strings) is replaced by ``*_xml``."""
    plain = path.with_suffix(".plain.xlsx")
    book = Workbook()
    book.active.append(["Tên sản phẩm", "Chủ thể", "Hạng sao"])
    book.active.append(["Mật ong Ba Vì", "HTX Ong mật Ba Vì", 3])
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", compress) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml
            if item.filename == "xl/sharedStrings.xml" and strings_xml is not None:
                data = strings_xml
            target.writestr(item.filename, data)
    plain.unlink()
    return path


SHEET_NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)
    ]
    return (
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + b"".join(entities) + b"]>"
        b"<worksheet " + SHEET_NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        b"&lol9;</t></is></c></row></sheetData></worksheet>"
    )


def nested_entities(depth: int = 100_000) -> bytes:
    entities = [b'<!ENTITY e0 "x">'] + [
        b'<!ENTITY e%d "&e%d;">' % (i, i - 1) for i in range(1, depth)
    ]
    return (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [' + b"".join(entities) + b"]>"
        b"<worksheet " + SHEET_NS + b'><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e%d;'
        b"</t></is></c></row></sheetData></worksheet>" % (depth - 1)
    )


def dimension_bomb() -> bytes:
    """A sheet that claims 1,048,576 rows x 16,384 columns and fills its last cell."""
    return (
        b'<?xml version="1.0"?><worksheet ' + SHEET_NS + b'><dimension ref="A1:XFD1048576"/>'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>STT</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )


def empty_cells_bomb(path: Path, rows: int = 400_000, columns: int = 100) -> Path:
    """A zip of a few hundred kilobytes whose sheet unpacks to 40 million empty cells."""
    workbook_with(path)
    row = b"<row>" + b"<c/>" * columns + b"</row>"
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as target,
        target.open("xl/worksheets/sheet2.xml", "w") as sheet,
    ):
        sheet.write(b'<?xml version="1.0"?><worksheet ' + SHEET_NS + b"><sheetData>")
        for _ in range(rows // 1000):
            sheet.write(row * 1000)
        sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 1024 * 1024
    return path


def nine_mb_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        n = 0
        while out.tell() < 9 * 1024 * 1024:
            n += 1
            out.write(ROW.format(n=n))
    return path


def _laughs(path: Path) -> Path:
    return workbook_with(path, sheet_xml=billion_laughs())


def _nested(path: Path) -> Path:
    return workbook_with(path, sheet_xml=nested_entities())


def _dimension(path: Path) -> Path:
    return workbook_with(path, sheet_xml=dimension_bomb())


def _picture(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 400)
    return path


def _program(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 400)
    return path


@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("laughs.xlsx", _laughs, "import.unsafe_xlsx"),
        ("nested.xlsx", _nested, "import.unsafe_xlsx"),
        ("dimension.xlsx", _dimension, "import.too_many_rows"),
        ("cells.xlsx", empty_cells_bomb, "import.unpacked_too_large"),
        ("nine.csv", nine_mb_csv, "import.too_many_rows"),
        ("picture.csv", _picture, "import.binary_file"),
        ("program.csv", _program, "import.binary_file"),
    ],
)
def test_hostile_file_is_refused_with_a_code_in_bounded_memory(
    tmp_path: Path, name: str, make: object, code: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    result = read_in_fresh_process(path)
    assert result.get("code") == code, result
    assert float(result["grew_mb"]) < MEMORY_BOUND_MB, result  # type: ignore[arg-type]


def test_nine_mb_csv_within_raised_bounds_is_read_in_bounded_memory(tmp_path: Path) -> None:
    path = nine_mb_csv(tmp_path / "nine.csv")
    measure = _MEASURE.replace(
        "read_tables(Path(sys.argv[1]))",
        "read_tables(Path(sys.argv[1]), limits=__import__('matchmaker.settings').settings"
        ".ImportSettings(max_rows=200_000))",
    )
    done = subprocess.run(
        [sys.executable, "-c", measure, str(path)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    assert result["rows"] > 80_000, result
    assert result["grew_mb"] < MEMORY_BOUND_MB, result


def test_the_workbook_xml_is_parsed_with_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (ImportSettings(max_file_mb=0.001), "import.file_too_large"),
        (ImportSettings(max_rows=2), "import.too_many_rows"),
        (ImportSettings(max_columns=3), "import.too_many_columns"),
    ],
)
def test_each_bound_has_its_coded_message(
    tmp_path: Path, limits: ImportSettings, code: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "".join(ROW.format(n=n) for n in range(1, 30)), encoding="utf-8")
    with pytest.raises(UnreadableFile) as refused:
        read_tables(path, limits=limits)
    assert refused.value.code == code


def test_a_nul_byte_is_cleaned_and_a_too_long_cell_refuses_only_its_row(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(
        HEADER.encode()
        + "1,Bánh tráng\x00 Trảng Bàng,HTX Bánh tráng,Tây Ninh,Thực phẩm chế biến,4\n".encode()
        + ("2,Muối tôm " + "x" * 200 + ",Cơ sở Tân Nhiên,Tây Ninh,Gia vị,3\n").encode()
        + "3,Mãng cầu sấy,Công ty Bà Đen,Tây Ninh,Thực phẩm chế biến,3\n".encode()
    )

    report = import_offers(
        sessions, path, limits=ImportSettings(max_cell_chars=100), today=date(2025, 1, 1)
    )

    assert report.created == 2
    assert [(p.row, [e.code for e in p.problems]) for p in report.rejected] == [
        (3, ["import.cell_too_long"])
    ]
    assert [(p.row, [e.code for e in p.problems]) for p in report.warnings] == [
        (2, ["import.control_characters_removed"])
    ]
    assert set(db.scalars(select(Offer.title))) == {"Bánh tráng Trảng Bàng", "Mãng cầu sấy"}

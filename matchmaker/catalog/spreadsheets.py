"""Reading the spreadsheets provinces publish: CSV in whatever encoding, or XLSX.

The result is a grid of cell values with the spreadsheet's own row numbers, so that a report
can say "row 17" and mean the row a person sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from matchmaker.errors import Invalid

Cell = str | int | float | date | datetime | None


class UnreadableFile(Invalid):
    """The file cannot be read as a table at all; nothing was imported."""


@dataclass(frozen=True)
class Sheet:
    rows: list[tuple[int, list[Cell]]]  # (spreadsheet row number, cells)
    encoding: str | None = None


def read_table(path: Path, *, sheet: str | None = None) -> Sheet:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".xls",):
        raise UnreadableFile("import.xls_unsupported")
    return _read_csv(path)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16, else the detected legacy code
    page (Vietnamese Windows-1258 or Western Windows-1252). Returns (text, encoding)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1258", "cp1252"]).best()
    if best is None:
        raise UnreadableFile("import.unknown_encoding")
    # Windows-1258 spells tones as combining marks; compose them as every other source does.
    return unicodedata.normalize("NFC", str(best)), best.encoding


def _read_csv(path: Path) -> Sheet:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile("import.cannot_open", reason=exc.strerror or "") from exc
    if not data.strip():
        raise UnreadableFile("import.empty_file")
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFile("import.xlsx_named_wrong")
    text, encoding = decode_text(data)
    delimiter = _delimiter(text)
    rows: list[tuple[int, list[Cell]]] = [
        (number, [cell.strip() or None for cell in row])
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    ]
    return Sheet(rows=rows, encoding=encoding)


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns.

    csv.Sniffer is thrown off by the title lines that precede the header in most lists.
    """
    head = text[:20_000].splitlines()[:30]

    def widest(delimiter: str) -> int:
        return max((len(row) for row in csv.reader(head, delimiter=delimiter)), default=0)

    return max(",;\t|", key=widest)


def _read_xlsx(path: Path, sheet: str | None) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile("import.bad_xlsx", reason=str(exc)) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UnreadableFile("import.no_sheet", sheet=sheet, sheets=list(workbook.sheetnames))
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = [
            (number, [_xlsx_cell(v) for v in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return Sheet(rows=rows)


def _xlsx_cell(value: Any) -> Cell:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    if isinstance(value, bool):
        return str(value)
    return value  # type: ignore[no-any-return]


def iter_nonempty(rows: list[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in rows:
        if any(c not in (None, "") for c in cells):
            yield number, cells

"""Reading the spreadsheets provinces publish: CSV in whatever encoding, or XLSX.

The result is a grid of cell values with the spreadsheet's own row numbers, so that a report
can say "row 17" and mean the row a person sees in Excel; a workbook gives one grid per sheet
(provinces often keep one sheet per district).

A file is read within bounds (:class:`~matchmaker.settings.ImportSettings`): its size, an
XLSX's unpacked size and packing ratio (checked from the zip's directory before any XML is
parsed), rows, columns and cell length; a file past one is refused with a coded message as
soon as the bound is passed, without reading the rest. Workbooks are read row by row
(openpyxl's read-only mode, the sheet's declared dimension ignored) and their XML parsed with
defusedxml, which refuses entity declarations (the "billion laughs"). Control characters (a
NUL byte...) are removed from the cells and the rows they were in noted; a cell longer than
the bound is cut and its row noted, so that the import refuses that row, not the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from matchmaker.errors import Invalid
from matchmaker.settings import ImportSettings

Cell = str | int | float | date | datetime | None

MB = 1024 * 1024
# A zip's unpacked size below this is not judged by its packing ratio (tiny files pack well).
RATIO_FLOOR_BYTES = 5 * MB
MAX_ZIP_MEMBERS = 10_000
# What is read of a CSV file to find its header at upload time.
HEAD_BYTES = 64 * 1024
# C0 and C1 control characters but tab and line breaks, and the replacement character that
# undecodable bytes become.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",
                 b"MZ", b"\x7fELF")  # fmt: skip
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)


class UnreadableFile(Invalid):
    """The file cannot be read as a table at all; nothing was imported."""


@dataclass(frozen=True)
class Sheet:
    rows: list[tuple[int, list[Cell]]]  # (spreadsheet row number, cells)
    encoding: str | None = None
    name: str | None = None  # the workbook's sheet name; None for a CSV file
    # Rows whose cells had control characters, removed.
    cleaned: frozenset[int] = frozenset()
    # Rows with a cell longer than the bound, cut to it: the import refuses them.
    too_long: frozenset[int] = frozenset()


def read_table(
    path: Path, *, sheet: str | None = None, limits: ImportSettings | None = None
) -> Sheet:
    """The named sheet, or the first one (a CSV file has one)."""
    return read_tables(path, sheet=sheet, limits=limits, every_sheet=False)[0]


def read_tables(
    path: Path,
    *,
    sheet: str | None = None,
    limits: ImportSettings | None = None,
    every_sheet: bool = True,
    head: int | None = None,
) -> list[Sheet]:
    """Every sheet of a workbook (only ``sheet`` when named), or the one table of a CSV.

    With ``head``, only each table's first ``head`` rows are read (a CSV file's first
    ``HEAD_BYTES``): enough to find its header at upload time, in milliseconds."""
    bounds = limits or ImportSettings()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile("import.cannot_open", reason=exc.strerror or "") from exc
    if size > bounds.max_file_mb * MB:
        raise UnreadableFile(
            "import.file_too_large", size_mb=round(size / MB, 1), max_mb=bounds.max_file_mb
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, bounds, every_sheet, head)
    if suffix in (".xls",):
        raise UnreadableFile("import.xls_unsupported")
    return [_read_csv(path, bounds, head)]


def decode_text(data: bytes) -> tuple[str, str]:
    """Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16, else the detected legacy code
    page (Vietnamese Windows-1258 or Western Windows-1252). Returns (text, encoding)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1258", "cp1252"]).best()
    if best is None:
        raise UnreadableFile("import.unknown_encoding")
    # Windows-1258 spells tones as combining marks; compose them as every other source does.
    return unicodedata.normalize("NFC", str(best)), best.encoding


def _looks_binary(data: bytes) -> bool:
    """A program, picture or archive named .csv: a text file has no NUL bytes but by mistake
    (UTF-16 has one in every other byte, and starts with its byte order mark)."""
    if data.startswith(_BINARY_MAGIC):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = data[:65_536]
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), 11, 12, *range(14, 32)))
    return controls > max(8, len(head) // 100)


def _read_csv(path: Path, bounds: ImportSettings, head: int | None = None) -> Sheet:
    try:
        with path.open("rb") as fh:
            data = fh.read(HEAD_BYTES if head else -1)
    except OSError as exc:
        raise UnreadableFile("import.cannot_open", reason=exc.strerror or "") from exc
    if not data.strip():
        raise UnreadableFile("import.empty_file")
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFile("import.xlsx_named_wrong")
    if data.startswith(_OLE_MAGIC):
        raise UnreadableFile("import.xls_unsupported")
    if _looks_binary(data):
        raise UnreadableFile("import.binary_file")
    if head and len(data) == HEAD_BYTES:  # whole lines, no character cut in two
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            data = data[: len(data) - len(data) % 2]
        elif b"\n" in data:
            data = data[: data.rindex(b"\n") + 1]
    text, encoding = decode_text(data)
    del data
    # The csv module refuses NUL; it becomes the replacement character, removed below with
    # the other control characters (and its row noted).
    text = text.replace("\x00", "\ufffd")
    # One cell may be as long as the file; its row is refused below, not the file.
    csv.field_size_limit(max(csv.field_size_limit(), int(bounds.max_file_mb * MB) + 1))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = islice(enumerate(reader, start=1), head)
    return _bounded(rows, bounds, encoding=encoding)


def _bounded(
    rows: Iterable[tuple[int, Iterable[Any]]],
    bounds: ImportSettings,
    *,
    encoding: str | None = None,
    name: str | None = None,
    read_before: int = 0,
) -> Sheet:
    """The rows as cells, cleaned and within the bounds; refused as soon as one is passed."""
    kept: list[tuple[int, list[Cell]]] = []
    cleaned: set[int] = set()
    too_long: set[int] = set()
    for count, (number, values) in enumerate(rows, start=read_before + 1):
        if count > bounds.max_rows:
            raise UnreadableFile("import.too_many_rows", max_rows=bounds.max_rows)
        cells: list[Cell] = []
        for value in values:
            cell = _cell(value)
            if isinstance(cell, str):
                if _CONTROL.search(cell):
                    cell = _CONTROL.sub("", cell).strip() or None
                    cleaned.add(number)
                if cell is not None and len(cell) > bounds.max_cell_chars:
                    cell = cell[: bounds.max_cell_chars]
                    too_long.add(number)
            cells.append(cell)
        while cells and cells[-1] is None:
            cells.pop()
        if len(cells) > bounds.max_columns:
            raise UnreadableFile("import.too_many_columns", max_columns=bounds.max_columns)
        kept.append((number, cells))
    return Sheet(kept, encoding, name, frozenset(cleaned), frozenset(too_long))


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns.

    csv.Sniffer is thrown off by the title lines that precede the header in most lists.
    """
    head = text[:20_000].splitlines()[:30]

    def widest(delimiter: str) -> int:
        return max((len(row) for row in csv.reader(head, delimiter=delimiter)), default=0)

    return max(",;\t|", key=widest)


def _check_zip(path: Path, bounds: ImportSettings) -> None:
    """Refuses a workbook whose zip would unpack beyond the bounds, from its directory alone."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile("import.bad_xlsx", reason=str(exc)) from exc
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    limit = bounds.max_uncompressed_mb * MB
    if len(members) > MAX_ZIP_MEMBERS or unpacked > limit:
        raise UnreadableFile(
            "import.unpacked_too_large",
            size_mb=round(unpacked / MB, 1),
            max_mb=bounds.max_uncompressed_mb,
        )
    if unpacked > RATIO_FLOOR_BYTES and unpacked > packed * bounds.max_compression_ratio:
        raise UnreadableFile(
            "import.unpacked_too_large",
            size_mb=round(unpacked / MB, 1),
            max_mb=bounds.max_uncompressed_mb,
        )


def _read_xlsx(
    path: Path, sheet: str | None, bounds: ImportSettings, every: bool, head: int | None = None
) -> list[Sheet]:
    from xml.etree.ElementTree import ParseError

    import openpyxl
    from defusedxml import DefusedXmlException  # type: ignore[import-untyped]  # no types
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not openpyxl.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False in the environment
        raise UnreadableFile("import.unsafe_xlsx")
    _check_zip(path, bounds)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, ParseError,
            zipfile.BadZipFile) as exc:  # fmt: skip
        # openpyxl wraps what defusedxml refused in a ValueError of its own.
        if _caused_by(exc, DefusedXmlException):
            raise UnreadableFile("import.unsafe_xlsx") from exc
        raise UnreadableFile("import.bad_xlsx", reason=str(exc)) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UnreadableFile("import.no_sheet", sheet=sheet, sheets=list(workbook.sheetnames))
        if sheet is not None:
            worksheets = [workbook[sheet]]
        else:
            worksheets = list(workbook.worksheets) if every else workbook.worksheets[:1]
        sheets: list[Sheet] = []
        read = 0
        for worksheet in worksheets:
            if not hasattr(worksheet, "reset_dimensions"):
                continue  # a chart sheet
            # The declared dimension may claim 1,048,576 x 16,384 cells: rows are read as the
            # XML has them, and no wider than the bound (plus one, to notice a wider row).
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(values_only=True, max_col=bounds.max_columns + 1)
            try:
                found = _bounded(
                    islice(enumerate(rows, start=1), head),
                    bounds,
                    name=worksheet.title,
                    read_before=read,
                )
            except (ParseError, KeyError, ValueError, zipfile.BadZipFile) as exc:
                if _caused_by(exc, DefusedXmlException):
                    raise UnreadableFile("import.unsafe_xlsx") from exc
                raise UnreadableFile("import.bad_xlsx", reason=str(exc)) from exc
            read += len(found.rows)
            sheets.append(found)
    finally:
        workbook.close()
    if not sheets:
        raise UnreadableFile("import.no_rows")
    return sheets


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _cell(value: Any) -> Cell:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    if isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, int | float | date | datetime):
        return value  # type: ignore[no-any-return]
    return str(value)  # a time or a duration: its text


def iter_nonempty(rows: list[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in rows:
        if any(c not in (None, "") for c in cells):
            yield number, cells

"""Import of the OCOP product lists that provinces publish (CSV or XLSX).

Rows are parsed and validated first; each good row is then written in its own SAVEPOINT and
committed in batches, so that a bad row never stops or half-writes the good ones. A file that
cannot be read at all raises :class:`UnreadableFile` before anything is written. Importing the
same file twice changes nothing: producers are recognised by name (in any spelling) and
province, offers by producer and product name.

A list with no group column, or a row whose group cells are blank, gets the OCOP sub-group
inferred from the product's and producer's names (:mod:`matchmaker.ranking.grouping`). A row
whose best suggestion is below the confidence threshold is not refused: it is imported with
that suggestion, marked "needs review" with the three best suggestions (on the parsed row and
in :attr:`ImportReport.inferred`), and the officer's choice for it, passed back as
``overrides`` (row number -> sub-group), is taken on the next run (the confirmation of a
preview). When the province gives only the group ("Thực phẩm"), the sub-group is inferred
within that group and taken only when confident; otherwise the group itself is kept.

A row's problems are coded (:class:`~matchmaker.errors.FieldProblem`), each naming the column
(its field here, e.g. ``stars``) that the edge shows in the officer's language.
"""

from __future__ import annotations

import re
import uuid
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.catalog.history import OCOP_FACTS, ChangedBy, record_changes, stored
from matchmaker.catalog.models import Offer, Organization
from matchmaker.catalog.services import create_offer, create_organization, offer_values
from matchmaker.catalog.spreadsheets import Cell, Sheet, UnreadableFile, read_tables
from matchmaker.catalog.validation import certificate_expiry, clean_offer
from matchmaker.db import begin_writing
from matchmaker.errors import Conflict, FieldProblem, Forbidden, Invalid, field_error
from matchmaker.notifications.ocop_changes import tell_producers
from matchmaker.ranking import reference
from matchmaker.ranking.grouping import Suggestion, shipped_model
from matchmaker.ranking.text import fold_key
from matchmaker.settings import ImportSettings

__all__ = [
    "ImportReport",
    "InferredGroup",
    "RowKey",
    "RowOutcome",
    "UnreadableFile",
    "import_offers",
]

BATCH_SIZE = 500
TOP_SUGGESTIONS = 3
HEADER_SCAN_ROWS = 20

# Column headers as provinces write them (folded: no accents, lower case), by field.
HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("ten san pham", "san pham", "ten sp", "product", "product name", "name of product"),
    "producer": (
        "chu the",
        "ten chu the",
        "chu the san xuat",
        "ten chu the san xuat",
        "chu the ocop",
        "co so san xuat",
        "ten co so",
        "don vi san xuat",
        "ten doanh nghiep",
        "ten htx",
        "producer",
        "producer name",
        "entity",
        "company",
        "owner",
    ),
    "stars": (
        "hang sao",
        "so sao",
        "xep hang",
        "xep hang sao",
        "ket qua xep hang",
        "ket qua danh gia",
        "phan hang",
        "phan hang sao",
        "ket qua phan hang",
        "ket qua phan hang sao",
        "xep hang ocop",
        "hang sao ocop",
        "so sao dat",
        "sao",
        "hang",
        "stars",
        "star rating",
        "ocop stars",
        "rating",
    ),
    "subgroup": ("phan nhom", "phan nhom san pham", "sub group", "subgroup", "sub-group"),
    "group": (
        "nhom",
        "nhom san pham",
        "bo san pham",
        "nganh hang",
        "group",
        "product group",
        "category",
    ),
    "address": ("dia chi", "dia chi chu the", "address"),
    "province": ("tinh", "tinh thanh", "tinh thanh pho", "tinh tp", "province", "province city"),
    "decision": (
        "so quyet dinh",
        "quyet dinh",
        "so qd",
        "quyet dinh cong nhan",
        "so quyet dinh cong nhan",
        "so va ngay quyet dinh",
        "so ngay quyet dinh",
        "so ngay quyet dinh cong nhan",
        "so va ngay quyet dinh cong nhan",
        "quyet dinh cong nhan so",
        "quyet dinh so",
        "decision",
        "decision number",
        "decision no",
    ),
    "certified_on": (
        "ngay cap",
        "ngay quyet dinh",
        "ngay cong nhan",
        "ngay ky",
        "ngay chung nhan",
        "quyet dinh cong nhan ngay",
        "quyet dinh ngay",
        "issue date",
        "issued",
        "issued on",
        "date of issue",
        "certified on",
        "decision date",
    ),
    "recognised_year": (
        "nam cong nhan",
        "nam duoc cong nhan",
        "nam dat",
        "nam dat ocop",
        "nam chung nhan",
        "nam cap",
        "nam danh gia",
        "nam xep hang",
        "nam phan hang",
        "quyet dinh cong nhan nam",
        "year",
        "year recognised",
        "year of recognition",
    ),
    "certified_until": (
        "ngay het han",
        "han chung nhan",
        "hieu luc den",
        "thoi han",
        "het han",
        "expiry date",
        "expires",
        "expiry",
        "valid until",
        "expiration date",
    ),
    "entity_type": (
        "loai hinh",
        "loai hinh chu the",
        "hinh thuc to chuc",
        "entity type",
        "type of entity",
    ),
    "unit": ("don vi tinh", "dvt", "unit"),
    "price": ("gia", "gia ban", "don gia", "gia ban le", "price", "unit price", "price vnd"),
    "capacity": (
        "san luong",
        "san luong thang",
        "cong suat",
        "nang luc san xuat",
        "capacity",
        "monthly capacity",
    ),
    "shelf_life": ("han su dung", "hsd", "thoi han su dung", "shelf life", "shelf life days"),
    "certifications": (
        "chung nhan",
        "chung nhan khac",
        "tieu chuan",
        "certifications",
        "certificates",
        "standards",
    ),
    "description": ("mo ta", "mo ta san pham", "description"),
    "traceability": (
        "truy xuat nguon goc",
        "ma truy xuat",
        "link truy xuat",
        "traceability",
        "traceability url",
    ),
    "phone": ("dien thoai", "so dien thoai", "sdt", "dt", "phone", "telephone"),
    "email": ("email", "e mail", "thu dien tu"),
}
# The group is not required: a row without one gets it inferred from its names.
REQUIRED = ("title", "producer", "stars")
# A province's list rarely says the unit of sale; these are the usual ones per group.
DEFAULT_UNIT = {"food": "kg", "beverage": "bottle", "herbal": "box", "textile": "piece",
                "handicraft": "piece", "tourism": "set"}  # fmt: skip
_LOOKUP = {alias: name for name, aliases in HEADERS.items() for alias in aliases}


# The column an offer's own rule (a field of the catalog) speaks of.
OFFER_COLUMNS = {
    "title": "title", "category": "group", "unit": "unit", "province": "province",
    "ocop_stars": "stars", "ocop_potential_five_star": "stars",
    "ocop_certified_on": "certified_on", "ocop_certified_until": "certified_until",
    "ocop_decision_number": "decision", "certifications": "certifications",
    "description": "description", "traceability_url": "traceability",
    "unit_price_vnd": "price", "monthly_capacity": "capacity", "shelf_life_days": "shelf_life",
}  # fmt: skip


# A row of the list: its number, or (sheet, number) when several sheets were read.
RowKey = int | tuple[str, int]


@dataclass
class RowProblem:
    """What is wrong with a row: coded problems, each naming its column (empty: the row)."""

    row: int
    problems: list[FieldProblem]
    product: str | None = None
    sheet: str | None = None  # set when several sheets were read

    @property
    def key(self) -> RowKey:
        return self.row if self.sheet is None else (self.sheet, self.row)


def row_problem(number: int, code: str, product: str | None = None, /, **params: Any) -> RowProblem:
    """A problem of the whole row (no column of its own)."""
    return RowProblem(number, [field_error("", code, **params)], product)


@dataclass
class InferredGroup:
    """A row whose sub-group was inferred (no group given, or only the group)."""

    row: int
    product: str
    producer: str
    category: str  # what the row is imported with: the best suggestion or the group given
    suggestions: list[Suggestion]  # the three likeliest sub-groups, best first
    needs_review: bool  # the best suggestion is below the confidence threshold
    sheet: str | None = None  # set when several sheets were read

    @property
    def key(self) -> RowKey:
        """What ``overrides`` of :func:`import_offers` take for this row."""
        return self.row if self.sheet is None else (self.sheet, self.row)


@dataclass
class RowOutcome:
    """What one row does (in a preview) or did: ``new``, ``update`` (each changed field with
    its old and new value), ``unchanged`` or ``rejected`` (with its problems). A row whose
    group was inferred carries the suggestions, and ``needs_review`` when they are unsure."""

    row: int
    title: str | None
    producer: str | None
    action: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    problems: list[FieldProblem] = field(default_factory=list)
    category: str | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    needs_review: bool = False
    sheet: str | None = None  # set when several sheets were read

    @property
    def key(self) -> RowKey:
        """What ``overrides`` of :func:`import_offers` take for this row."""
        return self.row if self.sheet is None else (self.sheet, self.row)

    @classmethod
    def of(cls, row: ParsedRow, action: str, **more: Any) -> RowOutcome:
        return cls(row.row, row.offer.get("title"), row.producer.get("name"), action,
                   category=row.offer.get("category"), suggestions=row.suggestions,
                   needs_review=row.needs_review, sheet=row.sheet, **more)  # fmt: skip


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    producers_created: int = 0
    rejected: list[RowProblem] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    encoding: str | None = None
    dry_run: bool = False
    # Producers (with an account) emailed that the list changed their products' OCOP facts.
    producers_notified: int = 0
    # Rows whose group was inferred, in row order; ``review`` are those an officer should check.
    inferred: list[InferredGroup] = field(default_factory=list)
    # Every row read, in row order, with what it does (a preview) or did.
    outcomes: list[RowOutcome] = field(default_factory=list)

    @property
    def review(self) -> list[InferredGroup]:
        return [row for row in self.inferred if row.needs_review]


@dataclass
class ParsedRow:
    row: int
    producer: dict[str, Any]
    offer: dict[str, Any]
    warnings: list[FieldProblem]
    # The sub-group suggestions when the group was inferred (empty when the list gave it).
    suggestions: list[Suggestion] = field(default_factory=list)
    needs_review: bool = False
    sheet: str | None = None  # set when several sheets were read


def find_header(rows: list[tuple[int, list[Cell]]]) -> tuple[int, dict[int, str]]:
    """The header row (index into ``rows``: its last row) and the field each column holds.

    Lists often start with a title block ("DANH SÁCH SẢN PHẨM OCOP ..."), so the first rows
    are scanned for the one that names the most known columns. A header may take two rows
    when cells are merged: "Quyết định công nhận" above "Số" | "Ngày" (the merged cell's
    value is in its first column, the others are blank).
    """
    best: tuple[int, dict[int, str]] = (-1, {})
    head = rows[:HEADER_SCAN_ROWS]
    for index, (_number, cells) in enumerate(head):
        single = _columns([(cell, None) for cell in cells])
        if len(single) > len(best[1]):
            best = (index, single)
        if index + 1 < len(head):
            double = _columns(_two_rows(cells, head[index + 1][1]))
            if len(double) > len(best[1]) and len(double) > len(single):
                best = (index + 1, double)
    return best


def _two_rows(top: list[Cell], bottom: list[Cell]) -> list[tuple[Cell, Cell]]:
    """(parent, child) header of each column: a merged parent spans the blank cells right
    of it that have a child below them."""
    pairs: list[tuple[Cell, Cell]] = []
    parent: Cell = None
    for position in range(max(len(top), len(bottom))):
        above = top[position] if position < len(top) else None
        below = bottom[position] if position < len(bottom) else None
        if above not in (None, ""):
            parent = above
        elif below in (None, ""):
            parent = None
        pairs.append((parent if above in (None, "") and below not in (None, "") else above, below))
    return pairs


# A child header under a parent that speaks of the recognition decision.
_DECISION_CHILDREN = {"so": "decision", "so qd": "decision", "so quyet dinh": "decision",
                      "ngay": "certified_on", "ngay ky": "certified_on",
                      "ngay ban hanh": "certified_on", "nam": "recognised_year"}  # fmt: skip


def _columns(headers: list[tuple[Cell, Cell]]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for position, (parent, child) in enumerate(headers):
        name = None
        if isinstance(parent, str) and isinstance(child, str):
            name = _header_field(f"{parent} {child}")
            parent_key = fold_key(parent)
            if name is None and ("quyet dinh" in parent_key or "cong nhan" in parent_key):
                name = _DECISION_CHILDREN.get(fold_key(child))
        if name is None and child is not None:
            name = _header_field(child)
        if name is None and child is None:
            name = _header_field(parent)
        if name and name not in columns.values():
            columns[position] = name
    return columns


def _header_field(cell: Cell) -> str | None:
    """The field a header names; "Giá bán (VNĐ)" and "Giá bán" are the same column."""
    if not isinstance(cell, str):
        return None
    return _LOOKUP.get(fold_key(cell)) or _LOOKUP.get(fold_key(re.sub(r"\(.*?\)", " ", cell)))


def import_offers(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    default_province: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    actor_id: int | None = None,
    overrides: Mapping[RowKey, str] | None = None,
    limits: ImportSettings | None = None,
    committed: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a province's list.

    ``actor_id`` is the officer (confined to their province) or admin who imports it, None
    for the command line's operator (anywhere). With no ``sheet`` named, every sheet of a
    workbook whose header names the required columns is read (one sheet per district is
    common), and a row is then known by ``(sheet, row)``; a CSV file or a single sheet's rows
    by their row number alone. ``overrides`` maps such a key (as the report gives it:
    :attr:`RowProblem.key`) to the sub-group (code or name) the officer chose for the row,
    over the list and any inference. ``limits`` bound what is read (the settings'
    ``[imports]``; defaults when not given). ``progress`` hears of every row written,
    ``committed`` of the rows done each time a batch is committed (and no lock is held).
    """
    bounds = limits or ImportSettings()
    sheets = read_tables(path, sheet=sheet, limits=bounds)
    report = ImportReport(file=path.name, encoding=sheets[0].encoding, dry_run=dry_run)
    usable = _usable_sheets(sheets)
    fallback_province = None
    if default_province:
        match = reference.resolve_province(default_province)
        if match is None:
            raise UnreadableFile("import.unknown_default_province", value=default_province)
        fallback_province = match.province.code

    several = len(usable) > 1
    entries: list[_Entry] = []
    for table, header_index, columns in usable:
        entries += _entries(table, header_index, columns, report, several)
    chosen = overrides or {}
    suggestions = _infer_groups([(e.key, e.values) for e in entries if e.key not in chosen])

    parsed: list[ParsedRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for entry in entries:
        number, values, key = entry.row, entry.values, entry.key
        report.rows += 1
        if entry.too_long:
            report.rejected.append(
                RowProblem(
                    number,
                    [field_error("", "import.cell_too_long", max_chars=bounds.max_cell_chars)],
                    _text(values.get("title")),
                    entry.sheet,
                )
            )
            continue
        try:
            row = _parse_row(
                number,
                values,
                fallback_province,
                today or date.today(),
                suggestions=suggestions.get(key, []),
                override=chosen.get(key),
            )
        except Invalid as exc:
            problem = RowProblem(number, _problems(exc), _text(values.get("title")), entry.sheet)
            report.rejected.append(problem)
            report.outcomes.append(_rejected(problem, values.get("producer")))
            continue
        row.sheet = entry.sheet
        if entry.cleaned:
            row.warnings.insert(0, field_error("", "import.control_characters_removed"))
        identity = (
            fold_key(row.producer["name"]),
            row.offer["province"],
            fold_key(row.offer["title"]),
        )
        if identity in seen:
            duplicate = row_problem(
                number, "import.duplicate_row", row.offer["title"], row=seen[identity]
            )
            duplicate.sheet = entry.sheet
            report.rejected.append(duplicate)
            report.outcomes.append(_rejected(duplicate, row.producer["name"]))
            continue
        seen[identity] = number
        report.warnings += [
            RowProblem(number, [w], row.offer["title"], entry.sheet) for w in row.warnings
        ]
        if row.suggestions:
            report.inferred.append(
                InferredGroup(
                    number,
                    row.offer["title"],
                    row.producer["name"],
                    row.offer["category"],
                    row.suggestions,
                    row.needs_review,
                    entry.sheet,
                )
            )
        parsed.append(row)

    _write(sessions, parsed, report, dry_run=dry_run, progress=progress, actor_id=actor_id,
           committed=committed)  # fmt: skip
    order = {table.name: index for index, (table, _, _) in enumerate(usable)}
    report.rejected.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
    report.outcomes.sort(key=lambda o: (order.get(o.sheet, 0), o.row))
    return report


def check_list(
    path: Path, *, sheet: str | None = None, limits: ImportSettings | None = None
) -> None:
    """Refuses at once a file the import could not read at all (too large, not a
    spreadsheet, a hostile workbook, no header naming the required columns), with the coded
    reason an import would give, reading no more than the first rows of each sheet."""
    sheets = read_tables(path, sheet=sheet, limits=limits, head=HEADER_SCAN_ROWS + 1)
    _usable_sheets(sheets)


def _usable_sheets(sheets: list[Sheet]) -> list[tuple[Sheet, int, dict[int, str]]]:
    """The sheets whose header names the required columns, with the header's row and its
    columns; the file is refused when there is none."""
    if not any(_filled(cells) for table in sheets for _, cells in table.rows):
        raise UnreadableFile("import.no_rows")
    headers = [(table, *find_header(table.rows)) for table in sheets]
    usable = [(t, i, columns) for t, i, columns in headers if not _missing(columns)]
    if not usable:
        _, _, columns = max(headers, key=lambda h: len(h[2]))
        raise UnreadableFile(
            "import.missing_column",
            columns=_missing(columns),
            found_columns=sorted(set(columns.values())),
        )
    return usable


def _filled(cells: list[Cell]) -> bool:
    return any(c not in (None, "") for c in cells)


def _missing(columns: dict[int, str]) -> list[str]:
    return [name for name in REQUIRED if name not in columns.values()]


@dataclass
class _Entry:
    row: int
    values: dict[str, Cell]
    sheet: str | None
    cleaned: bool = False
    too_long: bool = False  # a cell of the row was longer than the bound

    @property
    def key(self) -> RowKey:
        return self.row if self.sheet is None else (self.sheet, self.row)


# Lines of a list that are not products: totals, the signatures block, the closing sentence.
_FOOTER = re.compile(
    r"^(tong cong|tong so|cong|tong|nguoi lap|nguoi lap bieu|lap bieu|an dinh danh sach|"
    r"danh sach (nay )?(co|gom)|ky ghi ro|ky ten|ky dong dau|tm |kt |chu tich|pho chu tich|"
    r"giam doc|pho giam doc|truong phong|noi nhan|xac nhan)\b"
)
# "I. Nhóm thực phẩm", "A - THỰC PHẨM", "1) Đồ uống", "Nhóm 2: Đồ uống", "Huyện Châu Thành".
_SECTION_NUMBER = re.compile(r"^\s*(?:[ivxlc]+|[a-z]|\d+)(?:\s*[.):\-]\s*|\s+)")
_SECTION_WORDS = re.compile(
    r"^(?:nhom san pham|nhom nganh|nhom|bo san pham|nganh hang|nganh|phan nhom|san pham)"
    r"\s*(?:\d+)?\s*[:.\-]?\s*"
)
_DISTRICT = re.compile(r"^(?:huyen|thi xa|thanh pho|tp|quan|thi tran|xa|phuong)\b")


def _entries(
    table: Sheet,
    header_index: int,
    columns: dict[int, str],
    report: ImportReport,
    several: bool,
) -> list[_Entry]:
    """The rows under the header that may be products, with the group a section heading
    ("I. Nhóm thực phẩm") and the district a heading or the sheet's name gives them;
    headings, totals and the signatures block are skipped (and listed as such)."""
    sheet = table.name if several else None
    body = table.rows[header_index + 1 :]
    filled = [i for i, (_, cells) in enumerate(body) if _filled(cells)]
    body = body[: filled[-1] + 1] if filled else []
    section: str | None = None
    district = _district(table.name)
    in_footer = False
    entries: list[_Entry] = []

    def skip(number: int, code: str) -> None:
        problem = row_problem(number, code)
        problem.sheet = sheet
        report.skipped.append(problem)

    for number, cells in body:
        values = {name: cells[pos] if pos < len(cells) else None for pos, name in columns.items()}
        texts = [fold_key(str(c)) for c in cells if c not in (None, "")]
        if not texts or all(v in (None, "") for v in values.values()):
            skip(number, "import.empty_row")
            continue
        has_product = all(_text(values.get(name)) for name in ("producer", "stars"))
        if not has_product and any(_FOOTER.match(t) for t in texts):
            in_footer = True
        if in_footer and not has_product:
            skip(number, "import.not_a_product")
            continue
        if not has_product and len(texts) <= 2:
            heading = _heading(cells)
            category = _section_category(heading)
            if category is not None:
                section = category
                skip(number, "import.not_a_product")
                continue
            if heading and _DISTRICT.match(fold_key(heading)):
                district = heading
                skip(number, "import.not_a_product")
                continue
        if section and not _text(values.get("group")) and not _text(values.get("subgroup")):
            values["group"] = section
        if district and not _text(values.get("address")):
            values["address"] = district
        entries.append(
            _Entry(
                number,
                values,
                sheet,
                cleaned=number in table.cleaned,
                too_long=number in table.too_long,
            )
        )
    return entries


def _heading(cells: list[Cell]) -> str:
    """A heading row's text: "I" and "Nhóm thực phẩm" in two cells, or one merged cell."""
    return " ".join(str(c).strip() for c in cells if c not in (None, ""))


def _section_category(heading: str) -> str | None:
    key = _SECTION_NUMBER.sub("", fold_key(heading))
    key = _SECTION_WORDS.sub("", key).strip()
    if not key or _DISTRICT.match(key):
        return None
    found = reference.resolve_category(key)
    return found.code if found else None


def _district(sheet_name: str | None) -> str | None:
    """A sheet named after a district ("Huyện Trảng Bàng", "TP Tây Ninh") gives its rows
    their district when their address is blank."""
    if sheet_name and _DISTRICT.match(fold_key(sheet_name)):
        return sheet_name.strip()
    return None


def _infer_groups(
    entries: list[tuple[RowKey, dict[str, Cell]]],
) -> dict[RowKey, list[Suggestion]]:
    """Sub-group suggestions for the rows whose list gives no sub-group, by row number; the
    model is loaded (scikit-learn imported) only when there is such a row."""
    wanted = [
        (number, _text(values.get("title")) or "", _text(values.get("producer")) or "")
        for number, values in entries
        if _text(values.get("title"))
        and _parse_category(values.get("subgroup"), None) is None
        and (_text(values.get("group")) is None or _parse_group_only(values.get("group")))
    ]
    if not wanted:
        return {}
    # Every sub-group, so that a group given by the list can pick the best of its own.
    found = shipped_model().suggest_many(
        [(title, producer) for _, title, producer in wanted], top=100
    )
    return {number: found[i] for i, (number, _, _) in enumerate(wanted)}


def _parse_group_only(value: Cell) -> bool:
    """Whether the cell names a group ("Thực phẩm") and not one of its sub-groups."""
    category = _parse_category(None, value)
    return category is not None and "." not in category


def _rejected(problem: RowProblem, producer: Cell) -> RowOutcome:
    return RowOutcome(problem.row, problem.product, _text(producer), "rejected",
                      problems=problem.problems, sheet=problem.sheet)  # fmt: skip


def _reject(report: ImportReport, row: ParsedRow, problem: RowProblem) -> None:
    """A parsed row refused when written: in the report's rejections and its row outcomes."""
    problem.sheet = row.sheet
    report.rejected.append(problem)
    report.outcomes.append(RowOutcome.of(row, "rejected", problems=problem.problems))


def _problems(exc: Invalid) -> list[FieldProblem]:
    """A refused row's problems, each naming the column of the field it speaks of."""
    if not exc.errors:
        return [field_error("", exc.code, **exc.params)]
    return [FieldProblem(OFFER_COLUMNS.get(e.field, e.field), e.code, e.params) for e in exc.errors]


def _write(
    sessions: sessionmaker[Session],
    rows: list[ParsedRow],
    report: ImportReport,
    *,
    dry_run: bool,
    progress: Callable[[int, int], None] | None,
    actor_id: int | None = None,
    committed: Callable[[int, int], None] | None = None,
) -> None:
    """Writes the parsed rows in batches, one savepoint a row.

    Each batch is one transaction that first takes the lock of its provinces (imports of one
    province are serialised: on SQLite by its write lock, on PostgreSQL by an advisory lock)
    and then reads what is stored of them, so that two imports of one file at once never
    write a producer or an offer twice; should another writer still insert one first (a unique
    key says so), the row is read again and updated.
    """
    written = _Written(uuid.uuid4().hex, report.file)
    with sessions() as session:
        scope, written.by = _actor(session, actor_id, report.file)
        session.rollback()
        todo = []
        for row in rows:
            province = row.producer["province_code"]
            if scope is not None and province != scope:
                outside = row_problem(row.row, "import.outside_province", row.offer.get("title"),
                                      province=province, scope_province=scope)  # fmt: skip
                _reject(report, row, outside)
            else:
                todo.append(row)
        done = 0
        for start in range(0, len(todo), BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            provinces = sorted({row.producer["province_code"] for row in batch})
            _begin_batch(session, provinces)
            producers = _ProducerCache(session, provinces)
            offers = _OfferCache(session, producers)
            # One matching task for the batch's new and changed offers, not one a row.
            with outbox.offers_together(session):
                for row in batch:
                    _write_row(session, row, producers, offers, report, written)
                    done += 1
                    if progress:
                        progress(done, len(todo))
            _finish_batch(session, dry_run)
            if committed:
                committed(done, len(todo))
        if dry_run:
            session.rollback()
        elif written.notices:
            _begin_batch(session, [])
            told = tell_producers(
                session, written.notices, import_key=written.key, file=report.file
            )
            report.producers_notified = len({n.payload["organization_id"] for n in told})
            session.commit()


@dataclass
class _Written:
    """What an import wrote so far that outlives its batches."""

    key: str
    file: str
    by: ChangedBy = field(default_factory=ChangedBy)
    # By producer (with an account): its offers whose OCOP facts the list set, for its email.
    notices: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def _actor(session: Session, actor_id: int | None, file: str) -> tuple[str | None, ChangedBy]:
    """The province an import is confined to (None: anywhere) and who the history names."""
    if actor_id is None:
        return None, ChangedBy(import_file=file)
    user = session.get(User, actor_id)
    if user is None or not user.is_active or user.role not in ("officer", "admin"):
        raise Forbidden("import.staff_only")
    scope = None if user.role == "admin" else user.organization.province
    return scope, ChangedBy(user_id=user.id, import_file=file)


# Namespace of the advisory locks that serialise imports, one lock per province.
_IMPORT_LOCKS = 0x0C0F


def _begin_batch(session: Session, provinces: list[str]) -> None:
    if not session.in_transaction():
        begin_writing(session)
    if session.get_bind().dialect.name == "postgresql":
        for province in provinces:  # always in one order: two imports never wait on each other
            key = zlib.crc32(province.encode()) & 0x7FFFFFFF
            session.execute(
                sql("SELECT pg_advisory_xact_lock(:space, :key)"),
                {"space": _IMPORT_LOCKS, "key": key},
            )


def _finish_batch(session: Session, dry_run: bool) -> None:
    if dry_run:
        session.flush()
    else:
        session.commit()


def _write_row(
    session: Session,
    row: ParsedRow,
    producers: _ProducerCache,
    offers: _OfferCache,
    report: ImportReport,
    written: _Written,
) -> None:
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                outcome = _upsert(session, row, producers, offers, written.by)
        except Invalid as exc:
            producers.forget_new()
            _reject(report, row, RowProblem(row.row, _problems(exc), row.offer.get("title")))
            return
        except (IntegrityError, Conflict):
            # Another writer stored this producer or offer a moment ago: read it, try again.
            producers.forget_new()
            producers.reload(row.producer)
            offers.reload(producers.find(row.producer))
            if attempt == 2:
                _reject(
                    report,
                    row,
                    row_problem(row.row, "import.write_conflict", row.offer.get("title")),
                )
            continue
        outcome.count(report, row)
        if outcome.notice is not None:
            written.notices.setdefault(outcome.producer_id, []).append(outcome.notice)
        return


class _ProducerCache:
    """Producers of the batch's provinces by (folded name, province): one query, not one a row.

    ``accounts`` holds those whose members keep their own offers (see catalog.history)."""

    def __init__(self, session: Session, provinces: list[str]) -> None:
        self.session = session
        self.by_key: dict[tuple[str, str | None], Organization] = {}
        self.new: list[tuple[str, str | None]] = []
        query = select(Organization).where(
            Organization.kind == "producer", Organization.province.in_(provinces)
        )
        for org in session.scalars(query.order_by(Organization.id)):
            self.by_key.setdefault((org.name_key, org.province), org)
        self.accounts = _with_accounts(session, [org.id for org in self.by_key.values()])

    @staticmethod
    def key(data: dict[str, Any]) -> tuple[str, str | None]:
        return fold_key(data["name"]), data["province_code"]

    def find(self, data: dict[str, Any]) -> Organization | None:
        return self.by_key.get(self.key(data))

    def get_or_create(self, data: dict[str, Any]) -> tuple[Organization, bool]:
        key = self.key(data)
        org = self.by_key.get(key)
        if org is None:
            fields = {k: v for k, v in data.items() if k != "province_code" and v is not None}
            org = create_organization(self.session, {"kind": "producer", **fields})
            self.by_key[key] = org
            self.new.append(key)
            return org, True
        if org.id not in self.accounts:
            # A producer without an account: the list is the only source of its details.
            for name in ("address", "phone", "contact_email", "entity_type"):
                if data.get(name) and getattr(org, name) is None:
                    setattr(org, name, data[name])
        return org, False

    def reload(self, data: dict[str, Any]) -> None:
        name_key, province = self.key(data)
        org = self.session.scalars(
            select(Organization)
            .where(
                Organization.kind == "producer",
                Organization.name_key == name_key,
                Organization.province == province,
            )
            .limit(1)
        ).first()
        if org is not None:
            self.by_key[(name_key, province)] = org
            self.accounts |= _with_accounts(self.session, [org.id])

    def forget_new(self) -> None:
        """A rolled-back row may have created a producer that no longer exists."""
        for key in self.new:
            org = self.by_key.get(key)
            if org is not None and (org.id is None or org not in self.session):
                del self.by_key[key]
        self.new.clear()


def _with_accounts(session: Session, organization_ids: list[int]) -> set[int]:
    """Those of the organizations that have members (any user, even one signed out for good).
    Someone whose claim on a listed producer waits or was refused is not yet one of them."""
    found: set[int] = set()
    unconfirmed = select(ProducerClaim.id).where(
        ProducerClaim.user_id == User.id, ProducerClaim.status != "approved"
    )
    for start in range(0, len(organization_ids), 1000):
        chunk = organization_ids[start : start + 1000]
        found |= set(
            session.scalars(
                select(User.organization_id).where(
                    User.organization_id.in_(chunk), ~unconfirmed.exists()
                )
            )
        )
    return found


class _OfferCache:
    """The live offers of the cached producers, by (producer, folded title)."""

    def __init__(self, session: Session, producers: _ProducerCache) -> None:
        self.session = session
        self.by_key: dict[tuple[int, str], Offer] = {}
        ids = [org.id for org in producers.by_key.values()]
        for start in range(0, len(ids), 1000):
            query = select(Offer).where(
                Offer.organization_id.in_(ids[start : start + 1000]), Offer.status != "archived"
            )
            for offer in session.scalars(query.order_by(Offer.id)):
                self.by_key.setdefault((offer.organization_id, offer.title_key), offer)

    def reload(self, producer: Organization | None) -> None:
        if producer is None:
            return
        query = select(Offer).where(
            Offer.organization_id == producer.id, Offer.status != "archived"
        )
        for offer in self.session.scalars(query):
            self.by_key[(offer.organization_id, offer.title_key)] = offer


@dataclass
class _Outcome:
    """What writing one row did; counted once its savepoint is released."""

    producer_id: int
    producer_created: bool
    action: str  # created | updated | unchanged
    kept: list[str]
    notice: dict[str, Any] | None = None
    # Of an update: each changed field, old and new.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def count(self, report: ImportReport, row: ParsedRow) -> None:
        report.producers_created += self.producer_created
        setattr(report, self.action, getattr(report, self.action) + 1)
        shown = {"created": "new", "updated": "update"}.get(self.action, self.action)
        report.outcomes.append(RowOutcome.of(row, shown, changes=self.changes))
        if self.kept:
            columns = list(dict.fromkeys(OFFER_COLUMNS.get(name, name) for name in self.kept))
            kept = field_error("", "import.kept_producer_fields", columns=columns)
            report.warnings.append(RowProblem(row.row, [kept], row.offer.get("title"), row.sheet))


def _upsert(
    session: Session,
    row: ParsedRow,
    producers: _ProducerCache,
    offers: _OfferCache,
    by: ChangedBy,
) -> _Outcome:
    producer, producer_created = producers.get_or_create(row.producer)
    has_account = producer.id in producers.accounts
    existing = offers.by_key.get((producer.id, fold_key(row.offer["title"])))
    if existing is None:
        offer = create_offer(session, producer, row.offer)
        offers.by_key[(producer.id, offer.title_key)] = offer
        after = offer_values(offer)
        record_changes(session, offer.id, {}, after, by)
        facts = [[n, None, stored(after[n])] for n in OCOP_FACTS if after[n] not in (None, False)]
        notice = _notice(offer, facts, added=True) if has_account else None
        return _Outcome(producer.id, producer_created, "created", [], notice)
    current = offer_values(existing)
    changes = {
        name: value
        for name, value in clean_offer(row.offer, current=current).items()
        if name != "province_text" and current.get(name) != value
    }
    kept: list[str] = []
    if has_account:
        kept = [name for name in changes if name not in OCOP_FACTS]
        changes = {name: value for name, value in changes.items() if name in OCOP_FACTS}
    if not changes:
        return _Outcome(producer.id, producer_created, "unchanged", kept)
    for name, value in changes.items():
        setattr(existing, name, value)
    session.flush()
    outbox.offer_changed(session, existing.id)
    record_changes(session, existing.id, current, changes, by)
    facts = [[n, stored(current[n]), stored(v)] for n, v in changes.items() if n in OCOP_FACTS]
    notice = _notice(existing, facts, added=False) if has_account and facts else None
    changed = {name: (current.get(name), value) for name, value in changes.items()}
    return _Outcome(producer.id, producer_created, "updated", kept, notice, changed)


def _notice(offer: Offer, facts: list[list[Any]], *, added: bool) -> dict[str, Any]:
    return {"offer_id": offer.id, "title": offer.title, "added": added, "changes": facts}


# --- parsing one row ------------------------------------------------------------------------


def _parse_row(
    number: int,
    values: dict[str, Cell],
    fallback_province: str | None,
    today: date,
    *,
    suggestions: list[Suggestion] | None = None,
    override: str | None = None,
) -> ParsedRow:
    errors: list[FieldProblem] = []
    warnings: list[FieldProblem] = []

    def fail(column: str, code: str, **params: Any) -> None:
        errors.append(field_error(column, code, **params))

    title = _text(values.get("title"))
    producer_name = _text(values.get("producer"))
    if not title:
        fail("title", "import.cell_empty")
    if not producer_name:
        fail("producer", "import.cell_empty")

    stars, potential = _parse_stars(values.get("stars"))
    if stars is None and values.get("stars") not in (None, ""):
        fail("stars", "import.bad_stars", value=str(values["stars"]))
    elif stars is None:
        fail("stars", "import.cell_empty")

    category, inferred, needs_review = _row_category(values, suggestions or [], override)
    if category is None:
        shown = override or values.get("subgroup") or values.get("group")
        if shown:
            fail("group", "import.unknown_group", value=str(shown))
        else:
            fail("group", "import.cell_empty")
    elif needs_review:
        warnings.append(
            field_error(
                "group",
                "import.group_needs_review",
                category=category,
                other_category=[s.category for s in inferred[1:]],
            )
        )

    province = None
    province_text = _text(values.get("province"))
    if province_text:
        match = reference.resolve_province(province_text)
        if match is None:
            fail("province", "import.unknown_province", value=province_text)
        else:
            province = match.province.code
    else:
        province, province_text = _province_from_address(_text(values.get("address")))
        if province is None:
            province = fallback_province
        if province is None:
            fail("province", "import.no_province")

    dates: dict[str, date | None] = {}
    for key in ("certified_on", "certified_until"):
        raw = values.get(key)
        parsed = _parse_date(raw)
        if parsed is None and raw not in (None, ""):
            fail(key, "import.bad_date", value=str(raw))
        dates[key] = parsed
    decision, decided_on = _split_decision(_text(values.get("decision")))
    year = None
    if values.get("recognised_year") not in (None, ""):
        year = _parse_year(values["recognised_year"])
        if year is None:
            fail("recognised_year", "import.bad_year", value=str(values["recognised_year"]))
    # The certificate runs from the decision: its date when the list gives it, else the
    # date in "Số và ngày quyết định", else 1 January of the year of recognition (the
    # earliest it can be: its expiry, 36 months later, is then never later than the real one).
    if dates["certified_on"] is None:
        dates["certified_on"] = decided_on or (date(year, 1, 1) if year else None)

    unit = None
    if values.get("unit") not in (None, ""):
        found = reference.resolve_unit(str(values["unit"]))
        if found is None:
            fail("unit", "import.unknown_unit", value=str(values["unit"]))
        else:
            unit = found.code
    if unit is None and category is not None:
        unit = DEFAULT_UNIT[reference.group_of(category)]

    certifications = []
    for part in re.split(r"[,;/\n]+", _text(values.get("certifications")) or ""):
        if part.strip():
            found_cert = reference.resolve_certification(part)
            if found_cert is None:
                unknown = field_error(
                    "certifications", "import.unknown_certification", value=part.strip()
                )
                warnings.append(unknown)
            else:
                certifications.append(found_cert.code)

    numbers: dict[str, float | None] = {}
    for key in ("price", "capacity", "shelf_life"):
        raw = values.get(key)
        parsed_number = _parse_number(raw)
        if parsed_number is None and raw not in (None, ""):
            fail(key, "import.bad_number", value=str(raw))
        numbers[key] = parsed_number

    if errors:
        raise Invalid("import.bad_row", errors=errors)
    assert title and producer_name and category and province and unit  # guarded by errors above

    offer: dict[str, Any] = {
        "title": title,
        "category": category,
        "unit": unit,
        "ocop_stars": stars,
        "ocop_potential_five_star": potential and stars == 4,
        "ocop_certified_on": dates["certified_on"],
        "ocop_certified_until": dates["certified_until"],
        "ocop_decision_number": decision,
        "certifications": list(dict.fromkeys(certifications))
        if "certifications" in values
        else None,
        "province": province_text or province,
        "description": _text(values.get("description")),
        "traceability_url": _text(values.get("traceability")),
        "unit_price_vnd": int(numbers["price"]) if numbers["price"] is not None else None,
        "monthly_capacity": numbers["capacity"],
        "shelf_life_days": int(numbers["shelf_life"])
        if numbers["shelf_life"] is not None
        else None,
    }
    offer = {k: v for k, v in offer.items() if v is not None or k in ("ocop_stars",)}
    if offer.get("ocop_certified_until") is None and offer.get("ocop_certified_on"):
        offer["ocop_certified_until"] = certificate_expiry(offer)
    expiry = offer.get("ocop_certified_until")
    if expiry and expiry < today:
        warnings.append(field_error("certified_until", "import.certificate_expired", day=expiry))
    clean_offer(offer)  # raises Invalid with the domain's own rules (dates, stars, codes)
    producer = {
        "name": producer_name,
        "province": province_text or province,
        "province_code": province,
        "address": _text(values.get("address")),
        "phone": _text(values.get("phone")),
        "contact_email": _text(values.get("email")),
        "entity_type": _entity_type(_text(values.get("entity_type")), producer_name),
    }
    return ParsedRow(number, producer, offer, warnings, inferred, needs_review)


def _row_category(
    values: dict[str, Cell], suggestions: list[Suggestion], override: str | None
) -> tuple[str | None, list[Suggestion], bool]:
    """The row's category, the (top three) suggestions it was inferred from, and whether it
    needs an officer's review."""
    if override is not None:
        found = reference.resolve_category(override)
        return (found.code if found else None), [], False
    given = _parse_category(values.get("subgroup"), values.get("group"))
    if not suggestions:
        return given, [], False
    if given is None:
        if _text(values.get("subgroup")) or _text(values.get("group")):
            return None, [], False  # a group the list names but nobody knows: refused
        best = suggestions[0]
        return best.category, suggestions[:TOP_SUGGESTIONS], not best.confident()
    # The list gives the group only: its likeliest sub-group when confident, else the group.
    within = [s for s in suggestions if s.group == given]
    if within and within[0].confident():
        return within[0].category, within[:TOP_SUGGESTIONS], False
    return given, within[:TOP_SUGGESTIONS], False


_DECISION_DATE = re.compile(r"\s*[,;(]?\s*\b(?:ngay|ngày|date|dated)\b\s*", re.IGNORECASE)
_DECISION_LEAD = re.compile(r"^\s*(?:quyết định|quyet dinh|qđ|qd)?\s*(?:số|so|no\.?)\s*[:.]?\s*",
                            re.IGNORECASE)  # fmt: skip
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})\b")


def _split_decision(text: str | None) -> tuple[str | None, date | None]:
    """ "123/QĐ-UBND ngày 05/6/2023" -> ("123/QĐ-UBND", 5 June 2023); a number alone stays."""
    if not text:
        return None, None
    parts = _DECISION_DATE.split(text, maxsplit=1)
    number = _DECISION_LEAD.sub("", parts[0]).strip(" ,;()") or None
    found = _DATE_IN_TEXT.search(parts[1] if len(parts) > 1 else text)
    day = _parse_date(found.group(1)) if found else None
    if len(parts) > 1 and day is None:
        day = _parse_date(parts[1].strip(" ,;()"))
    if day is not None and number is not None and _DATE_IN_TEXT.fullmatch(number):
        number = None  # the cell held only the date
    return number, day


def _parse_year(value: Cell) -> int | None:
    """2023, "2023", "Năm 2023", or a date (its year)."""
    if isinstance(value, datetime | date):
        return value.year
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = int(value)
    else:
        found = re.fullmatch(r"\D*((?:19|20)\d\d)\D*", str(value).strip())
        if found is None:
            day = _parse_date(value)
            return day.year if day else None
        year = int(found.group(1))
    return year if 2000 <= year <= 2100 else None


def _text(value: Cell) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_STAR_DIGIT = re.compile(r"(\d+)\s*(?:sao|\*|★|stars?)?", re.IGNORECASE)


def _parse_stars(value: Cell) -> tuple[int | None, bool]:
    if value is None or value == "":
        return None, False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (int(value), False) if value in (3, 4, 5) else (None, False)
    text = fold_key(str(value))
    potential = "tiem nang" in text or "potential" in text
    raw = str(value)
    if set(raw.replace(" ", "")) <= {"★", "☆", "*"} and raw.count("★") + raw.count("*") in (
        3,
        4,
        5,
    ):
        return raw.count("★") + raw.count("*"), False
    match = _STAR_DIGIT.search(text)
    if not match:
        return None, False
    stars = int(match.group(1))
    return (stars, potential) if stars in (3, 4, 5) else (None, False)


_NUMBERING = re.compile(r"^\s*(nhom|phan nhom|group)?\s*[\d.]+\s*[-:.)]?\s*", re.IGNORECASE)


def _parse_category(subgroup: Cell, group: Cell) -> str | None:
    for value in (subgroup, group):
        text = _text(value)
        if not text:
            continue
        found = reference.resolve_category(text) or reference.resolve_category(
            _NUMBERING.sub("", fold_key(text))
        )
        if found is not None:
            return found.code
    return None


def _province_from_address(address: str | None) -> tuple[str | None, str | None]:
    if not address:
        return None, None
    parts = [p.strip() for p in re.split(r"[,\-–]", address) if p.strip()]
    for part in reversed(parts[-2:]):
        match = reference.resolve_province(part)
        if match is not None:
            return match.province.code, part
    return None, None


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
EXCEL_EPOCH = date(1899, 12, 30)


def _parse_date(value: Cell) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        # A date cell exported as its Excel serial number.
        return EXCEL_EPOCH + timedelta(days=int(value)) if 20_000 < value < 80_000 else None
    text = str(value).strip()
    text = re.sub(r"^ngay\s+", "", fold_key(text).replace(" thang ", "/").replace(" nam ", "/")) \
        if "thang" in fold_key(text) else text  # fmt: skip
    text = text.replace(" ", "")
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 1990 <= parsed.year <= 2100:
            return parsed
    return None


def _parse_number(value: Cell) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = re.sub(r"[^\d.,]", "", str(value))
    if not text:
        return None
    # Vietnamese writes 120.000 or 120.000,5; English 120,000.5.
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


# Vietnamese names start with the kind of entity ("HTX ...", "Công ty ..."); English ones
# usually say it anywhere ("... Co., Ltd", "... Cooperative").
_ENTITY_PREFIXES = (
    ("to hop tac", "cooperative_group"), ("tht", "cooperative_group"),
    ("hop tac xa", "cooperative"), ("htx", "cooperative"),
    ("ho kinh doanh", "household"), ("ho gia dinh", "household"), ("hkd", "household"),
    ("ho", "household"), ("co so", "household"),
    ("cong ty", "enterprise"), ("cty", "enterprise"), ("doanh nghiep", "enterprise"),
    ("dntn", "enterprise"),
)  # fmt: skip
_ENTITY_WORDS = (
    ("cooperative group", "cooperative_group"), ("cooperative", "cooperative"),
    ("household", "household"), ("enterprise", "enterprise"), ("company", "enterprise"),
    ("ltd", "enterprise"), ("jsc", "enterprise"), ("corp", "enterprise"), ("co", "enterprise"),
)  # fmt: skip


def _entity_type(stated: str | None, name: str) -> str | None:
    for text in (stated, name):
        if not text:
            continue
        key = f" {fold_key(text)} "
        for prefix, entity in _ENTITY_PREFIXES:
            if key.startswith(f" {prefix} ") or (text is stated and f" {prefix} " in key):
                return entity
        for word, entity in _ENTITY_WORDS:
            if f" {word} " in key:
                return entity
    return None

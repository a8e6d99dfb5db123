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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.models import Offer, Organization
from matchmaker.catalog.services import create_offer, create_organization, offer_values
from matchmaker.catalog.spreadsheets import Cell, UnreadableFile, read_table
from matchmaker.catalog.validation import certificate_expiry, clean_offer
from matchmaker.errors import FieldProblem, Invalid, field_error
from matchmaker.ranking import reference
from matchmaker.ranking.grouping import Suggestion, shipped_model
from matchmaker.ranking.text import fold_key

__all__ = ["ImportReport", "InferredGroup", "RowOutcome", "UnreadableFile", "import_offers"]

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
        "issue date",
        "issued",
        "issued on",
        "date of issue",
        "certified on",
        "decision date",
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


@dataclass
class RowProblem:
    """What is wrong with a row: coded problems, each naming its column (empty: the row)."""

    row: int
    problems: list[FieldProblem]
    product: str | None = None


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

    @classmethod
    def of(cls, row: ParsedRow, action: str, **more: Any) -> RowOutcome:
        return cls(row.row, row.offer.get("title"), row.producer.get("name"), action,
                   category=row.offer.get("category"), suggestions=row.suggestions,
                   needs_review=row.needs_review, **more)  # fmt: skip


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


def find_header(rows: list[tuple[int, list[Cell]]]) -> tuple[int, dict[int, str]]:
    """The header row (index into ``rows``) and the field each column holds.

    Lists often start with a title block ("DANH SÁCH SẢN PHẨM OCOP ..."), so the first rows
    are scanned for the one that names the most known columns.
    """
    best: tuple[int, dict[int, str]] = (-1, {})
    for index, (_number, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[int, str] = {}
        for position, cell in enumerate(cells):
            name = _header_field(cell)
            if name and name not in columns.values():
                columns[position] = name
        if len(columns) > len(best[1]):
            best = (index, columns)
    return best


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
    overrides: Mapping[int, str] | None = None,
) -> ImportReport:
    """Import a province's list; ``overrides`` maps a row number (as the report gives it) to
    the sub-group (code or name) the officer chose for it, over the list and any inference."""
    table = read_table(path, sheet=sheet)
    report = ImportReport(file=path.name, encoding=table.encoding, dry_run=dry_run)
    if not any(any(c not in (None, "") for c in cells) for _, cells in table.rows):
        raise UnreadableFile("import.no_rows")
    header_index, columns = find_header(table.rows)
    missing = [name for name in REQUIRED if name not in columns.values()
               and not (name == "group" and "subgroup" in columns.values())]  # fmt: skip
    if missing:
        raise UnreadableFile(
            "import.missing_column",
            columns=missing,
            found_columns=sorted(set(columns.values())),
        )
    fallback_province = None
    if default_province:
        match = reference.resolve_province(default_province)
        if match is None:
            raise UnreadableFile("import.unknown_default_province", value=default_province)
        fallback_province = match.province.code

    body = table.rows[header_index + 1 :]
    filled = [i for i, (_, cells) in enumerate(body) if any(c not in (None, "") for c in cells)]
    body = body[: filled[-1] + 1] if filled else []
    entries: list[tuple[int, dict[str, Cell]]] = []
    for number, cells in body:
        values = {name: cells[pos] if pos < len(cells) else None for pos, name in columns.items()}
        if all(v in (None, "") for v in values.values()):
            report.skipped.append(row_problem(number, "import.empty_row"))
            continue
        entries.append((number, values))
    chosen = overrides or {}
    suggestions = _infer_groups([(n, v) for n, v in entries if n not in chosen])

    parsed: list[ParsedRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in entries:
        report.rows += 1
        try:
            row = _parse_row(
                number,
                values,
                fallback_province,
                today or date.today(),
                suggestions=suggestions.get(number, []),
                override=chosen.get(number),
            )
        except Invalid as exc:
            problem = RowProblem(number, _problems(exc), _text(values.get("title")))
            report.rejected.append(problem)
            report.outcomes.append(_rejected(problem, values.get("producer")))
            continue
        identity = (
            fold_key(row.producer["name"]),
            row.offer["province"],
            fold_key(row.offer["title"]),
        )
        if identity in seen:
            problem = row_problem(
                number, "import.duplicate_row", row.offer["title"], row=seen[identity]
            )
            report.rejected.append(problem)
            report.outcomes.append(_rejected(problem, row.producer["name"]))
            continue
        seen[identity] = number
        report.warnings += [RowProblem(number, [w], row.offer["title"]) for w in row.warnings]
        if row.suggestions:
            report.inferred.append(
                InferredGroup(
                    number,
                    row.offer["title"],
                    row.producer["name"],
                    row.offer["category"],
                    row.suggestions,
                    row.needs_review,
                )
            )
        parsed.append(row)

    _write(sessions, parsed, report, dry_run=dry_run, progress=progress)
    report.rejected.sort(key=lambda p: p.row)
    report.outcomes.sort(key=lambda o: o.row)
    return report


def _infer_groups(entries: list[tuple[int, dict[str, Cell]]]) -> dict[int, list[Suggestion]]:
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
                      problems=problem.problems)  # fmt: skip


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
) -> None:
    with sessions() as session:
        producers = _ProducerCache(session)
        offers = _OfferCache(session)
        for done, row in enumerate(rows, start=1):
            try:
                with session.begin_nested():
                    _upsert(session, row, producers, offers, report)
            except Invalid as exc:
                producers.forget_new()
                problem = RowProblem(row.row, _problems(exc), row.offer.get("title"))
                report.rejected.append(problem)
                report.outcomes.append(RowOutcome.of(row, "rejected", problems=problem.problems))
            if done % BATCH_SIZE == 0:
                _finish_batch(session, dry_run)
                producers.keep_new()
            if progress:
                progress(done, len(rows))
        _finish_batch(session, dry_run)
        if dry_run:
            session.rollback()


def _finish_batch(session: Session, dry_run: bool) -> None:
    if dry_run:
        session.flush()
    else:
        session.commit()


class _ProducerCache:
    """Producers of this file by (folded name, province): one query instead of one per row."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_key: dict[tuple[str, str | None], Organization] = {}
        self.new: list[tuple[str, str | None]] = []
        for org in session.scalars(select(Organization).where(Organization.kind == "producer")):
            self.by_key.setdefault((org.name_key, org.province), org)

    def get_or_create(self, data: dict[str, Any], report: ImportReport) -> Organization:
        key = (fold_key(data["name"]), data["province_code"])
        org = self.by_key.get(key)
        if org is None:
            fields = {k: v for k, v in data.items() if k != "province_code" and v is not None}
            org = create_organization(self.session, {"kind": "producer", **fields})
            self.by_key[key] = org
            self.new.append(key)
            report.producers_created += 1
        else:
            for name in ("address", "phone", "contact_email", "entity_type"):
                if data.get(name) and getattr(org, name) is None:
                    setattr(org, name, data[name])
        return org

    def forget_new(self) -> None:
        """A rolled-back row may have created a producer that no longer exists."""
        for key in self.new:
            org = self.by_key[key]
            if org.id is None or org not in self.session:
                del self.by_key[key]

    def keep_new(self) -> None:
        self.new.clear()


class _OfferCache:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_key: dict[tuple[int, str], Offer] = {}
        for offer in session.scalars(select(Offer).where(Offer.status != "archived")):
            self.by_key.setdefault((offer.organization_id, offer.title_key), offer)


def _upsert(
    session: Session,
    row: ParsedRow,
    producers: _ProducerCache,
    offers: _OfferCache,
    report: ImportReport,
) -> None:
    producer = producers.get_or_create(row.producer, report)
    existing = offers.by_key.get((producer.id, fold_key(row.offer["title"])))
    if existing is None:
        offer = create_offer(session, producer, row.offer)
        offers.by_key[(producer.id, offer.title_key)] = offer
        report.created += 1
        report.outcomes.append(RowOutcome.of(row, "new"))
        return
    current = offer_values(existing)
    changes = {
        name: value
        for name, value in clean_offer(row.offer, current=current).items()
        if name != "province_text" and current.get(name) != value
    }
    if not changes:
        report.unchanged += 1
        report.outcomes.append(RowOutcome.of(row, "unchanged"))
        return
    for name, value in changes.items():
        setattr(existing, name, value)
    session.flush()
    report.updated += 1
    changed = {name: (current.get(name), value) for name, value in changes.items()}
    report.outcomes.append(RowOutcome.of(row, "update", changes=changed))


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
        "ocop_decision_number": _text(values.get("decision")),
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

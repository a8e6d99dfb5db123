"""Event figures: meetings held, MoUs, contracts and order value, by province, product group
and buyer type; for one event or for a period; exported as CSV or XLSX.

The figures hold codes (province, product group, buyer type, stage); an export says them in the
reader's language through the edge's ``say`` (headers, sheet names, values by their names).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer
from matchmaker.collation import sort_key
from matchmaker.events.models import STAGES, Event, Meeting
from matchmaker.exports import safe_row, texts_as_texts

# Stages at or past which a meeting counts as an MoU, a contract.
MOU_OR_MORE = set(STAGES[STAGES.index("mou") :])
CONTRACT_OR_MORE = set(STAGES[STAGES.index("contract") :])
COLUMNS = (
    "event", "meeting_id", "starts_at", "table", "producer", "producer_province", "buyer",
    "buyer_type", "product_group", "attendance", "interest", "stage", "order_value_vnd",
)  # fmt: skip
ORDERS = ("first_order", "repeat_order")
UNKNOWN = "unknown"
# A coded message in the reader's language: ``matchmaker.i18n.say`` at the edge.
Say = Callable[[str, Mapping[str, Any] | None], str]


def recorded_value(meeting: Meeting) -> int:
    """What a meeting's deal is worth in the figures: the value of a signed contract or an
    order. A value noted beside an MoU or no deal at all is an intention, not trade, and would
    show money "in orders" beside no order."""
    if meeting.stage not in CONTRACT_OR_MORE:
        return 0
    return meeting.order_value_vnd or 0


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    timezone: str  # whose calendar ``since`` and ``until`` are days of (the deployment's)
    event_id: int | None = None
    since: date | None = None
    until: date | None = None
    organization_id: int | None = None  # the organizing agency


@dataclass
class Figures:
    meetings: int = 0
    held: int = 0
    no_show: int = 0
    interested: int = 0
    mous: int = 0
    contracts: int = 0
    orders: int = 0
    value_vnd: int = 0

    def add(self, meeting: Meeting) -> None:
        self.meetings += 1
        self.held += meeting.attendance == "held"
        self.no_show += meeting.attendance == "no_show"
        self.interested += meeting.interest == "interested"
        self.mous += meeting.stage in MOU_OR_MORE
        self.contracts += meeting.stage in CONTRACT_OR_MORE
        self.orders += meeting.stage in ORDERS
        self.value_vnd += recorded_value(meeting)


@dataclass
class EventReport:
    totals: Figures = field(default_factory=Figures)
    by_province: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_product_group: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    by_buyer_type: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    rows: list[dict[str, object]] = field(default_factory=list)


def build_report(session: Session, filters: ReportFilters) -> EventReport:
    query = select(Meeting).join(Event, Meeting.event_id == Event.id).order_by(Meeting.id)
    if filters.event_id is not None:
        query = query.where(Meeting.event_id == filters.event_id)
    if filters.organization_id is not None:
        query = query.where(Event.organization_id == filters.organization_id)
    zone = ZoneInfo(filters.timezone)
    if filters.since is not None:
        query = query.where(Meeting.starts_at >= datetime.combine(filters.since, time(), zone))
    if filters.until is not None:
        end = datetime.combine(filters.until + timedelta(days=1), time(), zone)
        query = query.where(Meeting.starts_at < end)
    meetings = list(session.scalars(query))
    groups = _product_groups(session, meetings)
    report = EventReport()
    for meeting in meetings:
        request = meeting.request
        producer, buyer = request.producer.organization, request.buyer.organization
        province = producer.province or UNKNOWN
        group = groups.get(meeting.id, UNKNOWN)
        buyer_type = buyer.buyer_type or UNKNOWN
        for figures in (
            report.totals,
            report.by_province[province],
            report.by_product_group[group],
            report.by_buyer_type[buyer_type],
        ):
            figures.add(meeting)
        report.rows.append(
            {
                "event": request.event.name,
                "meeting_id": meeting.id,
                "starts_at": meeting.starts_at.astimezone(
                    ZoneInfo(request.event.timezone)
                ).strftime("%Y-%m-%d %H:%M"),
                "table": meeting.table_no,
                "producer": producer.name,
                "producer_province": province,
                "buyer": buyer.name,
                "buyer_type": buyer_type,
                "product_group": group,
                "attendance": meeting.attendance or "",
                "interest": meeting.interest or "",
                "stage": meeting.stage,
                "order_value_vnd": recorded_value(meeting),
            }
        )
    return report


def _product_groups(session: Session, meetings: list[Meeting]) -> dict[int, str]:
    """The product group of each meeting: the matched offer's, else the producer's most
    common one among the offers it brought."""
    offer_ids = {o for m in meetings for o in m.request.producer.offer_ids}
    offer_ids |= {m.request.match.offer_id for m in meetings if m.request.match is not None}
    categories = {
        offer_id: category
        for offer_id, category in session.execute(
            select(Offer.id, Offer.category).where(Offer.id.in_(offer_ids))
        )
    }
    groups = {}
    for meeting in meetings:
        match = meeting.request.match
        if match is not None and match.offer_id in categories:
            groups[meeting.id] = categories[match.offer_id].split(".")[0]
            continue
        brought = Counter(
            categories[o].split(".")[0]
            for o in meeting.request.producer.offer_ids
            if o in categories
        )
        if brought:
            groups[meeting.id] = brought.most_common(1)[0][0]
    return groups


def _named(say: Say, column: str, value: object) -> object:
    """A row's value as the reader reads it: names for codes, numbers left as numbers."""
    if value == UNKNOWN and column in ("producer_province", "product_group", "buyer_type"):
        return say("export.unknown", None)
    if column == "producer_province":
        return say("export.province", {"province": value})
    if column == "product_group":
        return say("export.product_group", {"category": value})
    if column in ("buyer_type", "attendance", "interest", "stage"):
        return say(f"export.{column}.{value}", None) if value else ""
    return value


def _group_name(say: Say, title: str, key: str) -> str:
    column = {"by_province": "producer_province", "by_product_group": "product_group"}
    return str(_named(say, column.get(title, "buyer_type"), key))


def to_csv(report: EventReport, say: Say) -> str:
    """The meetings, one a line, headed and named in the reader's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(say(f"export.column.{c}", None) for c in COLUMNS))
    for row in report.rows:
        writer.writerow(safe_row(_named(say, c, row[c]) for c in COLUMNS))
    # A BOM, so that Excel opens the Vietnamese names as UTF-8.
    return "\ufeff" + buffer.getvalue()


def to_xlsx(report: EventReport, say: Say) -> bytes:
    """A workbook with the meetings and one summary sheet per breakdown, in the reader's
    language; amounts are numbers that the spreadsheet shows with the reader's separators."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = say("export.sheet.meetings", None)
    sheet.append(safe_row(say(f"export.column.{c}", None) for c in COLUMNS))
    for row in report.rows:
        sheet.append(safe_row(_named(say, c, row[c]) for c in COLUMNS))
    value_column = COLUMNS.index("order_value_vnd") + 1
    for cells in sheet.iter_rows(min_row=2, min_col=value_column, max_col=value_column):
        for cell in cells:
            cell.number_format = "#,##0"
    names = list(Figures.__dataclass_fields__)
    for title, breakdown in (
        ("by_province", report.by_province),
        ("by_product_group", report.by_product_group),
        ("by_buyer_type", report.by_buyer_type),
    ):
        summary = workbook.create_sheet(say(f"export.sheet.{title}", None))
        summary.append(safe_row(
            [say("export.column.group", None), *(say(f"export.figure.{n}", None) for n in names)]
        ))  # fmt: skip
        named = sorted(
            ((_group_name(say, title, key), key) for key in breakdown),
            key=lambda pair: sort_key(pair[0]),
        )
        for name, key in named:
            summary.append(safe_row([name, *(getattr(breakdown[key], n) for n in names)]))
        summary.append(
            safe_row([say("export.total", None), *(getattr(report.totals, n) for n in names)])
        )
    texts_as_texts(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""The officer's figures for a period, beside the period before it: what a department asks for
each quarter. New offers and requirements, matches by the furthest stage they reached in the
period, deals and their value, month by month, by product group, by producer type, by buyer type
and, nationwide, by province.

The value is the trade recorded, each deal once: signed contracts and orders at the agency's
events (by the meeting's day); the month's value of each accepted quote (by the day it was
accepted), unless the pair's deal is already counted from an event meeting; and every order
either side recorded under a match's deal (by the day it was ordered). An order the event's
outcome told (a first or repeat order at a meeting of the pair) and the orders recorded on the
match tell the same trade twice: the match counts the larger of the two, once. The event's
value stays on the meeting's day, and the recorded orders, oldest first, count only for what
they add beyond it. Quotes and orders count by the offer's province, as the matches do.

Times are bucketed on the deployment's calendar (``timezone``); the period's ends are days,
both included. The XLSX report says the same figures in the reader's language (``say``).
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.collation import sort_key
from matchmaker.errors import Invalid, field_error
from matchmaker.events.models import Event, Meeting, MeetingRequest
from matchmaker.events.reports import CONTRACT_OR_MORE, ORDERS, ReportFilters, build_report
from matchmaker.exports import safe_row, texts_as_texts
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.orders import MatchOrder
from matchmaker.quotes.models import Quote
from matchmaker.reports.dashboard import PRODUCER_TYPES, UNKNOWN

# The most days a period may span (ten years): beyond it the monthly table is no use.
MAX_DAYS = 3660
# Match stages counted when a match reached them in the period, in funnel order.
STAGES = ("accepted", "contacted", "deal")
FIGURES = ("offers", "requirements", "suggested", "accepted", "contacted", "deals", "value_vnd")
Say = Callable[[str, Mapping[str, Any] | None], str]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before this one: as many whole months before whole months (the
        quarter before a quarter), else as many days."""
        end = self.start - timedelta(days=1)
        whole = self.start.day == 1 and (self.end + timedelta(days=1)).day == 1
        if not whole:
            return Period(end - timedelta(days=self.days - 1), end)
        months = len(self.months())
        year, month = divmod(self.start.year * 12 + self.start.month - 1 - months, 12)
        return Period(date(year, month + 1, 1), end)

    def months(self) -> list[str]:
        """The months it touches, as "YYYY-MM"."""
        found, on = [], self.start.replace(day=1)
        while on <= self.end:
            found.append(f"{on:%Y-%m}")
            on = (on + timedelta(days=32)).replace(day=1)
        return found

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(self.start, time(), zone)
        return start, datetime.combine(self.end + timedelta(days=1), time(), zone)


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = (first + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    return Period(first, last)


@dataclass
class Figures:
    offers: int = 0
    requirements: int = 0
    suggested: int = 0
    accepted: int = 0
    contacted: int = 0
    deals: int = 0
    value_vnd: int = 0


@dataclass
class PeriodReport:
    scope: str | None
    period: Period
    previous: Period
    current: Figures
    before: Figures
    monthly: list[tuple[str, Figures]]
    by_group: list[tuple[str, int]]
    by_producer_type: list[tuple[str, int, int]]  # type, new offers, deals
    by_buyer_type: list[tuple[str, int, int]]  # type, new requirements, deals
    by_province: list[tuple[str, int]] = field(default_factory=list)  # nationwide only


def _local_month(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m}"


def _offers(scope: str | None, start: datetime, end: datetime):
    query = (
        select(Offer.created_at, Offer.category, Offer.province, Organization.entity_type)
        .join(Organization, Organization.id == Offer.organization_id)
        .where(Offer.created_at >= start, Offer.created_at < end)
    )
    return query.where(Offer.province == scope) if scope else query


def _requirements(scope: str | None, start: datetime, end: datetime):
    query = (
        select(Requirement.created_at, Organization.buyer_type)
        .join(Organization, Organization.id == Requirement.organization_id)
        .where(Requirement.created_at >= start, Requirement.created_at < end)
    )
    return query.where(Organization.province == scope) if scope else query


def _match_rows(
    session: Session, scope: str | None, start: datetime, end: datetime
) -> tuple[list[tuple[datetime]], list[tuple[datetime, str, str | None, str | None]]]:
    """Matches made in the period; and each (match, stage) it first reached in the period,
    with the producer's type and the buyer's type."""
    producer = Organization.__table__.alias("producer")
    buyer = Organization.__table__.alias("buyer")
    made = select(Match.created_at).join(Offer, Offer.id == Match.offer_id)
    made = made.where(Match.created_at >= start, Match.created_at < end)
    moves = (
        select(
            MatchEvent.match_id, MatchEvent.created_at, MatchEvent.to_status,
            producer.c.entity_type, buyer.c.buyer_type,
        )
        .join(Match, Match.id == MatchEvent.match_id)
        .join(Offer, Offer.id == Match.offer_id)
        .join(producer, producer.c.id == Offer.organization_id)
        .join(Requirement, Requirement.id == Match.requirement_id)
        .join(buyer, buyer.c.id == Requirement.organization_id)
        .where(MatchEvent.created_at >= start, MatchEvent.created_at < end,
               MatchEvent.to_status.in_(STAGES))
        .order_by(MatchEvent.created_at)
    )  # fmt: skip
    if scope:
        made = made.where(Offer.province == scope)
        moves = moves.where(Offer.province == scope)
    seen: set[tuple[int, str]] = set()
    reached = []
    for match_id, at, stage, entity, buyer_type in session.execute(moves):
        if (match_id, stage) not in seen:
            seen.add((match_id, stage))
            reached.append((at, stage, entity, buyer_type))
    return [(at,) for (at,) in session.execute(made)], reached


def _told_at_events(
    session: Session, match_ids: Iterable[int], agency_id: int | None
) -> dict[int, int]:
    """What the meetings of the agency's events (every event's if None), whenever they were,
    counted as orders of each of these matches."""
    query = (
        select(MeetingRequest.match_id, func.sum(Meeting.order_value_vnd))
        .join(Meeting, Meeting.request_id == MeetingRequest.id)
        .where(MeetingRequest.match_id.in_(set(match_ids)), Meeting.stage.in_(ORDERS),
               Meeting.order_value_vnd > 0)
        .group_by(MeetingRequest.match_id)
    )  # fmt: skip
    if agency_id is not None:
        query = query.join(Event, Event.id == Meeting.event_id).where(
            Event.organization_id == agency_id
        )
    return {match_id: int(value or 0) for match_id, value in session.execute(query) if match_id}


def _beyond_events(session: Session, told: Mapping[int, int]) -> dict[int, int]:
    """What each recorded order of these matches adds beyond the value their events counted:
    the orders, oldest first, make that value up before they count."""
    counted: dict[int, int] = {}
    left = dict(told)
    rows = session.execute(
        select(MatchOrder.id, MatchOrder.match_id, MatchOrder.value_vnd)
        .where(MatchOrder.match_id.in_(set(told)))
        .order_by(MatchOrder.ordered_on, MatchOrder.id)
    )
    for order_id, match_id, value in rows:
        made_up = min(left[match_id], int(value))
        left[match_id] -= made_up
        counted[order_id] = int(value) - made_up
    return counted


def _trade_rows(
    session: Session,
    scope: str | None,
    period: Period,
    start: datetime,
    end: datetime,
    agency_id: int | None,
) -> tuple[list[tuple[datetime, int]], list[tuple[date, int]]]:
    """The accepted quotes' values (when accepted) and the recorded orders' (when ordered) in
    the period; a quote whose pair met at an event that counted a value for it is left out,
    an order counts for what it adds to the orders the pair's events counted."""
    at_event = exists().where(
        MeetingRequest.id == Meeting.request_id,
        Match.id == MeetingRequest.match_id,
        Meeting.stage.in_(sorted(CONTRACT_OR_MORE)),
        Meeting.order_value_vnd > 0,
    )
    deals = (
        select(Quote.accepted_at, Quote.deal_value_vnd)
        .join(Offer, Offer.id == Quote.offer_id)
        .outerjoin(Match, and_(Match.requirement_id == Quote.requirement_id,
                               Match.offer_id == Quote.offer_id))
        .where(Quote.status == "accepted", Quote.deal_value_vnd > 0,
               Quote.accepted_at >= start, Quote.accepted_at < end, ~at_event)
    )  # fmt: skip
    orders = (
        select(MatchOrder.id, MatchOrder.match_id, MatchOrder.ordered_on, MatchOrder.value_vnd)
        .join(Match, Match.id == MatchOrder.match_id)
        .join(Offer, Offer.id == Match.offer_id)
        .where(MatchOrder.ordered_on >= period.start, MatchOrder.ordered_on <= period.end)
    )
    if scope:
        deals = deals.where(Offer.province == scope)
        orders = orders.where(Offer.province == scope)
    recorded = session.execute(orders).all()
    told = _told_at_events(session, (match_id for _, match_id, _, _ in recorded), agency_id)
    beyond = _beyond_events(session, told) if told else {}
    return (
        [(at, int(value)) for at, value in session.execute(deals) if at and value],
        [
            (day, beyond.get(order_id, int(value)))
            for order_id, _, day, value in recorded
            if beyond.get(order_id, value)
        ],
    )


def _figures(
    session: Session,
    scope: str | None,
    period: Period,
    zone: ZoneInfo,
    agency_id: int | None,
    monthly: dict[str, Figures] | None = None,
    breakdowns: dict[str, Counter[str]] | None = None,
) -> Figures:
    start, end = period.bounds(zone)
    total = Figures()
    months = monthly if monthly is not None else defaultdict(Figures)
    counts = breakdowns if breakdowns is not None else defaultdict(Counter)
    for at, category, province, entity in session.execute(_offers(scope, start, end)):
        total.offers += 1
        months[_local_month(at, zone)].offers += 1
        counts["group"][category.split(".")[0]] += 1
        counts["province"][province] += 1
        counts["producer_offers"][entity or UNKNOWN] += 1
    for at, buyer_type in session.execute(_requirements(scope, start, end)):
        total.requirements += 1
        months[_local_month(at, zone)].requirements += 1
        counts["buyer_requirements"][buyer_type or UNKNOWN] += 1
    made, reached = _match_rows(session, scope, start, end)
    for (at,) in made:
        total.suggested += 1
        months[_local_month(at, zone)].suggested += 1
    for at, stage, entity, buyer_type in reached:
        name = "deals" if stage == "deal" else stage
        setattr(total, name, getattr(total, name) + 1)
        month = months[_local_month(at, zone)]
        setattr(month, name, getattr(month, name) + 1)
        if stage == "deal":
            counts["producer_deals"][entity or UNKNOWN] += 1
            counts["buyer_deals"][buyer_type or UNKNOWN] += 1
    filters = ReportFilters(
        timezone=str(zone), since=period.start, until=period.end, organization_id=agency_id
    )
    events = build_report(session, filters)
    total.value_vnd = events.totals.value_vnd
    for row in events.rows:
        value = int(row["order_value_vnd"])  # type: ignore[call-overload]
        if value:
            months[str(row["starts_at"])[:7]].value_vnd += value
    deals, orders = _trade_rows(session, scope, period, start, end, agency_id)
    for at, value in deals:
        total.value_vnd += value
        months[_local_month(at, zone)].value_vnd += value
    for day, value in orders:
        total.value_vnd += value
        months[f"{day:%Y-%m}"].value_vnd += value
    return total


def period_report(
    session: Session,
    scope: str | None,
    period: Period,
    *,
    timezone: str,
    agency_id: int | None = None,
) -> PeriodReport:
    """The figures of ``period`` and of the one before, within ``scope`` (a province code, or
    None nationwide); deal value from the events ``agency_id`` organized (every event if None)."""
    zone = ZoneInfo(timezone)
    monthly: dict[str, Figures] = defaultdict(Figures)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    current = _figures(session, scope, period, zone, agency_id, monthly, counts)
    before = _figures(session, scope, period.previous(), zone, agency_id)
    producer_types = [*PRODUCER_TYPES, UNKNOWN]
    buyer_types = sorted(set(counts["buyer_requirements"]) | set(counts["buyer_deals"]))
    return PeriodReport(
        scope=scope,
        period=period,
        previous=period.previous(),
        current=current,
        before=before,
        monthly=[(m, monthly.get(m, Figures())) for m in period.months()],
        by_group=counts["group"].most_common(),
        by_producer_type=[
            (t, counts["producer_offers"][t], counts["producer_deals"][t])
            for t in producer_types
            if t in PRODUCER_TYPES or counts["producer_offers"][t] or counts["producer_deals"][t]
        ],
        by_buyer_type=[
            (t, counts["buyer_requirements"][t], counts["buyer_deals"][t]) for t in buyer_types
        ],
        by_province=[] if scope else counts["province"].most_common(),
    )


# --- the XLSX report ------------------------------------------------------------------------


def _sheet(
    workbook: Workbook, title: str, header: Iterable[str], rows: Iterable[Iterable[Any]]
) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, date):  # a month: its first day, shown as 07/2026
                cell.number_format = "mm/yyyy"


def to_xlsx(report: PeriodReport, say: Say) -> bytes:
    """The same figures as the page, in the reader's language: a summary beside the previous
    period, the months, and each breakdown; names for codes, numbers left as numbers."""
    t: Callable[..., str] = lambda code, **params: say(code, params or None)  # noqa: E731
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = t("period.sheet.summary")
    summary.append([t("period.title", start=report.period.start, end=report.period.end)])
    summary.append([t("period.scope", province=report.scope) if report.scope
                    else t("period.nationwide")])  # fmt: skip
    summary.append([])
    summary.append([
        t("period.column.figure"),
        t("period.column.current", start=report.period.start, end=report.period.end),
        t("period.column.previous", start=report.previous.start, end=report.previous.end),
        t("period.column.change"),
    ])  # fmt: skip
    for name in FIGURES:
        now, then = getattr(report.current, name), getattr(report.before, name)
        summary.append([t(f"period.figure.{name}"), now, then, now - then])
    for cells in summary.iter_rows(min_row=5, min_col=2):
        for cell in cells:
            cell.number_format = "#,##0"
    _sheet(
        workbook, t("period.sheet.monthly"),
        [t("period.column.month"), *(t(f"period.figure.{n}") for n in FIGURES)],
        ([date.fromisoformat(f"{month}-01"), *(getattr(f, n) for n in FIGURES)]
         for month, f in report.monthly),
    )  # fmt: skip
    named = sorted(
        ((t("export.product_group", category=code) if code != UNKNOWN else t("export.unknown"), n)
         for code, n in report.by_group),
        key=lambda row: (-row[1], sort_key(row[0])),
    )  # fmt: skip
    _sheet(workbook, t("period.sheet.by_group"),
           [t("export.column.group"), t("period.figure.offers")], named)  # fmt: skip
    _sheet(
        workbook, t("period.sheet.by_producer_type"),
        [t("period.column.producer_type"), t("period.figure.offers"), t("period.figure.deals")],
        ([t(f"period.producer_type.{k}"), a, b] for k, a, b in report.by_producer_type),
    )  # fmt: skip
    _sheet(
        workbook, t("period.sheet.by_buyer_type"),
        [t("export.column.buyer_type"), t("period.figure.requirements"), t("period.figure.deals")],
        ([t(f"export.buyer_type.{k}") if k != UNKNOWN else t("export.unknown"), a, b]
         for k, a, b in report.by_buyer_type),
    )  # fmt: skip
    if report.by_province:
        _sheet(
            workbook, t("period.sheet.by_province"),
            [t("export.column.producer_province"), t("period.figure.offers")],
            ([t("export.province", province=code), n] for code, n in report.by_province),
        )  # fmt: skip
    texts_as_texts(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def period_from(since: str | None, until: str | None, *, today: date) -> Period:
    """The period a query asks for ("YYYY-MM-DD" ends); this quarter when none is given."""
    if not since and not until:
        return quarter_of(today)
    errors = []
    days: dict[str, date] = {}
    for name, text in (("since", since), ("until", until)):
        try:
            days[name] = date.fromisoformat(text or "")
        except ValueError:
            errors.append(field_error(name, "field.date"))
    if errors:
        raise Invalid("period.invalid", errors=errors)
    period = Period(days["since"], days["until"])
    if period.end < period.start:
        raise Invalid("period.invalid", errors=[field_error("until", "period.order")])
    if period.days > MAX_DAYS:
        raise Invalid(
            "period.invalid", errors=[field_error("until", "period.too_long", days=MAX_DAYS)]
        )
    return period

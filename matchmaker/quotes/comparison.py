"""The buyer's side-by-side view of the quotes on a requirement, and its spreadsheet.

Prices and quantities are put in the requirement's unit where the two units measure the same
thing (a price per tonne becomes one per kilogram); between two count units (a box and a
bottle) or a mass and a volume there is no telling, and the quote is marked not comparable
rather than guessed at. Stars count only when the OCOP certificate is still valid on the day
of delivery (the requirement's ``needed_by``, or today). The delivered cost adds an estimate
of the freight to the requirement's delivery provinces (:mod:`matchmaker.quotes.freight`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles.numbers import FORMAT_DATE_XLSX14

from matchmaker.catalog.inputs import certificate_expiry
from matchmaker.catalog.models import Requirement
from matchmaker.exports import safe_row, texts_as_texts
from matchmaker.matching.models import Match
from matchmaker.quotes.freight import Delivery, delivered_cost, deliveries
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.ranking.reference import convert
from matchmaker.settings import FreightSettings

Say = Callable[[str, Mapping[str, Any] | None], str]


@dataclass
class QuoteLine:
    quote: Quote
    terms: QuoteRevision
    # The price of one of the requirement's units; None when the units do not convert.
    price_per_wanted_unit: float | None
    min_order_in_wanted_unit: float | None
    volume_in_wanted_unit: float | None
    # None where the requirement or the quote does not say enough to tell.
    min_order_fits: bool | None
    covers_volume: bool | None
    within_price_ceiling: bool | None
    certificate_valid: bool | None
    stars: int | None
    match: Match | None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)
    # One of the requirement's units brought to each of its delivery provinces (estimates).
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return self.price_per_wanted_unit is not None

    @property
    def delivered_cost(self) -> float | None:
        """The price plus the estimated freight, at the dearest of the destinations."""
        return delivered_cost(self.deliveries)

    @property
    def freight_estimate(self) -> float | None:
        cost = self.delivered_cost
        if cost is None or self.price_per_wanted_unit is None:
            return None
        return cost - self.price_per_wanted_unit


@dataclass
class Comparison:
    requirement: Requirement
    delivery_on: date
    lines: list[QuoteLine]
    freight: FreightSettings = field(default_factory=FreightSettings)


def _in_unit(quantity: float | None, unit: str, wanted: str | None) -> float | None:
    if quantity is None or wanted is None:
        return None
    return convert(quantity, unit, wanted)


def line(
    requirement: Requirement,
    quote: Quote,
    match: Match | None,
    on: date,
    freight: FreightSettings | None = None,
) -> QuoteLine:
    terms = quote.latest
    wanted = requirement.unit
    per_wanted = _in_unit(1.0, wanted, terms.unit) if wanted else None
    price = terms.unit_price_vnd * per_wanted if per_wanted is not None else None
    min_order = _in_unit(terms.min_order_quantity, terms.unit, wanted)
    volume = _in_unit(terms.monthly_volume, terms.unit, wanted)
    quantity = requirement.quantity_per_month
    offer = quote.offer
    expiry = certificate_expiry(
        {"ocop_certified_until": offer.ocop_certified_until,
         "ocop_certified_on": offer.ocop_certified_on}
    )  # fmt: skip
    valid = None if offer.ocop_stars is None else (expiry is None or expiry >= on)
    return QuoteLine(
        quote=quote,
        terms=terms,
        price_per_wanted_unit=price,
        min_order_in_wanted_unit=min_order,
        volume_in_wanted_unit=volume,
        min_order_fits=None if min_order is None or not quantity else min_order <= quantity,
        covers_volume=None if volume is None or not quantity else volume >= quantity,
        within_price_ceiling=(
            None
            if price is None or requirement.max_unit_price_vnd is None
            else price <= requirement.max_unit_price_vnd
        ),
        certificate_valid=valid,
        stars=offer.ocop_stars if valid else None,
        match=match,
        reasons=list(match.reasons) if match else [],
        gaps=list(match.gaps) if match else [],
        deliveries=deliveries(requirement, quote, price, freight or FreightSettings()),
    )


def _by_price(item: QuoteLine) -> tuple[Any, ...]:
    price = item.price_per_wanted_unit
    return (price is None, price or 0.0, -(item.stars or 0), item.quote.id)


def _by_delivered(item: QuoteLine) -> tuple[Any, ...]:
    cost = item.delivered_cost
    return (cost is None, cost or 0.0, *_by_price(item))


def _by_stars(item: QuoteLine) -> tuple[Any, ...]:
    price = item.price_per_wanted_unit
    return (-(item.stars or 0), price is None, price or 0.0, item.quote.id)


def compare(
    requirement: Requirement,
    quotes: Sequence[Quote],
    matches: Mapping[int, Match],
    sort: str,
    today: date,
    freight: FreightSettings | None = None,
) -> Comparison:
    """The quotes as lines, cheapest (in the requirement's unit, or delivered) or most stars
    first; the quotes whose price does not convert (or cannot be estimated delivered) come
    after those that do."""
    freight = freight or FreightSettings()
    on = requirement.needed_by if requirement.needed_by and requirement.needed_by > today else today
    lines = [line(requirement, q, matches.get(q.offer_id), on, freight) for q in quotes]
    lines.sort(key=SORTS.get(sort, _by_price))
    return Comparison(requirement=requirement, delivery_on=on, lines=lines, freight=freight)


SORTS: dict[str, Callable[[QuoteLine], tuple[Any, ...]]] = {
    "price": _by_price,
    "delivered": _by_delivered,
    "stars": _by_stars,
}


COLUMNS = (
    "producer", "offer", "status", "unit_price_vnd", "unit", "price_per_wanted_unit",
    "freight_estimate", "delivered_cost",
    "min_order_quantity", "monthly_volume", "lead_time_days", "delivery_terms", "valid_until",
    "samples_available", "ocop_stars", "certificate_valid", "note",
)  # fmt: skip


def _yes_no(say: Say, value: bool | None) -> str:
    if value is None:
        return ""
    return say("quote.export.yes" if value else "quote.export.no", None)


def _rounded(value: float | None) -> int | str:
    return round(value) if value is not None else ""


def freight_note(comparison: Comparison, say: Say) -> str:
    """How the delivered cost is estimated, with the rate used: the buyer reads an estimate."""
    rates = comparison.freight
    return say(
        "quote.freight_note",
        {"rate": round(rates.vnd_per_tonne_km), "factor": rates.road_factor},
    )


def _row(say: Say, item: QuoteLine) -> list[object]:
    terms = item.terms
    return [
        item.quote.offer.producer.name,
        item.quote.offer.title,
        say(f"quote.status.{item.quote.status}", None),
        terms.unit_price_vnd,
        say("quote.export.unit", {"unit": terms.unit}),
        (
            round(item.price_per_wanted_unit)
            if item.price_per_wanted_unit is not None
            else say("quote.not_comparable", None)
        ),
        _rounded(item.freight_estimate),
        _rounded(item.delivered_cost),
        terms.min_order_quantity,
        terms.monthly_volume,
        terms.lead_time_days,
        say(f"quote.terms.{terms.delivery_terms}", None),
        terms.valid_until or "",
        _yes_no(say, terms.samples_available),
        item.stars,
        _yes_no(say, item.certificate_valid),
        terms.note,
    ]


def to_xlsx(comparison: Comparison, say: Say) -> bytes:
    """The comparison as a workbook for a buying committee, in the reader's language; every
    text typed by a producer is kept a text (never a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = say("quote.export.sheet", None)[:31]
    sheet.append(safe_row([comparison.requirement.title]))
    sheet.append(safe_row(say(f"quote.export.column.{c}", None) for c in COLUMNS))
    for item in comparison.lines:
        sheet.append(safe_row(_row(say, item)))
    # Excel's own short date (format 14), which each reader's spreadsheet writes its own way.
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, date | datetime):
                cell.number_format = FORMAT_DATE_XLSX14
    sheet.append(safe_row([]))
    sheet.append(safe_row([freight_note(comparison, say)]))
    texts_as_texts(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

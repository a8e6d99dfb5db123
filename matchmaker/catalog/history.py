"""Who may change which field of an offer, and the offer's history of changes.

The province is the authority for an offer's OCOP facts (its stars, the potential-five-star
flag, the certificate's dates and decision number): an officer's import sets them. Everything
else about an offer is the producer's to keep (name, description, group, unit, price, capacity,
shelf life, certifications, export markets, traceability link, photos): an import fills those
only for a producer without any account, for whom the province's list is the only source.

Every change, by an import or by the producer's own edit, is one :class:`OfferChange` per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog.inputs import OFFER_FIELDS
from matchmaker.catalog.models import Offer, OfferChange
from matchmaker.db import utcnow
from matchmaker.translations import countries, day, money, number, reference_name, render

# The province's: an import sets them on every offer.
OCOP_FACTS = (
    "ocop_stars",
    "ocop_potential_five_star",
    "ocop_certified_on",
    "ocop_certified_until",
    "ocop_decision_number",
)
# The producer's: an import leaves them as a producer with an account keeps them.
PRODUCER_MAINTAINED = tuple(name for name in OFFER_FIELDS if name not in OCOP_FACTS)

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class ChangedBy:
    """Who made a change: a user, an import of a file, or a user's import of a file."""

    user_id: int | None = None
    import_file: str | None = None

    @property
    def source(self) -> str:
        return "import" if self.import_file is not None else "edit"


def stored(value: Any) -> Any:
    """A field's value as the history keeps it (JSON)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return value


def _blank(value: Any) -> bool:
    """No value: a new offer's history leaves out what it was not given."""
    return value is None or value is False or value in ("", [])


def record_changes(
    session: Session,
    offer_id: int,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    by: ChangedBy,
) -> list[OfferChange]:
    """One history row per field of ``after`` whose value differs from ``before``, all at one
    moment (so that the history shows them as one change)."""
    now = utcnow()
    rows = [
        OfferChange(
            offer_id=offer_id,
            changed_at=now,
            user_id=by.user_id,
            source=by.source,
            import_file=by.import_file,
            field=name,
            old=stored(before.get(name)),
            new=stored(value),
        )
        for name, value in after.items()
        if name in OFFER_FIELDS
        and stored(before.get(name)) != stored(value)
        and not (_blank(before.get(name)) and _blank(value))
    ]
    session.add_all(rows)
    return rows


def offer_history(session: Session, offer_id: int, limit: int = HISTORY_LIMIT) -> list[OfferChange]:
    """The offer's changes, newest first."""
    return list(
        session.scalars(
            select(OfferChange)
            .where(OfferChange.offer_id == offer_id)
            .order_by(OfferChange.changed_at.desc(), OfferChange.id.desc())
            .limit(limit)
        )
    )


# --- the history as a reader sees it: one entry per change, each with its fields -----------

# Rows written by one edit or one import's row within this span are one change.
_SAME_CHANGE = timedelta(seconds=2)


@dataclass(frozen=True)
class HistoryLine:
    field: str
    field_name: str
    old: Any
    new: Any
    old_text: str
    new_text: str


@dataclass
class HistoryEntry:
    """One change of an offer: when, by whom (said in the reader's language) and its fields."""

    changed_at: datetime
    source: str
    import_file: str | None
    user_id: int | None
    author: str
    lines: list[HistoryLine] = field(default_factory=list)


def describe(
    session: Session, offer: Offer, changes: list[OfferChange], locale: str
) -> list[HistoryEntry]:
    """The changes (newest first) grouped into the edits and imports that made them, each said
    in ``locale``: "Sở Công Thương Tây Ninh, import of danh-sach-2025.xlsx", or the producer's
    own edit, with every field's old and new value."""
    ids = {c.user_id for c in changes if c.user_id is not None}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    entries: list[HistoryEntry] = []
    for change in changes:
        last = entries[-1] if entries else None
        if (
            last is None
            or (last.user_id, last.source, last.import_file)
            != (change.user_id, change.source, change.import_file)
            or abs(last.changed_at - change.changed_at) > _SAME_CHANGE
        ):
            last = HistoryEntry(
                changed_at=change.changed_at,
                source=change.source,
                import_file=change.import_file,
                user_id=change.user_id,
                author=_say_author(change, users.get(change.user_id or 0), offer, locale),
            )
            entries.append(last)
        last.lines.append(
            HistoryLine(
                field=change.field,
                field_name=say_field(change.field, locale),
                old=change.old,
                new=change.new,
                old_text=say_value(change.field, change.old, locale),
                new_text=say_value(change.field, change.new, locale),
            )
        )
    order = {name: i for i, name in enumerate(OFFER_FIELDS)}
    for entry in entries:
        entry.lines.sort(key=lambda line: order.get(line.field, len(order)))
    return entries


def _say_author(change: OfferChange, user: User | None, offer: Offer, locale: str) -> str:
    if change.source == "import":
        if user is None:
            return render("history.by_import", {"file": change.import_file}, locale)
        params = {"user": user.organization.name, "file": change.import_file}
        return render("history.by_user_import", params, locale)
    if user is None:
        return render("history.by_removed_account", None, locale)
    if user.organization_id == offer.organization_id:
        params = {"user": user.name, "organization": user.organization.name}
        return render("history.by_producer", params, locale)
    return render("history.by_admin", {"user": user.name}, locale)


# --- saying a field and its value in a reader's language --------------------------------------

_REFERENCE_FIELDS = {"category": "category", "unit": "unit", "province": "province"}
_DATE_FIELDS = ("ocop_certified_on", "ocop_certified_until")


def say_field(name: str, locale: str) -> str:
    return render(f"offer.field.{name}", None, locale)


def say_value(name: str, value: Any, locale: str) -> str:
    """A field's stored value as a reader of ``locale`` reads it ("—" for none)."""
    if value is None or value == [] or value == "":
        return render("history.none", None, locale)
    if isinstance(value, bool):
        return render("history.yes" if value else "history.no", None, locale)
    if name in _DATE_FIELDS and isinstance(value, str):
        try:
            return day(date.fromisoformat(value), locale)
        except ValueError:
            return value
    if name in _REFERENCE_FIELDS and isinstance(value, str):
        return reference_name(_REFERENCE_FIELDS[name], value, locale)
    if name == "certifications" and isinstance(value, list):
        return ", ".join(reference_name("certification", str(v), locale) for v in value)
    if name == "export_markets" and isinstance(value, list):
        return countries(map(str, value), locale)
    if name == "status" and isinstance(value, str):
        return render(f"offer.status.{value}", None, locale)
    if name == "unit_price_vnd" and isinstance(value, int | float):
        return money(value, locale)
    if isinstance(value, int | float):
        return number(value, locale)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)

"""A buyer's shortlist: offers saved while comparing suppliers, shared within the buyer.

Kept in the database, so that it follows the buyer from the phone to the office computer and
every colleague of the same buyer sees the same list. Never commits.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts.models import User
from matchmaker.catalog import access
from matchmaker.catalog.models import Offer, ShortlistEntry
from matchmaker.db import transaction
from matchmaker.errors import Forbidden, Invalid, NotFound, field_error

# Enough for any comparison; a list longer than this has stopped being a shortlist.
MAX_ENTRIES = 200
NOTE_LENGTH = 500


def _buyer_organization_id(user: User) -> int:
    if user.role != "buyer":
        raise Forbidden("shortlist.buyers_only")
    return user.organization_id


def entries(session: Session, user: User) -> list[ShortlistEntry]:
    """The buyer's saved offers, newest first; offers since paused or archived included,
    so the buyer sees that they went and can remove them."""
    organization_id = _buyer_organization_id(user)
    return list(
        session.scalars(
            select(ShortlistEntry)
            .options(joinedload(ShortlistEntry.offer).joinedload(Offer.producer))
            .where(ShortlistEntry.organization_id == organization_id)
            .order_by(ShortlistEntry.created_at.desc(), ShortlistEntry.id.desc())
        )
    )


def saved_offer_ids(session: Session, user: User) -> set[int]:
    if user.role != "buyer":
        return set()
    return set(
        session.scalars(
            select(ShortlistEntry.offer_id).where(
                ShortlistEntry.organization_id == user.organization_id
            )
        )
    )


@transaction
def save(session: Session, user: User, offer_id: int, note: str | None = None) -> ShortlistEntry:
    """Saves an offer the buyer can see (again: only the note changes)."""
    organization_id = _buyer_organization_id(user)
    offer = access.read_offer(session, user, offer_id)
    note = (note or "").strip()
    if len(note) > NOTE_LENGTH:
        raise Invalid(
            "shortlist.invalid",
            errors=[field_error("note", "field.max_length", max=NOTE_LENGTH)],
        )
    entry = _entry(session, organization_id, offer.id)
    if entry is None:
        count = session.scalar(
            select(func.count()).where(ShortlistEntry.organization_id == organization_id)
        )
        if (count or 0) >= MAX_ENTRIES:
            raise Invalid(
                "shortlist.full",
                max=MAX_ENTRIES,
                errors=[field_error("offer_id", "shortlist.full", max=MAX_ENTRIES)],
            )
        entry = ShortlistEntry(organization_id=organization_id, offer=offer, added_by_id=user.id)
        try:
            with session.begin_nested():
                session.add(entry)
        except IntegrityError:  # a colleague saved it a moment ago
            entry = _entry(session, organization_id, offer.id)
            assert entry is not None
    entry.note = note
    session.flush()
    return entry


def _entry(session: Session, organization_id: int, offer_id: int) -> ShortlistEntry | None:
    return session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.organization_id == organization_id, ShortlistEntry.offer_id == offer_id
        )
    )


@transaction
def save_many(session: Session, user: User, offer_ids: list[int]) -> int:
    """Saves each offer the buyer can still see (the others are passed over); how many."""
    saved = 0
    for offer_id in offer_ids:
        try:
            with session.begin_nested():
                save(session, user, offer_id)
        except (NotFound, Invalid):
            continue
        saved += 1
    return saved


@transaction
def remove(session: Session, user: User, offer_id: int) -> None:
    """Removes the offer from the buyer's shortlist, if it is on it."""
    organization_id = _buyer_organization_id(user)
    session.execute(
        delete(ShortlistEntry).where(
            ShortlistEntry.organization_id == organization_id, ShortlistEntry.offer_id == offer_id
        )
    )

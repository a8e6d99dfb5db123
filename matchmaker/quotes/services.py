"""Quote use cases: a producer quotes, revises and withdraws; the buyer compares, accepts
(a deal on the match, with its value) or declines with a reason.

Who sees what: the producer that made a quote (and admins) change it; the requirement's buyer
reads every quote on it; another producer sees only its own; officers read the quotes of the
requirements of their province (:func:`matchmaker.accounts.permissions.oversees_requirement`).
Each step queues (through the outbox) the email that tells the other side
(:mod:`matchmaker.notifications.quote_notices`). Never commits outside the unit of work of
:func:`matchmaker.db.transaction`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker import outbox
from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog import access as catalog
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import transaction, utcnow
from matchmaker.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from matchmaker.matching.answers import record_answer
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match
from matchmaker.quotes.comparison import Comparison, compare
from matchmaker.quotes.inputs import QuoteChanges, QuoteInput, quote_problems
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.settings import FreightSettings

Sort = Literal["price", "delivered", "stars"]


def _load(session: Session, quote_id: int) -> Quote | None:
    return session.scalar(
        select(Quote).where(Quote.id == quote_id).options(selectinload(Quote.revisions))
    )


def can_read_quote(user: User, quote: Quote) -> bool:
    requirement = quote.requirement
    return (
        can.is_admin(user)
        or user.organization_id == quote.organization_id
        or can.can_manage_requirement(user, requirement)
        or can.oversees_requirement(user, requirement)
    )


def read_quote(session: Session, user: User, quote_id: int) -> Quote:
    quote = _load(session, quote_id)
    if quote is None or not can_read_quote(user, quote):
        raise NotFound("quote.not_found", quote_id=quote_id)
    return quote


def _producer_of(user: User, quote: Quote) -> None:
    if not (can.is_admin(user) or user.organization_id == quote.organization_id):
        raise Forbidden("quote.producer_only")


def _buyer_of(user: User, quote: Quote) -> None:
    if not can.can_manage_requirement(user, quote.requirement):
        raise Forbidden("quote.buyer_only")


def _check(terms: dict[str, Any]) -> None:
    problems = quote_problems(terms)
    if problems:
        raise Invalid("quote.invalid", errors=problems)


def _revise(session: Session, user: User, quote: Quote, terms: dict[str, Any]) -> None:
    number = quote.revisions[-1].number + 1 if quote.revisions else 1
    quote.revisions.append(QuoteRevision(number=number, user_id=user.id, **terms))
    session.flush()


@transaction
def submit(session: Session, user: User, requirement_id: int, data: QuoteInput) -> Quote:
    """A producer's quote on a requirement it can see, with one of its own active offers; a
    quote it withdrew on the same pair opens again with these terms as a new revision."""
    if user.role != "producer":
        raise Forbidden("quote.producers_only")
    requirement = catalog.read_requirement(session, user, requirement_id)
    if requirement.status != "open":
        raise Conflict("quote.requirement_not_open", status=requirement.status)
    offer = session.get(Offer, data.offer_id)
    if offer is None or not can.can_manage_offer(user, offer):
        raise Invalid("quote.invalid", errors=[field_error("offer_id", "quote.not_your_offer")])
    if offer.status != "active":
        raise Invalid("quote.invalid", errors=[field_error("offer_id", "quote.offer_not_active")])
    terms = data.values()
    _check(terms)
    quote = session.scalar(
        select(Quote)
        .where(Quote.requirement_id == requirement.id, Quote.offer_id == offer.id)
        .options(selectinload(Quote.revisions))
    )
    if quote is not None and quote.status != "withdrawn":
        raise Conflict("quote.exists", quote_id=quote.id)
    if quote is None:
        quote = Quote(requirement=requirement, offer=offer, organization_id=offer.organization_id)
        try:
            with session.begin_nested():
                session.add(quote)
        except IntegrityError:  # the same offer quoted a moment ago, from another device
            raise Conflict("quote.exists") from None
    quote.status = "open"
    _revise(session, user, quote, terms)
    outbox.quote_changed(session, quote.id, "submitted", quote.latest.number, user.id)
    return quote


@transaction
def revise(session: Session, user: User, quote_id: int, changes: QuoteChanges) -> Quote:
    """A new revision with the changed terms and the others as they were; the earlier ones are
    kept. Nothing changed, nothing recorded."""
    quote = read_quote(session, user, quote_id)
    _producer_of(user, quote)
    if quote.status != "open":
        raise Conflict("quote.not_open", status=quote.status)
    latest = quote.latest
    terms = {name: getattr(latest, name) for name in TERMS}
    changed = {k: v for k, v in changes.values().items() if terms.get(k) != v}
    if not changed:
        return quote
    terms.update(changed)
    _check(terms)
    _revise(session, user, quote, terms)
    outbox.quote_changed(session, quote.id, "revised", quote.latest.number, user.id)
    return quote


@transaction
def withdraw(session: Session, user: User, quote_id: int) -> Quote:
    """The producer takes its quote back; the buyer no longer sees it among the others."""
    quote = read_quote(session, user, quote_id)
    _producer_of(user, quote)
    if quote.status in ("accepted", "declined"):
        raise Conflict("quote.not_open", status=quote.status)
    quote.status = "withdrawn"
    session.flush()
    return quote


def deal_value(revision: QuoteRevision) -> int | None:
    """A month of the deal: the price times the volume committed (or the minimum order)."""
    quantity = revision.monthly_volume or revision.min_order_quantity
    if quantity is None:
        return None
    return round(revision.unit_price_vnd * quantity)


def _match_of(session: Session, quote: Quote) -> Match:
    """The pair's match; a quote on a requirement the ranking never paired with the offer
    makes one, so that the deal is recorded and counted like any other."""
    match = session.scalar(
        select(Match).where(
            Match.requirement_id == quote.requirement_id, Match.offer_id == quote.offer_id
        )
    )
    if match is None:
        match = Match(requirement=quote.requirement, offer=quote.offer, score=0.0, rank=0)
        session.add(match)
        session.flush()
    return match


@transaction
def accept(session: Session, user: User, quote_id: int, today: date | None = None) -> Quote:
    """The buyer accepts a quote: the quote is the producer's yes, the acceptance the buyer's
    yes and deal, recorded on the match as each side's answer (they feed the ranking's
    training data and the officers' figures); the deal's value is kept on the quote."""
    quote = read_quote(session, user, quote_id)
    _buyer_of(user, quote)
    if quote.status == "accepted":
        return quote
    if quote.status != "open":
        raise Conflict("quote.not_open", status=quote.status)
    latest = quote.latest
    if latest.valid_until is not None and latest.valid_until < (today or date.today()):
        raise Conflict("quote.expired", valid_until=latest.valid_until)
    match = _match_of(session, quote)
    author = session.get(User, latest.user_id) if latest.user_id else None
    record_answer(session, match, "producer", "accepted", user=author)
    record_feedback(session, user, match, "accepted")
    record_feedback(session, user, match, "deal")
    quote.status = "accepted"
    quote.accepted_at = utcnow()
    quote.deal_value_vnd = deal_value(latest)
    session.flush()
    outbox.quote_changed(session, quote.id, "accepted", latest.number, user.id)
    return quote


@transaction
def decline(session: Session, user: User, quote_id: int, reason: str | None) -> Quote:
    """The buyer declines a quote, saying why (the producer reads the reason)."""
    quote = read_quote(session, user, quote_id)
    _buyer_of(user, quote)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "quote.decline_reason_required",
            errors=[field_error("reason", "quote.decline_reason_required")],
        )
    if quote.status not in ("open", "declined"):
        raise Conflict("quote.not_open", status=quote.status)
    first = quote.status == "open"
    quote.status = "declined"
    quote.decline_reason = reason
    session.flush()
    if first:
        outbox.quote_changed(session, quote.id, "declined", quote.latest.number, user.id)
    return quote


def quotes_on(session: Session, user: User, requirement: Requirement) -> list[Quote]:
    """The quotes on a requirement the user may see: all but the withdrawn ones for its buyer,
    officers and admins; a producer's own (withdrawn too), for a producer."""
    # The offer and its producer in the same query: a comparison reads all three for
    # every quote, and each further IN query costs as much again as this one.
    query = (
        select(Quote)
        .where(Quote.requirement_id == requirement.id)
        .options(
            selectinload(Quote.revisions),
            joinedload(Quote.offer, innerjoin=True).joinedload(Offer.producer, innerjoin=True),
        )
        .order_by(Quote.id)
    )
    if can.can_manage_requirement(user, requirement) or can.oversees_requirement(user, requirement):
        query = query.where(Quote.status != "withdrawn")
    else:
        query = query.where(Quote.organization_id == user.organization_id)
    return list(session.scalars(query))


@transaction
def comparison(
    session: Session,
    user: User,
    requirement_id: int,
    sort: Sort = "price",
    today: date | None = None,
    freight: FreightSettings | None = None,
) -> Comparison:
    """The quotes on a requirement side by side, in the requirement's unit, with their
    estimated cost delivered to its provinces (at ``freight``'s rates)."""
    requirement = catalog.read_requirement(session, user, requirement_id)
    quotes = quotes_on(session, user, requirement)
    quoted = select(Quote.offer_id).where(Quote.requirement_id == requirement.id)
    shown = {q.offer_id for q in quotes}
    matches = {
        m.offer_id: m
        for m in session.scalars(
            select(Match).where(
                Match.requirement_id == requirement.id, Match.offer_id.in_(quoted.scalar_subquery())
            )
        )
        if m.offer_id in shown
    }
    return compare(requirement, quotes, matches, sort, today or date.today(), freight)


def quote_on(session: Session, user: User, requirement_id: int, offer_id: int) -> Quote | None:
    """The producer's quote with this offer on this requirement, if it made one."""
    quote = session.scalar(
        select(Quote).where(Quote.requirement_id == requirement_id, Quote.offer_id == offer_id)
    )
    if quote is None or not can_read_quote(user, quote):
        return None
    return quote


TERMS = (
    "unit_price_vnd", "unit", "min_order_quantity", "monthly_volume", "lead_time_days",
    "delivery_terms", "delivery_provinces", "valid_until", "samples_available", "note",
)  # fmt: skip

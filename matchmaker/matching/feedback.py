"""Feedback on matches: the answers of either side moving a match along its funnel, and the
answered matches as training data for the learned ranker."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.errors import Conflict, Forbidden, Invalid, field_error
from matchmaker.matching import consent
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.records import offer_record, requirement_record
from matchmaker.ranking.model import FeedbackExample

# Statuses that say something about the match's quality; "viewed" alone does not.
ANSWERED = ("accepted", "contacted", "deal", "declined")


def feedback_examples(session: Session) -> Iterator[FeedbackExample]:
    """Every answered match, with the features it was ranked on."""
    matches = session.scalars(
        select(Match)
        .where(Match.status.in_(ANSWERED))
        .options(
            joinedload(Match.requirement).joinedload(Requirement.buyer),
            joinedload(Match.offer).joinedload(Offer.producer),
        )
        .order_by(Match.id)
    )
    for match in matches:
        yield FeedbackExample(
            requirement=requirement_record(match.requirement),
            offer=offer_record(match.offer),
            action=match.status,
            reason=match.decline_reason,
            on=match.last_ranked_at.date(),
            features=dict(match.features) or None,
        )


# Which status each action may come from. Repeating the current status is a no-op.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "viewed": ("suggested", "notified"),
    "accepted": ("suggested", "notified", "viewed"),
    "declined": ("suggested", "notified", "viewed", "accepted", "contacted"),
    "contacted": ("accepted",),
    "deal": ("accepted", "contacted"),
}


def record_feedback(
    session: Session, user: User, match: Match, action: str, reason: str | None = None
) -> Match:
    """Moves a match along its funnel for one of its two sides; every change is kept."""
    if action not in TRANSITIONS:
        raise Invalid(
            "match.invalid",
            errors=[field_error("action", "field.choice", allowed=list(TRANSITIONS))],
        )
    sides = (match.requirement.organization_id, match.offer.organization_id)
    if user.role != "admin" and user.organization_id not in sides:
        raise Forbidden("match.not_a_side")
    if action == "declined" and not (reason and reason.strip()):
        raise Invalid(
            "match.decline_reason_required",
            errors=[field_error("reason", "match.decline_reason_required")],
        )
    if action == "accepted" and match.status in consent.YES:
        # The other side said yes first: this side's yes is its own, and may let its contact
        # details go to the other side now (consent.contact_shared).
        if user.organization_id in sides and not consent.said_yes(
            session, match, user.organization_id
        ):
            session.add(MatchEvent(match_id=match.id, user_id=user.id,
                                   from_status=match.status, to_status=action))  # fmt: skip
            session.flush()
            outbox.match_accepted(session, match.id, user.id)
        return match
    if match.status == action:
        return match
    if match.status not in TRANSITIONS[action]:
        raise Conflict(
            "match.wrong_status",
            status=match.status,
            action=action,
            after=list(TRANSITIONS[action]),
        )
    session.add(
        MatchEvent(
            match_id=match.id,
            user_id=user.id,
            from_status=match.status,
            to_status=action,
            reason=reason.strip() if reason else None,
        )
    )
    match.status = action
    if action == "declined":
        match.decline_reason = reason.strip() if reason else None
    session.flush()
    if action == "accepted":
        # Both sides are emailed the other's contact details once this commits.
        outbox.match_accepted(session, match.id, user.id)
    return match

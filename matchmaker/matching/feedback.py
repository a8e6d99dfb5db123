"""Feedback on matches: the answers of either side moving a match along its funnel, and the
answered matches as training data for the learned ranker."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.errors import Conflict, Forbidden, Invalid, field_error
from matchmaker.matching import consent
from matchmaker.matching.answers import check_answer, record_answer, training_examples
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.ranking.model import FeedbackExample

# Statuses that say something about the match's quality; "viewed" alone does not.
ANSWERED = ("accepted", "contacted", "deal", "declined")


def feedback_examples(session: Session) -> Iterator[FeedbackExample]:
    """Every result shown to a buyer, with what it was shown as and the buyer's own answer
    (:mod:`.answers`): the producer's answers never label how good an offer was for a buyer."""
    return training_examples(session, "buyer")


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
    side = check_answer(session, user, match, action)
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
        record_answer(session, match, side, action, user=user)
        return match
    if match.status == action:
        record_answer(session, match, side, action, user=user, reason=reason)
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
    reason = reason.strip() if reason else None
    if action == "declined":
        match.decline_reason = reason
    record_answer(session, match, side, action, user=user, reason=reason)
    session.flush()
    if action == "accepted":
        # Both sides are emailed the other's contact details once this commits.
        outbox.match_accepted(session, match.id, user.id)
    return match

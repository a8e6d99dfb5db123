"""Match feedback as training data for the learned ranker."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.catalog.models import Offer, Requirement
from matchmaker.matching.models import Match
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

"""Each buyer's own answers, read for its rankings: the pairs it declined and why, and the
offers it said yes to.

A decline is the buyer's when one of the buyer organization's users made it; a producer's
decline of the same match, or an event's no-show, is not the buyer's word on the offer.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.impressions import Impression
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.ranking.learning.labels import POSITIVE_FROM
from matchmaker.ranking.learning.personal import BuyerProfile, Decline
from matchmaker.ranking.lookup import category_group

YES = ("accepted", "contacted", "deal")
# The buyer's latest yeses make its profile: tastes change.
TAKEN_KEPT = 50
# The results a side answered last make its implicit profile for the learned model.
ANSWERED_KEPT = 300


def buyer_profile(session: Session, buyer_id: int) -> BuyerProfile:
    """The buyer organization's declines, the latest reason of each pair, oldest first."""
    rows = session.execute(
        select(
            Match.id,
            Match.requirement_id,
            Match.offer_id,
            Offer.organization_id,
            Offer.category,
            MatchEvent.reason,
        )
        .join(MatchEvent, MatchEvent.match_id == Match.id)
        .join(User, User.id == MatchEvent.user_id)
        .join(Requirement, Requirement.id == Match.requirement_id)
        .join(Offer, Offer.id == Match.offer_id)
        .where(
            Requirement.organization_id == buyer_id,
            User.organization_id == buyer_id,
            MatchEvent.to_status == "declined",
        )
        .order_by(MatchEvent.id)
    )
    latest: dict[int, Decline] = {}
    for match_id, requirement_id, offer_id, producer_id, category, reason in rows:
        latest[match_id] = Decline(
            requirement_id=str(requirement_id),
            offer_id=str(offer_id),
            producer_id=str(producer_id),
            category_group=category_group(category),
            reason=reason,
        )
    taken = session.execute(
        select(Match.id, Match.features)
        .join(MatchEvent, MatchEvent.match_id == Match.id)
        .join(User, User.id == MatchEvent.user_id)
        .join(Requirement, Requirement.id == Match.requirement_id)
        .where(
            Requirement.organization_id == buyer_id,
            User.organization_id == buyer_id,
            MatchEvent.to_status.in_(YES),
        )
        .order_by(MatchEvent.id.desc())
        .limit(TAKEN_KEPT)
    )
    liked = {match_id: features for match_id, features in taken if match_id not in latest}
    return BuyerProfile(tuple(latest.values()), tuple(dict(f or {}) for f in liked.values()))


def declined_requirements(session: Session, offer_id: int) -> set[int]:
    """The requirements whose buyer declined this offer: not shown to its producer again."""
    return set(
        session.scalars(
            select(Match.requirement_id)
            .join(MatchEvent, MatchEvent.match_id == Match.id)
            .join(User, User.id == MatchEvent.user_id)
            .join(Requirement, Requirement.id == Match.requirement_id)
            .where(
                Match.offer_id == offer_id,
                MatchEvent.to_status == "declined",
                User.organization_id == Requirement.organization_id,
            )
        )
    )


def answered_results(
    session: Session, organization_id: int, side: str = "buyer"
) -> list[tuple[dict[str, float], bool]]:
    """The results one side's organization answered lately, as it was shown them (the
    impression's features) and whether it took each (its furthest answer a yes): what its
    implicit profile is made of. Only its own answers count."""
    rows = session.execute(
        select(MatchAnswer.match_id, MatchAnswer.grade, MatchAnswer.action, Impression.features)
        .join(Impression, Impression.id == MatchAnswer.impression_id)
        .where(MatchAnswer.side == side, MatchAnswer.organization_id == organization_id)
        .order_by(MatchAnswer.id.desc())
        .limit(ANSWERED_KEPT)
    )
    by_match: dict[int, tuple[dict[str, float], bool]] = {}
    for match_id, grade, action, features in rows:
        if match_id in by_match:  # the latest answer is the side's word (newest first)
            continue
        by_match[match_id] = (dict(features or {}), action != "declined" and grade >= POSITIVE_FROM)
    return list(by_match.values())

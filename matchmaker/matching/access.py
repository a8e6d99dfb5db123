"""Match use cases on behalf of a signed-in user: the permission check, then the service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog import access as catalog
from matchmaker.catalog.models import Requirement
from matchmaker.db import transaction
from matchmaker.errors import Forbidden, NotFound
from matchmaker.matching import service
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.impressions import record_impressions
from matchmaker.matching.models import Match


@transaction
def offers_for_requirement(
    session: Session, state: service.RankingState, user: User, requirement_id: int, limit: int
) -> list[service.RankedOffer]:
    requirement = catalog.read_requirement(session, user, requirement_id)
    if not (
        can.can_manage_requirement(user, requirement) or can.oversees_requirement(user, requirement)
    ):
        raise Forbidden("match.requirement_owner_only")
    ranked = service.rank_offers(session, state, requirement, limit=limit)
    side = "buyer" if user.organization_id == requirement.organization_id else None
    record_impressions(session, user, side, [r.match for r in ranked])
    return ranked


@transaction
def requirements_for_offer(
    session: Session, state: service.RankingState, user: User, offer_id: int, limit: int
) -> list[service.RankedRequirement]:
    offer = catalog.read_offer(session, user, offer_id)
    if not (can.can_manage_offer(user, offer) or can.oversees_offer(user, offer)):
        raise Forbidden("match.offer_owner_only")
    ranked = service.rank_requirements(session, state, offer, limit=limit)
    side = "producer" if user.organization_id == offer.organization_id else None
    record_impressions(session, user, side, [r.match for r in ranked])
    return ranked


@transaction
def pools_for_requirement(
    session: Session, state: service.RankingState, user: User, requirement_id: int, limit: int
) -> list[service.Pool]:
    requirement = catalog.read_requirement(session, user, requirement_id)
    if not (
        can.can_manage_requirement(user, requirement) or can.oversees_requirement(user, requirement)
    ):
        raise Forbidden("match.requirement_owner_only")
    return service.pooled_offers(session, state, requirement, limit=limit)


def read_match(session: Session, user: User, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if match is None or not can.can_read_match(user, match.requirement, match.offer):
        raise NotFound("match.not_found", match_id=match_id)
    return match


@transaction
def suggestions_for_requirement(
    session: Session,
    state: service.RankingState,
    user: User,
    requirement_id: int,
    limit: int,
    pool_limit: int,
) -> tuple[Requirement, list[service.RankedOffer], list[service.Pool]]:
    """The buyer's view of a requirement: the offers ranked for it and the pools of small
    producers; the suggestions shown are recorded, so that feedback can refer to them."""
    requirement = catalog.read_requirement(session, user, requirement_id)
    ranked = offers_for_requirement(session, state, user, requirement_id, limit)
    pools = pools_for_requirement(session, state, user, requirement_id, pool_limit)
    return requirement, ranked, pools


@transaction
def give_feedback(
    session: Session, user: User, match_id: int, action: str, reason: str | None
) -> Match:
    match = read_match(session, user, match_id)
    return record_feedback(session, user, match, action, reason)

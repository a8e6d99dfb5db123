"""Pooled suggestions: small producers who together cover a buyer's monthly volume.

The ranking engine proposes pools (:func:`matchmaker.ranking.pooling.propose_pools`); the
matching service does not expose them yet, so the buyer's page asks the engine here, after
the same permission check as for the requirement's matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog import access as catalog
from matchmaker.catalog.models import Offer
from matchmaker.errors import Forbidden
from matchmaker.matching.records import requirement_record
from matchmaker.matching.service import RankingState, producer_responsiveness
from matchmaker.ranking.pooling import propose_pools
from matchmaker.ranking.records import Explanation


@dataclass(frozen=True)
class Pool:
    offers: list[Offer]
    combined_capacity: float
    unit: str | None
    score: float
    reasons: list[dict[str, str]]
    gaps: list[dict[str, str]]


def _plain(items: tuple[Explanation, ...]) -> list[dict[str, str]]:
    return [item.as_dict() for item in items]


def pools_for_requirement(
    session: Session, state: RankingState, user: User, requirement_id: int, limit: int = 3
) -> list[Pool]:
    requirement = catalog.read_requirement(session, user, requirement_id)
    if not can.can_manage_requirement(user, requirement):
        raise Forbidden("Only the buyer that posted the requirement sees its matches.")
    proposals = propose_pools(
        state.index(session),
        requirement_record(requirement),
        limit=limit,
        responsiveness=producer_responsiveness(session),
    )
    wanted = {int(i) for p in proposals for i in p.offer_ids}
    offers = {
        o.id: o
        for o in session.scalars(
            select(Offer).options(joinedload(Offer.producer)).where(Offer.id.in_(wanted))
        )
    }
    return [
        Pool(
            offers=[offers[int(i)] for i in p.offer_ids if int(i) in offers],
            combined_capacity=p.combined_capacity,
            unit=requirement.unit,
            score=p.score,
            reasons=_plain(p.reasons),
            gaps=_plain(p.gaps),
        )
        for p in proposals
    ]

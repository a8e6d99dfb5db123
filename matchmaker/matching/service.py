"""Ranking against the database: the offers for a requirement, the requirements for an offer,
pools of small producers; every suggestion shown is recorded (:mod:`.recording`) and the
index kept fresh by the process's :class:`~matchmaker.matching.state.RankingState`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.catalog.models import Offer, Requirement
from matchmaker.matching.models import Match
from matchmaker.matching.profiles import answered_results, buyer_profile, declined_requirements
from matchmaker.matching.recording import record_matches
from matchmaker.matching.records import offer_record, requirement_record
from matchmaker.matching.state import HAND_SCORER, RankingState
from matchmaker.ranking.learning.personal import personalise
from matchmaker.ranking.lookup import category_group
from matchmaker.ranking.pooling import propose_pools
from matchmaker.ranking.producer_model import producer_taste


@dataclass(frozen=True)
class RankedOffer:
    match: Match
    offer: Offer


@dataclass(frozen=True)
class RankedRequirement:
    match: Match
    requirement: Requirement


@functools.cache
def _shown_offers() -> Select[Offer, Match]:
    """The offers to show and the pairs' Match rows, in one round trip; built once, as
    building it took a third of its time."""
    return (
        select(Offer, Match)
        .options(joinedload(Offer.producer))
        .outerjoin(
            Match,
            (Match.offer_id == Offer.id) & (Match.requirement_id == bindparam("requirement_id")),
        )
        .where(Offer.id.in_(bindparam("ids", expanding=True)))
        .execution_options(populate_existing=True)
    )


def rank_offers(
    session: Session,
    state: RankingState,
    requirement: Requirement,
    *,
    limit: int = 10,
    on: date | None = None,
) -> list[RankedOffer]:
    """The best offers for a requirement, recorded as Match rows (status kept), best first."""
    # The buyer's own answers: declined pairs left out for good, the rest adjusted at once.
    profile = buyer_profile(session, requirement.organization_id)
    wanted = limit + len(profile.excluded(str(requirement.id)))
    results = state.rank(
        session,
        requirement_record(requirement),
        wanted,
        on or date.today(),
        answered=answered_results(session, requirement.organization_id),
    )
    found = session.execute(
        _shown_offers(),
        {"requirement_id": requirement.id, "ids": [int(r.offer_id) for r in results]},
    ).all()
    offers = {offer.id: offer for offer, _ in found}
    groups = {str(o.id): category_group(o.category) for o in offers.values()}
    # The learned model reads the buyer's taste itself; the hand-set one lifts it by hand.
    results = personalise(results, profile, groups, limit, taste=state.model_version == HAND_SCORER)
    stored = {(requirement.id, offer.id): match for offer, match in found if match is not None}
    # An offer archived between the index sync and now is left out.
    kept = [(requirement.id, int(r.offer_id), r) for r in results if int(r.offer_id) in offers]
    matches = record_matches(session, kept, state.model_version, stored)
    return [RankedOffer(matches[(rid, oid)], offers[oid]) for rid, oid, _ in kept]


def rank_requirements(
    session: Session,
    state: RankingState,
    offer: Offer,
    *,
    limit: int = 10,
    on: date | None = None,
) -> list[RankedRequirement]:
    """The open requirements an offer may serve, recorded as Match rows, best first."""
    on = on or date.today()
    requirements = {
        r.id: r
        for r in session.scalars(
            select(Requirement)
            .options(joinedload(Requirement.buyer))
            .where(Requirement.status == "open")
        )
        if r.valid_until is None or r.valid_until >= on
    }
    for declined in declined_requirements(session, offer.id):
        requirements.pop(declined, None)
    responsiveness, _ = state.producer_stats(session)
    # The producer's own answers so far: its implicit profile, read by its side's model.
    answered = answered_results(session, offer.organization_id, "producer")
    with state.reading(session) as index:
        taste = producer_taste(offer.producer.entity_type, answered, state.view_scorer)
        results = index.rank_requirements(
            offer_record(offer),
            [requirement_record(r) for r in requirements.values()],
            limit,
            on,
            responsiveness=responsiveness,
            view_scorer=state.view_scorer,
            view_taste=taste,
        )
    kept = [(int(r.requirement_id), offer.id, r) for r in results]
    matches = record_matches(session, kept, state.model_version)
    return [RankedRequirement(matches[(rid, oid)], requirements[rid]) for rid, oid, _ in kept]


@dataclass(frozen=True)
class Pool:
    """Producers who together can supply what none of them can alone."""

    offers: list[Offer]
    combined_capacity: float
    unit: str | None
    score: float
    reasons: list[dict[str, Any]]
    gaps: list[dict[str, Any]]


def pooled_offers(
    session: Session,
    state: RankingState,
    requirement: Requirement,
    *,
    limit: int = 3,
    on: date | None = None,
) -> list[Pool]:
    """Groups of 2-4 nearby producers whose combined capacity meets the monthly volume, when
    no single offer can."""
    responsiveness, _ = state.producer_stats(session)
    with state.reading(session) as index:
        pools = propose_pools(
            index,
            requirement_record(requirement),
            on,
            limit=limit,
            responsiveness=responsiveness,
        )
    ids = {int(i) for pool in pools for i in pool.offer_ids}
    offers = {
        o.id: o
        for o in session.scalars(
            select(Offer).options(joinedload(Offer.producer)).where(Offer.id.in_(ids))
        )
    }
    return [
        Pool(
            offers=[offers[int(i)] for i in pool.offer_ids if int(i) in offers],
            combined_capacity=pool.combined_capacity,
            unit=requirement.unit,
            score=round(pool.score, 4),
            reasons=[r.as_dict() for r in pool.reasons],
            gaps=[g.as_dict() for g in pool.gaps],
        )
        for pool in pools
    ]

"""Ranking against the database: keeping the offer index fresh, recording matches, feedback.

One :class:`RankingState` lives in each process (web worker, Celery worker). It builds the
offer index once and then applies only what changed since, so that a new, edited or archived
offer shows in results at the next call without a rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Forbidden, Invalid, field_error
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.records import offer_record, requirement_record
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.model import current_version, load_scorer
from matchmaker.ranking.pooling import propose_pools
from matchmaker.ranking.records import MatchResult
from matchmaker.ranking.scoring import Scorer

HAND_SCORER = "hand-set"

# Rows committed by a slower transaction can carry an updated_at slightly older than the
# newest one already seen; re-reading a short window catches them (upserts are idempotent).
_SYNC_OVERLAP = timedelta(seconds=30)
EXPOSURE_WINDOW = timedelta(days=30)


class RankingState:
    """The process's offer index and the scorer in use, kept in step with the database.

    The current learned model in ``models_dir`` is loaded with the index (the hand-set scorer
    when there is none yet).
    """

    def __init__(self, models_dir: Path | None = None) -> None:
        self.models_dir = models_dir
        self.scorer: Scorer | None = None
        self.model_version = HAND_SCORER
        self._index: OfferIndex | None = None
        self._synced_to: datetime | None = None
        self._lock = threading.RLock()

    @contextmanager
    def reading(self, session: Session) -> Iterator[OfferIndex]:
        """The index, caught up with the database, held for the caller alone.

        The index is not safe for a query and an update at the same time, so web threads
        take turns; a ranking call is a few milliseconds of CPU under the GIL anyway.
        """
        with self._lock:
            if self._index is None:
                self._build(session)
            else:
                self._catch_up(session)
            assert self._index is not None
            yield self._index

    def _build(self, session: Session) -> None:
        started = utcnow()
        self.scorer = load_scorer(self.models_dir)
        self.model_version = (
            current_version(self.models_dir) if self.models_dir else None
        ) or HAND_SCORER
        offers = session.scalars(
            select(Offer).options(joinedload(Offer.producer)).where(Offer.status != "archived")
        )
        self._index = OfferIndex((offer_record(o) for o in offers), scorer=self.scorer)
        self._synced_to = started

    def _catch_up(self, session: Session) -> None:
        assert self._index is not None and self._synced_to is not None
        started = utcnow()
        changed = session.scalars(
            select(Offer)
            .options(joinedload(Offer.producer))
            .where(Offer.updated_at >= self._synced_to - _SYNC_OVERLAP)
        )
        for offer in changed:
            if offer.status == "archived":
                self._index.remove(str(offer.id))
            else:
                self._index.upsert(offer_record(offer))
        self._synced_to = started


@dataclass(frozen=True)
class RankedOffer:
    match: Match
    offer: Offer


@dataclass(frozen=True)
class RankedRequirement:
    match: Match
    requirement: Requirement


def producer_responsiveness(
    session: Session, producer_ids: Sequence[int] | None = None
) -> dict[str, float]:
    """Share of each producer's notified matches that were answered (any feedback at all)."""
    answered = func.sum(case((Match.status.notin_(("suggested", "notified")), 1), else_=0))
    query = (
        select(Offer.organization_id, func.count(Match.id), answered)
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.status != "suggested")
        .group_by(Offer.organization_id)
    )
    if producer_ids is not None:
        query = query.where(Offer.organization_id.in_(producer_ids))
    return {
        str(pid): int(done or 0) / total for pid, total, done in session.execute(query) if total
    }


def producer_exposure(session: Session, since: datetime) -> dict[str, int]:
    """How often each producer was suggested lately, to spread suggestions across producers."""
    rows = session.execute(
        select(Offer.organization_id, func.count(Match.id))
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.created_at >= since)
        .group_by(Offer.organization_id)
    )
    return {str(pid): int(count) for pid, count in rows}


def _record(
    session: Session, requirement_id: int, offer_id: int, result: MatchResult, version: str
) -> Match:
    match = session.scalars(
        select(Match).where(Match.requirement_id == requirement_id, Match.offer_id == offer_id)
    ).first()
    if match is None:
        match = Match(requirement_id=requirement_id, offer_id=offer_id, status="suggested")
        session.add(match)
    match.score = round(float(result.score), 6)
    match.rank = result.rank
    match.reasons = [r.as_dict() for r in result.reasons]
    match.gaps = [g.as_dict() for g in result.gaps]
    match.features = {k: round(float(v), 6) for k, v in result.features.items()}
    match.model_version = version
    match.last_ranked_at = utcnow()
    return match


def rank_offers(
    session: Session,
    state: RankingState,
    requirement: Requirement,
    *,
    limit: int = 10,
    on: date | None = None,
) -> list[RankedOffer]:
    """The best offers for a requirement, recorded as Match rows (status kept), best first."""
    responsiveness = producer_responsiveness(session)
    exposure = producer_exposure(session, utcnow() - EXPOSURE_WINDOW)
    with state.reading(session) as index:
        results = index.rank(
            requirement_record(requirement),
            limit,
            on or date.today(),
            responsiveness=responsiveness,
            exposure=exposure,
        )
    offers = {
        o.id: o
        for o in session.scalars(
            select(Offer)
            .options(joinedload(Offer.producer))
            .where(Offer.id.in_([int(r.offer_id) for r in results]))
        )
    }
    ranked = []
    for result in results:
        offer = offers.get(int(result.offer_id))
        if offer is None:  # archived between the index sync and now
            continue
        match = _record(session, requirement.id, offer.id, result, state.model_version)
        ranked.append(RankedOffer(match, offer))
    session.flush()
    return ranked


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
    responsiveness = producer_responsiveness(session, [offer.organization_id])
    with state.reading(session) as index:
        results = index.rank_requirements(
            offer_record(offer),
            [requirement_record(r) for r in requirements.values()],
            limit,
            on,
            responsiveness=responsiveness,
        )
    ranked = []
    for result in results:
        requirement = requirements[int(result.requirement_id)]
        match = _record(session, requirement.id, offer.id, result, state.model_version)
        ranked.append(RankedRequirement(match, requirement))
    session.flush()
    return ranked


@dataclass(frozen=True)
class Pool:
    """Producers who together can supply what none of them can alone."""

    offers: list[Offer]
    combined_capacity: float
    unit: str | None
    score: float
    reasons: list[dict[str, str]]
    gaps: list[dict[str, str]]


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
    responsiveness = producer_responsiveness(session)
    with state.reading(session) as index:
        pools = propose_pools(
            index, requirement_record(requirement), on, limit=limit, responsiveness=responsiveness
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


# --- feedback -------------------------------------------------------------------------------

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
            f"Unknown action {action!r}.",
            errors=[field_error("action", "unknown action", allowed=list(TRANSITIONS))],
        )
    sides = (match.requirement.organization_id, match.offer.organization_id)
    if user.role != "admin" and user.organization_id not in sides:
        raise Forbidden("Only the buyer and the producer of a match can answer it.")
    if action == "declined" and not (reason and reason.strip()):
        raise Invalid(
            "Say why you decline, so that future suggestions fit better.",
            errors=[field_error("reason", "is required when declining")],
        )
    if match.status == action:
        return match
    if match.status not in TRANSITIONS[action]:
        raise Conflict(
            f"A match that is {match.status} cannot become {action}; "
            f"{action} follows {', '.join(TRANSITIONS[action])}."
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
    return match

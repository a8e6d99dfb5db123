"""The officer's dashboard: aggregate queries over offers and matches, within a province.

A scope of None means the whole country (a national officer or an admin). Only active
offers count, and a star rating counts only while its certificate is valid.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer, Organization
from matchmaker.matching.models import Match, MatchEvent

# The funnel as the programme reports it; "notified" counts as merely suggested.
FUNNEL_STAGES = ("suggested", "viewed", "accepted", "contacted", "deal")
_STAGE = {"suggested": 0, "notified": 0, "viewed": 1, "accepted": 2, "contacted": 3, "deal": 4}
PRODUCER_TYPES = ("enterprise", "cooperative", "cooperative_group", "household")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class ProducerReach:
    """Producers of one type with an active offer, and how many were ever suggested."""

    producer_type: str
    producers: int
    reached: int
    suggestions: int

    @property
    def share_reached(self) -> float:
        return self.reached / self.producers if self.producers else 0.0


@dataclass(frozen=True)
class Dashboard:
    scope: str | None
    offers: int
    producers: int
    by_province: list[tuple[str, int]]
    by_group: list[tuple[str, int]]
    by_stars: list[tuple[str, int]]
    funnel: list[tuple[str, int]]
    reach: list[ProducerReach]


def _active_offers(scope: str | None) -> Select[Any]:
    query = select(Offer.id).where(Offer.status == "active")
    if scope:
        query = query.where(Offer.province == scope)
    return query


def offers_by_province(session: Session, scope: str | None) -> list[tuple[str, int]]:
    query = _active_offers(scope).with_only_columns(Offer.province, func.count(Offer.id))
    rows = session.execute(query.group_by(Offer.province))
    return sorted(((p, int(n)) for p, n in rows), key=lambda r: (-r[1], r[0]))


def offers_by_group(session: Session, scope: str | None) -> list[tuple[str, int]]:
    query = _active_offers(scope).with_only_columns(Offer.category, func.count(Offer.id))
    counts: Counter[str] = Counter()
    for category, n in session.execute(query.group_by(Offer.category)):
        counts[category.split(".")[0]] += int(n)
    return counts.most_common()


def offers_by_stars(
    session: Session, scope: str | None, *, today: date | None = None
) -> list[tuple[str, int]]:
    """Counts for "5", "4", "3" and "none" (no rating, or an expired one)."""
    today = today or date.today()
    valid = and_(
        Offer.ocop_stars.is_not(None),
        or_(Offer.ocop_certified_until.is_(None), Offer.ocop_certified_until >= today),
    )
    stars = case((valid, Offer.ocop_stars), else_=0)
    query = _active_offers(scope).with_only_columns(stars, func.count(Offer.id))
    counts = {int(s): int(n) for s, n in session.execute(query.group_by(stars))}
    return [("5", counts.get(5, 0)), ("4", counts.get(4, 0)), ("3", counts.get(3, 0)),
            ("none", counts.get(0, 0))]  # fmt: skip


def _scoped_matches(scope: str | None) -> Select[Any]:
    query = select(Match.id).join(Offer, Offer.id == Match.offer_id)
    if scope:
        query = query.where(Offer.province == scope)
    return query


def match_funnel(session: Session, scope: str | None) -> list[tuple[str, int]]:
    """How many matches reached each stage, counting the stages a declined match passed."""
    furthest: dict[int, int] = {}
    for match_id, status in session.execute(
        _scoped_matches(scope).with_only_columns(Match.id, Match.status)
    ):
        furthest[match_id] = _STAGE.get(status, 0)
    events = (
        _scoped_matches(scope)
        .join(MatchEvent, MatchEvent.match_id == Match.id)
        .with_only_columns(MatchEvent.match_id, MatchEvent.from_status, MatchEvent.to_status)
    )
    for match_id, before, after in session.execute(events):
        furthest[match_id] = max(
            furthest.get(match_id, 0), _STAGE.get(before, 0), _STAGE.get(after, 0)
        )
    reached = Counter(furthest.values())
    return [
        (stage, sum(n for level, n in reached.items() if level >= index))
        for index, stage in enumerate(FUNNEL_STAGES)
    ]


def reach_by_producer_type(session: Session, scope: str | None) -> list[ProducerReach]:
    """Whether suggestions reach households and cooperatives, not only enterprises."""
    listed = (
        _active_offers(scope)
        .join(Organization, Organization.id == Offer.organization_id)
        .with_only_columns(Organization.id, Organization.entity_type)
        .distinct()
    )
    producers: dict[int, str] = {
        org_id: entity or UNKNOWN for org_id, entity in session.execute(listed)
    }
    suggested = (
        _scoped_matches(scope)
        .with_only_columns(Offer.organization_id, func.count(Match.id))
        .group_by(Offer.organization_id)
    )
    per_producer = {org_id: int(n) for org_id, n in session.execute(suggested)}
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for org_id, kind in producers.items():
        row = totals[kind]
        row[0] += 1
        if per_producer.get(org_id):
            row[1] += 1
            row[2] += per_producer[org_id]
    order = [*PRODUCER_TYPES, UNKNOWN]
    return [
        ProducerReach(kind, *totals[kind])
        for kind in order
        if kind in totals or kind in PRODUCER_TYPES
    ]


def dashboard(session: Session, scope: str | None, *, today: date | None = None) -> Dashboard:
    by_province = offers_by_province(session, scope)
    reach = reach_by_producer_type(session, scope)
    return Dashboard(
        scope=scope,
        offers=sum(n for _, n in by_province),
        producers=sum(r.producers for r in reach),
        by_province=by_province,
        by_group=offers_by_group(session, scope),
        by_stars=offers_by_stars(session, scope, today=today),
        funnel=match_funnel(session, scope),
        reach=reach,
    )

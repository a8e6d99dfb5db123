"""Ranking against the database: keeping the offer index fresh, recording matches, feedback.

One :class:`RankingState` lives in each process (web worker, Celery worker). It builds the
offer index once and then applies only what changed since, so that a new, edited or archived
offer shows in results at the next call without a rebuild.
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import (
    DateTime,
    Select,
    String,
    Table,
    bindparam,
    case,
    column,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import instance_state, manager_of_class, set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.selectable import CompoundSelect

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Forbidden, Invalid, field_error
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.records import offer_record, requirement_record
from matchmaker.ranking import synonyms
from matchmaker.ranking.analysis import Vectorizer
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.model import current_version, load_scorer
from matchmaker.ranking.pooling import propose_pools
from matchmaker.ranking.records import MatchResult, RequirementRecord
from matchmaker.ranking.scoring import Scorer

HAND_SCORER = "hand-set"

# Rows committed by a slower transaction can carry an updated_at slightly older than the
# newest one already seen; re-reading a short window catches them (upserts are idempotent).
_SYNC_OVERLAP = timedelta(seconds=30)
EXPOSURE_WINDOW = timedelta(days=30)
STATS_TTL = timedelta(minutes=1)
# Rankings a process keeps for requirements asked for again: a few tens of megabytes.
RANKINGS_KEPT = 1000


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """Results a process keeps while the inputs they were made from are unchanged; the
    least recently used go first when there are too many. Safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._inputs: Hashable = None
        self._lock = threading.Lock()

    def get(self, inputs: Hashable, key: K) -> V | None:
        with self._lock:
            if inputs != self._inputs:
                return None
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, inputs: Hashable, key: K, value: V) -> None:
        with self._lock:
            if inputs != self._inputs:
                self._items.clear()
                self._inputs = inputs
            self._items[key] = value
            if len(self._items) > self._size:
                self._items.popitem(last=False)


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
        self._stats: tuple[dict[str, float], Mapping[str, int]] | None = None
        # Bumped whenever the indexed offers change, so that derived views can be kept.
        self.generation = 0
        self._stats_at = utcnow()
        self._stats_epoch = 0
        self._stats_refreshing = False
        # Guards the statistics and the named stores, never held across a query.
        self._stats_lock = threading.Lock()
        self._rankings: Kept[tuple[RequirementRecord, int, date], list[MatchResult]] = Kept(
            RANKINGS_KEPT
        )
        self._kept: dict[str, Kept[Any, Any]] = {}
        self._synced_to: datetime | None = None
        self._lock = threading.RLock()
        # Held while the changes since the last look are read (and the index first built).
        self._sync_lock = threading.Lock()
        self._sync_began = 0.0

    def kept(self, name: str, size: int) -> Kept[Any, Any]:
        """A named store of results kept by this process (made on first use)."""
        with self._stats_lock:
            return self._kept.setdefault(name, Kept(size))

    @contextmanager
    def reading(self, session: Session) -> Iterator[OfferIndex]:
        """The index, caught up with the database, held for the caller alone.

        The index is not safe for a query and an update at the same time, so web threads
        take turns ranking; a ranking call is a few milliseconds of CPU under the GIL anyway.
        Reading what changed in the database is done without holding the index, so the
        others rank meanwhile.
        """
        self._sync(session)
        with self._lock:
            assert self._index is not None
            yield self._index

    def _sync(self, session: Session) -> None:
        """Brings the index up to every change committed before this call began.

        One thread at a time reads the changes. A thread that had to wait for another's
        reading is done if that reading began after it arrived: it saw the same changes.
        """
        arrived = time.monotonic()
        with self._sync_lock:
            if self._index is None:
                with self._lock:
                    self._build(session)
            elif self._sync_began < arrived:
                self._sync_began = time.monotonic()
                self._catch_up(session)

    def producer_stats(self, session: Session) -> tuple[dict[str, float], Mapping[str, int]]:
        """Each producer's responsiveness and recent exposure, refreshed once a minute: they
        move slowly, and two aggregate queries per ranking call would cost more than the
        ranking itself."""
        return self._producer_stats(session)[0]

    def _producer_stats(
        self, session: Session
    ) -> tuple[tuple[dict[str, float], Mapping[str, int]], int]:
        """The statistics and their epoch. The call that finds them a minute old refreshes
        them; calls in other threads meanwhile go on with the old ones instead of waiting
        for two aggregate queries."""
        now = utcnow()
        with self._stats_lock:
            stale = self._stats is None or now - self._stats_at > STATS_TTL
            if self._stats is not None and (not stale or self._stats_refreshing):
                return self._stats, self._stats_epoch
            self._stats_refreshing = True
        try:
            stats = (
                producer_responsiveness(session),
                # Read-only, so that the ranking may keep figures worked out from it.
                MappingProxyType(producer_exposure(session, now - EXPOSURE_WINDOW)),
            )
        finally:
            with self._stats_lock:
                self._stats_refreshing = False
        with self._stats_lock:
            self._stats = stats
            self._stats_at = now
            self._stats_epoch += 1
            return stats, self._stats_epoch

    def rank(
        self, session: Session, requirement: RequirementRecord, limit: int, on: date
    ) -> list[MatchResult]:
        """The best offers for a requirement on a day, as the index ranks them now.

        A ranking depends on nothing but the requirement's record (which holds the buyer's
        side too), the limit, the day, the indexed offers, the model and the producer
        statistics. While none of those has changed, a requirement asked for again gets the
        ranking already made; any change to one of them drops every kept ranking.
        """
        (responsiveness, exposure), epoch = self._producer_stats(session)
        with self.reading(session) as index:
            inputs = (self.generation, epoch, self.model_version)
            key = (requirement, limit, on)
            results = self._rankings.get(inputs, key)
            if results is None:
                results = index.rank(
                    requirement, limit, on, responsiveness=responsiveness, exposure=exposure
                )
                self._rankings.put(inputs, key, results)
            return list(results)

    def _build(self, session: Session) -> None:
        started = utcnow()
        self.scorer = load_scorer(self.models_dir)
        self.model_version = (
            current_version(self.models_dir) if self.models_dir else None
        ) or HAND_SCORER
        offers = session.scalars(
            select(Offer).options(joinedload(Offer.producer)).where(Offer.status != "archived")
        )
        vocabulary = synonyms.vocabulary_with(synonyms.read(self.models_dir))
        self._index = OfferIndex(
            (offer_record(o) for o in offers),
            scorer=self.scorer,
            vectorizer=Vectorizer(glossary=vocabulary),
        )
        self.generation += 1
        # Hundreds of thousands of long-lived records would otherwise be walked by every
        # full garbage collection: half-second pauses in the middle of requests.
        gc.collect()
        gc.freeze()
        self._synced_to = started

    def _catch_up(self, session: Session) -> None:
        assert self._index is not None and self._synced_to is not None
        started = utcnow()
        since = self._synced_to - _SYNC_OVERLAP
        # First only the ids and times of what changed lately: mostly nothing, and the
        # overlap window re-reads rows already indexed, which need no loading.
        stale: list[int] = []
        changed_producers: list[int] = []
        archived: list[int] = []
        for row_id, status, updated_at, is_producer in session.connection().execute(
            _changes_statement(), {"since": since}
        ):
            if is_producer:
                changed_producers.append(row_id)
            elif status == "archived":
                archived.append(row_id)
            elif (indexed := self._index.get(str(row_id))) is None or (
                indexed.updated_at != updated_at
            ):
                stale.append(row_id)
        records = []
        if stale or changed_producers:
            # selectinload: a join would make PostgreSQL scan every organization.
            changed = session.scalars(
                select(Offer)
                .options(selectinload(Offer.producer))
                .where(Offer.id.in_(stale) | Offer.organization_id.in_(changed_producers))
            )
            for offer in changed:
                if offer.status == "archived":
                    archived.append(offer.id)
                else:
                    records.append(offer_record(offer))
        if archived or records:
            with self._lock:
                for offer_id in archived:
                    if self._index.remove(str(offer_id)):
                        self.generation += 1
                for record in records:
                    if self._index.get(record.id) != record:
                        self._index.upsert(record)
                        self.generation += 1
        self._synced_to = started


@functools.cache
def _changes_statement() -> CompoundSelect:
    """The ids and times of offers changed since ``since``, and of producers changed since
    (what buyers they want is part of their offers' records).

    ``since`` is written into the statement's text, so that PostgreSQL plans each execution
    for it: psycopg prepares a statement it sees repeatedly, and PostgreSQL may then settle on
    a generic plan; for ``updated_at >= $1`` that plan guesses a third of the table and scans
    it, where the plan for the actual (recent) value reads a few index entries.
    """
    since = bindparam("since", type_=DateTime(timezone=True), literal_execute=True)
    offers = select(Offer.id, Offer.status, Offer.updated_at, literal(False)).where(
        Offer.updated_at >= since
    )
    producers = select(
        Organization.id, Organization.kind, Organization.updated_at, literal(True)
    ).where(Organization.updated_at >= since, Organization.kind == "producer")
    return union_all(offers, producers)


@dataclass(frozen=True)
class RankedOffer:
    match: Match
    offer: Offer


@dataclass(frozen=True)
class RankedRequirement:
    match: Match
    requirement: Requirement


def producer_responsiveness(session: Session) -> dict[str, float]:
    """Share of each producer's notified matches that were answered (any feedback at all)."""
    answered = func.sum(case((Match.status.notin_(("suggested", "notified")), 1), else_=0))
    query = (
        select(Offer.organization_id, func.count(Match.id), answered)
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.status != "suggested")
        .group_by(Offer.organization_id)
    )
    return {
        str(pid): int(done or 0) / total for pid, total, done in session.execute(query) if total
    }


def producer_exposure(session: Session, since: datetime) -> dict[str, int]:
    """How often each producer was suggested lately, to spread suggestions across producers
    (a related product shown apart is no suggestion)."""
    rows = session.execute(
        select(Offer.organization_id, func.count(Match.id))
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.created_at >= since, Match.related.is_(False))
        .group_by(Offer.organization_id)
    )
    return {str(pid): int(count) for pid, count in rows}


_UPSERT_ATTEMPTS = 4
_RETRYABLE = ("40P01", "40001")  # deadlock detected, serialization failure
# What a ranking decides about a pair; a stored row that already says all of it is kept.
_OUTCOME_COLUMNS = ("score", "rank", "reasons", "gaps", "features", "related", "model_version")
_RANKED_COLUMNS = (*_OUTCOME_COLUMNS, "last_ranked_at", "updated_at")


def _unchanged(match: Match | None, row: dict[str, Any], today: date) -> bool:
    """Whether the stored row already holds this ranking's outcome, ranked today: training
    recomputes features on the day of ``last_ranked_at``, so a new day is always written."""
    return (
        match is not None
        and match.last_ranked_at.date() == today
        and all(getattr(match, name) == row[name] for name in _OUTCOME_COLUMNS)
    )


def _record(
    session: Session,
    pairs: list[tuple[int, int, MatchResult]],
    version: str,
    stored: dict[tuple[int, int], Match] | None = None,
) -> dict[tuple[int, int], Match]:
    """Stores each (requirement, offer, result) as a Match, keeping the status of pairs seen
    before; the rows by pair. ``stored`` has the pairs' rows when the caller has read them
    already (a pair missing from it has none).

    Rows that already hold the outcome are not written again: a requirement is mostly ranked
    as it was on the previous call, and rewriting its rows (indexes, log and all) on every
    call cost more than the ranking itself.
    """
    if not pairs:
        return {}
    now = utcnow()
    rows = [
        {
            "requirement_id": requirement_id,
            "offer_id": offer_id,
            "status": "suggested",
            "score": round(float(result.score), 6),
            "rank": result.rank,
            "reasons": [r.as_dict() for r in result.reasons],
            "gaps": [g.as_dict() for g in result.gaps],
            "features": {k: round(float(v), 6) for k, v in result.features.items()},
            "related": result.related,
            "model_version": version,
            "last_ranked_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for requirement_id, offer_id, result in pairs
    ]
    if stored is None:
        stored = {
            (m.requirement_id, m.offer_id): m
            for m in session.scalars(
                select(Match)
                .where(
                    Match.requirement_id.in_({row["requirement_id"] for row in rows})
                    & Match.offer_id.in_({row["offer_id"] for row in rows})
                )
                .execution_options(populate_existing=True)
            )
        }
    else:
        stored = dict(stored)
    stale = [
        row
        for (requirement_id, offer_id, _), row in zip(pairs, rows, strict=True)
        if not _unchanged(stored.get((requirement_id, offer_id)), row, now.date())
    ]
    if stale:
        stored.update(((m.requirement_id, m.offer_id), m) for m in _upsert(session, stale))
    return stored


_MATCHES = cast(Table, Match.__table__)
# What the database decides about an upserted row; the caller's values give the rest.
_KEPT_COLUMNS = ("id", "status", "decline_reason", "created_at")
# What differs from one row of an upsert to the next; the rest is the same for all of them.
_PER_ROW_COLUMNS = (
    "requirement_id",
    "offer_id",
    "score",
    "rank",
    "reasons",
    "gaps",
    "features",
    "related",
)
_SHARED_COLUMNS = ("model_version", "last_ranked_at", "created_at", "updated_at")


@functools.cache
def _upsert_statement(dialect: str) -> ReturningInsert[Any]:
    """INSERT ... ON CONFLICT DO UPDATE for Match rows, built once per database kind.

    On PostgreSQL the rows travel as one JSONB parameter unpacked by ``jsonb_to_recordset``:
    the statement's text is then the same whatever the number of rows, so psycopg converts it
    once and PostgreSQL runs it as a prepared statement. A multi-row VALUES list (what
    SQLite gets) is a new statement of a hundred parameters for every call, and rendering,
    converting and planning it cost more than the insert itself.
    """
    statement: PostgresqlInsert | SqliteInsert
    if dialect == "postgresql":
        rows = (
            func.jsonb_to_recordset(bindparam("rows", type_=JSONB))
            .table_valued(*(column(name, _MATCHES.c[name].type) for name in _PER_ROW_COLUMNS))
            .render_derived(name="ranked", with_types=True)
        )
        shared = [bindparam(name, type_=_MATCHES.c[name].type) for name in _SHARED_COLUMNS]
        statement = postgresql_insert(_MATCHES).from_select(
            [*_PER_ROW_COLUMNS, *_SHARED_COLUMNS, "status"],
            select(*rows.c, *shared, literal("suggested", String)),
        )
    else:
        statement = sqlite_insert(_MATCHES)
    return statement.on_conflict_do_update(
        index_elements=[_MATCHES.c.requirement_id, _MATCHES.c.offer_id],
        set_={name: statement.excluded[name] for name in _RANKED_COLUMNS},
    ).returning(
        _MATCHES.c.requirement_id,
        _MATCHES.c.offer_id,
        *(_MATCHES.c[name] for name in _KEPT_COLUMNS),
    )


def _upsert_parameters(dialect: str, rows: list[dict[str, Any]]) -> Any:
    if dialect != "postgresql":
        return rows
    return {
        "rows": [{name: row[name] for name in _PER_ROW_COLUMNS} for row in rows],
        **{name: rows[0][name] for name in _SHARED_COLUMNS},
    }


def _upsert(session: Session, rows: list[dict[str, Any]]) -> list[Match]:
    """One INSERT ... ON CONFLICT for the rows, so that two requests ranking the same pair
    at once cannot collide on the pair's unique key; the rows as stored. The rows are new
    suggestions of one ranking: one model version and one time for all.

    Only what the database decides (id, the status kept from before, ...) comes back: the
    rest is what was just sent, so the rows are not read back and decoded again.
    """
    # One order for every writer of these rows, so that two upserts never wait on each other
    # crosswise.
    rows = sorted(rows, key=lambda row: (row["requirement_id"], row["offer_id"]))
    assert all(row[name] == rows[0][name] for row in rows for name in _SHARED_COLUMNS)
    dialect = session.get_bind().dialect.name
    upsert = _upsert_statement(dialect)
    parameters = _upsert_parameters(dialect, rows)
    attempt = 1
    while True:
        try:
            # A savepoint: when PostgreSQL picks this statement as a deadlock's victim, only
            # the statement is undone; the worker holding the other locks finishes, and the
            # upsert runs again.
            with session.begin_nested():
                returned = session.connection().execute(upsert, parameters).all()
            break
        except OperationalError as error:
            if (
                getattr(error.orig, "sqlstate", None) not in _RETRYABLE
                or attempt == _UPSERT_ATTEMPTS
            ):
                raise
            time.sleep(0.05 * attempt)
            attempt += 1
    sent = {(row["requirement_id"], row["offer_id"]): row for row in rows}
    return [
        _as_loaded(session, {**sent[(r.requirement_id, r.offer_id)], **r._asdict()})
        for r in returned
    ]


def _as_loaded(session: Session, values: dict[str, Any]) -> Match:
    """The session's Match for a row as stored, without a query: the instance already in
    the session brought up to date, or a new one as if loaded.

    A new one gets its values the way the ORM's loading does, straight into the instance's
    dict, then is marked as a stored row: going through the constructor's change tracking
    took twice as long, for ten rows per call.
    """
    match = session.identity_map.get(identity_key(Match, values["id"]))
    if isinstance(match, Match):
        for name, value in values.items():
            set_committed_value(match, name, value)
        return match
    match = _MATCH_MANAGER.new_instance()
    instance_state(match).dict.update(values)
    make_transient_to_detached(match)
    session.add(match)
    return cast(Match, match)


_MATCH_MANAGER = manager_of_class(Match)


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
    results = state.rank(session, requirement_record(requirement), limit, on or date.today())
    found = session.execute(
        _shown_offers(),
        {"requirement_id": requirement.id, "ids": [int(r.offer_id) for r in results]},
    ).all()
    offers = {offer.id: offer for offer, _ in found}
    stored = {(requirement.id, offer.id): match for offer, match in found if match is not None}
    # An offer archived between the index sync and now is left out.
    kept = [(requirement.id, int(r.offer_id), r) for r in results if int(r.offer_id) in offers]
    matches = _record(session, kept, state.model_version, stored)
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
    responsiveness, _ = state.producer_stats(session)
    with state.reading(session) as index:
        results = index.rank_requirements(
            offer_record(offer),
            [requirement_record(r) for r in requirements.values()],
            limit,
            on,
            responsiveness=responsiveness,
        )
    kept = [(int(r.requirement_id), offer.id, r) for r in results]
    matches = _record(session, kept, state.model_version)
    return [RankedRequirement(matches[(rid, oid)], requirements[rid]) for rid, oid, _ in kept]


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
    responsiveness, _ = state.producer_stats(session)
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

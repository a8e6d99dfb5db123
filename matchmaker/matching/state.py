"""The process's ranking state: the offer index and scorer, kept in step with the database.

One :class:`RankingState` lives in each process (web worker, Celery worker). It builds the
offer index once and then applies only what changed since, so that a new, edited or archived
offer shows in results at the next call without a rebuild; derived results are kept in
:class:`Kept` while their inputs are unchanged.
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.selectable import CompoundSelect

from matchmaker.catalog.models import Offer, Organization
from matchmaker.db import utcnow
from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.models import Match
from matchmaker.matching.records import offer_record
from matchmaker.ranking import synonyms
from matchmaker.ranking.analysis import Vectorizer
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.learning.profiles import Taste
from matchmaker.ranking.model import buyer_taste, current_version, load_scorer
from matchmaker.ranking.producer_model import load_producer_scorer, producer_version
from matchmaker.ranking.records import MatchResult, RequirementRecord
from matchmaker.ranking.scoring import Scorer, ViewScorer

HAND_SCORER = "hand-set"

# Rows committed by a slower transaction can carry an updated_at slightly older than the
# newest one already seen; re-reading a short window catches them (upserts are idempotent).
_SYNC_OVERLAP = timedelta(seconds=30)
EXPOSURE_WINDOW = timedelta(days=30)
STATS_TTL = timedelta(minutes=1)
# How soon a model made current elsewhere (the nightly training, a rollback) is ranked with.
MODEL_CHECK = timedelta(seconds=30)
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
        self._rankings: Kept[tuple[RequirementRecord, int, date, Taste], list[MatchResult]] = Kept(
            RANKINGS_KEPT
        )
        self._kept: dict[str, Kept[Any, Any]] = {}
        self._synced_to: datetime | None = None
        self._lock = threading.RLock()
        # Held while the changes since the last look are read (and the index first built).
        self._sync_lock = threading.Lock()
        self._sync_began = 0.0
        self._model_pointer: str | None = None
        self._model_checked = 0.0
        # The producer's view's scorer (its own learned refinement, else the match score).
        self.view_scorer: ViewScorer = load_producer_scorer(None)
        self._view_pointer: str | None = None

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
        self._follow_current_model()
        with self._lock:
            assert self._index is not None
            yield self._index

    def _follow_current_model(self) -> None:
        """Ranks with the model made current since (a promotion, a rollback), at most
        ``MODEL_CHECK`` after it was made so, without a restart: the pointer file is read once
        in that time."""
        if self.models_dir is None:
            return
        now = time.monotonic()
        with self._stats_lock:
            if now - self._model_checked < MODEL_CHECK.total_seconds():
                return
            self._model_checked = now
        view = producer_version(self.models_dir)
        if view != self._view_pointer:
            self._view_pointer = view
            self.view_scorer = load_producer_scorer(self.models_dir)
        pointer = current_version(self.models_dir)
        if pointer == self._model_pointer:
            return
        scorer = load_scorer(self.models_dir)
        with self._lock:
            assert self._index is not None
            self._model_pointer = pointer
            self.scorer = self._index.scorer = scorer
            self.model_version = pointer if pointer and scorer.name == pointer else HAND_SCORER

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
        self,
        session: Session,
        requirement: RequirementRecord,
        limit: int,
        on: date,
        *,
        answered: Sequence[tuple[Mapping[str, float], bool]] = (),
    ) -> list[MatchResult]:
        """The best offers for a requirement on a day, as the index ranks them now.

        A ranking depends on nothing but the requirement's record (which holds the buyer's
        side too), the limit, the day, the indexed offers, the model and the producer
        statistics. While none of those has changed, a requirement asked for again gets the
        ranking already made; any change to one of them drops every kept ranking.

        ``answered``: the results the asking buyer answered lately, as it was shown them and
        whether it took each (its implicit profile, read by the learned model).
        """
        (responsiveness, exposure), epoch = self._producer_stats(session)
        with self.reading(session) as index:
            assert self.scorer is not None
            taste = buyer_taste(requirement.buyer_type, answered, self.scorer)
            inputs = (self.generation, epoch, self.model_version)
            key = (requirement, limit, on, taste)
            results = self._rankings.get(inputs, key)
            if results is None:
                results = index.rank(
                    requirement, limit, on, responsiveness=responsiveness, exposure=exposure,
                    taste=taste,
                )  # fmt: skip
                self._rankings.put(inputs, key, results)
            return list(results)

    def _build(self, session: Session) -> None:
        started = utcnow()
        self._model_pointer = current_version(self.models_dir) if self.models_dir else None
        self._model_checked = time.monotonic()
        self.scorer = load_scorer(self.models_dir)
        self._view_pointer = producer_version(self.models_dir)
        self.view_scorer = load_producer_scorer(self.models_dir)
        pointer = self._model_pointer
        self.model_version = pointer if pointer and self.scorer.name == pointer else HAND_SCORER
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


def producer_responsiveness(session: Session) -> dict[str, float]:
    """Share of each producer's notified matches that the producer itself answered: the
    buyer's views and declines are not the producer's answer."""
    by_producer = (
        select(MatchAnswer.match_id)
        .where(MatchAnswer.side == "producer", MatchAnswer.match_id == Match.id)
        .exists()
    )
    answered = func.sum(case((by_producer, 1), else_=0))
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

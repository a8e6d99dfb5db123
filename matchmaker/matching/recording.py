"""Recording a ranking's matches: one upsert per stale pair, rows that say the same kept.

Rankings run concurrently (web workers, the nightly re-match), so the write is an upsert that
retries on a deadlock or serialization failure, and loads what it wrote as Match instances.
"""

from __future__ import annotations

import functools
import time
from datetime import date
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, column, func, literal, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, manager_of_class, set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import ReturningInsert

from matchmaker.db import utcnow
from matchmaker.matching.models import Match
from matchmaker.ranking.records import MatchResult

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


def record_matches(
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

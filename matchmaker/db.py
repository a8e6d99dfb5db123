"""Database plumbing: the declarative base, engines, sessions and units of work.

Services receive a :class:`~sqlalchemy.orm.Session` and never commit; the edge (a request,
a task, a CLI command) opens a unit of work and commits once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

R = TypeVar("R", bound="Base")
P = ParamSpec("P")
T = TypeVar("T")

# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the per-backend settings this application relies on."""
    # A database error's message never carries the statement's values (an email, a password
    # hash), in any environment: they would end up in the logs.
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 30)
        if parsed.database in (None, "", ":memory:"):
            kwargs.setdefault("poolclass", StaticPool)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("json_deserializer", orjson.loads)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin so that
        # SAVEPOINTs (nested transactions) behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        # then writes fails at once ("database is locked") when another process (the
        # embedded worker) committed in between, while an immediate one waits its turn.
        # Only units of work that will write ask for it: readers must not queue behind.
        immediate = conn.get_execution_options().get(WILL_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Execution option of a transaction that is going to write (SQLite locks for it at once).
WILL_WRITE = "matchmaker_will_write"


def begin_writing(session: Session) -> None:
    """Starts the session's transaction as one that will write."""
    session.connection(execution_options={WILL_WRITE: True})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back otherwise."""
    with factory() as session, session.begin():
        begin_writing(session)
        yield session


_DEPTH = "matchmaker.use_case_depth"


def transaction(
    use_case: Callable[Concatenate[Session, P], T],
) -> Callable[Concatenate[Session, P], T]:
    """A use case's unit of work: the session (its first argument) is committed when the
    outermost use case returns and rolled back when it raises, whoever calls it (a page, the
    API, the command line or a task). A use case called by another joins the caller's work."""

    @wraps(use_case)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> T:
        depth = session.info.get(_DEPTH, 0)
        session.info[_DEPTH] = depth + 1
        try:
            result = use_case(session, *args, **kwargs)
            if depth == 0:
                session.commit()
            return result
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            session.info[_DEPTH] = depth

    return run


# SQLSTATEs of failures that a second attempt of the same work may not meet: a serialization
# failure, a deadlock (PostgreSQL chose this transaction as the victim), a lock not granted in
# time, the server shutting down or the connection lost.
_TRANSIENT_STATES = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "08000",
                               "08003", "08006"})  # fmt: skip


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is the database's passing trouble rather than the work's fault: worth
    doing the same work again in a moment (in a new transaction)."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated or isinstance(error, OperationalError):
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return state in _TRANSIENT_STATES


def add_new(session: Session, rows: Sequence[R], fresh: Callable[[R], R]) -> list[R]:
    """Inserts ``rows`` that a unique constraint keeps single (an alert, an email per key).

    All in one savepoint; if a concurrent transaction inserted some of them a moment ago,
    one savepoint each with a ``fresh`` copy, keeping those that were still new.
    """
    try:
        with session.begin_nested():
            session.add_all(rows)
        return list(rows)
    except IntegrityError:
        pass
    inserted = []
    for row in rows:
        copy = fresh(row)
        try:
            with session.begin_nested():
                session.add(copy)
        except IntegrityError:
            continue
        inserted.append(copy)
    return inserted

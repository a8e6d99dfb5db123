"""Fixtures shared by every test.

Database tests run once on SQLite and once on PostgreSQL. Each test runs inside a transaction
that is rolled back, on a schema built by the migrations at the start of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.app import create_app
from matchmaker.db import make_engine
from matchmaker.extensions import get_database
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# A database of this run's own (the tests drop and re-create it), so that two runs on one
# machine never pull the database from under each other.
POSTGRES_URL = os.environ.get(
    "MATCHMAKER_TEST_POSTGRES_URL",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_test_{os.getpid()}",
)


def unavailable(reason: str) -> None:
    """Skip on a laptop without the service; in CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: integration services must be running)")
    pytest.skip(reason)


def _admin_engine(url: str) -> Engine:
    return make_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False))


def create_database(name: str) -> str:
    """A fresh, empty PostgreSQL database on the test server; its URL."""
    url = make_url(POSTGRES_URL)
    admin = _admin_engine(POSTGRES_URL)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        unavailable(f"PostgreSQL is not reachable at {url.render_as_string()}: {exc}")
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = _admin_engine(url)
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "test.sqlite"
        engine = make_engine(f"sqlite:///{path}")
    else:
        url = create_database(str(make_url(POSTGRES_URL).database))
        engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    if request.param == "postgresql":
        drop_database(url)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def sessions(connection: Connection) -> sessionmaker[Session]:
    """A session factory whose commits only release SAVEPOINTs of the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, engine: Engine) -> Settings:
    return Settings(
        environment="testing",
        instance_path=tmp_path / "instance",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret",
    )


@pytest.fixture
def app(settings: Settings, sessions: sessionmaker[Session]) -> Flask:
    app = create_app(settings)
    app.config["TESTING"] = True
    get_database(app).sessions = sessions
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: the same code path, without a quarter second per user."""
    from argon2 import PasswordHasher

    from matchmaker.accounts import passwords

    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: fast)

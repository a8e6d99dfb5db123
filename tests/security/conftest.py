"""Callers of every role, through the API and through the pages; and a deployment with the
demo data for the suites that send it generated and hostile traffic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from matchmaker.app import create_app
from matchmaker.catalog.demo import load_demo
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings
from tests.unit.api.conftest import buyer, make_caller, producer
from tests.unit.web.conftest import make_user

__all__ = ["buyer", "make_caller", "make_user", "producer"]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo data on a database of its own (SQLite), sign-in limits out of the way; one per
    module, so that what one suite leaves behind never changes what another generates."""
    app = create_app(
        Settings(
            environment="testing",
            instance_path=Path(tmp_path_factory.mktemp("security")),
            secret_key="security-fuzz",
            login_rate_limit="100000/minute",
        )
    )
    database = get_database(app)
    upgrade(database.engine)
    with unit_of_work(database.sessions) as session:
        load_demo(session, seed=11)
    yield app
    database.engine.dispose()

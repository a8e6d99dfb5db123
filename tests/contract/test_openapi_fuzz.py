"""Property-based contract test: generated requests against every operation of the OpenAPI
document, signed in. No response may be a 5xx, and every response must conform to the
document (status code declared, body matching its schema, problem+json for errors)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import issue_token
from matchmaker.app import create_app
from matchmaker.catalog.demo import DEMO_LOGINS, load_demo
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings

EXAMPLES_PER_OPERATION = 25
# No 5xx, and every response as the document says: status, content type, body, headers.
# (Schema-valid requests may still be refused with a 422: a province or a code can be
# well-formed and unknown.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("fuzz")
    settings = Settings(
        environment="testing",
        instance_path=Path(instance),
        secret_key="fuzz",
        login_rate_limit="1000/minute",
    )
    app = create_app(settings)
    database = get_database(app)
    upgrade(database.engine)
    with unit_of_work(database.sessions) as session:
        load_demo(session, seed=11)
    yield app
    database.engine.dispose()


def fresh_token(app: Flask, role: str) -> str:
    with unit_of_work(get_database(app).sessions) as session:
        user = session.query(User).filter_by(email=DEMO_LOGINS[role]).one()
        raw, _ = issue_token(session, user, ttl=timedelta(hours=1))
    return raw


def operations(app: Flask) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_conforms(fuzz_app: Flask) -> None:
    found = operations(fuzz_app)
    assert len(found) >= 15, "the OpenAPI document lost operations"
    calls: Counter[str] = Counter()
    for role in ("admin", "buyer", "producer"):
        for operation in found:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def check(case: schemathesis.Case) -> None:
                # A fresh token per call: the sign-out operation revokes the one it is given.
                token = fresh_token(fuzz_app, role)  # noqa: B023 - check() runs right here
                headers = {"Authorization": f"Bearer {token}"}
                case.call_and_validate(headers=headers, checks=CHECKS)
                calls[case.operation.label] += 1

            check()
    print(f"{sum(calls.values())} generated requests over {len(calls)} operations")
    assert sum(calls.values()) >= 1000
    assert len(calls) == len(found), "some operation was never called"

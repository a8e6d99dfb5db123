"""The API under generated traffic, as a buyer, a producer and an officer: every operation with
data generated from its document (valid and invalid), then sequences of calls that follow the
links between operations (the stateful phase). Every check schemathesis has; no 5xx, no answer
that breaks the document. Derandomized: a failure comes back the same on the next run."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, use_after_free

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog.demo import DEMO_LOGINS
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database

ROLES = ("buyer", "producer", "officer")
EXAMPLES_PER_OPERATION = 18
SCENARIOS, STEPS = 40, 12
REVOKING = {"DELETE /api/v1/auth/token", "POST /api/v1/auth/password"}

calls: Counter[str] = Counter()  # the calls generated, by operation
received: Counter[str] = Counter()  # every request the app answered, the checks' own too


@pytest.fixture(scope="module")
def fuzz_app(demo_app: Flask) -> Iterator[Flask]:
    """The demo deployment, counting every request it answers."""
    wsgi = demo_app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        received[environ["REQUEST_METHOD"]] += 1
        return wsgi(environ, start_response)

    demo_app.wsgi_app = counting  # type: ignore[method-assign]
    yield demo_app
    demo_app.wsgi_app = wsgi  # type: ignore[method-assign]


# Every check, with what this API answers on purpose: a well-formed request can break a rule
# the document cannot state (an unknown province, a wrong current password, a date already
# passed), and is refused with a coded 422.
CHECKS = {
    "positive_data_acceptance": {
        "expected-statuses": [200, 201, 204, 401, 403, 404, 409, 412, 422, 429]
    },
}


def _token(app: Flask, role: str) -> str:
    with unit_of_work(get_database(app).sessions) as session:
        user = session.query(User).filter_by(email=DEMO_LOGINS[role]).one()
        raw, _ = issue_token(session, user, ttl=timedelta(hours=1))
    return raw


def _schema(app: Flask, role: str) -> schemathesis.BaseSchema:
    """The document, called as ``role``: the token is the configuration's, so that the checks
    that try a call without it (or with a wrong one) know what to leave out."""
    config = schemathesis.Config.from_dict(
        {"headers": {"Authorization": f"Bearer {_token(app, role)}"}, "checks": CHECKS}
    )
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)


def _own_token(app: Flask, role: str, label: str) -> dict[str, Any]:
    """An operation that revokes the token it is given gets one of its own."""
    if label in REVOKING:
        return {"headers": {"Authorization": f"Bearer {_token(app, role)}"}}
    return {}


def _fuzz_settings(examples: int) -> Any:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        print_blob=True,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_with_generated_data(fuzz_app: Flask, role: str) -> None:
    schema = _schema(fuzz_app, role)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, "the OpenAPI document lost operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @_fuzz_settings(EXAMPLES_PER_OPERATION)
        def check(case: schemathesis.Case) -> None:
            label = case.operation.label
            case.call_and_validate(**_own_token(fuzz_app, role, label))
            calls[label] += 1

        check()


def _rewinder(app: Flask) -> Callable[[], None]:
    """A copy of the deployment's database as it is now, and what puts it back: every linked
    scenario starts from the same data, so that what it draws depends on its choices alone
    (Hypothesis refuses a run whose rules and bundles change with outside state) and a
    failing scenario replays, shrinks and reproduces the same."""
    engine = get_database(app).engine
    assert engine.url.get_backend_name() == "sqlite" and engine.url.database
    path = engine.url.database
    saved = sqlite3.connect(":memory:", check_same_thread=False)
    engine.dispose()
    with closing(sqlite3.connect(path)) as live:
        live.backup(saved)

    def rewind() -> None:
        engine.dispose()  # no connection of the app's is open while the file is rewritten
        with closing(sqlite3.connect(path)) as live:
            saved.backup(live)

    return rewind


@pytest.mark.parametrize("role", ROLES)
def test_sequences_of_calls_that_follow_the_links(fuzz_app: Flask, role: str) -> None:
    base = _schema(fuzz_app, role).as_state_machine()
    rewind = _rewinder(fuzz_app)

    class Machine(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            rewind()
            super().__init__()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return _own_token(fuzz_app, role, case.operation.label)

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            calls[f"stateful {case.operation.label}"] += 1

        def validate_response(
            self, response: Any, case: schemathesis.Case, additional_checks: Any = None,
            **kwargs: Any,
        ) -> None:  # fmt: skip
            # Every check but two. The refusal of invalid data is made by the run of every
            # operation above (derandomized, so reproducible). And "deleted resource still
            # there": by the contract, DELETE closes a requirement and archives an offer, which
            # stay readable with that status.
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=[negative_data_rejection, use_after_free],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    Machine.run(settings=settings(_fuzz_settings(SCENARIOS), stateful_step_count=STEPS))


def test_the_runs_sent_enough_requests() -> None:
    """(Runs after the others in this module.) At least 5,000 requests in all."""
    total = sum(received.values())
    linked = sum(n for label, n in calls.items() if label.startswith("stateful"))
    print(f"{total} requests ({sum(calls.values())} generated calls over {len(calls)} "
          f"operations and links, {linked} of them in linked scenarios; the rest the checks' "
          "own)")  # fmt: skip
    assert total >= 5000
    assert len([label for label in calls if not label.startswith("stateful")]) >= 30
    assert any(label.startswith("stateful") for label in calls)

"""The API under generated traffic, as a buyer, a producer and an officer: every operation with
data generated from its document (valid and invalid), then sequences of calls that follow the
links between operations (the stateful phase). Every check schemathesis has; no 5xx, no answer
that breaks the document. Derandomized: a failure comes back the same on the next run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog.demo import DEMO_LOGINS
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database

ROLES = ("buyer", "producer", "officer")
EXAMPLES_PER_OPERATION = 15
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
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [200, 201, 204, 401, 403, 404, 409, 412, 422, 429]
            },
        }
    }
)


@pytest.fixture(scope="module")
def schema(fuzz_app: Flask) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app, config=CONFIG)


class Tokens:
    """A bearer token per role, made afresh after an operation that revokes it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._tokens: dict[str, str] = {}

    def header(self, role: str, label: str) -> dict[str, str]:
        if role not in self._tokens or label in REVOKING:
            with unit_of_work(get_database(self.app).sessions) as session:
                user = session.query(User).filter_by(email=DEMO_LOGINS[role]).one()
                self._tokens[role], _ = issue_token(session, user, ttl=timedelta(hours=1))
        token = self._tokens[role]
        if label in REVOKING:
            self._tokens.pop(role)
        return {"Authorization": f"Bearer {token}"}


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
def test_every_operation_with_generated_data(
    fuzz_app: Flask, schema: schemathesis.BaseSchema, role: str
) -> None:
    tokens = Tokens(fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, "the OpenAPI document lost operations"
    for operation in operations:

        @given(case=operation.as_strategy())
        @_fuzz_settings(EXAMPLES_PER_OPERATION)
        def check(case: schemathesis.Case) -> None:
            label = case.operation.label
            case.call_and_validate(headers=tokens.header(role, label))
            calls[label] += 1

        check()


@pytest.mark.parametrize("role", ROLES)
def test_sequences_of_calls_that_follow_the_links(
    fuzz_app: Flask, schema: schemathesis.BaseSchema, role: str
) -> None:
    tokens = Tokens(fuzz_app)
    base = schema.as_state_machine()

    class Machine(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": tokens.header(role, case.operation.label)}

        def after_call(self, response: Any, case: schemathesis.Case) -> None:
            super().after_call(response, case)
            calls[f"stateful {case.operation.label}"] += 1

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            # The headers given, named as such: the checks that try the call without the
            # token (or with a wrong one) then know which header to leave out.
            case.validate_response(
                response,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    Machine.run(settings=settings(_fuzz_settings(SCENARIOS), stateful_step_count=STEPS))


def test_the_runs_sent_enough_requests() -> None:
    """(Runs after the others in this module.) At least 5,000 requests in all."""
    total = sum(received.values())
    print(f"{total} requests ({sum(calls.values())} generated calls over {len(calls)} "
          f"operations and links, the rest the checks' own)")  # fmt: skip
    assert total >= 5000
    assert len([label for label in calls if not label.startswith("stateful")]) >= 30
    assert any(label.startswith("stateful") for label in calls)

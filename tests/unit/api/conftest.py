"""Signed-in users of every role, for API tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog import services

_numbers = count(1)


@dataclass
class Caller:
    user: User
    headers: dict[str, str]

    @property
    def organization_id(self) -> int:
        return self.user.organization_id


MakeCaller = Callable[..., Caller]


@pytest.fixture
def make_caller(db: Session) -> MakeCaller:
    def make(role: str, *, province: str | None = "Tây Ninh", **org: str) -> Caller:
        n = next(_numbers)
        kind = {"producer": "producer", "buyer": "buyer"}.get(role, "agency")
        defaults = {
            "producer": {"entity_type": "cooperative"},
            "buyer": {"buyer_type": "supermarket"},
        }.get(role, {})
        data = {"kind": kind, "name": f"{role.title()} organization {n}", **defaults, **org}
        if province:
            data["province"] = province
        organization = services.create_organization(db, data)
        user = create_user(
            db, organization, email=f"{role}{n}@example.vn", name=f"{role} {n}",
            password="correct horse battery", role=role,
        )  # fmt: skip
        raw, _ = issue_token(db, user, ttl=timedelta(hours=1))
        db.commit()
        return Caller(user, {"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def producer(make_caller: MakeCaller) -> Caller:
    return make_caller("producer")


@pytest.fixture
def buyer(make_caller: MakeCaller) -> Caller:
    return make_caller("buyer", province="Hồ Chí Minh")

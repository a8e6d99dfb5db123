"""Pages driven through Flask's test client: people of each role, signed in with the form."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Requirement

PASSWORD = "correct horse battery"
_numbers = count(1)
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def post_form(client: FlaskClient, path: str, data: dict[str, Any], **kw: Any) -> TestResponse:
    """Posts a form the way a browser does: with the token of the page it came from."""
    token = csrf_token(client, kw.pop("page", path))
    return client.post(path, data={"csrf_token": token, **data}, **kw)


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: Session) -> MakeUser:
    def make(role: str, *, province: str | None = "Tây Ninh", **org: Any) -> User:
        n = next(_numbers)
        kind = {"producer": "producer", "buyer": "buyer"}.get(role, "agency")
        extra = {"producer": {"entity_type": "household"},
                 "buyer": {"buyer_type": "supermarket"}}.get(role, {})  # fmt: skip
        data = {"kind": kind, "name": f"{role.title()} {n}", **extra, **org}
        if province:
            data["province"] = province
        organization = services.create_organization(db, data)
        user = create_user(db, organization, email=f"web-{role}{n}@example.vn",
                           name=f"{role} {n}", password=PASSWORD, role=role)  # fmt: skip
        db.commit()
        return user

    return make


def sign_in(client: FlaskClient, user: User) -> None:
    response = post_form(client, "/signin", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@dataclass
class EditedOffer:
    """A producer's offer with its edit page open: the page's path and its form as shown."""

    offer: Offer
    path: str
    form: dict[str, str]


def edit_honey_offer(client: FlaskClient, make_user: MakeUser, db: Session) -> EditedOffer:
    """A producer signed in on the edit page of its "Mật ong" offer."""
    producer = make_user("producer")
    offer = services.create_offer(
        db, producer.organization, {"title": "Mật ong", "category": "food", "unit": "kg"}
    )
    db.commit()
    sign_in(client, producer)
    form = {"title": "Mật ong", "category": "food", "unit": "kg", "province": "80",
            "status": "active", "version": str(offer.version)}  # fmt: skip
    return EditedOffer(offer, f"/producer/products/{offer.id}/edit", form)


@dataclass
class Pair:
    """A buyer's requirement and a producer's offer, with the two users."""

    producer: User
    buyer: User
    requirement: Requirement
    offer: Offer


def buyer_and_producer(
    db: Session, make_user: MakeUser, requirement: str, offer: dict[str, Any]
) -> Pair:
    """A buyer with a requirement titled ``requirement`` and a producer with ``offer``,
    committed."""
    producer, buyer = make_user("producer"), make_user("buyer")
    wanted = services.create_requirement(db, buyer.organization, {"title": requirement})
    listed = services.create_offer(db, producer.organization, offer)
    db.commit()
    return Pair(producer, buyer, wanted, listed)

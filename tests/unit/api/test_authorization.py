"""Every endpoint × role × own/other organization: who may do what.

Callers: anonymous; the producer that owns the offer and another producer; the buyer that
owns the requirement and another buyer; an officer whose province the offer and the
requirement's delivery area are in, and one of another province; an admin.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports import jobs
from matchmaker.imports.jobs import run_job
from matchmaker.imports.models import ImportRow
from matchmaker.matching.models import Match
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteInput

from .conftest import Caller, MakeCaller

CALLERS = ("anonymous", "producer", "other_producer", "buyer", "other_buyer",
           "officer", "other_officer", "admin")  # fmt: skip


@dataclass
class World:
    callers: dict[str, Caller | None]
    offer_id: int
    requirement_id: int
    match_id: int
    producer_org: int
    second_offer_id: int
    quote_id: int


@pytest.fixture
def world(db: Session, make_caller: MakeCaller) -> World:
    callers: dict[str, Caller | None] = {
        "anonymous": None,
        "producer": make_caller("producer", province="Tây Ninh"),
        "other_producer": make_caller("producer", province="Lâm Đồng"),
        "buyer": make_caller("buyer", province="Hồ Chí Minh"),
        "other_buyer": make_caller("buyer", province="Hà Nội"),
        "officer": make_caller("officer", province="Tây Ninh"),
        "other_officer": make_caller("officer", province="Hà Nội"),
        "admin": make_caller("admin", province=None),
    }
    producer, buyer = callers["producer"], callers["buyer"]
    assert producer and buyer
    offer = services.create_offer(
        db, producer.user.organization,
        {"title": "Bánh tráng phơi sương", "category": "food.processed", "unit": "kg"},
    )  # fmt: skip
    requirement = services.create_requirement(
        db, buyer.user.organization,
        {"title": "Bánh tráng phơi sương", "delivery_provinces": ["Tây Ninh"]},
    )  # fmt: skip
    second = services.create_offer(
        db, producer.user.organization,
        {"title": "Bánh tráng nướng", "category": "food.processed", "unit": "kg"},
    )  # fmt: skip
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.commit()
    quote = quotes.submit(db, producer.user, requirement.id, QuoteInput.model_validate(
        {"offer_id": offer.id, "unit_price_vnd": 60_000, "unit": "kg"}))  # fmt: skip
    return World(callers, offer.id, requirement.id, match.id, producer.organization_id,
                 second.id, quote.id)  # fmt: skip


# (method, path, json body) → expected status per caller, in CALLERS order.
OFFER = {"title": "Chè Tân Cương", "category": "food.tea", "unit": "kg"}
CASES: dict[str, tuple[str, str, dict | None, tuple[int, ...]]] = {
    "list offers":        ("GET", "/api/v1/offers", None,                (401, 200, 200, 200, 200, 200, 200, 200)),
    "create offer":       ("POST", "/api/v1/offers", OFFER,              (401, 201, 201, 403, 403, 403, 403, 403)),
    "read offer":         ("GET", "/api/v1/offers/{offer}", None,        (401, 200, 200, 200, 200, 200, 200, 200)),
    "edit offer":         ("PATCH", "/api/v1/offers/{offer}", {"unit_price_vnd": 1},
                                                                         (401, 200, 403, 403, 403, 403, 403, 200)),
    "archive offer":      ("DELETE", "/api/v1/offers/{offer}", None,     (401, 200, 403, 403, 403, 403, 403, 200)),
    "offer matches":      ("GET", "/api/v1/offers/{offer}/matches", None,
                                                                         (401, 200, 403, 403, 403, 200, 403, 200)),
    "offer history":      ("GET", "/api/v1/offers/{offer}/history", None,
                                                                         (401, 200, 403, 403, 403, 200, 403, 200)),
    "list requirements":  ("GET", "/api/v1/requirements", None,          (401, 200, 200, 200, 200, 200, 200, 200)),
    "create requirement": ("POST", "/api/v1/requirements", {"title": "Cần mua chè"},
                                                                         (401, 403, 403, 201, 201, 403, 403, 403)),
    "read requirement":   ("GET", "/api/v1/requirements/{requirement}", None,
                                                                         (401, 200, 200, 200, 404, 200, 404, 200)),
    "edit requirement":   ("PATCH", "/api/v1/requirements/{requirement}", {"quantity_per_month": 5, "unit": "kg"},
                                                                         (401, 403, 403, 200, 404, 403, 404, 200)),
    "close requirement":  ("DELETE", "/api/v1/requirements/{requirement}", None,
                                                                         (401, 403, 403, 200, 404, 403, 404, 200)),
    "requirement matches": ("GET", "/api/v1/requirements/{requirement}/matches", None,
                                                                         (401, 403, 403, 200, 404, 200, 404, 200)),
    "read match":         ("GET", "/api/v1/matches/{match}", None,       (401, 200, 404, 200, 404, 200, 404, 200)),
    "answer match":       ("POST", "/api/v1/matches/{match}/feedback", {"action": "viewed"},
                                                                         (401, 200, 404, 200, 404, 403, 404, 200)),
    "list organizations": ("GET", "/api/v1/organizations", None,         (401, 200, 200, 200, 200, 200, 200, 200)),
    "read organization":  ("GET", "/api/v1/organizations/{producer_org}", None,
                                                                         (401, 200, 404, 404, 404, 200, 404, 200)),
    "edit organization":  ("PATCH", "/api/v1/organizations/{producer_org}", {"phone": "0901 234 567"},
                                                                         (401, 200, 404, 404, 404, 403, 404, 200)),
    "who am I":           ("GET", "/api/v1/auth/me", None,               (401, 200, 200, 200, 200, 200, 200, 200)),
    "sign out":           ("DELETE", "/api/v1/auth/token", None,         (401, 204, 204, 204, 204, 204, 204, 204)),
    "list shortlist":     ("GET", "/api/v1/shortlist", None,             (401, 403, 403, 200, 200, 403, 403, 403)),
    "save to shortlist":  ("PUT", "/api/v1/shortlist/{offer}", {"note": "Mẫu thử tốt"},
                                                                         (401, 403, 403, 200, 200, 403, 403, 403)),
    "remove from shortlist": ("DELETE", "/api/v1/shortlist/{offer}", None,
                                                                         (401, 403, 403, 204, 204, 403, 403, 403)),
    "list claims":        ("GET", "/api/v1/claims", None,                (401, 403, 403, 403, 403, 200, 200, 200)),
    "reference codes":    ("GET", "/api/v1/reference/provinces", None,   (200, 200, 200, 200, 200, 200, 200, 200)),
    "quote":              ("POST", "/api/v1/requirements/{requirement}/quotes",
                           {"offer_id": "{second_offer}", "unit_price_vnd": 55_000, "unit": "kg"},
                                                                         (401, 201, 422, 403, 403, 403, 403, 403)),
    "compare quotes":     ("GET", "/api/v1/requirements/{requirement}/quotes", None,
                                                                         (401, 200, 200, 200, 404, 200, 404, 200)),
    "read quote":         ("GET", "/api/v1/quotes/{quote}", None,        (401, 200, 404, 200, 404, 200, 404, 200)),
    "revise quote":       ("PATCH", "/api/v1/quotes/{quote}", {"unit_price_vnd": 58_000},
                                                                         (401, 200, 404, 403, 404, 403, 404, 200)),
    "withdraw quote":     ("DELETE", "/api/v1/quotes/{quote}", None,     (401, 200, 404, 403, 404, 403, 404, 200)),
    "accept quote":       ("POST", "/api/v1/quotes/{quote}/accept", None,
                                                                         (401, 403, 404, 200, 404, 403, 404, 200)),
    "decline quote":      ("POST", "/api/v1/quotes/{quote}/decline", {"reason": "Giá cao"},
                                                                         (401, 403, 404, 200, 404, 403, 404, 200)),
    "match orders":       ("GET", "/api/v1/matches/{match}/orders", None, (401, 200, 404, 200, 404, 200, 404, 200)),
    # Past the check of who may: the match has not reached a deal yet.
    "record order":       ("POST", "/api/v1/matches/{match}/orders", {"value_vnd": 1_000_000},
                                                                         (401, 409, 404, 409, 404, 409, 404, 409)),
    "match messages":     ("GET", "/api/v1/matches/{match}/messages", None,
                                                                         (401, 200, 404, 200, 404, 200, 404, 200)),
    "write message":      ("POST", "/api/v1/matches/{match}/messages", {"text": "Chào anh"},
                                                                         (401, 201, 404, 201, 404, 403, 404, 403)),
    "mark messages read": ("POST", "/api/v1/matches/{match}/messages/read", {},
                                                                         (401, 200, 404, 200, 404, 200, 404, 200)),
    "inbox":              ("GET", "/api/v1/conversations", None,         (401, 200, 200, 200, 200, 200, 200, 200)),
    "quote files":        ("GET", "/api/v1/quotes/{quote}/attachments", None,
                                                                         (401, 200, 404, 200, 404, 200, 404, 200)),
}  # fmt: skip


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", list(CASES))
def test_authorization_matrix(client: FlaskClient, world: World, case: str, caller: str) -> None:
    method, path, body, expected = CASES[case]
    ids = {"offer": world.offer_id, "requirement": world.requirement_id, "match": world.match_id,
           "producer_org": world.producer_org, "second_offer": world.second_offer_id,
           "quote": world.quote_id}  # fmt: skip
    url = path.format(**ids)
    if body is not None:  # an id in the body, written "{name}"
        body = {k: ids[v[1:-1]] if isinstance(v, str) and v[:1] == "{" else v
                for k, v in body.items()}  # fmt: skip
    who = world.callers[caller]
    response = client.open(url, method=method, json=body, headers=who.headers if who else {})
    want = expected[CALLERS.index(caller)]
    assert response.status_code == want, (case, caller, response.get_json())
    if want >= 400:
        assert response.mimetype == "application/problem+json"


# The imports: a list previewed for the officer of Tây Ninh (the first caller of each kind
# that may see it), a row of it, and a new upload.
IMPORTS: dict[str, tuple[str, str, dict | None, tuple[int, ...]]] = {
    "start import":   ("POST", "/api/v1/imports", None,           (401, 403, 403, 403, 403, 202, 202, 202)),
    "list imports":   ("GET", "/api/v1/imports", None,            (401, 403, 403, 403, 403, 200, 200, 200)),
    "read import":    ("GET", "/api/v1/imports/{job}", None,      (401, 403, 403, 403, 403, 200, 404, 200)),
    "import rows":    ("GET", "/api/v1/imports/{job}/rows", None, (401, 403, 403, 403, 403, 200, 404, 200)),
    "choose group":   ("POST", "/api/v1/imports/{job}/rows/{row}/group", {"category": "food.tea"},
                                                                  (401, 403, 403, 403, 403, 200, 404, 200)),
    "confirm import": ("POST", "/api/v1/imports/{job}/confirm", None,
                                                                  (401, 403, 403, 403, 403, 202, 404, 202)),
}  # fmt: skip
TEA_LIST = "STT,Tên sản phẩm,Chủ thể,Hạng sao\n1,Chè Tân Cương,HTX Chè Tân Cương,4 sao\n"


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", list(IMPORTS))
def test_import_authorization_matrix(
    app: Flask, client: FlaskClient, world: World, db: Session, case: str, caller: str
) -> None:
    officer = world.callers["officer"]
    assert officer is not None
    settings = get_settings(app)
    job = jobs.start_import(db, open_store(settings, db), officer.user, file_name="che.csv",
                            data=TEA_LIST.encode(), queue=False)  # fmt: skip
    with app.app_context():
        run_job(get_database(app).sessions, lambda s: open_store(settings, s), job.id)
    row = db.scalars(select(ImportRow).where(ImportRow.job_id == job.id)).one()
    method, path, body, expected = IMPORTS[case]
    who = world.callers[caller]
    headers = who.headers if who else {}
    url = path.format(job=job.id, row=row.id)
    if case == "start import":
        response = client.post(url, data={"file": (io.BytesIO(TEA_LIST.encode()), "che.csv")},
                               headers=headers, content_type="multipart/form-data")  # fmt: skip
    else:
        response = client.open(url, method=method, json=body, headers=headers)
    want = expected[CALLERS.index(caller)]
    assert response.status_code == want, (case, caller, response.get_json())
    if want >= 400:
        assert response.mimetype == "application/problem+json"


def test_officer_lists_see_only_their_province(client: FlaskClient, world: World) -> None:
    officer, other = world.callers["officer"], world.callers["other_officer"]
    assert officer and other
    mine = client.get("/api/v1/organizations", headers=officer.headers).get_json()
    assert world.producer_org in [o["id"] for o in mine["items"]]
    theirs = client.get("/api/v1/organizations", headers=other.headers).get_json()
    assert world.producer_org not in [o["id"] for o in theirs["items"]]
    requirements = client.get("/api/v1/requirements", headers=other.headers).get_json()
    assert world.requirement_id not in [r["id"] for r in requirements["items"]]


def test_buyers_list_only_their_own_requirements(client: FlaskClient, world: World) -> None:
    other = world.callers["other_buyer"]
    assert other
    body = client.get("/api/v1/requirements", headers=other.headers).get_json()
    assert body["total"] == 0


def _secured_operations(client: FlaskClient) -> list[tuple[str, str, bool]]:
    """(method, path, has a body) of every operation the OpenAPI document says needs a token."""
    document = client.get("/api/openapi.json").get_json()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                found.append((method.upper(), path, "requestBody" in operation))
    return found


def test_a_caller_without_a_token_is_told_to_sign_in_before_anything_else(
    client: FlaskClient,
) -> None:
    """Wrong parameters, an unknown field and ids that do not exist would each get their own
    4xx; without a token, every secured operation answers 401 first."""
    operations = _secured_operations(client)
    assert len(operations) > 30
    for method, path, has_body in operations:
        url = re.sub(r"\{[^}]+\}", "987654", path) + "?limit=lots&page=-1"
        for headers in ({}, {"Authorization": "Bearer mm_not-a-token"}):
            response = client.open(
                url, method=method, headers=headers, json={"no_such_field": 1} if has_body else None
            )
            assert response.status_code == 401, (method, path, headers, response.get_json())
            assert response.mimetype == "application/problem+json"


def test_an_officer_lists_only_requirements_of_their_province(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    """A nationwide requirement (no delivery provinces) of a buyer elsewhere is not the
    officer's business, whatever its status; one of a buyer in the province, or delivering
    there by name, is. Listing and reading follow the same rule."""
    officer = make_caller("officer", province="Tây Ninh")
    far_buyer = make_caller("buyer", province="Hà Nội").user.organization
    near_buyer = make_caller("buyer", province="Tây Ninh").user.organization
    far_nationwide, far_delivering, near_nationwide = (
        services.create_requirement(db, org, {"title": "Bánh tráng", **extra})
        for org, extra in (
            (far_buyer, {}),
            (far_buyer, {"delivery_provinces": ["Tây Ninh"]}),
            (near_buyer, {}),
        )
    )
    for requirement in (far_nationwide, far_delivering, near_nationwide):
        requirement.status = "paused"
    db.commit()
    for status in ("paused",):
        listed = client.get(
            f"/api/v1/requirements?status={status}&limit=100", headers=officer.headers
        ).get_json()
        ids = {r["id"] for r in listed["items"]}
        assert far_nationwide.id not in ids
        assert {far_delivering.id, near_nationwide.id} <= ids
    read = client.get(f"/api/v1/requirements/{far_nationwide.id}", headers=officer.headers)
    assert read.status_code == 404
    near = client.get(f"/api/v1/requirements/{near_nationwide.id}", headers=officer.headers)
    assert near.status_code == 200


def test_what_each_caller_sees_of_the_quotes_on_a_requirement(
    client: FlaskClient, db: Session, world: World, make_caller: MakeCaller
) -> None:
    """Another producer that quoted too sees its own quote only; the buyer, the officer of the
    delivery province and one of the buyer's province see both; any other officer, buyer or
    producer sees none, by the API, the page or the spreadsheet."""
    rival = world.callers["other_producer"]
    assert rival is not None
    rival_offer = services.create_offer(
        db, rival.user.organization,
        {"title": "Bánh tráng Trảng Bàng", "category": "food.processed", "unit": "kg"},
    )  # fmt: skip
    db.commit()
    rivals = quotes.submit(db, rival.user, world.requirement_id, QuoteInput.model_validate(
        {"offer_id": rival_offer.id, "unit_price_vnd": 58_000, "unit": "kg"})).id  # fmt: skip
    db.commit()
    url = f"/api/v1/requirements/{world.requirement_id}/quotes"
    both = {world.quote_id, rivals}

    def seen(caller: Caller | None) -> set[int] | int:
        assert caller is not None
        response = client.get(url, headers=caller.headers)
        if response.status_code != 200:
            return response.status_code
        return {item["quote"]["id"] for item in response.get_json()["items"]}

    buyer_province_officer = make_caller("officer", province="Hồ Chí Minh")
    third = make_caller("producer", province="Tây Ninh")
    assert seen(world.callers["buyer"]) == both
    assert seen(world.callers["officer"]) == both
    assert seen(buyer_province_officer) == both
    assert seen(world.callers["producer"]) == {world.quote_id}
    assert seen(rival) == {rivals}
    assert seen(third) == set()
    assert seen(world.callers["other_officer"]) == 404
    assert seen(world.callers["other_buyer"]) == 404
    for caller in (rival, third):
        assert (
            client.get(f"/api/v1/quotes/{world.quote_id}", headers=caller.headers).status_code
            == 404
        )
    assert client.get(f"/api/v1/quotes/{rivals}", headers=third.headers).status_code == 404

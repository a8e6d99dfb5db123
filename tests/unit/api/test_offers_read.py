import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.api.openapi import check_operation_ids
from matchmaker.catalog import services

from .conftest import Caller, MakeCaller


def make_offers(db: Session, count: int) -> list[int]:
    producer = services.create_organization(
        db, {"kind": "producer", "name": "HTX Chè Tân Cương", "province": "Thái Nguyên"}
    )
    ids = [
        services.create_offer(
            db, producer,
            {"title": f"Chè búp {i}", "category": "food.tea", "unit": "kg", "ocop_stars": 4,
             "certifications": ["vietgap"] if i % 2 else []},
        ).id
        for i in range(count)
    ]  # fmt: skip
    db.commit()
    return ids


def test_lists_active_offers_with_the_province_named(
    client: FlaskClient, db: Session, buyer: Caller
) -> None:
    ids = make_offers(db, 3)
    response = client.get("/api/v1/offers", headers=buyer.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == ids
    province = {"code": "19", "name": "Thái Nguyên", "name_en": "Thai Nguyen"}
    assert body["items"][0]["province"] == province
    assert body["items"][0]["producer_name"] == "HTX Chè Tân Cương"


def test_cursor_pages_through_everything(client: FlaskClient, db: Session, buyer: Caller) -> None:
    ids = make_offers(db, 5)
    seen, url = [], "/api/v1/offers?limit=2"
    while url:
        body = client.get(url, headers=buyer.headers).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        url = f"/api/v1/offers?limit=2&cursor={cursor}" if cursor else None
    assert seen == ids


def test_filters(client: FlaskClient, db: Session, buyer: Caller) -> None:
    make_offers(db, 4)
    url = "/api/v1/offers?certification=vietgap&province=thai nguyen"
    assert client.get(url, headers=buyer.headers).get_json()["total"] == 2
    url = "/api/v1/offers?province=Hà Giang"
    assert client.get(url, headers=buyer.headers).get_json()["total"] == 0


def test_bad_input_is_problem_json(client: FlaskClient, buyer: Caller) -> None:
    for url in ("/api/v1/offers?limit=0", "/api/v1/offers?province=Atlantis",
                "/api/v1/offers?cursor=%%%", "/api/v1/offers?min_stars=6"):  # fmt: skip
        response = client.get(url, headers=buyer.headers)
        assert response.status_code in (400, 422), url
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["detail"]


def test_unknown_offer_and_route_are_problem_json(client: FlaskClient, buyer: Caller) -> None:
    for url in ("/api/v1/offers/424242", "/api/v1/nothing-here"):
        response = client.get(url, headers=buyer.headers)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "is not an id" not in response.get_json()["detail"]


def test_an_id_that_is_not_a_number_is_named(client: FlaskClient, buyer: Caller) -> None:
    for url, method, segment in (
        ("/api/v1/offers/abc", "GET", "abc"),
        ("/api/v1/requirements/-3/matches", "GET", "-3"),
        ("/api/v1/matches/1.5/feedback", "POST", "1.5"),
    ):
        response = client.open(url, method=method, headers=buyer.headers)
        assert response.status_code == 404, url
        assert response.get_json()["detail"] == f"{segment!r} is not an id: ids are whole numbers."


def test_health_reports_database_and_broker(client: FlaskClient, make_caller: MakeCaller) -> None:
    body = client.get("/healthz", headers=make_caller("admin").headers).get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_openapi_document(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/offers" in spec["paths"]
    assert client.get("/api/docs").status_code in (301, 302)


def test_operations_are_named_for_generated_clients(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    ids = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    assert ids["GET /api/v1/requirements/{requirement_id}/matches"] == "requirement_matches"
    assert ids["POST /api/v1/matches/{match_id}/feedback"] == "match_feedback"
    assert ids["GET /api/v1/search/offers"] == "search_offers"
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", name) for name in ids.values()), ids


def test_two_operations_with_one_name_are_refused() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "get_thing"}},
                      "/b": {"get": {"operationId": "get_thing"}}}}  # fmt: skip
    with pytest.raises(RuntimeError, match="GET /b and GET /a have the same handler name"):
        check_operation_ids(spec)


def test_reading_needs_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/offers")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.get("/api/v1/offers", headers={"Authorization": "Bearer mm_forged"})
    assert bad.status_code == 401

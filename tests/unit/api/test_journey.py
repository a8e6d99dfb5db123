"""The whole journey over the API: register, post, match, accept, see the new status."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server


class HttpResponse:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self._body = body

    def get_json(self) -> Any:
        return json.loads(self._body) if self._body else None


class HttpClient:
    """The few calls the journey makes, sent over a real socket to a running server."""

    def __init__(self, base: str) -> None:
        self.base = base

    def _send(
        self, method: str, path: str, json_body: Any, headers: dict[str, str] | None
    ) -> HttpResponse:
        data = json.dumps(json_body).encode() if json_body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        for name, value in {**(headers or {}), "Content-Type": "application/json"}.items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return HttpResponse(response.status, response.read())
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, error.read())

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        return self._send("GET", path, None, headers)

    def post(
        self, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> HttpResponse:
        return self._send("POST", path, json, headers)


@pytest.fixture(params=["wsgi", "http"])
def api(request: pytest.FixtureRequest, app: Flask, client: FlaskClient) -> Iterator[Any]:
    """The Flask test client, or a live server on a local port (one request at a time: the
    test's database connection is shared with it)."""
    if request.param == "wsgi":
        yield client
        return
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpClient(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


def register(client: Any, role: str, email: str, organization: dict) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": "mật khẩu dài", "name": email.split("@")[0],
              "role": role, "organization": organization},
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["user"]["role"] == role
    return {"Authorization": f"Bearer {body['token']}"}


def test_producer_and_buyer_meet_through_a_match(api: Any) -> None:
    client = api
    producer = register(
        client, "producer", "htx@trangbang.vn",
        {"name": "HTX Bánh tráng Trảng Bàng", "entity_type": "cooperative",
         "province": "Tay Ninh", "preferred_language": "vi"},
    )  # fmt: skip
    buyer = register(
        client, "buyer", "mua-hang@coopmart.vn",
        {"name": "Saigon Co.op", "buyer_type": "supermarket", "province": "Tp. HCM"},
    )  # fmt: skip

    offer = client.post(
        "/api/v1/offers",
        json={"title": "Bánh tráng phơi sương Trảng Bàng", "category": "food.processed",
              "unit": "kg", "ocop_stars": 4, "ocop_certified_on": "2025-03-01",
              "monthly_capacity": 3000, "unit_price_vnd": 85000, "shelf_life_days": 180,
              "certifications": ["vietgap"]},
        headers=producer,
    )  # fmt: skip
    assert offer.status_code == 201, offer.get_json()
    offer_id = offer.get_json()["id"]
    assert offer.get_json()["province"]["code"] == "80"

    requirement = client.post(
        "/api/v1/requirements",
        json={"title": "Cần mua banh trang phoi suong 1 tấn/tháng", "quantity_per_month": 1,
              "unit": "ton", "min_ocop_stars": 3, "delivery_provinces": ["Bình Dương"]},
        headers=buyer,
    )  # fmt: skip
    assert requirement.status_code == 201, requirement.get_json()
    requirement_id = requirement.get_json()["id"]

    matches = client.get(f"/api/v1/requirements/{requirement_id}/matches", headers=buyer)
    assert matches.status_code == 200
    items = matches.get_json()
    match = next(m for m in items if m["offer"]["id"] == offer_id)
    assert match["status"] == "suggested"
    assert 0 < match["score"] <= 1
    assert match["reasons"] and all({"code", "vi", "en"} <= set(r) for r in match["reasons"])

    accepted = client.post(
        f"/api/v1/matches/{match['id']}/feedback", json={"action": "accepted"}, headers=buyer
    )
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "accepted"

    producer_view = client.get(f"/api/v1/offers/{offer_id}/matches", headers=producer)
    assert producer_view.status_code == 200
    seen = {m["requirement"]["id"]: m for m in producer_view.get_json()}
    assert seen[requirement_id]["status"] == "accepted"
    assert seen[requirement_id]["id"] == match["id"]


def test_feedback_transitions_are_checked(client: FlaskClient) -> None:
    producer = register(client, "producer", "p@x.vn", {"name": "HTX Mắc ca", "province": "68"})
    buyer = register(client, "buyer", "b@x.vn", {"name": "Lotte Mart", "buyer_type": "supermarket"})
    offer = {"title": "Hạt mắc ca sấy nứt vỏ", "category": "food.processed", "unit": "kg"}
    client.post("/api/v1/offers", headers=producer, json=offer)
    rid = client.post("/api/v1/requirements", json={"title": "macadamia nuts"},
                      headers=buyer).get_json()["id"]  # fmt: skip
    match_id = client.get(f"/api/v1/requirements/{rid}/matches", headers=buyer).get_json()[0]["id"]
    url = f"/api/v1/matches/{match_id}/feedback"

    deal_too_early = client.post(url, json={"action": "deal"}, headers=buyer)
    assert deal_too_early.status_code == 409
    no_reason = client.post(url, json={"action": "declined"}, headers=buyer)
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"][0]["field"] == "reason"
    declined = client.post(url, json={"action": "declined", "reason": "Giá cao"}, headers=buyer)
    assert declined.get_json()["decline_reason"] == "Giá cao"
    history = client.get(f"/api/v1/matches/{match_id}", headers=producer).get_json()["history"]
    assert [(h["from"], h["to"]) for h in history] == [("suggested", "declined")]


def test_small_producers_are_pooled_for_a_large_volume(client: FlaskClient) -> None:
    buyer = register(
        client, "buyer", "thu-mua@bigc.vn",
        {"name": "GO! Việt Nam", "buyer_type": "supermarket", "province": "Hà Nội"},
    )  # fmt: skip
    for n, province in enumerate(["Thái Nguyên", "Thái Nguyên", "Phú Thọ"]):
        producer = register(
            client, "producer", f"ho{n}@che.vn",
            {"name": f"Hộ kinh doanh chè số {n}", "entity_type": "household", "province": province},
        )  # fmt: skip
        created = client.post(
            "/api/v1/offers", headers=producer,
            json={"title": "Chè búp khô Tân Cương", "category": "food.tea", "unit": "kg",
                  "monthly_capacity": 400, "ocop_stars": 3, "ocop_certified_on": "2025-05-01"},
        )  # fmt: skip
        assert created.status_code == 201, created.get_json()
    rid = client.post(
        "/api/v1/requirements", headers=buyer,
        json={"title": "Chè búp Thái Nguyên", "category": "food.tea", "unit": "ton",
              "quantity_per_month": 1},
    ).get_json()["id"]  # fmt: skip

    pools = client.get(f"/api/v1/requirements/{rid}/pools", headers=buyer)

    assert pools.status_code == 200, pools.get_json()
    best = pools.get_json()[0]
    assert 2 <= len(best["offers"]) <= 4
    assert len({o["producer_id"] for o in best["offers"]}) == len(best["offers"])
    assert best["combined_capacity"] >= 1


def test_producer_terms_shape_the_match_for_both_sides(client: FlaskClient) -> None:
    producer = register(
        client, "producer", "htx@local.vn",
        {"name": "HTX Rau sạch Củ Chi", "province": "Hồ Chí Minh",
         "serves_provinces": ["Sài Gòn", "Bình Dương"], "wanted_buyer_types": ["horeca"]},
    )  # fmt: skip
    me = client.get("/api/v1/auth/me", headers=producer).get_json()
    org = client.get(f"/api/v1/organizations/{me['organization_id']}", headers=producer).get_json()
    assert [p["code"] for p in org["serves_provinces"]] == ["79"]
    assert org["wanted_buyer_types"] == ["horeca"]
    offer = {"title": "Rau muống sạch VietGAP", "category": "food.fresh", "unit": "kg"}
    client.post("/api/v1/offers", headers=producer, json=offer)
    supermarket = {"name": "Siêu thị Hà Nội", "buyer_type": "supermarket", "province": "01"}
    buyer = register(client, "buyer", "b@hn.vn", supermarket)
    need = {"title": "rau muống", "delivery_provinces": ["Hà Nội"]}
    rid = client.post("/api/v1/requirements", headers=buyer, json=need).get_json()["id"]

    [match] = client.get(f"/api/v1/requirements/{rid}/matches", headers=buyer).get_json()

    gaps = {g["code"] for g in match["gaps"]}
    assert {"outside_service_area", "buyer_type_not_targeted"} <= gaps

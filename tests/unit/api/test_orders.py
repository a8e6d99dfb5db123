"""Orders over the API: once the buyer accepted a quote, the producer records the first order
and the buyer a repeat; both read the list and its total; a day in the future comes back as a
coded field problem."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient

from .conftest import MakeCaller

RICE = {"title": "Gạo ST25", "category": "food.raw_processed", "unit": "kg"}


def test_either_side_records_orders_under_a_deal(
    client: FlaskClient, make_caller: MakeCaller
) -> None:
    buyer, producer = make_caller("buyer", province="Hồ Chí Minh"), make_caller("producer")
    offer = client.post("/api/v1/offers", json=RICE, headers=producer.headers).get_json()["id"]
    need = client.post("/api/v1/requirements", json={"title": "Cần mua gạo ST25"},
                       headers=buyer.headers).get_json()["id"]  # fmt: skip
    quote = client.post(
        f"/api/v1/requirements/{need}/quotes",
        headers=producer.headers,
        json={"offer_id": offer, "unit_price_vnd": 30_000, "unit": "kg"},
    )
    assert quote.status_code == 201, quote.get_json()
    accepted = client.post(f"/api/v1/quotes/{quote.get_json()['id']}/accept",
                           headers=buyer.headers)  # fmt: skip
    assert accepted.status_code == 200
    match_id = client.get(f"/api/v1/requirements/{need}/quotes",
                          headers=buyer.headers).get_json()["items"][0]["match_id"]  # fmt: skip
    url = f"/api/v1/matches/{match_id}/orders"
    first = client.post(
        url,
        headers=producer.headers,
        json={"value_vnd": 30_000_000, "quantity": 1000, "note": "Lô đầu"},
    )
    assert first.status_code == 201, first.get_json()
    assert {k: first.get_json()[k] for k in ("kind", "side", "unit", "ordered_on")} == {
        "kind": "order", "side": "producer", "unit": "kg", "ordered_on": date.today().isoformat()
    }  # fmt: skip
    repeat = client.post(url, headers=buyer.headers, json={"value_vnd": 15_000_000})
    assert (repeat.get_json()["kind"], repeat.get_json()["side"]) == ("repeat", "buyer")

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    future = client.post(url, headers=buyer.headers,
                         json={"value_vnd": 1, "ordered_on": tomorrow},
                         environ_overrides={"HTTP_ACCEPT_LANGUAGE": "vi"})  # fmt: skip
    assert future.status_code == 422 and future.mimetype == "application/problem+json"
    problems = future.get_json()["errors"]
    assert [(p["field"], p["code"]) for p in problems] == [("ordered_on", "field.future_date")]

    listed = client.get(url, headers=producer.headers).get_json()
    assert [o["kind"] for o in listed["items"]] == ["order", "repeat"]
    assert listed["total_value_vnd"] == 45_000_000

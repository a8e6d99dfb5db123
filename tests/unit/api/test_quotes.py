"""Quotes over the API: two producers quote on one requirement, one revises, the buyer compares
them in its own unit and accepts one (a deal on the match with both sides' yes); a third
producer sees none of it."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.matching.answers import MatchAnswer
from matchmaker.matching.models import Match
from matchmaker.quotes.comparison import to_xlsx
from matchmaker.quotes.services import comparison

from .conftest import MakeCaller

TEA = {"title": "Chè Tân Cương", "category": "food.tea", "unit": "kg"}
REQUIREMENT = {
    "title": "Cần mua chè Thái Nguyên",
    "unit": "kg",
    "quantity_per_month": 500,
    "max_unit_price_vnd": 400_000,
}


def _offer(client: FlaskClient, headers: dict[str, str], **extra: object) -> int:
    response = client.post("/api/v1/offers", json={**TEA, **extra}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def test_two_producers_quote_one_revises_the_buyer_compares_and_accepts(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    buyer = make_caller("buyer", province="Hồ Chí Minh")
    first, second, third = (make_caller("producer") for _ in range(3))
    requirement = client.post("/api/v1/requirements", json=REQUIREMENT, headers=buyer.headers)
    requirement_id = requirement.get_json()["id"]
    valid = (date.today() + timedelta(days=30)).isoformat()
    first_offer = _offer(
        client,
        first.headers,
        ocop_stars=4,
        ocop_certified_until=(date.today() + timedelta(days=400)).isoformat(),
    )
    second_offer = _offer(client, second.headers, title="Chè búp Thái Nguyên", unit="ton")
    third_offer = _offer(client, third.headers, title="Chè xanh", unit="box")

    url = f"/api/v1/requirements/{requirement_id}/quotes"
    by_kilo = client.post(
        url,
        headers=first.headers,
        json={
            "offer_id": first_offer,
            "unit_price_vnd": 380_000,
            "unit": "kg",
            "min_order_quantity": 50,
            "monthly_volume": 600,
            "lead_time_days": 7,
            "delivery_terms": "delivered",
            "delivery_provinces": ["Hồ Chí Minh"],
            "valid_until": valid,
            "samples_available": True,
            "note": "Giao hàng tận nơi",
        },
    )
    assert by_kilo.status_code == 201, by_kilo.get_json()
    by_tonne = client.post(
        url,
        headers=second.headers,
        json={
            "offer_id": second_offer,
            "unit_price_vnd": 360_000_000,
            "unit": "ton",
            "min_order_quantity": 1,
            "monthly_volume": 0.4,
        },
    )
    assert by_tonne.status_code == 201, by_tonne.get_json()
    by_box = client.post(
        url,
        headers=third.headers,
        json={"offer_id": third_offer, "unit_price_vnd": 90_000, "unit": "box"},
    )
    assert by_box.status_code == 201

    # The second producer lowers its price: a new revision, the first one kept.
    quote_id = by_tonne.get_json()["id"]
    revised = client.patch(
        f"/api/v1/quotes/{quote_id}", headers=second.headers, json={"unit_price_vnd": 340_000_000}
    )
    assert revised.status_code == 200, revised.get_json()
    body = revised.get_json()
    assert body["terms"]["unit_price_vnd"] == 340_000_000 and body["terms"]["number"] == 2
    assert [t["unit_price_vnd"] for t in body["history"]] == [360_000_000, 340_000_000]
    assert body["terms"]["min_order_quantity"] == 1  # the terms not changed stay

    compared = client.get(url, headers=buyer.headers)
    assert compared.status_code == 200
    items = compared.get_json()["items"]
    assert [i["offer"]["id"] for i in items] == [second_offer, first_offer, third_offer]
    tonne, kilo, box = items
    assert tonne["price_per_wanted_unit"] == 340_000 and tonne["comparable"]
    assert tonne["min_order_in_wanted_unit"] == 1000 and tonne["min_order_fits"] is False
    assert tonne["covers_volume"] is False and tonne["within_price_ceiling"] is True
    assert kilo["price_per_wanted_unit"] == 380_000 and kilo["covers_volume"] is True
    assert kilo["stars"] == 4 and kilo["certificate_valid"] is True
    assert box["comparable"] is False and box["price_per_wanted_unit"] is None
    by_stars = client.get(url + "?sort=stars", headers=buyer.headers).get_json()["items"]
    assert by_stars[0]["offer"]["id"] == first_offer
    # Delivered to the buyer's Hồ Chí Minh (the requirement names no province): the first
    # producer delivers there, the second's ex-works price gets freight from Tây Ninh.
    assert kilo["delivered_cost"] == 380_000 and kilo["deliveries"][0]["by_producer"]
    assert tonne["delivered_cost"] > 340_000 and tonne["freight_estimate"] > 0
    assert tonne["deliveries"][0]["province"] == "79" and tonne["deliveries"][0]["distance_km"]
    assert box["delivered_cost"] is None
    delivered = client.get(url + "?sort=delivered", headers=buyer.headers).get_json()
    assert delivered["freight"]["vnd_per_tonne_km"] > 0
    assert [i["offer"]["id"] for i in delivered["items"]][-1] == third_offer

    # A producer sees its own quote only, and none of another's.
    own = client.get(url, headers=third.headers).get_json()["items"]
    assert [i["offer"]["id"] for i in own] == [third_offer]
    assert client.get(f"/api/v1/quotes/{quote_id}", headers=third.headers).status_code == 404
    assert (
        client.patch(
            f"/api/v1/quotes/{quote_id}", headers=third.headers, json={"unit_price_vnd": 1}
        ).status_code
        == 404
    )
    # Only the buyer accepts; the producer of the quote cannot accept it for the buyer.
    accept_url = f"/api/v1/quotes/{by_kilo.get_json()['id']}/accept"
    assert client.post(accept_url, headers=first.headers).status_code == 403

    accepted = client.post(accept_url, headers=buyer.headers)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["status"] == "accepted"
    assert accepted.get_json()["deal_value_vnd"] == 380_000 * 600
    match = db.scalar(select(Match).where(Match.offer_id == first_offer))
    assert match is not None and match.status == "deal"
    answers = {
        (a.side, a.action)
        for a in db.scalars(select(MatchAnswer).where(MatchAnswer.match_id == match.id))
    }
    assert {("producer", "accepted"), ("buyer", "accepted"), ("buyer", "deal")} <= answers

    declined = client.post(
        f"/api/v1/quotes/{by_box.get_json()['id']}/decline",
        headers=buyer.headers,
        json={"reason": "Đơn vị hộp không rõ"},
    )
    assert declined.status_code == 200 and declined.get_json()["decline_reason"]
    gone = client.delete(f"/api/v1/quotes/{quote_id}", headers=second.headers)
    assert gone.status_code == 200 and gone.get_json()["status"] == "withdrawn"
    left = client.get(url, headers=buyer.headers).get_json()["items"]
    assert [i["quote"]["status"] for i in left] == ["accepted", "declined"]

    # The committee's spreadsheet: one row per quote, the producer's note kept a text.
    workbook = load_workbook(
        io.BytesIO(to_xlsx(comparison(db, buyer.user, requirement_id), lambda code, params: code))
    )
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    # Two quotes, then the way the delivered cost is estimated (a blank row before it).
    assert rows[0][0] == REQUIREMENT["title"] and len(rows) == 2 + 2 + 2
    header = list(rows[1])
    delivered_at = header.index("quote.export.column.delivered_cost")
    assert rows[2][delivered_at] == 380_000 and rows[-1][0] == "quote.freight_note"


def test_bad_quotes_are_coded_errors_and_store_nothing(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    buyer, producer, other = make_caller("buyer"), make_caller("producer"), make_caller("producer")
    requirement_id = client.post(
        "/api/v1/requirements", json=REQUIREMENT, headers=buyer.headers
    ).get_json()["id"]
    offer_id, others = _offer(client, producer.headers), _offer(client, other.headers)
    url = f"/api/v1/requirements/{requirement_id}/quotes"
    cases = [
        ({"offer_id": others, "unit_price_vnd": 1, "unit": "kg"}, "quote.not_your_offer"),
        ({"offer_id": offer_id, "unit_price_vnd": -1, "unit": "kg"}, None),
        ({"offer_id": offer_id, "unit_price_vnd": 1, "unit": "sack"}, "field.choice"),
        (
            {"offer_id": offer_id, "unit_price_vnd": 1, "unit": "kg", "valid_until": "2001-01-01"},
            "field.past_date",
        ),
        (
            {
                "offer_id": offer_id,
                "unit_price_vnd": 1,
                "unit": "kg",
                "delivery_provinces": ["Hà Nội"],
            },
            "quote.provinces_need_delivery",
        ),
        (
            {"offer_id": offer_id, "unit_price_vnd": 1, "unit": "kg", "note": "a\u202eb"},
            "field.direction_control",
        ),
    ]
    for body, code in cases:
        response = client.post(url, headers=producer.headers, json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.mimetype == "application/problem+json"
        if code:
            assert code in [e["code"] for e in response.get_json()["errors"]], response.get_json()
    assert client.get(url, headers=producer.headers).get_json()["items"] == []
    assert (
        client.post(
            url,
            headers=buyer.headers,
            json={"offer_id": offer_id, "unit_price_vnd": 1, "unit": "kg"},
        ).status_code
        == 403
    )
    made = client.post(
        url,
        headers=producer.headers,
        json={"offer_id": offer_id, "unit_price_vnd": 1, "unit": "kg"},
    )
    assert made.status_code == 201
    again = client.post(
        url,
        headers=producer.headers,
        json={"offer_id": offer_id, "unit_price_vnd": 2, "unit": "kg"},
    )
    assert again.status_code == 409 and again.get_json()["code"] == "quote.exists"
    declined = client.post(
        f"/api/v1/quotes/{made.get_json()['id']}/decline",
        headers=buyer.headers,
        json={"reason": "  "},
    )
    assert declined.status_code == 422
    assert (
        client.get(f"/api/v1/quotes/{made.get_json()['id']}", headers=buyer.headers).get_json()[
            "status"
        ]
        == "open"
    )

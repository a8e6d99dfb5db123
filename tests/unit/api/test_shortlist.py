"""A buyer's shortlist over the API: shared by colleagues, notes kept, gone offers shown."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog import services

from .conftest import MakeCaller

OFFER = {"title": "Nước mắm Phú Quốc", "category": "food.condiment", "unit": "bottle"}


def test_colleagues_share_one_shortlist_with_notes(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    buyer, producer, other_buyer = (
        make_caller("buyer"), make_caller("producer"), make_caller("buyer")
    )  # fmt: skip
    offer = client.post("/api/v1/offers", json=OFFER, headers=producer.headers).get_json()
    colleague = create_user(db, buyer.user.organization, email="lan@coop.vn", name="Lan",
                            password="correct horse battery", role="buyer")  # fmt: skip
    raw, _ = issue_token(db, colleague, ttl=timedelta(hours=1))
    db.commit()
    colleague_headers = {"Authorization": f"Bearer {raw}"}

    saved = client.put(f"/api/v1/shortlist/{offer['id']}", json={"note": "Hỏi giá sỉ"},
                       headers=buyer.headers)  # fmt: skip
    assert saved.status_code == 200
    assert saved.get_json()["saved_by_id"] == buyer.user.id

    again = client.put(f"/api/v1/shortlist/{offer['id']}", json={"note": "Đã hỏi: 85.000 đ"},
                       headers=colleague_headers)  # fmt: skip
    assert again.status_code == 200
    listed = client.get("/api/v1/shortlist", headers=colleague_headers).get_json()
    assert listed["total"] == 1
    (item,) = listed["items"]
    assert item["offer"]["title"] == OFFER["title"] and item["note"] == "Đã hỏi: 85.000 đ"
    assert item["saved_by_id"] == buyer.user.id and item["offer_status"] == "active"

    assert client.get("/api/v1/shortlist", headers=other_buyer.headers).get_json()["total"] == 0

    client.delete(f"/api/v1/offers/{offer['id']}", headers=producer.headers)
    gone = client.get("/api/v1/shortlist", headers=buyer.headers).get_json()
    assert [i["offer_status"] for i in gone["items"]] == ["archived"]

    removed = client.delete(f"/api/v1/shortlist/{offer['id']}", headers=buyer.headers)
    assert removed.status_code == 204
    assert client.get("/api/v1/shortlist", headers=buyer.headers).get_json()["total"] == 0


def test_bad_input_is_a_clear_error_and_changes_nothing(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    buyer, producer = make_caller("buyer"), make_caller("producer")
    offer = services.create_offer(db, producer.user.organization, OFFER)
    db.commit()

    too_long = client.put(f"/api/v1/shortlist/{offer.id}", json={"note": "x" * 501},
                          headers=buyer.headers)  # fmt: skip
    assert too_long.status_code == 422 and too_long.mimetype == "application/problem+json"
    unknown = client.put(f"/api/v1/shortlist/{offer.id}", json={"notes": "typo"},
                         headers=buyer.headers)  # fmt: skip
    assert unknown.status_code == 422
    no_body = client.put(f"/api/v1/shortlist/{offer.id}", headers=buyer.headers)
    assert no_body.status_code == 422  # a JSON object, {} at least, says what is saved
    assert [e["field"] for e in no_body.get_json()["errors"]] == ["body"]
    missing = client.put("/api/v1/shortlist/999999", json={}, headers=buyer.headers)
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/shortlist", headers=buyer.headers).get_json()["total"] == 0

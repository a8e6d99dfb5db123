"""An offer's history through the API: who changed what, in the language asked for."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import access
from matchmaker.catalog.history import ChangedBy, record_changes
from matchmaker.catalog.inputs import OfferInput
from matchmaker.catalog.validation import read

from .conftest import MakeCaller

OFFER = {"title": "Bánh tráng phơi sương", "category": "food.processed", "unit": "kg",
         "ocop_stars": 4, "unit_price_vnd": 250_000}  # fmt: skip


def test_the_producer_reads_the_import_and_its_own_edit_in_its_language(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    producer = make_caller("producer", name="HTX Bánh tráng Trảng Bàng")
    officer = make_caller("officer", name="Sở Công Thương Tây Ninh")
    offer = access.create_offer(db, producer.user, read(OfferInput, OFFER))
    db.commit()
    record_changes(db, offer.id, {"ocop_stars": 4, "ocop_certified_until": None},
                   {"ocop_stars": 5, "ocop_certified_until": "2028-06-30"},
                   ChangedBy(officer.user.id, "danh-sach-2025.xlsx"))  # fmt: skip
    db.commit()
    access.update_offer(db, producer.user, offer.id, {"unit_price_vnd": 260_000}, None)
    db.commit()

    url = f"/api/v1/offers/{offer.id}/history"
    body = client.get(url, headers=producer.headers).get_json()
    assert body["offer_id"] == offer.id
    edit, imported, created = body["items"]
    assert edit["source"] == "edit" and edit["user_id"] == producer.user.id
    assert edit["author"] == (
        f"{producer.user.name} of HTX Bánh tráng Trảng Bàng, the producer's own edit"
    )
    assert edit["changes"] == [{
        "field": "unit_price_vnd", "field_name": "Price", "old": 250_000, "new": 260_000,
        "old_text": "₫250,000", "new_text": "₫260,000",
    }]  # fmt: skip
    assert imported["source"] == "import"
    assert imported["author"] == "Sở Công Thương Tây Ninh, import of danh-sach-2025.xlsx"
    assert [(c["field_name"], c["old_text"], c["new_text"]) for c in imported["changes"]] == [
        ("OCOP stars", "4", "5"),
        ("OCOP certificate expires", "(none)", "Jun 30, 2028"),
    ]
    assert {c["field"] for c in created["changes"]} >= {"title", "ocop_stars"}

    vi = client.get(url, headers={**producer.headers, "Accept-Language": "vi"}).get_json()
    imported_vi = vi["items"][1]
    assert imported_vi["author"] == "Sở Công Thương Tây Ninh, nhập danh sách danh-sach-2025.xlsx"
    assert [(c["field_name"], c["new_text"]) for c in imported_vi["changes"]] == [
        ("Hạng sao OCOP", "5"),
        ("Ngày hết hạn giấy chứng nhận OCOP", "30 thg 6, 2028"),
    ]


def test_a_buyer_or_another_producer_is_told_who_may_read_it(
    client: FlaskClient, db: Session, make_caller: MakeCaller
) -> None:
    producer = make_caller("producer")
    offer = access.create_offer(db, producer.user, read(OfferInput, OFFER))
    db.commit()
    for caller in (make_caller("buyer"), make_caller("producer", province="Hà Nội")):
        response = client.get(f"/api/v1/offers/{offer.id}/history", headers=caller.headers)
        assert response.status_code == 403
        assert response.get_json()["code"] == "offer.history_forbidden"
        assert "officers of its province" in response.get_json()["detail"]


def test_the_openapi_document_describes_the_history(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/offers/{offer_id}/history"]["get"]
    assert operation["operationId"] == "offer_history"
    assert "OfferHistory" in str(operation["responses"]["200"])
    assert set(operation["responses"]) >= {"200", "401", "403", "404"}

"""The buyer's ranked offers mark the related products that follow the ones that fit; the
producer's view never lists a related pair."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services

from .conftest import Caller


def test_related_products_follow_the_offers_that_fit_and_are_marked(
    client: FlaskClient, db: Session, producer: Caller, buyer: Caller
) -> None:
    honey = {"category": "food.raw_processed", "unit": "kg"}
    wild = services.create_offer(
        db, producer.user.organization, {"title": "Mật ong rừng U Minh", **honey}
    )
    longan = services.create_offer(
        db, producer.user.organization, {"title": "Mật ong hoa nhãn", **honey}
    )
    requirement = services.create_requirement(
        db, buyer.user.organization, {"title": "Mật ong rừng"}
    )
    db.commit()

    response = client.get(f"/api/v1/requirements/{requirement.id}/matches", headers=buyer.headers)
    assert response.status_code == 200
    items = response.get_json()
    assert [(i["offer"]["id"], i["related"], i["rank"]) for i in items] == [
        (wild.id, False, 1),
        (longan.id, True, 2),
    ]
    assert items[1]["reasons"][0]["code"] == "related_product"

    for offer, listed in ((wild, True), (longan, False)):
        view = client.get(f"/api/v1/offers/{offer.id}/matches", headers=producer.headers)
        assert view.status_code == 200
        assert [i["requirement"]["id"] for i in view.get_json()] == (
            [requirement.id] if listed else []
        )


def test_the_document_describes_related(client: FlaskClient) -> None:
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    related = schemas["OfferMatch"]["properties"]["related"]
    assert related["type"] == "boolean"
    assert "never notified" in related["description"]
    # Only the buyer's list carries it; every field clients already read is unchanged.
    assert "related" not in schemas["RequirementMatch"]["properties"]
    assert {"id", "offer", "score", "rank", "reasons", "gaps", "status"} <= set(
        schemas["OfferMatch"]["required"]
    )

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.ranking.index import OfferIndex

from .conftest import Caller

TODAY = date.today()


@pytest.fixture
def catalog(db: Session) -> dict[str, int]:
    tay_ninh = services.create_organization(
        db, {"kind": "producer", "name": "HTX Trảng Bàng", "province": "Tây Ninh"}
    )
    phu_quoc = services.create_organization(
        db, {"kind": "producer", "name": "Nước mắm Phú Quốc", "province": "Kiên Giang"}
    )
    certified = {"ocop_stars": 4, "ocop_certified_on": date(TODAY.year - 1, 1, 15)}
    ids = {
        "rice_paper": services.create_offer(
            db, tay_ninh,
            {"title": "Bánh tráng phơi sương Trảng Bàng", "category": "food.processed",
             "unit": "kg", "certifications": ["vietgap"], **certified},
        ).id,
        "rice_paper_plain": services.create_offer(
            db, tay_ninh,
            {"title": "Bánh tráng nướng mè đen", "category": "food.processed", "unit": "pack"},
        ).id,
        "fish_sauce": services.create_offer(
            db, phu_quoc,
            {"title": "Nước mắm cá cơm 40 độ đạm", "category": "food.condiment",
             "unit": "bottle", **certified},
        ).id,
    }  # fmt: skip
    db.commit()
    return ids


def search(client: FlaskClient, caller: Caller, query: str) -> dict:
    response = client.get(f"/api/v1/search/offers?{query}", headers=caller.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_words_without_accents_find_accented_listings(
    client: FlaskClient, buyer: Caller, catalog: dict[str, int]
) -> None:
    body = search(client, buyer, "q=banh trang")
    assert {h["offer"]["id"] for h in body["items"]} == {
        catalog["rice_paper"],
        catalog["rice_paper_plain"],
    }
    assert "<mark>Bánh</mark> <mark>tráng</mark>" in body["items"][0]["highlights"]["title"]


def test_english_finds_vietnamese(
    client: FlaskClient, buyer: Caller, catalog: dict[str, int]
) -> None:
    body = search(client, buyer, "q=fish sauce")
    assert [h["offer"]["id"] for h in body["items"]] == [catalog["fish_sauce"]]


def test_filters_and_facets(client: FlaskClient, buyer: Caller, catalog: dict[str, int]) -> None:
    body = search(client, buyer, "q=banh trang&min_stars=4")
    assert [h["offer"]["id"] for h in body["items"]] == [catalog["rice_paper"]]
    # The stars facet ignores its own filter: both rice papers are counted, only one rated.
    assert {f["code"]: f["count"] for f in body["facets"]["stars"]} == {"4": 1}
    provinces = {f["code"]: f["count"] for f in body["facets"]["province"]}
    assert provinces == {"80": 1}
    everything = search(client, buyer, "")
    assert everything["total"] == 3
    assert {f["code"]: f["count"] for f in everything["facets"]["province"]} == {"80": 2, "91": 1}
    assert search(client, buyer, "province=Kien Giang")["total"] == 1
    assert search(client, buyer, "certification=vietgap")["total"] == 1
    assert search(client, buyer, "category=food")["total"] == 3


def test_unknown_codes_are_rejected(client: FlaskClient, buyer: Caller) -> None:
    response = client.get("/api/v1/search/offers?category=sweets", headers=buyer.headers)
    assert response.status_code == 422
    assert "food.processed" in response.get_json()["errors"][0]["allowed"]


def test_new_and_archived_offers_show_at_once(
    client: FlaskClient, db: Session, buyer: Caller, catalog: dict[str, int]
) -> None:
    assert search(client, buyer, "q=nuoc mam")["total"] == 1
    services.archive_offer(db, services.get_offer(db, catalog["fish_sauce"]))
    db.commit()
    assert search(client, buyer, "q=nuoc mam")["total"] == 0
    producer = services.get_offer(db, catalog["rice_paper"]).producer
    services.create_offer(
        db, producer, {"title": "Muối tôm Tây Ninh", "category": "food.condiment", "unit": "kg"}
    )
    db.commit()
    assert search(client, buyer, "q=muoi tom")["total"] == 1


def test_a_search_made_again_is_answered_from_the_kept_hits_until_offers_change(
    client: FlaskClient,
    db: Session,
    buyer: Caller,
    catalog: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searched: list[str] = []
    original = OfferIndex.search

    def counting(self: OfferIndex, text: str, limit: int | None = None) -> list:
        searched.append(text)
        return original(self, text, limit)

    monkeypatch.setattr(OfferIndex, "search", counting)
    first = search(client, buyer, "q=banh trang&category=food")
    assert search(client, buyer, "q=banh trang&category=food") == first
    assert searched == ["banh trang"]
    assert search(client, buyer, "q=banh trang&province=72")["total"] == 2  # other filters
    assert searched == ["banh trang"] * 2

    services.archive_offer(db, services.get_offer(db, catalog["rice_paper_plain"]))
    db.commit()
    again = search(client, buyer, "q=banh trang&category=food")
    assert searched == ["banh trang"] * 3
    assert again["total"] == first["total"] - 1
    assert again["facets"] != first["facets"]


@pytest.fixture
def coffee(db: Session) -> dict[str, int]:
    dak_lak = services.create_organization(
        db, {"kind": "producer", "name": "HTX Ea Tu", "province": "Đắk Lắk"}
    )
    lam_dong = services.create_organization(
        db, {"kind": "producer", "name": "HTX Cầu Đất", "province": "Lâm Đồng"}
    )
    coffee = {"category": "food.coffee_cocoa", "unit": "kg"}
    certified = {"ocop_stars": 4, "ocop_certified_on": date(TODAY.year - 1, 1, 15)}
    ids = {
        "robusta": services.create_offer(
            db, dak_lak,
            {"title": "Cà phê Robusta Buôn Ma Thuột", **coffee, "unit_price_vnd": 180_000},
        ).id,
        "instant": services.create_offer(
            db, dak_lak,
            {"title": "Cà phê hòa tan", **coffee, "unit_price_vnd": 64_000, **certified},
        ).id,
        "arabica": services.create_offer(
            db, lam_dong,
            {"title": "Cà phê Arabica Cầu Đất", **coffee, "unit_price_vnd": 590_000,
             "description": "Cà chua không có ở đây; cà phê Arabica rang mộc, cách rang medium."},
        ).id,
    }  # fmt: skip
    db.commit()
    return ids


def test_marks_are_whole_words_of_the_listing(
    client: FlaskClient, buyer: Caller, coffee: dict[str, int]
) -> None:
    body = search(client, buyer, "q=ca phe arabica")
    hit = next(h for h in body["items"] if h["offer"]["id"] == coffee["arabica"])
    assert hit["highlights"]["title"] == (
        "<mark>Cà</mark> <mark>phê</mark> <mark>Arabica</mark> Cầu Đất"
    )
    assert "Cà chua" in hit["highlights"]["description"]  # not the phrase: left unmarked
    assert (
        "<mark>cà</mark> <mark>phê</mark> <mark>Arabica</mark>"
        in (hit["highlights"]["description"])
    )
    assert "<mark>ca</mark>" not in search(client, buyer, "q=ca")["items"][0]["highlights"]["title"]


def test_sort_and_price_range(client: FlaskClient, buyer: Caller, coffee: dict[str, int]) -> None:
    cheapest = search(client, buyer, "q=ca phe&sort=price_asc")
    assert [h["offer"]["id"] for h in cheapest["items"]] == [
        coffee["instant"], coffee["robusta"], coffee["arabica"],
    ]  # fmt: skip
    dearest = search(client, buyer, "q=ca phe&sort=price_desc&max_price=200000")
    assert [h["offer"]["id"] for h in dearest["items"]] == [coffee["robusta"], coffee["instant"]]
    ranged = search(client, buyer, "min_price=100000&max_price=600000&sort=stars")
    assert {h["offer"]["id"] for h in ranged["items"]} == {coffee["robusta"], coffee["arabica"]}
    assert ranged["suggestions"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_price=500000&max_price=100000", "max_price"),
        ("min_price=-5", "min_price"),
        ("max_price=12.5", "max_price"),
        ("sort=newest", "sort"),
    ],
)
def test_a_wrong_price_or_order_is_a_problem_naming_the_field(
    client: FlaskClient, buyer: Caller, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/search/offers?{query}", headers=buyer.headers)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["detail"]
    assert [e["field"] for e in problem["errors"]] == [field]
    assert problem["code"] and all(e["code"] and e["message"] for e in problem["errors"])


def test_nothing_found_suggests_the_filters_to_drop(
    client: FlaskClient, buyer: Caller, coffee: dict[str, int]
) -> None:
    body = search(client, buyer, "q=ca phe&province=Đắk Lắk&min_price=500000&sort=stars")
    assert body["total"] == 0
    # Most found first: without the price floor, both Đắk Lắk coffees; without the province,
    # the Arabica.
    assert body["suggestions"] == [
        {"drop": "min_price", "total": 2},
        {"drop": "province", "total": 1},
    ]


def test_the_document_lists_the_orders_and_the_suggestions(client: FlaskClient) -> None:
    from matchmaker.matching.search import FILTERS, SORTS

    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/search/offers"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"sort", "min_price", "max_price"} <= parameters.keys()
    assert "relevance" in parameters["sort"]["description"]
    assert parameters["sort"]["schema"]["anyOf"][0]["enum"] == list(SORTS)
    assert parameters["min_price"]["schema"]["anyOf"][0]["minimum"] == 0
    schemas = document["components"]["schemas"]
    assert schemas["SearchSuggestion"]["properties"]["drop"]["enum"] == list(FILTERS)
    assert "suggestions" in schemas["SearchResult"]["required"]


def test_words_the_catalogue_spells_otherwise_are_searched_as_it_spells_them(
    client: FlaskClient, buyer: Caller, coffee: dict[str, int]
) -> None:
    body = search(client, buyer, "q=robustaa")
    assert body["spelling"] == "robusta"
    assert [hit["offer"]["id"] for hit in body["items"]] == [coffee["robusta"]]

    assert search(client, buyer, "q=robusta")["spelling"] is None
    assert search(client, buyer, "q=ca phe&min_stars=5")["spelling"] is None


def test_the_document_describes_the_spelling(client: FlaskClient) -> None:
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    spelling = schemas["SearchResult"]["properties"]["spelling"]
    assert {"type": "string"} in spelling["anyOf"] and {"type": "null"} in spelling["anyOf"]
    assert "did you mean" in spelling["description"]
    assert "spelling" not in schemas["SearchResult"].get("required", [])


def test_related_products_stay_off_the_api(
    client: FlaskClient, buyer: Caller, catalog: dict[str, int]
) -> None:
    # The page lists rice papers of another kind apart when few are found; the API's answer
    # keeps its contract: what was found, nothing else.
    body = search(client, buyer, "q=banh trang phoi suong")
    assert [h["offer"]["id"] for h in body["items"]] == [catalog["rice_paper"]]
    assert body["total"] == 1
    assert set(body) == {"items", "total", "page", "facets", "suggestions", "spelling"}

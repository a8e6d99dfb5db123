from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.catalog.models import Organization
from matchmaker.errors import Conflict, Invalid, NotFound


@pytest.fixture
def producer(db: Session) -> Organization:
    return services.create_organization(
        db,
        {"kind": "producer", "name": "HTX Nông nghiệp Tân Lập", "entity_type": "cooperative",
         "province": "Bình Dương"},
    )  # fmt: skip


@pytest.fixture
def buyer(db: Session) -> Organization:
    return services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket", "province": "79"}
    )


def fields_of(error: Invalid) -> set[str]:
    return {e.field for e in error.errors}


def test_legacy_province_is_stored_as_current_with_the_original_text(
    producer: Organization,
) -> None:
    assert producer.province == "79"
    assert producer.province_text == "Bình Dương"


def test_offer_takes_the_producers_province_by_default(db: Session, producer: Organization) -> None:
    offer = services.create_offer(
        db, producer, {"title": "Bánh tráng phơi sương", "category": "food.processed", "unit": "kg"}
    )
    assert offer.province == "79"
    assert offer.status == "active"
    assert offer.title_key == "banh trang phoi suong"


def test_offer_validation_names_every_bad_field(db: Session, producer: Organization) -> None:
    with pytest.raises(Invalid) as caught:
        services.create_offer(
            db,
            producer,
            {
                "title": "",
                "category": "sweets",
                "unit": "barrel",
                "ocop_stars": 6,
                "monthly_capacity": 0,
                "unit_price_vnd": -5,
                "certifications": ["vietgap", "iso9999"],
                "province": "Atlantis",
                "color": "red",
            },
        )
    assert fields_of(caught.value) == {
        "title", "category", "unit", "ocop_stars", "monthly_capacity", "unit_price_vnd",
        "certifications", "province", "color",
    }  # fmt: skip
    stars = next(e for e in caught.value.errors if e.field == "ocop_stars")
    assert (stars.code, stars.params["allowed"]) == ("offer.stars", [3, 4, 5])


def test_certificate_dates_must_make_sense(db: Session, producer: Organization) -> None:
    d = date
    base = {"title": "Mật ong rừng", "category": "food.processed", "unit": "liter", "ocop_stars": 4}
    with pytest.raises(Invalid) as caught:
        services.create_offer(
            db, producer,
            {**base, "ocop_certified_on": d(2024, 5, 1), "ocop_certified_until": d(2024, 1, 1)},
        )  # fmt: skip
    assert fields_of(caught.value) == {"ocop_certified_until"}
    with pytest.raises(Invalid):
        services.create_offer(
            db, producer,
            {**base, "ocop_certified_on": d(2024, 5, 1), "ocop_certified_until": d(2028, 1, 1)},
        )  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.create_offer(
            db, producer, {**base, "ocop_stars": 3, "ocop_potential_five_star": True}
        )
    assert fields_of(caught.value) == {"ocop_potential_five_star"}


def test_certificate_expiry_defaults_to_36_months(db: Session, producer: Organization) -> None:
    offer = services.create_offer(
        db, producer,
        {"title": "Chè Tân Cương", "category": "food.tea", "unit": "kg", "ocop_stars": 4,
         "ocop_certified_on": date(2024, 2, 29)},
    )  # fmt: skip
    assert offer.ocop_certified_until == date(2027, 2, 28)


def test_only_producers_have_offers(db: Session, buyer: Organization) -> None:
    with pytest.raises(Invalid):
        services.create_offer(db, buyer, {"title": "X", "category": "food", "unit": "kg"})


def test_update_checks_the_version(db: Session, producer: Organization) -> None:
    offer = services.create_offer(
        db, producer, {"title": "Nước mắm", "category": "food.condiment", "unit": "bottle"}
    )
    services.update_offer(db, offer, {"unit_price_vnd": 120_000}, expected_version=1)
    assert offer.version == 2
    with pytest.raises(Conflict):
        services.update_offer(db, offer, {"unit_price_vnd": 99_000}, expected_version=1)
    assert offer.unit_price_vnd == 120_000


def test_partial_update_rechecks_cross_field_rules(db: Session, producer: Organization) -> None:
    offer = services.create_offer(
        db, producer,
        {"title": "Chè", "category": "food.tea", "unit": "kg", "ocop_stars": 4,
         "ocop_potential_five_star": True},
    )  # fmt: skip
    with pytest.raises(Invalid) as caught:
        services.update_offer(db, offer, {"ocop_stars": 3})
    assert fields_of(caught.value) == {"ocop_potential_five_star"}
    assert offer.ocop_stars == 4


def test_archive_is_soft_and_hides_from_the_default_list(
    db: Session, producer: Organization
) -> None:
    offer = services.create_offer(
        db, producer, {"title": "Gạo ST25", "category": "food", "unit": "kg"}
    )
    services.archive_offer(db, offer)
    assert offer.archived_at is not None
    assert services.get_offer(db, offer.id).status == "archived"
    page = services.list_offers(db, services.OfferFilters(), services.PageRequest())
    assert offer.id not in [o.id for o in page.items]


def test_requirement_needs_only_a_title(db: Session, buyer: Organization) -> None:
    requirement = services.create_requirement(db, buyer, {"title": "Cần mua bánh tráng"})
    assert requirement.status == "open"
    assert requirement.delivery_provinces == []


def test_requirement_rules(db: Session, buyer: Organization) -> None:
    with pytest.raises(Invalid) as caught:
        services.create_requirement(
            db, buyer,
            {"title": "Cashew", "quantity_per_month": 5, "min_ocop_stars": 2,
             "delivery_provinces": ["Sài Gòn", "Narnia"],
             "valid_until": date.today() - timedelta(days=1)},
        )  # fmt: skip
    assert fields_of(caught.value) == {
        "unit",
        "min_ocop_stars",
        "delivery_provinces",
        "valid_until",
    }


def test_delivery_provinces_accept_any_spelling(db: Session, buyer: Organization) -> None:
    requirement = services.create_requirement(
        db, buyer, {"title": "Nước mắm", "delivery_provinces": ["Tp. HCM", "thai binh", "Ha Noi"]}
    )
    assert requirement.delivery_provinces == ["79", "33", "01"]


def test_cursor_pagination_visits_every_offer_once(db: Session, producer: Organization) -> None:
    created = [
        services.create_offer(
            db, producer, {"title": f"Sản phẩm {i}", "category": "food", "unit": "kg"}
        ).id
        for i in range(7)
    ]
    seen, cursor = [], None
    while True:
        page = services.list_offers(
            db, services.OfferFilters(), services.PageRequest(limit=3, cursor=cursor)
        )
        seen += [o.id for o in page.items]
        assert page.total == 7
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == created
    with pytest.raises(Invalid):
        services.list_offers(db, services.OfferFilters(), services.PageRequest(cursor="garbage!"))


def test_missing_offer_is_not_found(db: Session) -> None:
    with pytest.raises(NotFound):
        services.get_offer(db, 999_999)

from datetime import date, timedelta
from itertools import islice

import pytest

from matchmaker.ranking.reference import (
    categories,
    get_category,
    get_certification,
    get_province,
    get_unit,
    resolve_province,
)
from matchmaker.ranking.text import fold
from matchmaker.samples import (
    BUYER_TYPES,
    ENTITY_TYPES,
    add_months,
    generate,
    iter_offers,
    product_kinds,
    sample_producers,
)

TODAY = date(2025, 9, 1)


@pytest.fixture(scope="module")
def sample():
    return generate(2025, today=TODAY)


def test_the_same_seed_gives_the_same_data(sample):
    assert generate(2025, today=TODAY) == sample


def test_another_seed_gives_other_data(sample):
    other = generate(7, today=TODAY)
    assert [o.title for o in other.offers] != [o.title for o in sample.offers]


def test_default_sizes(sample):
    producers = [o for o in sample.organizations if o.kind == "producer"]
    buyers = [o for o in sample.organizations if o.kind == "buyer"]
    assert (len(producers), len(buyers)) == (120, 30)
    assert (len(sample.offers), len(sample.requirements)) == (320, 45)


def test_keys_are_unique_and_references_hold(sample):
    keys = [o.key for o in sample.organizations]
    assert len(set(keys)) == len(keys)
    producers = {o.key for o in sample.organizations if o.kind == "producer"}
    buyers = {o.key for o in sample.organizations if o.kind == "buyer"}
    assert len({o.key for o in sample.offers}) == len(sample.offers)
    assert {o.producer_key for o in sample.offers} == producers  # every producer has an offer
    assert {r.buyer_key for r in sample.requirements} == buyers


def test_every_group_sub_group_buyer_type_and_many_provinces_appear(sample):
    offer_categories = {o.category for o in sample.offers}
    sub_groups = {c.code for c in categories() if not c.is_group}
    assert offer_categories == sub_groups
    assert {o.buyer_type for o in sample.organizations if o.kind == "buyer"} == set(BUYER_TYPES)
    assert {o.entity_type for o in sample.organizations if o.kind == "producer"} == set(
        ENTITY_TYPES
    )
    assert len({o.province for o in sample.organizations}) >= 12
    assert len({o.province for o in sample.offers}) >= 12


def test_food_is_most_of_the_offers():
    offers = list(iter_offers(3, 5000, today=TODAY, producers=1000))
    share = sum(o.category.startswith("food.") for o in offers) / len(offers)
    assert 0.72 < share < 0.88


def test_there_are_at_least_120_kinds_covering_every_sub_group():
    kinds = product_kinds()
    assert len({k.code for k in kinds}) == len(kinds) >= 120
    assert {k.category for k in kinds} == {c.code for c in categories() if not c.is_group}


def test_product_kinds_use_only_known_codes():
    for kind in product_kinds():
        get_category(kind.category)
        get_unit(kind.unit)
        for code in kind.certifications:
            get_certification(code)
        for _, province, names in kind.places:
            get_province(province)
            assert names, kind.code
        assert kind.unit_price_vnd[0] <= kind.unit_price_vnd[1]
        assert kind.monthly_capacity[0] <= kind.monthly_capacity[1]


def test_offer_fields_use_reference_codes(sample):
    for offer in sample.offers:
        assert get_category(offer.category).group == offer.category.split(".")[0]
        get_unit(offer.unit)
        get_province(offer.province)
        for code in offer.certifications:
            get_certification(code)
        assert offer.status in {"active", "paused", "archived"}
        assert offer.unit_price_vnd >= 1000 and offer.unit_price_vnd % 1000 == 0
        assert 1 <= offer.min_order_quantity <= offer.monthly_capacity
        assert all(len(market) == 2 and market.isupper() for market in offer.export_markets)


def test_offer_province_is_the_producers_and_plausible_for_the_product(sample):
    producers = {o.key: o for o in sample.organizations}
    kinds = {k.code: k for k in product_kinds()}
    for offer in sample.offers:
        assert offer.province == producers[offer.producer_key].province
        assert offer.province in {code for _, code, _ in kinds[offer.product_kind].places}


@pytest.mark.parametrize(
    ("kind", "provinces"),
    [
        ("fish_sauce", {"91", "68", "31", "48", "51", "56"}),
        ("rice_paper_trang_bang", {"80"}),
        ("macadamia", {"66", "68", "11"}),
        ("bird_nest", {"56", "48", "91"}),
        ("tan_cuong_tea", {"19"}),
    ],
)
def test_well_known_specialities_come_from_their_home_provinces(kind, provinces):
    for offer in islice(
        (o for o in iter_offers(1, 20000, today=TODAY, producers=2000) if o.product_kind == kind),
        50,
    ):
        assert offer.province in provinces


def test_a_place_named_in_a_title_is_in_the_offers_province():
    # "Nước mắm Phú Quốc" must not come from Hải Phòng.
    for offer in iter_offers(5, 3000, today=TODAY, producers=600):
        if offer.title.startswith("Nước mắm Phú Quốc"):
            assert offer.province == "91"
        if "Trảng Bàng" in offer.title:
            assert offer.province == "80"


def test_certificates_last_36_months_and_some_are_expired_or_expiring(sample):
    offers = list(iter_offers(11, 2000, today=TODAY, producers=400))
    rated = [o for o in offers if o.ocop_stars is not None]
    for offer in rated:
        assert offer.ocop_stars in (3, 4, 5)
        assert offer.ocop_certified_on is not None and offer.ocop_certified_until is not None
        assert offer.ocop_certified_on <= TODAY
        assert offer.ocop_certified_until == add_months(offer.ocop_certified_on, 36)
        assert offer.ocop_decision_number
    unrated = [o for o in offers if o.ocop_stars is None]
    assert unrated
    assert all(o.ocop_certified_until is None and not o.ocop_potential_five_star for o in unrated)
    assert all(o.ocop_stars == 4 for o in offers if o.ocop_potential_five_star)
    assert any(o.ocop_certified_until < TODAY for o in rated)
    assert any(TODAY <= o.ocop_certified_until <= TODAY + timedelta(days=90) for o in rated)
    assert any(o.ocop_certified_until > TODAY + timedelta(days=365) for o in rated)


def test_add_months_keeps_the_day_or_uses_the_months_last():
    assert add_months(date(2022, 5, 17), 36) == date(2025, 5, 17)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


def test_a_traceability_url_comes_with_the_traceability_certification():
    for offer in iter_offers(2, 1000, today=TODAY, producers=200):
        if offer.traceability_url:
            assert "traceability" in offer.certifications
            assert offer.traceability_url.startswith("https://")


def test_titles_and_descriptions_are_mostly_vietnamese_with_some_english(sample):
    accented = [o for o in sample.offers if fold(o.title) != o.title.casefold()]
    assert len(accented) > 0.8 * len(sample.offers)
    assert any(" from " in o.title for o in iter_offers(4, 1000, today=TODAY, producers=200))
    assert all(o.description for o in sample.offers)


def test_organizations_look_real(sample):
    for organization in sample.organizations:
        assert organization.contact_email.endswith(("@example.vn", "@example.com"))
        assert organization.phone.startswith("0") and len(organization.phone) == 10
        assert organization.preferred_language in ("vi", "en")
        assert resolve_province(organization.address.rsplit(", ", 1)[-1]).province.code == (
            organization.province
        )
        if organization.kind == "producer":
            assert organization.entity_type in ENTITY_TYPES and organization.buyer_type is None
        else:
            assert organization.buyer_type in BUYER_TYPES and organization.entity_type is None
    names = [o.name for o in sample.organizations]
    assert len(set(names)) == len(names)
    assert any(n.startswith("HTX ") for n in names)
    assert any(n.startswith("Hộ kinh doanh ") for n in names)
    assert any(n.startswith("Công ty") for n in names)
    assert any(o.preferred_language == "en" for o in sample.organizations if o.kind == "buyer")


def test_requirements_read_like_buyers_write_them():
    data = generate(9, buyers=60, requirements=400, today=TODAY)
    requirements = data.requirements
    english = [r for r in requirements if r.language == "en"]
    unaccented = [r for r in requirements if r.language == "vi" and fold(r.title) == r.title]
    assert english and unaccented
    assert any(
        r.title.startswith("Cần mua") or fold(r.title).startswith("can mua") for r in requirements
    )
    # Optional fields are often left empty.
    assert any(r.category is None for r in requirements)
    assert any(r.unit is None for r in requirements)
    assert any(not r.delivery_provinces for r in requirements)
    assert any(r.needed_by is None for r in requirements)


def test_requirement_fields_are_consistent():
    data = generate(9, buyers=60, requirements=400, today=TODAY)
    buyers = {o.key: o for o in data.organizations}
    for requirement in data.requirements:
        assert requirement.title
        assert requirement.status in {"open", "paused", "closed"}
        if requirement.category:
            get_category(requirement.category)
        if requirement.unit:
            get_unit(requirement.unit)
        else:
            assert requirement.quantity_per_month is None
            assert requirement.max_unit_price_vnd is None
        for code in requirement.required_certifications:
            get_certification(code)
        for code in requirement.delivery_provinces:
            get_province(code)
        if requirement.needed_by:
            assert requirement.needed_by > TODAY
        if buyers[requirement.buyer_key].buyer_type == "introduction_point":
            assert requirement.min_ocop_stars is not None and requirement.min_ocop_stars >= 3


def test_streamed_offers_match_the_generated_set(sample):
    streamed = list(iter_offers(2025, 320, today=TODAY, producers=120))
    assert streamed == list(sample.offers)
    assert sample_producers(2025, 120) == sample.organizations[:120]


def test_asking_for_more_buyers_does_not_change_the_offers(sample):
    assert generate(2025, buyers=5, requirements=3, today=TODAY).offers == sample.offers

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.ranking.constraints import valid_stars, violations
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.records import OfferRecord, RequirementRecord

ON = date(2025, 10, 1)
TITLES = ["Bánh tráng phơi sương", "banh trang", "Nước mắm", "rice paper", "Mật ong rừng", "honey"]
CERTS = ["vietgap", "globalgap", "haccp", "organic", "halal", "VietGAP"]

dates_around = st.one_of(st.none(), st.integers(-400, 400).map(lambda d: ON + timedelta(days=d)))

offers = st.builds(
    OfferRecord,
    id=st.uuids().map(str),
    title=st.sampled_from(TITLES),
    category=st.sampled_from(["food.processed", "food.condiment", "beverage.non_alcoholic"]),
    unit=st.sampled_from(["kg", "ton", "g", "liter", "ml", "box"]),
    producer_id=st.sampled_from(["p1", "p2", "p3", "p4"]),
    province=st.sampled_from(["01", "79", "56", "bogus", None]),
    ocop_stars=st.one_of(st.none(), st.integers(3, 5)),
    ocop_certified_until=dates_around,
    certifications=st.frozensets(st.sampled_from(CERTS), max_size=4),
    monthly_capacity=st.one_of(st.none(), st.floats(0, 1e6)),
    min_order_quantity=st.one_of(st.none(), st.floats(0, 1e4)),
    unit_price_vnd=st.one_of(st.none(), st.floats(0, 1e7)),
    shelf_life_days=st.one_of(st.none(), st.integers(0, 720)),
    status=st.sampled_from(["active", "active", "paused", "archived"]),
)

requirements = st.builds(
    RequirementRecord,
    id=st.just("r"),
    title=st.sampled_from(TITLES),
    category=st.sampled_from([None, "food", "food.processed"]),
    min_ocop_stars=st.one_of(st.none(), st.integers(3, 5)),
    required_certifications=st.frozensets(st.sampled_from(CERTS), max_size=2),
    unit=st.sampled_from([None, "kg", "ton", "liter", "box"]),
    quantity_per_month=st.one_of(st.none(), st.floats(1, 1e5)),
    max_unit_price_vnd=st.one_of(st.none(), st.floats(1, 1e8)),
    delivery_provinces=st.frozensets(st.sampled_from(["01", "79", "92"]), max_size=2),
    min_shelf_life_days=st.one_of(st.none(), st.integers(0, 400)),
    valid_until=dates_around,
    status=st.sampled_from(["open", "open", "open", "paused", "closed"]),
    buyer_type=st.sampled_from([None, "supermarket", "introduction_point"]),
)


def _assert_never_violated(result_offer: OfferRecord, requirement: RequirementRecord) -> None:
    assert result_offer.status == "active"
    assert requirement.status == "open"
    assert requirement.valid_until is None or requirement.valid_until >= ON
    if requirement.min_ocop_stars is not None:
        stars = valid_stars(result_offer, ON)
        assert stars is not None and stars >= requirement.min_ocop_stars
        assert (
            result_offer.ocop_certified_until is not None
            and result_offer.ocop_certified_until >= ON
        )
    wanted = {c.casefold() for c in requirement.required_certifications}
    assert wanted <= {c.casefold() for c in result_offer.certifications}
    if requirement.min_shelf_life_days is not None:
        assert result_offer.shelf_life_days is not None
        assert result_offer.shelf_life_days >= requirement.min_shelf_life_days


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(offers, min_size=1, max_size=25, unique_by=lambda o: o.id), requirements)
def test_no_result_ever_breaks_a_hard_constraint(offer_list, requirement):
    index = OfferIndex(offer_list)
    by_id = {o.id: o for o in offer_list}
    for result in index.rank(requirement, k=25, on=ON):
        _assert_never_violated(by_id[result.offer_id], requirement)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(offers, st.lists(requirements, min_size=1, max_size=10))
def test_no_requirement_suggested_to_a_producer_breaks_a_constraint(offer, requirement_list):
    requirement_list = [
        r.__class__(**{**{s: getattr(r, s) for s in r.__slots__}, "id": str(i)})
        for i, r in enumerate(requirement_list)
    ]
    index = OfferIndex([offer])
    by_id = {r.id: r for r in requirement_list}
    for result in index.rank_requirements(offer, requirement_list, k=10, on=ON):
        _assert_never_violated(offer, by_id[result.requirement_id])


def test_each_constraint_excludes_the_offer(make_offer, make_requirement, today):
    fit = {"shelf_life_days": 365, "certifications": frozenset({"VietGAP", "haccp"})}

    def honey(id, **changes):
        return make_offer(id, "Mật ong rừng U Minh", **{**fit, **changes})

    good = honey("good")
    bad = [
        honey("paused", status="paused"),
        honey("archived", status="archived"),
        honey("three_stars", ocop_stars=3),
        honey("expired", ocop_stars=5, ocop_certified_until=today - timedelta(days=1)),
        honey("unrated", ocop_stars=None, ocop_certified_until=None),
        honey("no_haccp", certifications=frozenset({"vietgap"})),
        honey("short_life", shelf_life_days=90),
        honey("no_life", shelf_life_days=None),
    ]
    requirement = make_requirement(
        "mật ong rừng",
        min_ocop_stars=4,
        required_certifications=frozenset({"haccp"}),
        min_shelf_life_days=180,
    )
    results = OfferIndex([good, *bad]).rank(requirement, k=20, on=today)
    assert [r.offer_id for r in results] == ["good"]
    assert violations(requirement, bad[3], today) == ["certificate_expired"]


def test_certificate_valid_through_the_matching_day(make_offer, make_requirement, today):
    offer = make_offer("last_day", "Mật ong rừng", ocop_certified_until=today)
    requirement = make_requirement("mật ong", min_ocop_stars=3)
    index = OfferIndex([offer])
    assert [r.offer_id for r in index.rank(requirement, on=today)] == ["last_day"]
    assert index.rank(requirement, on=today + timedelta(days=1)) == []


def test_closed_or_expired_requirement_gets_no_suggestions(make_offer, make_requirement, today):
    index = OfferIndex([make_offer("1", "Mật ong rừng")])
    assert index.rank(make_requirement("mật ong", status="closed"), on=today) == []
    assert (
        index.rank(make_requirement("mật ong", valid_until=today - timedelta(days=1)), on=today)
        == []
    )
    assert index.rank(make_requirement("mật ong", valid_until=today), on=today)


def test_introduction_points_only_get_rated_products(make_offer, make_requirement, today):
    index = OfferIndex(
        [make_offer("rated", "Mật ong"), make_offer("unrated", "Mật ong", ocop_stars=None)]
    )
    results = index.rank(make_requirement("mật ong", buyer_type="introduction_point"), on=today)
    assert [r.offer_id for r in results] == ["rated"]


def test_an_offer_a_wrong_column_lets_through_is_replaced_by_the_next_best(
    make_offer, make_requirement, today
):
    paused = make_offer("1", "Mật ong rừng U Minh", status="paused")
    others = [make_offer(str(i), "Mật ong rừng") for i in range(2, 5)]
    index = OfferIndex([paused, *others])
    index._columns.active[0] = True  # as if the column filter were wrong
    results = index.rank(make_requirement("mật ong rừng U Minh"), k=3, on=today)
    assert [r.offer_id for r in results] == ["2", "3", "4"]

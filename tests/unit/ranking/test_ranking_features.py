from datetime import timedelta

import pytest

from matchmaker.ranking import lookup
from matchmaker.ranking.features import NEUTRAL, category_fit, facts, price_positions
from matchmaker.ranking.index import OfferIndex
from tests.explained import en, vi


@pytest.mark.parametrize(
    ("quantity", "from_unit", "to_unit", "expected"),
    [
        (2, "ton", "kg", 2000),
        (500, "g", "kg", 0.5),
        (1500, "kg", "ton", 1.5),
        (750, "ml", "liter", 0.75),
        (3, "liter", "ml", 3000),
    ],
)
def test_unit_conversion(quantity, from_unit, to_unit, expected):
    assert lookup.convert(quantity, from_unit, to_unit) == pytest.approx(expected)


def test_units_of_different_kinds_do_not_compare():
    assert lookup.convert(1, "kg", "liter") is None
    assert lookup.convert(1, "box", "bottle") is None
    assert lookup.convert(1, "nonsense", "kg") is None


def test_capacity_and_price_are_compared_in_the_buyers_unit(make_offer, make_requirement, today):
    offer = make_offer(
        "1", "Cà phê rang xay", unit="kg", monthly_capacity=1500, unit_price_vnd=200_000
    )
    requirement = make_requirement(
        "cà phê", unit="ton", quantity_per_month=1, max_unit_price_vnd=180_000_000
    )
    fact = facts(requirement, offer, today)
    assert fact.capacity == pytest.approx(1.5)
    assert fact.price == pytest.approx(200_000_000)
    result = OfferIndex([offer]).rank(requirement, on=today)[0]
    assert "capacity_ok" in {r.code for r in result.reasons}
    gap = next(g for g in result.gaps if g.code == "price_above")
    assert en(gap) == "Price is 11% above the ceiling"
    assert vi(gap) == "Giá cao hơn mức trần 11%"


def test_short_capacity_in_grams_is_a_gap(make_offer, make_requirement, today):
    offer = make_offer("1", "Trà shan tuyết", unit="g", monthly_capacity=200_000)
    requirement = make_requirement("trà shan tuyết", unit="kg", quantity_per_month=500)
    result = OfferIndex([offer]).rank(requirement, on=today)[0]
    gap = next(g for g in result.gaps if g.code == "capacity_short")
    assert en(gap) == "Supplies only 200 kg/month of the 500 kg/month needed"


def test_certificate_expiring_soon_is_a_gap(make_offer, make_requirement, today):
    offer = make_offer("1", "Nước mắm", ocop_certified_until=today + timedelta(days=30))
    result = OfferIndex([offer]).rank(make_requirement("nước mắm"), on=today)[0]
    gap = next(g for g in result.gaps if g.code == "certificate_expiring")
    assert vi(gap) == "Giấy chứng nhận OCOP hết hạn sau 30 ngày"
    assert en(gap) == "OCOP certificate expires in 30 days"


def test_category_same_subgroup_beats_same_group():
    assert category_fit("food.tea", "food.tea") == 1.0
    assert category_fit("food.tea", "food.coffee_cocoa") == 0.5
    assert category_fit("food", "food.tea") == 1.0
    assert category_fit("food.tea", "handicraft.household_decor") == 0.0


def test_nearer_producer_ranks_higher_all_else_equal(make_offer, make_requirement, today):
    near = make_offer("near", "Bưởi da xanh", province="79")
    far = make_offer("far", "Bưởi da xanh", province="01")
    results = OfferIndex([far, near]).rank(
        make_requirement("bưởi da xanh", delivery_provinces=frozenset({"79"})), on=today
    )
    assert [r.offer_id for r in results] == ["near", "far"]
    assert "in_delivery_area" in {r.code for r in results[0].reasons}


def test_every_result_is_explained_in_both_languages(make_offer, make_requirement, today):
    offers = [
        make_offer(
            str(i), title, province=p, ocop_stars=s, traceability_url=t, shelf_life_days=life
        )
        for i, (title, p, s, t, life) in enumerate(
            [
                ("Nước mắm cá cơm", "56", 5, None, None),
                ("Nước mắm nhĩ", "01", None, "https://qr", 365),
                ("Nước mắm Phú Quốc", "bogus", 3, None, 90),
                ("Nước mắm Nam Ô", None, 4, "https://qr", 180),
            ]
        )
    ]
    requirement = make_requirement(
        "nuoc mam", quantity_per_month=100, unit="liter", delivery_provinces=frozenset({"79"})
    )
    results = OfferIndex(offers).rank(requirement, on=today)
    assert len(results) >= 3
    for result in results:
        assert result.reasons
        assert 0.0 <= result.score <= 1.0
        for item in (*result.reasons, *result.gaps):
            assert item.code and vi(item) and en(item)
    assert [r.rank for r in results] == list(range(1, len(results) + 1))


def test_price_position_ranks_each_offer_among_those_priced_in_the_same_base_unit(make_offer):
    offers = [
        make_offer("1", "Mật ong", unit="kg", unit_price_vnd=300_000),
        make_offer("2", "Mật ong", unit="g", unit_price_vnd=200),  # 200,000 a kg
        make_offer("3", "Mật ong", unit="kg", unit_price_vnd=300_000),
        make_offer("4", "Mật ong", unit="kg", unit_price_vnd=450_000),
        make_offer("5", "Mật ong chai", unit="liter", unit_price_vnd=100_000),  # alone in liters
        make_offer("6", "Mật ong", unit="kg", unit_price_vnd=None),  # no price
    ]
    cheapest, grams, tie, dearest, liter, unpriced = price_positions(offers)
    assert grams == 1.0 and dearest == 0.0
    assert cheapest == tie == pytest.approx(0.5)  # one cheaper, one dearer, one the same
    assert liter == unpriced == NEUTRAL


def test_every_ranked_offer_carries_its_price_position_in_the_list(
    make_offer, make_requirement, today
):
    offers = [
        make_offer(str(i), "Mật ong rừng", unit="kg", unit_price_vnd=price)
        for i, price in enumerate((400_000, 250_000, 300_000))
    ]
    ranked = OfferIndex(offers).rank(make_requirement("mật ong rừng"), on=today)
    by_offer = {m.offer_id: m.features["price_position"] for m in ranked}
    assert by_offer == {"1": 1.0, "2": 0.5, "0": 0.0}

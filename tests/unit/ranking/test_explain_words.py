"""Reasons and gaps say things in words people use: category, unit and province names, never
codes; and they only claim a fit that is there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from matchmaker.ranking import OfferIndex, propose_pools, reference
from matchmaker.ranking.evalset import offer_from_sample, requirement_from_sample
from matchmaker.ranking.explain import explain
from matchmaker.ranking.features import PairFacts
from matchmaker.ranking.records import Explanation, OfferRecord, RequirementRecord
from matchmaker.samples import generate
from tests.explained import en, said, vi

AS_OF = date(2025, 10, 1)


def _features(**values: float) -> dict[str, float]:
    return {"text": 0.5, "text_rel": 1.0, "category": 1.0, "responsiveness": 0.5, **values}


def _facts(**values: Any) -> PairFacts:
    fields: dict[str, Any] = {
        "capacity": None,
        "price": None,
        "min_order": None,
        "distance_km": None,
        "certificate_days_left": 400,
        "stars": 4,
        "listing_age_days": 60,
        "units_compare": True,
        **values,
    }
    return PairFacts(**fields)


def _offer(**fields: Any) -> OfferRecord:
    values: dict[str, Any] = {
        "id": "o",
        "title": "Hạt điều rang muối",
        "category": "food.raw_processed",
        "unit": "kg",
        "ocop_stars": 4,
        "ocop_certified_until": date(2027, 1, 1),
        "shelf_life_days": 180,
        **fields,
    }
    return OfferRecord(**values)


def _said(
    requirement: RequirementRecord,
    offer: OfferRecord | None = None,
    features: dict[str, float] | None = None,
    fact: PairFacts | None = None,
) -> tuple[dict[str, Explanation], dict[str, Explanation]]:
    reasons, gaps = explain(
        requirement, offer or _offer(), features or _features(), fact or _facts()
    )
    return {r.code: r for r in reasons}, {g.code: g for g in gaps}


def test_categories_are_named_not_coded() -> None:
    requirement = RequirementRecord(id="r", title="hạt điều", category="food.raw_processed")
    reasons, _ = _said(requirement)
    assert vi(reasons["same_category"]) == "Đúng nhóm sản phẩm (Thực phẩm thô, sơ chế)"
    assert en(reasons["same_category"]) == "Requested category (Raw and semi-processed food)"

    reasons, _ = _said(requirement, features=_features(category=0.5))
    assert vi(reasons["same_group"]) == "Cùng ngành hàng (Thực phẩm)"
    assert en(reasons["same_group"]) == "Same product group (Food)"

    _, gaps = _said(requirement, _offer(category="handicraft.household_decor"),
                    _features(category=0.0))  # fmt: skip
    assert vi(gaps["category_different"]) == (
        "Khác nhóm sản phẩm yêu cầu (Thủ công mỹ nghệ gia dụng, trang trí)"
    )
    assert en(gaps["category_different"]) == (
        "Different category from the request (Household and decorative handicrafts)"
    )


def test_units_are_named_in_each_language() -> None:
    requirement = RequirementRecord(id="r", title="rượu", unit="ton", quantity_per_month=2)
    _, gaps = _said(requirement, _offer(unit="bottle"), fact=_facts(units_compare=False))
    assert vi(gaps["unit_mismatch"]) == (
        "Đơn vị tính khác nhau (chai và tấn), chưa so được sản lượng"
    )
    assert en(gaps["unit_mismatch"]) == (
        "Units differ (bottle and tonne); volumes cannot be compared"
    )

    requirement = RequirementRecord(id="r", title="mật ong", unit="bottle", quantity_per_month=300)
    reasons, _ = _said(requirement, _offer(unit="bottle"), fact=_facts(capacity=1200))
    assert vi(reasons["capacity_ok"]) == "Cung ứng được 1.200 chai/tháng, đủ nhu cầu 300 chai/tháng"
    assert en(reasons["capacity_ok"]) == (
        "Can supply 1,200 bottles/month, enough for 300 bottles/month"
    )

    requirement = RequirementRecord(id="r", title="nước mắm", unit="liter", quantity_per_month=50)
    _, gaps = _said(requirement, _offer(unit="liter"), fact=_facts(capacity=20, min_order=100))
    assert vi(gaps["capacity_short"]) == "Chỉ cung ứng được 20 lít/tháng, nhu cầu 50 lít/tháng"
    assert en(gaps["min_order_above"]) == "Minimum order of 100 litres is above the need"


def test_prices_are_written_the_way_each_language_writes_them() -> None:
    requirement = RequirementRecord(id="r", title="hạt điều", unit="kg", max_unit_price_vnd=150_000)
    reasons, _ = _said(requirement, fact=_facts(price=120_000))
    assert vi(reasons["price_ok"]) == "Giá 120.000\xa0₫/kg, trong mức trần 150.000\xa0₫/kg"
    assert en(reasons["price_ok"]) == "Price ₫120,000/kg is within the ₫150,000/kg ceiling"

    requirement = RequirementRecord(id="r", title="trà", unit="box", max_unit_price_vnd=90_000)
    reasons, _ = _said(requirement, _offer(unit="box"), fact=_facts(price=85_000))
    assert vi(reasons["price_ok"]) == "Giá 85.000\xa0₫/hộp, trong mức trần 90.000\xa0₫/hộp"
    assert en(reasons["price_ok"]) == "Price ₫85,000/box is within the ₫90,000/box ceiling"


def test_certificates_and_provinces_are_named() -> None:
    requirement = RequirementRecord(
        id="r",
        title="hạt điều",
        required_certifications=frozenset({"globalgap"}),
        delivery_provinces=frozenset({"48"}),
    )
    offer = _offer(certifications=frozenset({"globalgap", "vietgap"}), province="48")
    reasons, _ = _said(requirement, offer, fact=_facts(distance_km=0.0))
    assert vi(reasons["certifications_ok"]) == "Có đủ chứng nhận yêu cầu: GlobalGAP"
    assert en(reasons["certifications_ok"]) == "Has the required certificates: GLOBALG.A.P."
    assert vi(reasons["in_delivery_area"]) == "Sản xuất ngay tại Đà Nẵng"
    assert en(reasons["in_delivery_area"]) == "Produced in Da Nang, a delivery province"


def test_no_claim_of_meeting_every_condition_when_the_buyer_set_none() -> None:
    reasons, _ = _said(RequirementRecord(id="r", title="hạt điều rang muối"))
    assert "meets_conditions" not in reasons
    assert "text_match" in reasons


@pytest.mark.parametrize(
    ("condition", "fact"),
    [
        ({"min_ocop_stars": 4}, {}),
        ({"required_certifications": frozenset({"vietgap"})}, {}),
        ({"min_shelf_life_days": 90}, {}),
        ({"max_unit_price_vnd": 200_000, "unit": "kg"}, {"price": 150_000}),
        ({"quantity_per_month": 100, "unit": "kg"}, {"capacity": 500}),
        ({"delivery_provinces": frozenset({"79"})}, {"distance_km": 90.0}),
    ],
)
def test_every_condition_met_is_said_for_a_relevant_offer(
    condition: dict[str, Any], fact: dict[str, Any]
) -> None:
    requirement = RequirementRecord(id="r", title="hạt điều", **condition)
    offer = _offer(certifications=frozenset({"vietgap"}))
    reasons, _ = _said(requirement, offer, fact=_facts(**fact))
    assert vi(reasons["meets_conditions"]) == "Đáp ứng mọi điều kiện người mua đặt ra"
    assert en(reasons["meets_conditions"]) == "Meets every condition the buyer set"
    # A related product is never said to meet them, nor to match the request.
    reasons, _ = _said(requirement, offer, _features(related=1.0), _facts(**fact))
    assert "meets_conditions" not in reasons
    assert "text_match" not in reasons


def test_a_condition_the_offer_misses_is_not_called_met() -> None:
    requirement = RequirementRecord(
        id="r", title="hạt điều", min_ocop_stars=3, unit="kg", max_unit_price_vnd=100_000
    )
    reasons, gaps = _said(requirement, fact=_facts(price=120_000))
    assert "price_above" in gaps
    assert "meets_conditions" not in reasons


def test_a_related_product_says_so_and_does_not_claim_to_match() -> None:
    # Cashews against a chilli-shrimp-salt request: retrieved as a related product.
    requirement = RequirementRecord(
        id="r", title="muối tôm ớt", min_ocop_stars=3, required_certifications=frozenset()
    )
    reasons, _ = _said(requirement, features=_features(related=1.0, text=0.4, text_rel=0.9))
    assert next(iter(reasons)) == "related_product"
    assert vi(reasons["related_product"]) == "Sản phẩm liên quan, không đúng loại bạn tìm"
    assert en(reasons["related_product"]) == "A related product, not the kind you asked for"
    assert "text_match" not in reasons
    assert "meets_conditions" not in reasons
    # An offer the engine does not mark as related keeps its text match.
    reasons, _ = _said(requirement, features=_features(related=0.0, text=0.4, text_rel=0.9))
    assert {"text_match", "meets_conditions"} <= set(reasons)
    assert reasons.get("related_product") is None


# ----------------------------------------------------------------- every text of the samples

_CATEGORY_CODES = {c.code for c in reference.categories()}
_UNITS = reference.units()
_PROVINCE_CODES = {p.code for p in reference.provinces()}
# A number followed by what it counts is a quantity, not a code ("48 ngày", "30-day", "11%"),
# and so is an amount of đồng ("₫44,000").
_MEASURED = re.compile(r"₫\d[\d.,]*|\d[\d.,]*(?:%|-\w+|\s+[^\s\d(),;]+)")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w.]+", text.casefold()))


def _name_words(language: str) -> set[str]:
    """Words of the reference names in a language: "box" is a code and an English word."""
    names: set[str] = set()
    for row in (*reference.categories(), *_UNITS):
        names |= _words(row.name_vi if language == "vi" else row.name_en)
    return names


def _forbidden(language: str) -> set[str]:
    codes = _CATEGORY_CODES | {u.code for u in _UNITS}
    # Metric symbols are how both languages write those units ("kg").
    codes -= {"g", "kg", "ml"}
    return {c for c in codes if "." in c or c not in _name_words(language)}


def _explanations() -> Iterator[tuple[str, Explanation]]:
    sample = generate(2025, producers=80, offers=260, buyers=30, requirements=80, today=AS_OF)
    organizations = {o.key: o for o in sample.organizations}
    offers = [offer_from_sample(o, organizations.get(o.producer_key)) for o in sample.offers]
    index = OfferIndex(offers)
    for wanted in sample.requirements:
        requirement = requirement_from_sample(wanted, organizations.get(wanted.buyer_key))
        for result in index.rank(requirement, 10, AS_OF):
            for item in (*result.reasons, *result.gaps):
                yield requirement.id, item
        for pool in propose_pools(index, requirement, AS_OF):
            for item in (*pool.reasons, *pool.gaps):
                yield requirement.id, item


def test_no_explanation_of_the_samples_shows_a_code() -> None:
    forbidden = {"vi": _forbidden("vi"), "en": _forbidden("en")}
    seen: set[str] = set()
    for requirement_id, item in _explanations():
        seen.add(item.code)
        for language, text in ((lang, said(item, lang)) for lang in ("vi", "en")):
            where = f"{requirement_id} {item.code} {language}: {text}"
            shown = _words(text) & forbidden[language]
            assert not shown, where
            unmeasured = set(re.findall(r"\b\d+\b", _MEASURED.sub("", text)))
            assert not unmeasured & _PROVINCE_CODES, where
    # The scan covered the texts that name categories, units, prices and places.
    assert {"same_category", "capacity_ok", "price_ok"} <= seen
    assert seen & {"in_delivery_area", "nearby", "far_from_delivery"}


def test_pooled_supply_names_its_unit(make_offer, make_requirement, today) -> None:
    offers = [
        make_offer("a", "Rượu cần Tây Nguyên", unit="bottle", province="66", monthly_capacity=400),
        make_offer("b", "Rượu cần Đắk Lắk", unit="bottle", province="66", monthly_capacity=350),
    ]
    need = make_requirement("rượu cần", unit="bottle", quantity_per_month=600)
    [pool, *_] = propose_pools(OfferIndex(offers), need, today)
    pooled = next(r for r in pool.reasons if r.code == "pooled_capacity")
    assert vi(pooled) == "2 nhà sản xuất cùng cung ứng 750 chai/tháng, đủ nhu cầu 600 chai/tháng"
    assert en(pooled) == (
        "2 producers together supply 750 bottles/month, enough for 600 bottles/month"
    )

"""Reasons (what fits) and gaps (what is missing) in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Mapping

from matchmaker.ranking import lookup
from matchmaker.ranking.constraints import codes, star_floor
from matchmaker.ranking.features import PairFacts
from matchmaker.ranking.records import Explanation, OfferRecord, RequirementRecord

_EXPIRY_WARNING_DAYS = 90
_NEARBY_KM = 150
_FAR_KM = 600
_STALE_DAYS = 365
_RECENT_DAYS = 30


def number_en(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 1 else f"{value:.3g}"


def number_vi(value: float) -> str:
    """Vietnamese writes 1.234,5 where English writes 1,234.5."""
    return number_en(value).replace(",", "\0").replace(".", ",").replace("\0", ".")


def _e(code: str, vi: str, en: str) -> Explanation:
    return Explanation(code, vi, en)


def _province_vi_en(code: str) -> tuple[str, str]:
    return lookup.province_names(code)


def explain(
    requirement: RequirementRecord,
    offer: OfferRecord,
    features: Mapping[str, float],
    fact: PairFacts,
) -> tuple[tuple[Explanation, ...], tuple[Explanation, ...]]:
    """The reasons and gaps shown with a match; every eligible pair gets at least one reason."""
    reasons: list[Explanation] = []
    gaps: list[Explanation] = []
    unit = requirement.unit or offer.unit

    text, text_rel = features["text"], features["text_rel"]
    if text >= 0.15 and text_rel >= 0.6:
        reasons.append(
            _e("text_match", "Sản phẩm khớp với mô tả nhu cầu", "Product matches the request")
        )
    elif text < 0.08:
        gaps.append(
            _e(
                "weak_text_match",
                "Tên sản phẩm chỉ khớp một phần với nhu cầu",
                "Product only partly matches the request",
            )
        )

    if requirement.category:
        category = features["category"]
        if category >= 1.0:
            reasons.append(
                _e(
                    "same_category",
                    f"Đúng nhóm sản phẩm ({offer.category})",
                    f"Requested category ({offer.category})",
                )
            )
        elif category > 0:
            reasons.append(
                _e(
                    "same_group",
                    f"Cùng ngành hàng ({offer.category})",
                    f"Same product group ({offer.category})",
                )
            )
        else:
            gaps.append(
                _e(
                    "category_different",
                    f"Khác nhóm sản phẩm yêu cầu ({offer.category})",
                    f"Different category from the request ({offer.category})",
                )
            )

    floor = star_floor(requirement)
    constrained = bool(
        floor or requirement.required_certifications or requirement.min_shelf_life_days is not None
    )
    if constrained:
        reasons.append(
            _e(
                "meets_conditions",
                "Đáp ứng mọi điều kiện bắt buộc của người mua",
                "Meets every condition the buyer set",
            )
        )

    if fact.stars is not None:
        reasons.append(
            _e("ocop_stars", f"Sản phẩm OCOP {fact.stars} sao", f"{fact.stars}-star OCOP product")
        )
        if offer.ocop_potential_five_star and fact.stars == 4:
            reasons.append(
                _e("potential_five_star", "Sản phẩm tiềm năng 5 sao", "Potential 5-star product")
            )
        days = fact.certificate_days_left
        if days is not None and days <= _EXPIRY_WARNING_DAYS:
            gaps.append(
                _e(
                    "certificate_expiring",
                    f"Giấy chứng nhận OCOP hết hạn sau {days} ngày",
                    f"OCOP certificate expires in {days} days",
                )
            )
    elif offer.ocop_stars is not None and offer.ocop_certified_until is None:
        # Stars without a certificate date cannot be checked, so they do not count.
        gaps.append(
            _e(
                "certificate_date_missing",
                "Chưa có ngày hiệu lực giấy chứng nhận OCOP",
                "OCOP certificate dates are missing",
            )
        )
    elif offer.ocop_stars is not None:
        gaps.append(
            _e(
                "certificate_expired",
                "Giấy chứng nhận OCOP đã hết hạn",
                "OCOP certificate has expired",
            )
        )
    else:
        gaps.append(_e("no_ocop_rating", "Chưa có hạng sao OCOP", "No OCOP star rating"))

    if requirement.required_certifications:
        names = ", ".join(
            sorted(
                c
                for c in offer.certifications
                if c.casefold() in codes(requirement.required_certifications)
            )
        )
        reasons.append(
            _e(
                "certifications_ok",
                f"Có đủ chứng nhận yêu cầu: {names}",
                f"Has the required certificates: {names}",
            )
        )

    if requirement.min_shelf_life_days is not None and offer.shelf_life_days is not None:
        life, minimum = offer.shelf_life_days, requirement.min_shelf_life_days
        reasons.append(
            _e(
                "shelf_life_ok",
                f"Hạn sử dụng {life} ngày, đạt mức tối thiểu {minimum} ngày",
                f"Shelf life of {life} days meets the {minimum}-day minimum",
            )
        )
    elif offer.shelf_life_days is None and offer.category.startswith(("food", "beverage")):
        gaps.append(_e("shelf_life_missing", "Chưa ghi hạn sử dụng", "Shelf life not stated"))

    qty = requirement.quantity_per_month
    if qty is not None:
        need_vi, need_en = number_vi(qty), number_en(qty)
        if not fact.units_compare:
            gaps.append(
                _e(
                    "unit_mismatch",
                    f"Đơn vị tính khác nhau ({offer.unit} và {unit}), chưa so được sản lượng",
                    f"Units differ ({offer.unit} and {unit}); volumes cannot be compared",
                )
            )
        elif fact.capacity is None:
            gaps.append(
                _e(
                    "capacity_unknown",
                    "Chưa ghi năng lực cung ứng hằng tháng",
                    "Monthly capacity not stated",
                )
            )
        elif fact.capacity >= qty:
            has_vi, has_en = number_vi(fact.capacity), number_en(fact.capacity)
            reasons.append(
                _e(
                    "capacity_ok",
                    f"Cung ứng được {has_vi} {unit}/tháng, đủ nhu cầu {need_vi} {unit}/tháng",
                    f"Can supply {has_en} {unit}/month, enough for {need_en} {unit}/month",
                )
            )
        else:
            has_vi, has_en = number_vi(fact.capacity), number_en(fact.capacity)
            gaps.append(
                _e(
                    "capacity_short",
                    f"Chỉ cung ứng được {has_vi} {unit}/tháng, nhu cầu {need_vi} {unit}/tháng",
                    f"Supplies only {has_en} {unit}/month of the {need_en} {unit}/month needed",
                )
            )
        if fact.min_order is not None and fact.min_order > qty:
            gaps.append(
                _e(
                    "min_order_above",
                    f"Đơn hàng tối thiểu {number_vi(fact.min_order)} {unit}, lớn hơn nhu cầu",
                    f"Minimum order of {number_en(fact.min_order)} {unit} is above the need",
                )
            )

    ceiling = requirement.max_unit_price_vnd
    if ceiling is not None:
        if fact.price is None:
            gaps.append(
                _e(
                    "price_unknown",
                    "Chưa có giá để so với mức trần",
                    "No comparable price to check the ceiling",
                )
            )
        elif fact.price <= ceiling:
            reasons.append(
                _e(
                    "price_ok",
                    f"Giá {number_vi(fact.price)} đ/{unit}, trong mức trần {number_vi(ceiling)} đ",
                    f"Price {number_en(fact.price)} VND/{unit} is within the "
                    f"{number_en(ceiling)} VND ceiling",
                )
            )
        else:
            over = round(100 * (fact.price / ceiling - 1))
            gaps.append(
                _e(
                    "price_above",
                    f"Giá cao hơn mức trần {over}%",
                    f"Price is {over}% above the ceiling",
                )
            )

    if fact.distance_km is not None and requirement.delivery_provinces:
        km = fact.distance_km
        if km == 0 and offer.province:
            vi_name, en_name = _province_vi_en(offer.province)
            reasons.append(
                _e(
                    "in_delivery_area",
                    f"Sản xuất ngay tại {vi_name}",
                    f"Produced in {en_name}, a delivery province",
                )
            )
        elif km <= _NEARBY_KM:
            reasons.append(
                _e(
                    "nearby",
                    f"Cách nơi giao hàng khoảng {number_vi(km)} km",
                    f"About {number_en(km)} km from delivery",
                )
            )
        elif km >= _FAR_KM:
            gaps.append(
                _e(
                    "far_from_delivery",
                    f"Cách nơi giao hàng khoảng {number_vi(km)} km",
                    f"About {number_en(km)} km from the delivery area",
                )
            )

    if offer.traceability_url:
        reasons.append(
            _e("traceable", "Có truy xuất nguồn gốc điện tử", "Electronic traceability available")
        )
    else:
        gaps.append(
            _e(
                "no_traceability",
                "Chưa có truy xuất nguồn gốc điện tử",
                "No electronic traceability",
            )
        )

    if requirement.buyer_type == "exporter" and offer.export_markets:
        markets = ", ".join(sorted(offer.export_markets))
        reasons.append(
            _e("export_experience", f"Đã xuất khẩu sang {markets}", f"Already exports to {markets}")
        )

    age = fact.listing_age_days
    if age is not None and age > _STALE_DAYS:
        months = age // 30
        gaps.append(
            _e(
                "stale_listing",
                f"Tin đăng chưa cập nhật {months} tháng",
                f"Listing not updated for {months} months",
            )
        )
    elif age is not None and age <= _RECENT_DAYS:
        reasons.append(_e("recently_updated", "Tin đăng mới cập nhật", "Recently updated listing"))

    responsiveness = features["responsiveness"]
    if responsiveness >= 0.7:
        reasons.append(
            _e(
                "responsive_producer",
                "Nhà sản xuất thường phản hồi nhanh",
                "Producer usually responds quickly",
            )
        )
    elif responsiveness <= 0.2:
        gaps.append(
            _e(
                "slow_to_respond",
                "Nhà sản xuất ít phản hồi các gợi ý trước",
                "Producer seldom answered earlier matches",
            )
        )

    if features.get("producer_area", 1.0) < 1.0:
        gaps.append(
            _e(
                "outside_service_area",
                "Nhà sản xuất chưa giao hàng tới khu vực này",
                "Producer does not deliver to this area yet",
            )
        )
    if features.get("producer_buyer_type", 1.0) < 1.0:
        gaps.append(
            _e(
                "buyer_type_not_targeted",
                "Nhà sản xuất chưa nhắm tới loại người mua này",
                "Producer does not target this kind of buyer",
            )
        )

    if not reasons:
        reasons.append(
            _e(
                "related_product",
                "Sản phẩm liên quan đến nhu cầu",
                "Product related to the request",
            )
        )
    return tuple(reasons), tuple(gaps)

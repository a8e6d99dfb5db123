"""Reasons (what fits) and gaps (what is missing) in Vietnamese and English.

Each rule below looks at one side of a pair and says what fits and what is missing; the
explanation is what the rules say, in the order of :data:`RULES`. Texts name things in the
reader's words (category, unit, province and certificate names), never by their codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from matchmaker.ranking import lookup
from matchmaker.ranking.constraints import codes, star_floor
from matchmaker.ranking.features import PairFacts
from matchmaker.ranking.records import Explanation, OfferRecord, RequirementRecord

_EXPIRY_WARNING_DAYS = 90
_NEARBY_KM = 150
_FAR_KM = 600
_STALE_DAYS = 365
_RECENT_DAYS = 30
# The text similarity above which an offer is said to match the request, both absolute and
# relative to the best candidate's; below the weak threshold it only partly matches.
_TEXT_MATCH = 0.15
_TEXT_MATCH_RELATIVE = 0.6
_TEXT_WEAK = 0.08
# ``features["related"]`` marks a product that is only related to what the buyer asked for.
_RELATED = 0.5

# The markets OCOP products are exported to most, by ISO country code.
_COUNTRIES: Mapping[str, tuple[str, str]] = {
    "AE": ("UAE", "the UAE"),
    "AU": ("Úc", "Australia"),
    "CA": ("Canada", "Canada"),
    "CN": ("Trung Quốc", "China"),
    "DE": ("Đức", "Germany"),
    "FR": ("Pháp", "France"),
    "GB": ("Anh", "the UK"),
    "HK": ("Hồng Kông", "Hong Kong"),
    "IN": ("Ấn Độ", "India"),
    "IT": ("Ý", "Italy"),
    "JP": ("Nhật Bản", "Japan"),
    "KR": ("Hàn Quốc", "South Korea"),
    "LA": ("Lào", "Laos"),
    "KH": ("Campuchia", "Cambodia"),
    "MY": ("Malaysia", "Malaysia"),
    "NL": ("Hà Lan", "the Netherlands"),
    "PK": ("Pakistan", "Pakistan"),
    "RU": ("Nga", "Russia"),
    "SG": ("Singapore", "Singapore"),
    "TH": ("Thái Lan", "Thailand"),
    "TW": ("Đài Loan", "Taiwan"),
    "US": ("Hoa Kỳ", "the United States"),
}


def number_en(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if value >= 1 else f"{value:.3g}"


def number_vi(value: float) -> str:
    """Vietnamese writes 1.234,5 where English writes 1,234.5."""
    return number_en(value).replace(",", "\0").replace(".", ",").replace("\0", ".")


def unit_vi(unit: str) -> str:
    """The Vietnamese word for a unit code ("chai" for ``bottle``, "kg" for ``kg``)."""
    return lookup.unit_names(unit)[0]


def unit_en(unit: str) -> str:
    """The English word for one of a unit ("bottle", "tonne", "kg")."""
    return lookup.unit_names(unit)[1]


def quantity_vi(value: float, unit: str) -> str:
    """ "1.200 chai"; Vietnamese nouns have no plural."""
    return f"{number_vi(value)} {unit_vi(unit)}"


def quantity_en(value: float, unit: str) -> str:
    """ "1,200 bottles", "1 box", "500 kg"."""
    word = unit_en(unit)
    if value != 1 and word != unit_en_symbol(unit):
        word = word + "es" if word.endswith(("x", "s", "sh", "ch")) else word + "s"
    return f"{number_en(value)} {word}"


def unit_en_symbol(unit: str) -> str | None:
    """The metric symbol a unit is written with (no plural), None for a unit named in words."""
    vi, en = lookup.unit_names(unit)
    return en if vi == en and en.isascii() and en.islower() and len(en) <= 2 else None


def price_vi(value: float, unit: str) -> str:
    return f"{number_vi(value)} ₫/{unit_vi(unit)}"


def price_en(value: float, unit: str) -> str:
    return f"{number_en(value)} VND/{unit_en(unit)}"


@dataclass(frozen=True, slots=True)
class Said:
    """What one rule says about a pair."""

    reasons: tuple[Explanation, ...] = ()
    gaps: tuple[Explanation, ...] = ()

    def __add__(self, other: Said) -> Said:
        return Said(self.reasons + other.reasons, self.gaps + other.gaps)


NOTHING = Said()


def reason(code: str, vi: str, en: str) -> Said:
    return Said(reasons=(Explanation(code, vi, en),))


def gap(code: str, vi: str, en: str) -> Said:
    return Said(gaps=(Explanation(code, vi, en),))


@dataclass(frozen=True, slots=True)
class Pair:
    """A requirement and an offer with what the ranking found about them."""

    requirement: RequirementRecord
    offer: OfferRecord
    features: Mapping[str, float]
    fact: PairFacts

    @property
    def unit(self) -> str:
        """The unit quantities and prices are compared in (``fact`` is in it)."""
        return self.requirement.unit or self.offer.unit

    @property
    def relevant(self) -> bool:
        """Whether the offer is the kind of product asked for, not only a related one."""
        return self.features.get("related", 0.0) < _RELATED

    @property
    def conditions_met(self) -> bool | None:
        """Whether the offer meets every condition the buyer set; None when none is set.

        Stars, certifications and shelf life are hard constraints every result meets; volume,
        price and delivery area are met only when the listing shows they are.
        """
        requirement, fact = self.requirement, self.fact
        met: list[bool] = []
        if (
            star_floor(requirement)
            or requirement.required_certifications
            or requirement.min_shelf_life_days is not None
        ):
            met.append(True)
        if requirement.max_unit_price_vnd is not None:
            met.append(fact.price is not None and fact.price <= requirement.max_unit_price_vnd)
        qty = requirement.quantity_per_month
        if qty is not None:
            met.append(
                fact.units_compare
                and fact.capacity is not None
                and fact.capacity >= qty
                and (fact.min_order is None or fact.min_order <= qty)
            )
        if requirement.delivery_provinces:
            met.append(
                fact.distance_km is not None
                and fact.distance_km < _FAR_KM
                and self.features.get("producer_area", 1.0) >= 1.0
            )
        return all(met) if met else None


Rule = Callable[[Pair], Said]


def related_product(pair: Pair) -> Said:
    if pair.relevant:
        return NOTHING
    return reason(
        "related_product",
        "Sản phẩm liên quan, không đúng loại bạn tìm",
        "A related product, not the kind you asked for",
    )


def text_similarity(pair: Pair) -> Said:
    text = pair.features["text"]
    if pair.relevant and text >= _TEXT_MATCH and pair.features["text_rel"] >= _TEXT_MATCH_RELATIVE:
        return reason(
            "text_match", "Sản phẩm khớp với mô tả nhu cầu", "Product matches the request"
        )
    if text < _TEXT_WEAK:
        return gap(
            "weak_text_match",
            "Tên sản phẩm chỉ khớp một phần với nhu cầu",
            "Product only partly matches the request",
        )
    return NOTHING


def category(pair: Pair) -> Said:
    if not pair.requirement.category:
        return NOTHING
    offer_category = pair.offer.category
    closeness = pair.features["category"]
    if closeness >= 1.0:
        vi, en = lookup.category_names(offer_category)
        return reason("same_category", f"Đúng nhóm sản phẩm ({vi})", f"Requested category ({en})")
    if closeness > 0:
        vi, en = lookup.category_names(lookup.category_group(offer_category))
        return reason("same_group", f"Cùng ngành hàng ({vi})", f"Same product group ({en})")
    vi, en = lookup.category_names(offer_category)
    return gap(
        "category_different",
        f"Khác nhóm sản phẩm yêu cầu ({vi})",
        f"Different category from the request ({en})",
    )


def conditions(pair: Pair) -> Said:
    if not (pair.relevant and pair.conditions_met):
        return NOTHING
    return reason(
        "meets_conditions",
        "Đáp ứng mọi điều kiện người mua đặt ra",
        "Meets every condition the buyer set",
    )


def ocop_rating(pair: Pair) -> Said:
    offer, fact = pair.offer, pair.fact
    if fact.stars is not None:
        said = reason(
            "ocop_stars", f"Sản phẩm OCOP {fact.stars} sao", f"{fact.stars}-star OCOP product"
        )
        if offer.ocop_potential_five_star and fact.stars == 4:
            said += reason(
                "potential_five_star", "Sản phẩm tiềm năng 5 sao", "Potential 5-star product"
            )
        days = fact.certificate_days_left
        if days is not None and days <= _EXPIRY_WARNING_DAYS:
            said += gap(
                "certificate_expiring",
                f"Giấy chứng nhận OCOP hết hạn sau {days} ngày",
                f"OCOP certificate expires in {days} days",
            )
        return said
    if offer.ocop_stars is not None and offer.ocop_certified_until is None:
        # Stars without a certificate date cannot be checked, so they do not count.
        return gap(
            "certificate_date_missing",
            "Chưa có ngày hiệu lực giấy chứng nhận OCOP",
            "OCOP certificate dates are missing",
        )
    if offer.ocop_stars is not None:
        return gap(
            "certificate_expired", "Giấy chứng nhận OCOP đã hết hạn", "OCOP certificate has expired"
        )
    return gap("no_ocop_rating", "Chưa có hạng sao OCOP", "No OCOP star rating")


def certifications(pair: Pair) -> Said:
    required = pair.requirement.required_certifications
    if not required:
        return NOTHING
    wanted = codes(required)
    names = sorted(
        lookup.certification_names(c) for c in pair.offer.certifications if c.casefold() in wanted
    )
    return reason(
        "certifications_ok",
        "Có đủ chứng nhận yêu cầu: " + ", ".join(vi for vi, _ in names),
        "Has the required certificates: " + ", ".join(en for _, en in names),
    )


def shelf_life(pair: Pair) -> Said:
    life, minimum = pair.offer.shelf_life_days, pair.requirement.min_shelf_life_days
    if minimum is not None and life is not None:
        return reason(
            "shelf_life_ok",
            f"Hạn sử dụng {life} ngày, đạt mức tối thiểu {minimum} ngày",
            f"Shelf life of {life} days meets the {minimum}-day minimum",
        )
    if life is None and pair.offer.category.startswith(("food", "beverage")):
        return gap("shelf_life_missing", "Chưa ghi hạn sử dụng", "Shelf life not stated")
    return NOTHING


def capacity(pair: Pair) -> Said:
    qty, fact, unit = pair.requirement.quantity_per_month, pair.fact, pair.unit
    if qty is None:
        return NOTHING
    if not fact.units_compare:
        offer_unit = pair.offer.unit
        return gap(
            "unit_mismatch",
            f"Đơn vị tính khác nhau ({unit_vi(offer_unit)} và {unit_vi(unit)}), "
            "chưa so được sản lượng",
            f"Units differ ({unit_en(offer_unit)} and {unit_en(unit)}); volumes cannot be compared",
        )
    if fact.capacity is None:
        return gap(
            "capacity_unknown",
            "Chưa ghi năng lực cung ứng hằng tháng",
            "Monthly capacity not stated",
        )
    has_vi, has_en = quantity_vi(fact.capacity, unit), quantity_en(fact.capacity, unit)
    need_vi, need_en = quantity_vi(qty, unit), quantity_en(qty, unit)
    if fact.capacity >= qty:
        return reason(
            "capacity_ok",
            f"Cung ứng được {has_vi}/tháng, đủ nhu cầu {need_vi}/tháng",
            f"Can supply {has_en}/month, enough for {need_en}/month",
        )
    return gap(
        "capacity_short",
        f"Chỉ cung ứng được {has_vi}/tháng, nhu cầu {need_vi}/tháng",
        f"Supplies only {has_en}/month of the {need_en}/month needed",
    )


def minimum_order(pair: Pair) -> Said:
    qty, least = pair.requirement.quantity_per_month, pair.fact.min_order
    if qty is None or least is None or least <= qty:
        return NOTHING
    return gap(
        "min_order_above",
        f"Đơn hàng tối thiểu {quantity_vi(least, pair.unit)}, lớn hơn nhu cầu",
        f"Minimum order of {quantity_en(least, pair.unit)} is above the need",
    )


def price(pair: Pair) -> Said:
    ceiling, offered, unit = pair.requirement.max_unit_price_vnd, pair.fact.price, pair.unit
    if ceiling is None:
        return NOTHING
    if offered is None:
        return gap(
            "price_unknown",
            "Chưa có giá để so với mức trần",
            "No comparable price to check the ceiling",
        )
    if offered <= ceiling:
        return reason(
            "price_ok",
            f"Giá {price_vi(offered, unit)}, trong mức trần {price_vi(ceiling, unit)}",
            f"Price {price_en(offered, unit)} is within the {price_en(ceiling, unit)} ceiling",
        )
    over = round(100 * (offered / ceiling - 1))
    return gap(
        "price_above", f"Giá cao hơn mức trần {over}%", f"Price is {over}% above the ceiling"
    )


def delivery_distance(pair: Pair) -> Said:
    km, province = pair.fact.distance_km, pair.offer.province
    if km is None or not pair.requirement.delivery_provinces:
        return NOTHING
    if km == 0 and province:
        vi, en = lookup.province_names(province)
        if province in (vi, en):  # an unknown province: say where, not its code
            return reason(
                "in_delivery_area",
                "Sản xuất ngay tại nơi giao hàng",
                "Produced in a delivery province",
            )
        return reason(
            "in_delivery_area", f"Sản xuất ngay tại {vi}", f"Produced in {en}, a delivery province"
        )
    if km <= _NEARBY_KM:
        return reason(
            "nearby",
            f"Cách nơi giao hàng khoảng {number_vi(km)} km",
            f"About {number_en(km)} km from delivery",
        )
    if km >= _FAR_KM:
        return gap(
            "far_from_delivery",
            f"Cách nơi giao hàng khoảng {number_vi(km)} km",
            f"About {number_en(km)} km from the delivery area",
        )
    return NOTHING


def traceability(pair: Pair) -> Said:
    if pair.offer.traceability_url:
        return reason(
            "traceable", "Có truy xuất nguồn gốc điện tử", "Electronic traceability available"
        )
    return gap(
        "no_traceability", "Chưa có truy xuất nguồn gốc điện tử", "No electronic traceability"
    )


def export_experience(pair: Pair) -> Said:
    markets = pair.offer.export_markets
    if pair.requirement.buyer_type != "exporter" or not markets:
        return NOTHING
    names = [_COUNTRIES.get(m.upper(), (m, m)) for m in sorted(markets)]
    return reason(
        "export_experience",
        "Đã xuất khẩu sang " + ", ".join(vi for vi, _ in names),
        "Already exports to " + ", ".join(en for _, en in names),
    )


def listing_age(pair: Pair) -> Said:
    age = pair.fact.listing_age_days
    if age is None:
        return NOTHING
    if age > _STALE_DAYS:
        months = age // 30
        return gap(
            "stale_listing",
            f"Tin đăng chưa cập nhật {months} tháng",
            f"Listing not updated for {months} months",
        )
    if age <= _RECENT_DAYS:
        return reason("recently_updated", "Tin đăng mới cập nhật", "Recently updated listing")
    return NOTHING


def responsiveness(pair: Pair) -> Said:
    value = pair.features["responsiveness"]
    if value >= 0.7:
        return reason(
            "responsive_producer",
            "Nhà sản xuất thường phản hồi nhanh",
            "Producer usually responds quickly",
        )
    if value <= 0.2:
        return gap(
            "slow_to_respond",
            "Nhà sản xuất ít phản hồi các gợi ý trước",
            "Producer seldom answered earlier matches",
        )
    return NOTHING


def producer_wishes(pair: Pair) -> Said:
    said = NOTHING
    if pair.features.get("producer_area", 1.0) < 1.0:
        said += gap(
            "outside_service_area",
            "Nhà sản xuất chưa giao hàng tới khu vực này",
            "Producer does not deliver to this area yet",
        )
    if pair.features.get("producer_buyer_type", 1.0) < 1.0:
        said += gap(
            "buyer_type_not_targeted",
            "Nhà sản xuất chưa nhắm tới loại người mua này",
            "Producer does not target this kind of buyer",
        )
    return said


# In the order reasons and gaps are shown.
RULES: tuple[Rule, ...] = (
    related_product,
    text_similarity,
    category,
    conditions,
    ocop_rating,
    certifications,
    shelf_life,
    capacity,
    minimum_order,
    price,
    delivery_distance,
    traceability,
    export_experience,
    listing_age,
    responsiveness,
    producer_wishes,
)

# When no rule finds a reason, a suggested offer still relates to the request.
_FALLBACK = Explanation(
    "related_product", "Sản phẩm liên quan đến nhu cầu", "Product related to the request"
)


def explain(
    requirement: RequirementRecord,
    offer: OfferRecord,
    features: Mapping[str, float],
    fact: PairFacts,
) -> tuple[tuple[Explanation, ...], tuple[Explanation, ...]]:
    """The reasons and gaps shown with a match; every eligible pair gets at least one reason."""
    pair = Pair(requirement, offer, features, fact)
    said = NOTHING
    for rule in RULES:
        said += rule(pair)
    return said.reasons or (_FALLBACK,), said.gaps

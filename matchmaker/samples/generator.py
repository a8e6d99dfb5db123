"""A reproducible generator of realistic OCOP producers, buyers, offers and requirements.

Everything is drawn from ``random.Random`` streams derived from the seed, one stream per kind
of record, so the same seed always gives the same data and asking for more buyers does not
change the offers.
"""

from __future__ import annotations

import calendar
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, TypeVar

from matchmaker.ranking.reference import Province, get_certification, get_province, get_unit
from matchmaker.ranking.reference import certifications as reference_certifications
from matchmaker.samples.models import (
    SampleOffer,
    SampleOrganization,
    SampleRequirement,
    SampleSet,
)
from matchmaker.samples.vocabulary import (
    ProductKind,
    placeholders,
    product_kinds,
    unaccent,
    words,
)

GROUP_WEIGHTS = {
    "food": 0.80,
    "beverage": 0.06,
    "herbal": 0.06,
    "handicraft": 0.04,
    "textile": 0.02,
    "tourism": 0.02,
}
ENTITY_TYPES = ("enterprise", "cooperative", "cooperative_group", "household")
BUYER_TYPES = ("supermarket", "ecommerce", "introduction_point", "exporter", "wholesaler", "horeca")
_BUYER_TYPE_WEIGHTS = (0.22, 0.18, 0.16, 0.16, 0.16, 0.12)
# Share of buyers of each type who work in English (foreign importers, international hotels).
_ENGLISH_SHARE = {"exporter": 0.5, "horeca": 0.25, "supermarket": 0.1, "ecommerce": 0.1}
# Buyers concentrate in the big cities; introduction points are everywhere.
_BUYER_CITIES = ("79", "79", "79", "01", "01", "01", "48", "31", "92", "56", "22", "68", "75")
_MOBILE_PREFIXES = (
    "90",
    "91",
    "93",
    "94",
    "96",
    "97",
    "98",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "38",
    "39",
    "70",
    "76",
    "77",
    "78",
    "79",
    "81",
    "82",
    "83",
    "84",
    "85",
    "86",
    "88",
    "89",
)
OCOP_VALIDITY_MONTHS = 36

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Producer:
    organization: SampleOrganization
    brand: str
    # What it makes: the kind, the place it names and the product names used from there.
    lines: tuple[tuple[ProductKind, str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class _Buyer:
    organization: SampleOrganization
    kinds: tuple[ProductKind, ...]


def generate(
    seed: int = 2025,
    *,
    producers: int = 120,
    offers: int = 320,
    buyers: int = 30,
    requirements: int = 45,
    today: date,
) -> SampleSet:
    """A consistent set of sample data: every offer belongs to one of the producers, every
    requirement to one of the buyers. With the default sizes every product group and
    sub-group, every buyer type and more than a dozen provinces appear."""
    producer_profiles = _producers(seed, producers)
    buyer_profiles = _buyers(seed, buyers)
    return SampleSet(
        organizations=tuple(p.organization for p in producer_profiles)
        + tuple(b.organization for b in buyer_profiles),
        offers=tuple(_offers(seed, offers, today, producer_profiles)),
        requirements=tuple(_requirements(seed, requirements, today, buyer_profiles)),
    )


def iter_offers(
    seed: int, count: int, *, today: date, producers: int = 120
) -> Iterator[SampleOffer]:
    """Offers one at a time, for benchmarks with up to millions of offers.

    ``iter_offers(seed, n, producers=p)`` yields the same offers as
    ``generate(seed, offers=n, producers=p)``; only the producers are held in memory.
    """
    return _offers(seed, count, today, _producers(seed, producers))


def sample_producers(seed: int, count: int) -> tuple[SampleOrganization, ...]:
    """The producers that :func:`iter_offers` with the same seed and count refers to."""
    return tuple(p.organization for p in _producers(seed, count))


# ---------------------------------------------------------------- organizations


@cache
def _kinds_by_group() -> dict[str, tuple[ProductKind, ...]]:
    groups: dict[str, list[ProductKind]] = {}
    for kind in product_kinds():
        groups.setdefault(kind.group, []).append(kind)
    return {group: tuple(kinds) for group, kinds in groups.items()}


@cache
def _kinds_by_category() -> dict[str, tuple[ProductKind, ...]]:
    categories: dict[str, list[ProductKind]] = {}
    for kind in product_kinds():
        categories.setdefault(kind.category, []).append(kind)
    return {category: tuple(kinds) for category, kinds in categories.items()}


def _province_label(code: str) -> str:
    province = get_province(code)
    if province.kind == "city":
        return (
            province.name_vi
            if province.name_vi.startswith("Thành phố")
            else (f"Thành phố {province.name_vi}")
        )
    return f"tỉnh {province.name_vi}"


def _person(rng: random.Random) -> str:
    vocabulary = words()
    female = rng.random() < 0.5
    middle = vocabulary["middle_names_female" if female else "middle_names_male"]
    given = vocabulary["given_names_female" if female else "given_names_male"]
    return f"{rng.choice(vocabulary['surnames'])} {rng.choice(middle)} {rng.choice(given)}"


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def _email(name: str, number: int, domain: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", ".", unaccent(name).lower()).strip(".")
    if len(slug) > 28:
        slug = slug[:28].rsplit(".", 1)[0]
    return f"{slug}.{number}@{domain}"


def _producer_name(
    rng: random.Random, entity_type: str, group: str, product: str, brand: str, commune: str
) -> str:
    vocabulary = words()
    trade = rng.choice(vocabulary["trade_words"][group])
    if entity_type == "enterprise":
        return f"{rng.choice(vocabulary['enterprise_forms'])} {trade} {brand}"
    if entity_type == "cooperative":
        if rng.random() < 0.5:
            return f"HTX {rng.choice(vocabulary['cooperative_words'])} {commune}"
        return f"HTX {product} {brand}"
    if entity_type == "cooperative_group":
        return f"Tổ hợp tác {product} {commune}"
    return f"Hộ kinh doanh {_person(rng)}"


def _producers(seed: int, count: int) -> tuple[_Producer, ...]:
    rng = random.Random(f"{seed}:producers")
    vocabulary = words()
    by_group = _kinds_by_group()
    # The first producers make one kind from every sub-group, so that even a small sample
    # covers the whole classification.
    sub_groups = sorted(_kinds_by_category())
    rng.shuffle(sub_groups)
    groups, weights = list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values())
    names: set[str] = set()
    result: list[_Producer] = []
    for index in range(count):
        if index < len(sub_groups):
            kind = rng.choice(_kinds_by_category()[sub_groups[index]])
        else:
            kind = rng.choice(by_group[rng.choices(groups, weights)[0]])
        place, province, place_names = rng.choice(kind.places)
        lines = [(kind, place, place_names)]
        # Producers often make a few related products from the same area.
        neighbours = [
            other
            for other in by_group[kind.group]
            if other is not kind and any(code == province for _, code, _ in other.places)
        ]
        for other in rng.sample(neighbours, min(len(neighbours), rng.choice((0, 0, 1, 1, 2, 3)))):
            here = [(other, p, n) for p, code, n in other.places if code == province]
            lines.append(rng.choice(here))
        entity_type = rng.choices(ENTITY_TYPES, (0.34, 0.36, 0.08, 0.22))[0]
        if kind.group == "tourism" and entity_type == "cooperative_group":
            entity_type = "cooperative"
        brand = rng.choice(vocabulary["brands"])
        commune = rng.choice(vocabulary["communes"])
        name = _producer_name(rng, entity_type, kind.group, place_names[0], brand, commune)
        for _ in range(20):
            if name not in names:
                break
            brand = rng.choice(vocabulary["brands"])
            commune = rng.choice(vocabulary["communes"])
            name = _producer_name(rng, entity_type, kind.group, place_names[0], brand, commune)
        else:
            name = f"{name} {place}"
        names.add(name)
        number = index + 1
        organization = SampleOrganization(
            key=f"producer-{number:05d}",
            kind="producer",
            name=name,
            entity_type=entity_type,
            buyer_type=None,
            province=province,
            address=f"Thôn {rng.randint(1, 12)}, xã {commune}, {_province_label(province)}",
            contact_email=_email(name, number, "example.vn"),
            phone=_phone(rng),
            preferred_language="en"
            if entity_type == "enterprise" and rng.random() < 0.04
            else "vi",
        )
        result.append(_Producer(organization, brand, tuple(lines)))
    return tuple(result)


def _buyer_kinds(buyer_type: str) -> tuple[ProductKind, ...]:
    kinds = product_kinds()
    if buyer_type == "exporter":
        return tuple(kind for kind in kinds if kind.export_markets)
    if buyer_type in ("supermarket", "wholesaler", "horeca"):
        return tuple(kind for kind in kinds if kind.group in ("food", "beverage"))
    if buyer_type == "ecommerce":
        return tuple(kind for kind in kinds if kind.group != "tourism")
    return kinds


def _buyers(seed: int, count: int) -> tuple[_Buyer, ...]:
    rng = random.Random(f"{seed}:buyers")
    vocabulary = words()
    first = list(BUYER_TYPES)
    rng.shuffle(first)
    names: set[str] = set()
    result: list[_Buyer] = []
    for index in range(count):
        buyer_type = (
            first[index] if index < len(first) else rng.choices(BUYER_TYPES, _BUYER_TYPE_WEIGHTS)[0]
        )
        province = (
            f"{rng.choice(_all_province_codes())}"
            if buyer_type == "introduction_point"
            else rng.choice(_BUYER_CITIES)
        )
        english = rng.random() < _ENGLISH_SHARE.get(buyer_type, 0.0)
        templates = vocabulary["buyers"][buyer_type]["en" if english else "vi"]
        place_vi = get_province(province).name_vi
        name = ""
        for _ in range(20):
            brand = rng.choice(vocabulary["brands"])
            name = rng.choice(templates).format(
                brand=brand,
                brand_en=unaccent(brand),
                place=place_vi,
                place_en=get_province(province).name_en,
                foreign=rng.choice(vocabulary["foreign_brands"]),
            )
            if name not in names:
                break
        names.add(name)
        number = index + 1
        organization = SampleOrganization(
            key=f"buyer-{number:04d}",
            kind="buyer",
            name=name,
            entity_type=None,
            buyer_type=buyer_type,
            province=province,
            address=(
                f"Số {rng.randint(1, 299)} đường {rng.choice(vocabulary['streets'])}, "
                f"{_province_label(province)}"
            ),
            contact_email=_email(name, number, "example.com" if english else "example.vn"),
            phone=_phone(rng),
            preferred_language="en" if english else "vi",
        )
        result.append(_Buyer(organization, _buyer_kinds(buyer_type)))
    return tuple(result)


@cache
def _all_province_codes() -> tuple[str, ...]:
    from matchmaker.ranking.reference import provinces

    return tuple(province.code for province in provinces())


# ---------------------------------------------------------------- numbers and dates


def _nice(value: float, digits: int = 2) -> int:
    """Round to ``digits`` significant figures, as people quote prices and volumes."""
    if value < 10:
        return max(1, round(value))
    magnitude = 10 ** (len(str(int(value))) - digits)
    return int(round(value / magnitude) * magnitude)


def _price(value: float) -> int:
    return _nice(value, 2 if value < 100_000 else 3) // 1000 * 1000 or 1000


def _between(rng: random.Random, low: int, high: int) -> float:
    """Log-uniform: small producers are many, big ones few."""
    return low * (high / low) ** rng.random()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# How quantities are written in listings: "2 tấn", "500 kg", "1.200 chai".
_UNIT_SHORT_VI = {"kg": "kg", "g": "g", "ml": "ml", "liter": "lít", "ton": "tấn"}


def _quantity_vi(quantity: int, unit: str) -> str:
    if unit == "kg" and quantity >= 1000 and quantity % 100 == 0:
        return f"{quantity / 1000:g} tấn".replace(".", ",")
    name = _UNIT_SHORT_VI.get(unit) or get_unit(unit).name_vi
    return f"{quantity:,}".replace(",", ".") + f" {name}"


def _quantity_en(quantity: int, unit: str) -> str:
    if unit == "kg" and quantity >= 1000 and quantity % 100 == 0:
        tons = quantity / 1000
        return f"{tons:g} ton" + ("" if tons == 1 else "s")
    name = {"liter": "liter", "box": "boxe"}.get(unit, get_unit(unit).name_en)
    if unit in ("kg", "g", "ml"):
        return f"{quantity:,} {unit}"
    return f"{quantity:,} {name}" + ("" if quantity == 1 else "s")


# ---------------------------------------------------------------- offers


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    # Same idea as Random.choice at a fraction of the cost; offers are drawn by the million.
    return items[int(rng.random() * len(items))]


def _randint(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


@cache
def _province(code: str) -> Province:
    return get_province(code)


_ORIGINS = {"tourism": "origin_tourism", "handicraft": "origin_craft", "textile": "origin_craft"}


@cache
def _usable_sentences(origin: str, stars: bool, shelf: bool) -> tuple[str, ...]:
    """The optional sentences that fit a product of this sort."""
    sentences = words()["description_sentences"]
    pool = {
        "origin_tourism": sentences["supply_tourism"],
        "origin_craft": sentences["quality_craft"],
        "origin": sentences["quality"] + sentences["supply"],
    }[origin]
    return tuple(s for s in pool if ("{stars}" not in s or stars) and ("{shelf}" not in s or shelf))


def _stars(rng: random.Random) -> int | None:
    roll = rng.random()
    if roll < 0.10:
        return None
    if roll < 0.62:
        return 3
    return 4 if roll < 0.96 else 5


def _offer_title(
    rng: random.Random,
    kind: ProductKind,
    place: str,
    names: tuple[str, ...],
    brand: str,
    stars: int | None,
) -> str:
    name = _pick(rng, names)
    if rng.random() < 0.07:
        english = kind.name_en[0].upper() + kind.name_en[1:]
        return f"{english} from {unaccent(place)}" if rng.random() < 0.6 else f"{brand} {english}"
    named = name if place in name else f"{name} {place}"
    spec = _pick(rng, kind.specs)
    style = int(rng.random() * 6)
    if style == 0:
        return named
    if style == 1:
        return f"{name} {brand}"
    if style == 2:
        return f"{named} {spec}"
    if style == 3:
        return f"{name} {brand} - {spec}"
    if style == 4 and stars:
        return f"{named} OCOP {stars} sao"
    return f"{named} ({spec})"


class _Lazy(dict[str, Any]):
    """Template values computed only when a chosen sentence asks for them."""

    def __init__(self, compute: dict[str, Callable[[], Any]]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._compute[key]()
        return value


@cache
def _certification_names() -> dict[str, str]:
    return {cert.code: cert.name_vi for cert in reference_certifications()}


def _offer_description(
    rng: random.Random,
    kind: ProductKind,
    place: str,
    producer: SampleOrganization,
    stars: int | None,
    certs: tuple[str, ...],
    capacity: int,
    moq: int,
    shelf: int | None,
) -> str:
    sentences = words()["description_sentences"]
    province = _province(producer.province)
    spec = _pick(rng, kind.specs)
    values = _Lazy(
        {
            "place": lambda: place,
            "province": lambda: province.name_vi,
            "province_en": lambda: province.name_en,
            "producer": lambda: producer.name,
            "spec": lambda: spec,
            "stars": lambda: stars,
            "shelf": lambda: f"{shelf // 30} tháng" if shelf and shelf >= 60 else f"{shelf} ngày",
            "capacity": lambda: _quantity_vi(capacity, kind.unit),
            "capacity_en": lambda: _quantity_en(capacity, kind.unit),
            "moq": lambda: _quantity_vi(moq, kind.unit),
            "certs": lambda: ", ".join(_certification_names()[code] for code in certs),
            "name_en": lambda: kind.name_en,
            "place_en": lambda: unaccent(place),
        }
    )
    if producer.preferred_language == "en" or rng.random() < 0.04:
        return _pick(rng, sentences["english"]).format_map(values)
    origin = _ORIGINS.get(kind.group, "origin")
    usable = _usable_sentences(origin, bool(stars), bool(shelf))
    extra = rng.sample(usable, min(len(usable), _randint(rng, 0, 3)))
    parts = [_pick(rng, sentences[origin]), *extra]
    if certs:
        parts.append(_pick(rng, sentences["certification"]))
    text = " ".join(parts).format_map(values)
    if place == province.name_vi:
        # "tại Gia Lai, Gia Lai" reads as a mistake.
        text = text.replace(f"{place}, {place}", place).replace(f"{place} ({place})", place)
    return text


def _offers(
    seed: int, count: int, today: date, producers: Sequence[_Producer]
) -> Iterator[SampleOffer]:
    if not producers:
        return
    rng = random.Random(f"{seed}:offers")
    for index in range(count):
        # Every producer gets at least one offer before any gets a second.
        producer = producers[index] if index < len(producers) else _pick(rng, producers)
        kind, place, names = _pick(rng, producer.lines)
        organization = producer.organization
        key = f"offer-{index + 1:07d}"
        stars = _stars(rng)
        certified_on = certified_until = decision = None
        if stars:
            # Up to 41 months back: some certificates have expired, some expire soon.
            certified_on = today - timedelta(days=_randint(rng, 10, 1245))
            certified_until = add_months(certified_on, OCOP_VALIDITY_MONTHS)
            issuer = "QĐ-BNN-VPĐP" if stars == 5 else "QĐ-UBND"
            decision = f"{_randint(rng, 100, 4999)}/{issuer}"
        certifications = [code for code in kind.certifications if rng.random() < 0.35]
        traceability_url = None
        if rng.random() < 0.45:
            traceability_url = f"https://truyxuat.example.vn/sp/{index + 1:07d}"
            if "traceability" not in certifications:
                certifications.append("traceability")
        capacity = _nice(_between(rng, *kind.monthly_capacity))
        moq = _nice(max(1.0, capacity * rng.uniform(0.005, 0.05)))
        shelf = None
        if kind.shelf_life_days and rng.random() < 0.88:
            shelf = _randint(rng, *kind.shelf_life_days)
        markets: tuple[str, ...] = ()
        if kind.export_markets and rng.random() < 0.3:
            markets = tuple(
                rng.sample(kind.export_markets, _randint(rng, 1, min(3, len(kind.export_markets))))
            )
        status_roll = rng.random()
        certs = tuple(certifications)
        yield SampleOffer(
            key=key,
            producer_key=organization.key,
            title=_offer_title(rng, kind, place, names, producer.brand, stars),
            description=_offer_description(
                rng, kind, place, organization, stars, certs, capacity, moq, shelf
            ),
            category=kind.category,
            ocop_stars=stars,
            ocop_potential_five_star=stars == 4 and rng.random() < 0.12,
            ocop_certified_on=certified_on,
            ocop_certified_until=certified_until,
            ocop_decision_number=decision,
            certifications=certs,
            province=organization.province,
            unit=kind.unit,
            monthly_capacity=capacity,
            min_order_quantity=moq,
            unit_price_vnd=_price(_between(rng, *kind.unit_price_vnd)),
            shelf_life_days=shelf,
            export_markets=markets,
            traceability_url=traceability_url,
            status="active"
            if status_roll < 0.86
            else "paused"
            if status_roll < 0.95
            else "archived",
            product_kind=kind.code,
        )


# ---------------------------------------------------------------- requirements


def _fill(rng: random.Random, templates: list[str], values: dict[str, Any]) -> str:
    usable = [t for t in templates if placeholders(t) <= values.keys()]
    return rng.choice(usable).format_map(values)


def _requirements(
    seed: int, count: int, today: date, buyers: Sequence[_Buyer]
) -> Iterator[SampleRequirement]:
    if not buyers:
        return
    rng = random.Random(f"{seed}:requirements")
    vocabulary = words()
    for index in range(count):
        buyer = buyers[index] if index < len(buyers) else rng.choice(buyers)
        organization = buyer.organization
        buyer_type = organization.buyer_type
        kind = rng.choice(buyer.kinds)
        english = (
            rng.random() < 0.9
            if organization.preferred_language == "en"
            else rng.random() < (0.3 if buyer_type == "exporter" else 0.05)
        )

        unit: str | None = None
        quantity: int | None = None
        if rng.random() < 0.55:
            unit = kind.unit
            quantity = _nice(_between(rng, *kind.monthly_capacity) * rng.uniform(0.1, 0.6))
            if unit == "kg" and quantity >= 2000 and rng.random() < 0.4:
                unit, quantity = "ton", max(1, round(quantity / 1000))
        stars: int | None = None
        if buyer_type == "introduction_point" or rng.random() < 0.35:
            stars = 3 if rng.random() < 0.65 else 4
        certifications: tuple[str, ...] = ()
        if kind.certifications and rng.random() < 0.3:
            certifications = tuple(
                rng.sample(kind.certifications, min(len(kind.certifications), rng.randint(1, 2)))
            )
        delivery: tuple[str, ...] = ()
        if rng.random() < 0.4:
            others = rng.sample(_all_province_codes(), rng.randint(0, 2))
            delivery = tuple(dict.fromkeys([organization.province, *others]))
        max_price: int | None = None
        if unit and rng.random() < 0.4:
            low, high = kind.unit_price_vnd
            max_price = _price(rng.uniform(low + (high - low) * 0.3, high))
            if unit == "ton":
                max_price *= 1000

        place, _, names = rng.choice(kind.places)
        name = rng.choice(names)
        values: dict[str, Any] = {
            "name": name[0].lower() + name[1:] if not name.startswith(place) else name,
            "name_en": kind.name_en,
        }
        if place not in name:
            values["place"] = place
        if quantity and unit:
            values["quantity"] = _quantity_vi(
                quantity if unit != "ton" else quantity * 1000, "kg" if unit == "ton" else unit
            )
            values["quantity_en"] = _quantity_en(
                quantity if unit != "ton" else quantity * 1000, "kg" if unit == "ton" else unit
            )
        if stars:
            values["stars"] = stars
        if certifications:
            values["cert"] = get_certification(certifications[0]).name_vi
            values["cert_en"] = get_certification(certifications[0]).name_en
        if delivery:
            values["delivery"] = get_province(delivery[0]).name_vi
        if kind.export_markets:
            market = rng.choice(kind.export_markets)
            values["market"] = vocabulary["markets_en"].get(market, market)

        language = "en" if english else "vi"
        title = _fill(rng, vocabulary["requirement_titles"][language], values)
        if not english and rng.random() < 0.18:
            # Many buyers type without accents on a phone.
            title = unaccent(title).lower()
        description = ""
        if rng.random() < 0.5:
            sentences = vocabulary["requirement_descriptions"]
            pool = sentences[language]
            if language == "vi" and kind.shelf_life_days:
                pool = pool + sentences["vi_goods"]
            description = _fill(rng, pool, values)

        category: str | None = None
        if rng.random() < 0.55:
            category = kind.group if rng.random() < 0.15 else kind.category
        min_shelf = None
        if kind.shelf_life_days and rng.random() < 0.2:
            min_shelf = _nice(kind.shelf_life_days[0] * rng.uniform(0.4, 0.9))
        status_roll = rng.random()
        yield SampleRequirement(
            key=f"requirement-{index + 1:05d}",
            buyer_key=organization.key,
            title=title,
            description=description,
            category=category,
            min_ocop_stars=stars,
            required_certifications=certifications,
            unit=unit,
            quantity_per_month=quantity,
            max_unit_price_vnd=max_price,
            delivery_provinces=delivery,
            min_shelf_life_days=min_shelf,
            needed_by=today + timedelta(days=rng.randint(7, 120)) if rng.random() < 0.3 else None,
            valid_until=today + timedelta(days=rng.randint(30, 180))
            if rng.random() < 0.6
            else None,
            status="open" if status_roll < 0.82 else "paused" if status_roll < 0.9 else "closed",
            product_kind=kind.code,
            language=language,
        )

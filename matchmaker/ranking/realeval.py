"""An evaluation set built from real OCOP product names (``data/realeval``).

The product names, producers, provinces, groups and star ratings are transcribed in
``products.tsv``; the buyer requirements, with the kinds of product each one wants (grade 2)
or would also consider (grade 1), are written in ``requirements.tsv``. Everything else an
offer needs (unit, price, capacity, shelf life, certificate dates, certifications, status,
producer id and type, description) is generated here, deterministically from the product id
and its category, so the built files never change unless the two tables do.

Grades come from the tables and the buyer's hard conditions only, never from a ranking score:

* 2 — the product's kind is one the buyer wants and the offer meets every hard condition
  (active listing; OCOP stars at the floor with a certificate valid on ``AS_OF``, where
  introduction points imply 3 stars; every required certification; the minimum shelf life);
* 1 — the product's kind is a close substitute the buyer named and it meets those conditions;
* 0 — everything else.

Run ``python -m matchmaker.ranking.realeval`` to rebuild the files beside the tables.
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from matchmaker.ranking.codec import record_to_dict
from matchmaker.ranking.evalset import meets_conditions, write_eval_set
from matchmaker.ranking.records import OfferRecord, RequirementRecord
from matchmaker.ranking.reference import get_certification, get_province

AS_OF = date(2026, 6, 1)
SOURCE = "real OCOP product names (provincial OCOP recognition decisions, ocop.gov.vn)"

STYLES = ("vi", "plain", "regional", "en", "title")
BUYER_TYPES = ("supermarket", "ecommerce", "introduction_point", "exporter", "wholesaler", "horeca")

# Unit a producer would list by default for each sub-group, and kinds sold otherwise.
_CATEGORY_UNIT = {
    "food.fresh": "kg",
    "food.raw_processed": "kg",
    "food.processed": "kg",
    "food.condiment": "kg",
    "food.tea": "kg",
    "food.coffee_cocoa": "kg",
    "beverage.alcoholic": "bottle",
    "beverage.non_alcoholic": "bottle",
    "herbal.health_medicine": "box",
    "herbal.cosmetic": "bottle",
    "herbal.essential_oil": "bottle",
    "textile.fabric_garment": "piece",
    "handicraft.household_decor": "piece",
    "tourism.community_eco": "set",
}
_KIND_UNIT = {
    "fish_sauce": "liter",
    "milk": "liter",
    "honey": "bottle",
    "royal_jelly": "bottle",
    "shrimp_paste": "bottle",
    "soybean_paste": "bottle",
    "chili_sauce": "bottle",
    "fermented_fish": "bottle",
    "sour_shrimp": "bottle",
    "coconut_fresh": "piece",
    "wax_coconut": "piece",
    "coffee_instant": "box",
    "bird_nest": "box",
    "ngoc_linh_ginseng": "kg",
}
# Typical price per unit (VND) and shelf life range (days) for each sub-group.
_CATEGORY_PRICE = {
    "food.fresh": 60_000,
    "food.raw_processed": 120_000,
    "food.processed": 150_000,
    "food.condiment": 140_000,
    "food.tea": 600_000,
    "food.coffee_cocoa": 280_000,
    "beverage.alcoholic": 180_000,
    "beverage.non_alcoholic": 30_000,
    "herbal.health_medicine": 350_000,
    "herbal.cosmetic": 120_000,
    "herbal.essential_oil": 150_000,
    "textile.fabric_garment": 450_000,
    "handicraft.household_decor": 300_000,
    "tourism.community_eco": 900_000,
}
_KIND_PRICE = {"bird_nest": 3_500_000, "ngoc_linh_ginseng": 60_000_000, "mud_crab": 450_000}
_CATEGORY_SHELF_LIFE = {
    "food.fresh": (7, 30),
    "food.raw_processed": (180, 540),
    "food.processed": (60, 365),
    "food.condiment": (365, 730),
    "food.tea": (365, 730),
    "food.coffee_cocoa": (270, 540),
    "beverage.alcoholic": (730, 1825),
    "beverage.non_alcoholic": (180, 540),
    "herbal.health_medicine": (365, 1095),
    "herbal.cosmetic": (365, 1095),
    "herbal.essential_oil": (730, 1095),
}
# Certifications a listing of each group may show, with how often (in percent).
_GROUP_CERTIFICATIONS: dict[str, tuple[tuple[str, int], ...]] = {
    "food": (("traceability", 40), ("food_safety", 35), ("vietgap", 20), ("haccp", 12)),
    "beverage": (("traceability", 40), ("food_safety", 45), ("haccp", 15)),
    "herbal": (("traceability", 35), ("gmp", 20), ("vietgap", 15), ("organic", 10)),
    "textile": (("traceability", 20),),
    "handicraft": (("traceability", 15),),
    "tourism": (),
}
_FARMED = {"food.fresh", "food.raw_processed", "food.tea", "food.coffee_cocoa"}


def default_realeval_dir() -> Path:
    return Path(str(resources.files("matchmaker.ranking").joinpath("data", "realeval")))


def _seed(key: str, salt: str) -> int:
    return zlib.crc32(f"{key}:{salt}".encode())


def _between(key: str, salt: str, low: int, high: int) -> int:
    return low + _seed(key, salt) % (high - low + 1)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _producer_type(name: str) -> str:
    if name.startswith("HTX"):
        return "cooperative"
    if name.startswith("Tổ hợp tác"):
        return "cooperative_group"
    if name.startswith(("Công ty", "DNTN", "Trung tâm")):
        return "enterprise"
    return "household"


def _certifications(key: str, category: str) -> list[str]:
    group = category.split(".")[0]
    pool = list(_GROUP_CERTIFICATIONS[group])
    if category in _FARMED:
        pool.append(("organic", 8))
    if category == "food.coffee_cocoa":
        pool += [("4c", 20), ("rainforest", 10)]
    return sorted(code for code, percent in pool if _seed(key, code) % 100 < percent)


def _description(producer: str, province: str, stars: int, certifications: list[str]) -> str:
    place = get_province(province).name_vi
    parts = [f"{producer} sản xuất tại {place}.", f"Sản phẩm đạt OCOP {stars} sao."]
    if certifications:
        names = ", ".join(get_certification(c).name_vi for c in certifications)
        parts.append(f"Đạt chứng nhận: {names}.")
    return " ".join(parts)


def offer_from_row(row: dict[str, str], producer_id: str, on: date = AS_OF) -> OfferRecord:
    """An ``OfferRecord`` for a row of ``products.tsv``; attributes not in the row are
    generated from the id and the category."""
    key, category, kind = row["id"], row["category"], row["kind"]
    stars = int(row["stars"])
    if _seed(key, "expired") % 100 < 10:
        certified_until = on - timedelta(days=_between(key, "until", 20, 700))
    else:
        certified_until = on + timedelta(days=_between(key, "until", 45, 1000))
    certifications = _certifications(key, category)
    life = _CATEGORY_SHELF_LIFE.get(category)
    base_price = _KIND_PRICE.get(kind, _CATEGORY_PRICE[category])
    price = round(base_price * _between(key, "price", 60, 160) / 100, -3)
    unit = _KIND_UNIT.get(kind, _CATEGORY_UNIT[category])
    capacity = _between(key, "capacity", 20, 400) * (10 if unit in {"kg", "liter"} else 5)
    return OfferRecord(
        id=key,
        title=row["title"],
        description=_description(row["producer"], row["province"], stars, certifications),
        category=category,
        unit=unit,
        producer_id=producer_id,
        producer_type=_producer_type(row["producer"]),
        province=row["province"],
        ocop_stars=stars,
        ocop_potential_five_star=stars == 4 and _seed(key, "potential") % 100 < 15,
        ocop_certified_until=certified_until,
        certifications=frozenset(certifications),
        monthly_capacity=float(capacity),
        min_order_quantity=float(_between(key, "moq", 1, 50)),
        unit_price_vnd=float(max(price, 1000)),
        shelf_life_days=_between(key, "life", *life) if life else None,
        traceability_url=(
            f"https://truyxuat.example.vn/ocop/{key}" if "traceability" in certifications else None
        ),
        status="paused" if _seed(key, "status") % 100 < 5 else "active",
    )


def requirement_from_row(row: dict[str, str]) -> RequirementRecord:
    delivery = _split(row["delivery_provinces"])
    key = row["id"]
    return RequirementRecord(
        id=key,
        title=row["title"],
        description=row["description"],
        category=row["category"] or None,
        min_ocop_stars=int(row["min_stars"]) if row["min_stars"] else None,
        required_certifications=frozenset(_split(row["certifications"])),
        delivery_provinces=frozenset(delivery),
        min_shelf_life_days=(
            int(row["min_shelf_life_days"]) if row.get("min_shelf_life_days") else None
        ),
        buyer_type=row["buyer_type"],
        buyer_id=f"buyer-{key}",
        buyer_province=delivery[0] if delivery else ("01" if _seed(key, "city") % 2 else "79"),
    )


def _check(products: list[dict[str, str]], requirements: list[dict[str, str]]) -> None:
    """Refuse tables with unknown codes or kinds nobody lists."""
    kinds = {p["kind"] for p in products}
    ids = [p["id"] for p in products] + [r["id"] for r in requirements]
    if len(ids) != len(set(ids)):
        raise ValueError("duplicate ids in the tables")
    for p in products:
        get_province(p["province"])
        if p["category"] not in _CATEGORY_UNIT or p["stars"] not in {"3", "4", "5"}:
            raise ValueError(f"{p['id']}: bad category or stars")
    for r in requirements:
        if r["style"] not in STYLES or r["buyer_type"] not in BUYER_TYPES:
            raise ValueError(f"{r['id']}: bad style or buyer type")
        for code in _split(r["certifications"]):
            get_certification(code)
        for code in _split(r["delivery_provinces"]):
            get_province(code)
        if r["category"] and r["category"] not in _CATEGORY_UNIT:
            raise ValueError(f"{r['id']}: unknown category {r['category']}")
        unknown = set(_split(r["wanted"]) + _split(r["related"])) - kinds
        if unknown or not _split(r["wanted"]):
            raise ValueError(f"{r['id']}: kinds no product has: {sorted(unknown)}")


def build_real_eval_set(src_dir: Path | None = None, out_dir: Path | None = None) -> dict[str, Any]:
    """Offers, requirements, grades and meta from the two tables in ``src_dir``; written to
    ``out_dir`` when given. Every requirement must have a grade-2 offer."""
    src = src_dir or default_realeval_dir()
    products = read_tsv(src / "products.tsv")
    rows = read_tsv(src / "requirements.tsv")
    _check(products, rows)
    producer_ids: dict[str, str] = {}
    offers: list[tuple[OfferRecord, str]] = []
    for p in products:
        producer_id = producer_ids.setdefault(p["producer"], f"rp-{len(producer_ids) + 1:03d}")
        offers.append((offer_from_row(p, producer_id), p["kind"]))
    requirements: list[dict[str, Any]] = []
    qrels: list[tuple[str, str, int]] = []
    for row in rows:
        requirement = requirement_from_row(row)
        wanted, related = _split(row["wanted"]), _split(row["related"])
        graded = []
        for offer, kind in offers:
            if kind not in wanted and kind not in related:
                continue
            if meets_conditions(requirement, offer, AS_OF):
                graded.append((requirement.id, offer.id, 2 if kind in wanted else 1))
        if not any(g == 2 for _, _, g in graded):
            raise ValueError(f"{requirement.id}: no product of a wanted kind meets its conditions")
        qrels += graded
        requirements.append(
            {
                **record_to_dict(requirement),
                "product_kind": wanted[0],
                "style": row["style"],
                "wanted": wanted,
                "related": related,
            }
        )
    data: dict[str, Any] = {
        "offers": [{**record_to_dict(o), "product_kind": kind} for o, kind in offers],
        "requirements": requirements,
        "qrels": qrels,
        "meta": {
            "as_of": AS_OF.isoformat(),
            "source": SOURCE,
            "offers": len(offers),
            "requirements": len(requirements),
            "provinces": len({o.province for o, _ in offers}),
            "offer_groups": dict(
                sorted(Counter(o.category.split(".")[0] for o, _ in offers).items())
            ),
            "requirement_styles": dict(Counter(r["style"] for r in rows)),
        },
    }
    if out_dir is not None:
        write_eval_set(data, out_dir)
    return data


def main() -> None:
    directory = default_realeval_dir()
    data = build_real_eval_set(directory)
    print(write_eval_set(data, directory))


if __name__ == "__main__":
    main()

"""Building the labelled evaluation set from the sample generator's ground truth.

Every sample offer and requirement carries the kind of product it really is
(``product_kind``). Grades come from that and from the buyer's stated conditions only —
never from any ranking score:

* 2 — the offer is the kind of product asked for and meets every condition the buyer made
  mandatory (active listing, OCOP stars with a valid certificate, certifications, shelf life);
* 1 — the offer is a close substitute (see ``SUBSTITUTES``) and meets those conditions;
* 0 — anything else.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from matchmaker.ranking.codec import record_to_dict, write_jsonl
from matchmaker.ranking.records import OfferRecord, RequirementRecord

# Families of products a buyer would also consider, written from what the products are.
SUBSTITUTES: tuple[frozenset[str], ...] = tuple(
    frozenset(family)
    for family in (
        {"pomelo_green_skin", "pomelo_nam_roi"},
        {"rice_st25", "rice_tam_dien_bien", "rice_seng_cu", "brown_rice", "sticky_rice"},
        {"robusta_coffee", "arabica_coffee"},
        {"lang_van_wine", "bau_da_liquor", "kim_son_liquor", "corn_liquor"},
        {"rice_paper_trang_bang", "rice_paper_my_long"},
        {"cashew_kernel", "roasted_cashew"},
        {"bird_nest", "bird_nest_drink"},
        {"artichoke_tea", "artichoke_extract"},
        {"cajeput_oil", "lemongrass_oil", "cinnamon_oil"},
        {"dried_shrimp", "dried_anchovy", "dried_snakehead", "semi_dried_squid"},
        {"fish_cake", "squid_cake"},
        {"bat_trang_ceramics", "chu_dau_ceramics"},
        {"tan_cuong_tea", "shan_tuyet_tea", "oolong_tea", "lotus_tea", "golden_camellia_tea"},
        {"peanut_candy", "sesame_candy", "coconut_candy"},
        {
            "banh_pia",
            "mung_bean_cake",
            "banh_cay",
            "banh_it",
            "banh_gai",
            "sticky_rice_cake_phu_the",
        },
        {"sun_dried_beef", "smoked_buffalo"},
        {"dried_fruit", "dried_coconut"},
        {"ngoc_linh_ginseng", "tam_that"},
        {"herbal_soap", "soapberry_shampoo"},
        {"fruit_juice", "strawberry_syrup"},
    )
)

SEED = 2025
AS_OF = date(2025, 10, 1)
_OFFERS = 420
_PRODUCERS = 160
_CANDIDATE_REQUIREMENTS = 400
_BUYERS = 80
_REQUIREMENTS = 50


def offer_from_sample(offer: Any, producer: Any | None) -> OfferRecord:
    """An ``OfferRecord`` from a ``matchmaker.samples`` offer and its producer."""
    return OfferRecord(
        id=offer.key,
        title=offer.title,
        description=offer.description,
        category=offer.category,
        unit=offer.unit,
        producer_id=offer.producer_key,
        producer_type=producer.entity_type if producer else None,
        province=offer.province,
        ocop_stars=offer.ocop_stars,
        ocop_potential_five_star=offer.ocop_potential_five_star,
        ocop_certified_until=offer.ocop_certified_until,
        certifications=frozenset(offer.certifications),
        monthly_capacity=offer.monthly_capacity,
        min_order_quantity=offer.min_order_quantity,
        unit_price_vnd=offer.unit_price_vnd,
        shelf_life_days=offer.shelf_life_days,
        export_markets=frozenset(offer.export_markets),
        traceability_url=offer.traceability_url,
        status=offer.status,
    )


def requirement_from_sample(requirement: Any, buyer: Any | None) -> RequirementRecord:
    return RequirementRecord(
        id=requirement.key,
        title=requirement.title,
        description=requirement.description,
        category=requirement.category,
        min_ocop_stars=requirement.min_ocop_stars,
        required_certifications=frozenset(requirement.required_certifications),
        unit=requirement.unit,
        quantity_per_month=requirement.quantity_per_month,
        max_unit_price_vnd=requirement.max_unit_price_vnd,
        delivery_provinces=frozenset(requirement.delivery_provinces),
        needed_by=requirement.needed_by,
        valid_until=requirement.valid_until,
        min_shelf_life_days=requirement.min_shelf_life_days,
        status=requirement.status,
        buyer_type=buyer.buyer_type if buyer else None,
        buyer_id=requirement.buyer_key,
        buyer_province=buyer.province if buyer else None,
    )


def meets_conditions(requirement: RequirementRecord, offer: OfferRecord, on: date) -> bool:
    """The buyer's mandatory conditions, written out here apart from the engine's own check."""
    if offer.status != "active":
        return False
    floor = max(
        requirement.min_ocop_stars or 0, 3 if requirement.buyer_type == "introduction_point" else 0
    )
    if floor:
        until = offer.ocop_certified_until
        if offer.ocop_stars is None or offer.ocop_stars < floor or until is None or until < on:
            return False
    have = {c.lower() for c in offer.certifications}
    if any(c.lower() not in have for c in requirement.required_certifications):
        return False
    need_life = requirement.min_shelf_life_days
    return need_life is None or (
        offer.shelf_life_days is not None and offer.shelf_life_days >= need_life
    )


def grade(requirement_kind: str, offer_kind: str, eligible: bool) -> int:
    if not eligible:
        return 0
    if requirement_kind == offer_kind:
        return 2
    if any(requirement_kind in f and offer_kind in f for f in SUBSTITUTES):
        return 1
    return 0


SampleGenerator = Callable[..., Any]


def build_eval_set(generate: SampleGenerator, seed: int = SEED) -> dict[str, Any]:
    """Offers, requirements and grades; requirements chosen from ground truth alone.

    ``generate`` is the application's sample generator (``matchmaker.samples.generate``),
    handed in so that the ranking library imports nothing of the application.

    A requirement is kept when it is open and at least one offer is the very product it asks
    for and meets its conditions (otherwise NDCG is undefined); at most one requirement per
    kind of product, so the set spans many products.
    """
    sample = generate(
        seed,
        producers=_PRODUCERS,
        offers=_OFFERS,
        buyers=_BUYERS,
        requirements=_CANDIDATE_REQUIREMENTS,
        today=AS_OF,
    )
    organizations = {o.key: o for o in sample.organizations}
    offers = [
        (offer_from_sample(o, organizations.get(o.producer_key)), o.product_kind)
        for o in sample.offers
    ]
    chosen: list[tuple[RequirementRecord, str]] = []
    kinds_taken: set[str] = set()
    languages: Counter[str] = Counter()
    for wanted in sample.requirements:
        requirement = requirement_from_sample(wanted, organizations.get(wanted.buyer_key))
        if requirement.status != "open" or (
            requirement.valid_until and requirement.valid_until < AS_OF
        ):
            continue
        if wanted.product_kind in kinds_taken:
            continue
        if not any(
            kind == wanted.product_kind and meets_conditions(requirement, o, AS_OF)
            for o, kind in offers
        ):
            continue
        kinds_taken.add(wanted.product_kind)
        languages[wanted.language] += 1
        chosen.append((requirement, wanted.product_kind))
        if len(chosen) == _REQUIREMENTS:
            break
    qrels = [
        (r.id, o.id, grade(r_kind, o_kind, meets_conditions(r, o, AS_OF)))
        for r, r_kind in chosen
        for o, o_kind in offers
    ]
    return {
        "offers": [{**record_to_dict(o), "product_kind": kind} for o, kind in offers],
        "requirements": [{**record_to_dict(r), "product_kind": kind} for r, kind in chosen],
        "qrels": [q for q in qrels if q[2] > 0],
        "meta": {
            "as_of": AS_OF.isoformat(),
            "seed": seed,
            "generator": "matchmaker.samples.generate",
            "offers": len(offers),
            "requirements": len(chosen),
            "requirement_languages": dict(languages),
        },
    }


def write_eval_set(data: dict[str, Any], directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    write_jsonl(directory / "offers.jsonl", data["offers"])
    write_jsonl(directory / "requirements.jsonl", data["requirements"])
    lines = ["requirement_id\toffer_id\tgrade", *(f"{r}\t{o}\t{g}" for r, o, g in data["qrels"])]
    (directory / "qrels.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    (directory / "meta.json").write_text(
        json.dumps(data["meta"], indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    grades = Counter(g for _, _, g in data["qrels"])
    return (
        f"{len(data['requirements'])} requirements x {len(data['offers'])} offers, "
        f"{grades[2]} grade-2 and {grades[1]} grade-1 pairs"
    )


def eval_feedback(eval_set: Any, shown: int = 20) -> list[Any]:
    """Feedback examples simulated from the evaluation set's grades.

    What a buyer was shown is the engine's top ``shown`` plus every graded offer; how the buyer
    answered comes from the grade alone (2 deal, 1 accepted, 0 declined as the wrong product).
    Half of the requirements (by a hash of the id) are used, so the other half stays unseen.
    """
    from matchmaker.ranking.index import OfferIndex
    from matchmaker.ranking.model import FeedbackExample

    index = OfferIndex(eval_set.offers)
    offers = {o.id: o for o in eval_set.offers}
    examples = []
    for requirement in training_half(eval_set.requirements):
        grades = eval_set.grades.get(requirement.id, {})
        seen = [m.offer_id for m in index.rank(requirement, shown, eval_set.on)]
        for offer_id in dict.fromkeys([*seen, *grades]):
            g = grades.get(offer_id, 0)
            action = {2: "deal", 1: "accepted"}.get(g, "declined")
            examples.append(
                FeedbackExample(
                    requirement=requirement,
                    offer=offers[offer_id],
                    action=action,
                    reason=None if g else "wrong_product",
                    on=eval_set.on,
                )
            )
    return examples


def training_half(requirements: Iterable[RequirementRecord]) -> list[RequirementRecord]:
    return [r for r in requirements if zlib.crc32(r.id.encode()) % 2 == 0]

"""The evaluation set built from real OCOP product names (``ranking/data/realeval``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from matchmaker.ranking.evaluation import load_eval_set
from matchmaker.ranking.realeval import (
    AS_OF,
    STYLES,
    build_real_eval_set,
    default_realeval_dir,
    meets_conditions,
)

GROUPS = {"food", "beverage", "herbal", "textile", "handicraft", "tourism"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("realeval")
    return build_real_eval_set(default_realeval_dir(), out), out


def test_products_cover_provinces_and_every_group(built):
    data, _ = built
    offers = data["offers"]
    assert len(offers) >= 300
    assert len({o["province"] for o in offers}) >= 15
    groups = Counter(o["category"].split(".")[0] for o in offers)
    assert set(groups) == GROUPS
    assert all(groups[g] >= 10 for g in GROUPS - {"food"})
    assert groups["food"] / len(offers) > 0.5


def test_requirements_in_every_style_each_with_a_grade_two_product(built):
    data, _ = built
    requirements = data["requirements"]
    assert len(requirements) >= 80
    styles = Counter(r["style"] for r in requirements)
    assert set(styles) == set(STYLES) and min(styles.values()) >= 16
    twos = Counter(r for r, _, g in data["qrels"] if g == 2)
    assert all(twos[r["id"]] >= 1 for r in requirements)


def test_grades_follow_kinds_and_hard_conditions(built):
    _, out = built
    eval_set = load_eval_set(out)
    offers = {o.id: o for o in eval_set.offers}
    assert eval_set.on == AS_OF
    for requirement in eval_set.requirements:
        for offer_id in eval_set.grades[requirement.id]:
            assert meets_conditions(requirement, offers[offer_id], eval_set.on)


def test_shipped_files_are_what_the_builder_makes_now(built):
    _, out = built
    shipped = default_realeval_dir()
    for name in ("offers.jsonl", "requirements.jsonl", "qrels.tsv", "meta.json"):
        assert (shipped / name).read_text("utf-8") == (out / name).read_text("utf-8"), name

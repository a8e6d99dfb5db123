"""The OCOP group and sub-group suggested for a product of a list that has no group column."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchmaker.ranking import grouping
from matchmaker.ranking.cli import ranking
from matchmaker.ranking.grouping import GroupModel, Suggestion
from matchmaker.ranking.text import fold

REFERENCE = Path(grouping.__file__).parent / "reference" / "data" / "categories.csv"
REALEVAL = Path(grouping.__file__).parent / "data" / "realeval" / "products.tsv"

# Labels of the real-listing set corrected here (the data README says why).
RELABELLED = {"p198": "food.tea"}

KNOWN = [
    ("Mật ong hoa cà phê", "HTX Ong mật Krông Năng", "food.raw_processed"),
    ("Rượu cần Tây Nguyên", "", "beverage.alcoholic"),
    ("Homestay Tả Phìn Sa Pa", "", "tourism.community_eco"),
    ("Chè Shan tuyết Suối Giàng", "HTX Chè Suối Giàng", "food.tea"),
    ("Tinh dầu sả chanh", "", "herbal.essential_oil"),
    ("Thổ cẩm Hà Giang", "", "textile.fabric_garment"),
]


@pytest.fixture(scope="module")
def model() -> GroupModel:
    return GroupModel.load()


def _sub_groups() -> dict[str, str]:
    with REFERENCE.open(encoding="utf-8") as handle:
        return {row["code"]: row["group"] for row in csv.DictReader(handle) if "." in row["code"]}


@pytest.mark.parametrize(("name", "producer", "category"), KNOWN)
def test_known_names_get_their_sub_group_first(
    model: GroupModel, name: str, producer: str, category: str
) -> None:
    best = model.suggest(name, producer)[0]
    assert best.category == category
    assert best.group == category.split(".")[0]
    assert best.confident()


@pytest.mark.parametrize(("name", "producer", "category"), KNOWN)
def test_names_typed_without_diacritics_get_the_same_group(
    model: GroupModel, name: str, producer: str, category: str
) -> None:
    assert fold(name) != name
    assert model.suggest(fold(name), fold(producer))[0].group == category.split(".")[0]


@pytest.mark.parametrize("nonsense", ["xq zzv kkk", "asdf qwerty", "12345", ""])
def test_nonsense_needs_review(model: GroupModel, nonsense: str) -> None:
    assert not model.suggest(nonsense)[0].confident()


def test_three_suggestions_best_first_with_their_parent_group(model: GroupModel) -> None:
    sub_groups = _sub_groups()
    suggestions = model.suggest("Khô cá lóc Cà Mau", "HTX Thủy sản Cà Mau")
    assert len(suggestions) == 3
    assert [s.probability for s in suggestions] == sorted(
        (s.probability for s in suggestions), reverse=True
    )
    assert all(s.group == sub_groups[s.category] for s in suggestions)
    assert set(model.categories) == set(sub_groups)
    assert model.suggest_many([("Khô cá lóc Cà Mau", "HTX Thủy sản Cà Mau")])[0] == suggestions


def test_a_suggestion_is_confident_at_or_above_the_threshold() -> None:
    at = Suggestion("food.tea", "food", grouping.REVIEW_THRESHOLD)
    assert at.confident()
    assert not Suggestion("food.tea", "food", grouping.REVIEW_THRESHOLD - 0.01).confident()
    assert Suggestion("food.tea", "food", 0.3).confident(threshold=0.2)


def test_the_labelled_names_cover_every_sub_group_with_enough_examples() -> None:
    names = grouping.load_names()
    counts = {c: sum(n.category == c for n in names) for c in _sub_groups()}
    assert min(counts.values()) >= 30, counts
    titles = [n.title.casefold() for n in names]
    assert len(titles) == len(set(titles))


def test_the_labelled_names_start_from_the_real_listing_set_and_cite_their_sources() -> None:
    data = grouping.DEFAULT_NAMES_PATH
    with data.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    with REALEVAL.open(encoding="utf-8") as handle:
        realeval = {
            r["id"]: (r["title"], r["producer"], r["category"])
            for r in csv.DictReader(handle, delimiter="\t")
        }
    copied = {
        r["id"]: (r["title"], r["producer"], r["category"]) for r in rows if r["id"] in realeval
    }
    for id_, category in RELABELLED.items():
        title, producer, _ = realeval[id_]
        realeval[id_] = (title, producer, category)
    assert copied == realeval
    readme = (data.parent / "README.md").read_text("utf-8")
    assert all(f"`{id_}`" in readme for id_ in RELABELLED)
    cited = set(re.findall(r"`(qd-[a-z]+)`", readme))
    assert {r["source"] for r in rows} <= cited


def test_training_is_reproducible_and_the_shipped_model_is_what_it_gives(
    model: GroupModel, tmp_path: Path
) -> None:
    out = tmp_path / "groups.joblib"
    result = CliRunner().invoke(ranking, ["train-groups", "--no-cross-validate", "--out", str(out)])
    assert result.exit_code == 0, result.output

    figures = re.search(r"as written: +group ([\d.]+)% +sub-group ([\d.]+)%", result.output)
    assert figures is not None, result.output
    shipped = model.manifest
    assert float(figures[1]) == pytest.approx(100 * shipped["holdout_group_accuracy"], abs=0.05)
    assert float(figures[2]) == pytest.approx(100 * shipped["holdout_category_accuracy"], abs=0.05)
    assert "<- REVIEW_THRESHOLD" in result.output

    fresh = GroupModel.load(out)
    names = [(n, p) for n, p, _ in KNOWN] + [("Nước mắm Phú Quốc", ""), ("Gốm Bát Tràng", "")]
    for ours, theirs in zip(model.suggest_many(names), fresh.suggest_many(names), strict=True):
        assert [s.category for s in ours] == [s.category for s in theirs]
        assert [s.probability for s in ours] == pytest.approx([s.probability for s in theirs])

import csv
from importlib import resources

import pytest

from matchmaker.ranking.reference import (
    UnknownReference,
    categories,
    certifications,
    convert,
    get_category,
    get_certification,
    get_unit,
    group_of,
    resolve_category,
    resolve_certification,
    resolve_unit,
    units,
)

GROUPS = ["food", "beverage", "herbal", "textile", "handicraft", "tourism"]


def _aliases(name: str) -> list[tuple[str, str]]:
    data = resources.files("matchmaker.ranking.reference").joinpath("data", name)
    rows = csv.DictReader(data.read_text(encoding="utf-8").splitlines())
    return [
        (alias.strip(), row["code"])
        for row in rows
        for alias in row["aliases"].split("|")
        if alias.strip()
    ]


def test_the_six_ocop_groups_each_have_sub_groups():
    groups = [category.code for category in categories() if category.is_group]
    assert groups == GROUPS
    for group in GROUPS:
        subs = [c for c in categories() if c.group == group and not c.is_group]
        assert subs, group
        assert all(c.code.startswith(f"{group}.") for c in subs)


def test_food_sub_groups_follow_decision_148():
    food = {c.code for c in categories() if c.group == "food" and not c.is_group}
    assert food == {
        "food.fresh",
        "food.raw_processed",
        "food.processed",
        "food.condiment",
        "food.tea",
        "food.coffee_cocoa",
    }
    assert {c.code for c in categories() if c.group == "beverage" and not c.is_group} == {
        "beverage.alcoholic",
        "beverage.non_alcoholic",
    }


def test_every_category_is_named_in_both_languages():
    for category in categories():
        assert category.name_vi and category.name_en


def test_group_of_a_sub_group_and_of_a_group():
    assert group_of("food.tea") == "food"
    assert group_of("herbal") == "herbal"
    with pytest.raises(UnknownReference) as raised:
        group_of("food.pizza")
    assert raised.value.kind == "category"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("food.tea", "food.tea"),
        ("FOOD.TEA", "food.tea"),
        ("Chè", "food.tea"),
        ("tra", "food.tea"),
        ("Tea", "food.tea"),
        ("Gia vị", "food.condiment"),
        ("gia vi", "food.condiment"),
        ("nước mắm", "food.condiment"),
        ("Cà phê, ca cao", "food.coffee_cocoa"),
        ("coffee", "food.coffee_cocoa"),
        ("Đồ uống có cồn", "beverage.alcoholic"),
        ("ruou", "beverage.alcoholic"),
        ("thuc pham", "food"),
        ("Food", "food"),
        ("mỹ phẩm", "herbal.cosmetic"),
        ("tinh dầu", "herbal.essential_oil"),
        ("Thủ công mỹ nghệ", "handicraft"),
        ("Du lịch cộng đồng", "tourism"),
        ("Vải và may mặc", "textile"),
    ],
)
def test_categories_resolve_from_codes_and_names(text, code):
    category = resolve_category(text)
    assert category is not None, text
    assert category.code == code


@pytest.mark.parametrize("text", ["", "xe máy", "smartphone"])
def test_unknown_category_text_gives_none(text):
    assert resolve_category(text) is None


def test_category_aliases_resolve_to_their_own_category_or_its_group():
    for alias, code in _aliases("categories.csv"):
        category = resolve_category(alias)
        assert category is not None, alias
        assert category.code in (code, get_category(code).group), alias


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Viet GAP", "vietgap"),
        ("VIETGAP", "vietgap"),
        ("vietgap", "vietgap"),
        ("ISO 22000:2018", "iso22000"),
        ("iso22000", "iso22000"),
        ("hữu cơ", "organic"),
        ("huu co", "organic"),
        ("Global G.A.P.", "globalgap"),
        ("GlobalGAP", "globalgap"),
        ("HACCP", "haccp"),
        ("Halal", "halal"),
        ("chứng nhận VietGAP", "vietgap"),
        ("USDA Organic", "organic_usda"),
        ("EU organic", "organic_eu"),
        ("FSSC 22000", "fssc22000"),
        ("BRCGS", "brc"),
        ("Fair Trade", "fairtrade"),
        ("truy xuất nguồn gốc", "traceability"),
        ("Rainforest Alliance", "rainforest"),
    ],
)
def test_certifications_resolve_from_common_spellings(text, code):
    certification = resolve_certification(text)
    assert certification is not None, text
    assert certification.code == code


def test_certification_aliases_resolve_as_written_and_unknown_text_gives_none():
    for alias, code in _aliases("certifications.csv"):
        certification = resolve_certification(alias)
        assert certification is not None and certification.code == code, alias
    assert resolve_certification("ISO 14001") is None
    assert resolve_certification("") is None


def test_required_certification_codes_exist():
    codes = {c.code for c in certifications()}
    assert {
        "vietgap",
        "globalgap",
        "organic",
        "haccp",
        "iso22000",
        "halal",
        "fssc22000",
        "brc",
        "gmp",
        "fairtrade",
        "rainforest",
        "traceability",
    } <= codes
    assert get_certification("VietGAP").code == "vietgap"
    with pytest.raises(UnknownReference):
        get_certification("iso14001")


def test_units_have_a_dimension_and_a_factor():
    assert {u.code for u in units()} == {
        "kg",
        "ton",
        "g",
        "liter",
        "ml",
        "box",
        "bottle",
        "pack",
        "piece",
        "set",
    }
    assert all(u.dimension in {"mass", "volume", "count"} and u.factor > 0 for u in units())


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("kg", "kg"),
        ("Kg", "kg"),
        ("kilogram", "kg"),
        ("ký", "kg"),
        ("tấn", "ton"),
        ("tan", "ton"),
        ("tonnes", "ton"),
        ("gram", "g"),
        ("lít", "liter"),
        ("lit", "liter"),
        ("ml", "ml"),
        ("hộp", "box"),
        ("thùng", "box"),
        ("chai", "bottle"),
        ("hũ", "bottle"),
        ("gói", "pack"),
        ("túi", "pack"),
        ("cái", "piece"),
        ("pcs", "piece"),
        ("bộ", "set"),
    ],
)
def test_units_resolve_from_common_words(text, code):
    unit = resolve_unit(text)
    assert unit is not None, text
    assert unit.code == code


def test_unit_aliases_resolve_as_written_and_unknown_text_gives_none():
    for alias, code in _aliases("units.csv"):
        unit = resolve_unit(alias)
        assert unit is not None and unit.code == code, alias
    assert resolve_unit("mẫu") is None
    with pytest.raises(UnknownReference):
        get_unit("gallon")


def test_mass_and_volume_convert_within_their_dimension():
    assert convert(2, "ton", "kg") == 2000
    assert convert(500, "g", "kg") == pytest.approx(0.5)
    assert convert(1.5, "kg", "g") == pytest.approx(1500)
    assert convert(3, "ton", "g") == pytest.approx(3_000_000)
    assert convert(1, "liter", "ml") == pytest.approx(1000)
    assert convert(250, "ml", "liter") == pytest.approx(0.25)
    assert convert(7, "box", "box") == 7


def test_quantities_of_different_kinds_do_not_convert():
    assert convert(1, "kg", "liter") is None
    assert convert(1, "box", "kg") is None
    # How many bottles make a box depends on the product.
    assert convert(1, "box", "bottle") is None

"""Relevance as buyers really type, over a small catalogue of real OCOP product names.

Each case is one that a buyer met: single syllables matching across words ("ca phe" finding
Cà Mau crab), accents ignored ("mật ong" finding "ống hút"), lists padded with unrelated
products, regional and English words not bridged, "vải" the fruit taken for "vải" the cloth.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from matchmaker.ranking.glossary import default_glossary
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.records import MatchResult, OfferRecord, RequirementRecord

TODAY = date(2026, 6, 1)

# id, title, category, province: names as provinces list them.
CATALOGUE = [
    ("coffee-1", "Cà phê bột nguyên chất Buôn Ma Thuột", "food.coffee_cocoa", "66"),
    ("coffee-2", "Cà phê Arabica Cầu Đất hạt rang", "food.coffee_cocoa", "68"),
    ("coffee-3", "Cà phê Robusta rang xay Krông Pắc", "food.coffee_cocoa", "66"),
    ("coffee-4", "Cà phê Khe Sanh", "food.coffee_cocoa", "46"),
    ("crab", "Cua Cà Mau", "food.fresh", "96"),
    ("dried-fish", "Khô cá lóc U Minh", "food.raw_processed", "96"),
    ("shrimp", "Tôm khô Cà Mau", "food.raw_processed", "96"),
    ("prawn", "Tôm sú sinh thái Cà Mau", "food.fresh", "96"),
    ("braised-fish", "Cá kho làng Vũ Đại", "food.processed", "31"),
    ("honey-1", "Mật ong rừng U Minh", "food.processed", "96"),
    ("honey-2", "Mật ong hoa nhãn Hưng Yên", "food.processed", "33"),
    ("honey-3", "Mật ong bạc hà Mèo Vạc", "food.processed", "08"),
    ("straw", "Ống hút cỏ bàng Phú Mỹ", "handicraft.household_decor", "82"),
    ("sedge-bag", "Túi cói Kim Sơn", "handicraft.household_decor", "37"),
    ("shiitake", "Nấm hương rừng khô Bắc Kạn", "food.raw_processed", "19"),
    ("tea-1", "Chè Shan tuyết cổ thụ Suối Giàng", "food.tea", "15"),
    ("tea-2", "Trà Shan tuyết Tà Xùa", "food.tea", "14"),
    ("tea-3", "Chè Tân Cương Thái Nguyên", "food.tea", "19"),
    ("artichoke-tea", "Trà atiso Đà Lạt", "food.tea", "68"),
    ("cinnamon", "Quế Trà My", "food.condiment", "48"),
    ("coconut-candy", "Kẹo dừa Bến Tre", "food.processed", "86"),
    ("peanut-north", "Lạc đỏ rang tỏi Nghi Lộc", "food.processed", "40"),
    ("peanut-south", "Đậu phộng rang muối Tây Ninh", "food.processed", "80"),
    ("sesame-north", "Vừng đen Hà Nam", "food.raw_processed", "37"),
    ("sesame-south", "Mè đen Quảng Nam", "food.raw_processed", "48"),
    ("pork-north", "Thịt lợn gác bếp Sơn La", "food.processed", "14"),
    ("pork-south", "Giò heo Thủ Đức", "food.processed", "79"),
    ("pineapple-north", "Dứa Đồng Giao", "food.fresh", "37"),
    ("pineapple-south", "Khóm Cầu Đúc", "food.fresh", "91"),
    ("corn-north", "Ngô nếp Mộc Châu", "food.fresh", "14"),
    ("corn-south", "Bắp nếp Bình Định", "food.fresh", "52"),
    ("custard-north", "Na Chi Lăng", "food.fresh", "20"),
    ("custard-south", "Mãng cầu Bà Đen", "food.fresh", "80"),
    ("bitter-north", "Mướp đắng rừng sấy khô", "food.raw_processed", "14"),
    ("bitter-south", "Khổ qua rừng sấy khô Tây Ninh", "food.raw_processed", "80"),
    ("bitter-tea", "Trà khổ qua rừng Tây Ninh", "food.tea", "80"),
    ("paste-north", "Mắm tôm Hậu Lộc", "food.condiment", "38"),
    ("paste-south", "Mắm ruốc Huế", "food.condiment", "46"),
    ("green-pepper", "Tiêu xanh sấy thăng hoa", "food.condiment", "66"),
    ("black-pepper", "Tiêu đen Phú Quốc", "food.condiment", "91"),
    ("lychee", "Vải thiều Lục Ngạn", "food.fresh", "24"),
    ("brocade", "Vải thổ cẩm Mai Châu", "textile.fabric_garment", "17"),
    ("silk", "Lụa Vạn Phúc", "textile.fabric_garment", "01"),
    ("dried-lychee", "Vải thiều sấy khô Lục Ngạn", "food.raw_processed", "24"),
    ("hemp", "Vải lanh Lùng Tám", "textile.fabric_garment", "08"),
    ("dong-noodle", "Miến dong Phja Đén", "food.processed", "04"),
    ("fish-sauce-1", "Nước mắm truyền thống Bảo Ninh", "food.condiment", "44"),
    ("fish-sauce-2", "Nước mắm Nam Ô", "food.condiment", "48"),
    ("artichoke-extract", "Cao atiso Đà Lạt", "herbal.health_medicine", "68"),
    ("village-tour", "Du lịch cộng đồng bản Áng Mộc Châu", "tourism.community_eco", "14"),
    ("village-site", "Điểm du lịch cộng đồng Bản Lác", "tourism.community_eco", "17"),
    ("smoked-pork", "Thịt lợn hun khói Lai Châu", "food.processed", "12"),
    ("tuna", "Cá ngừ đại dương Phú Yên", "food.fresh", "66"),
    ("soursop", "Mãng cầu xiêm Tân Phú Đông", "food.fresh", "82"),
    ("coffee-en", "Hải Đăng Arabica coffee", "food.coffee_cocoa", "68"),
    ("en-candy", "Thuận Phong Coconut candy", "food.processed", "86"),
    ("black-tea", "Hồng trà Shan tuyết Hà Giang", "food.tea", "02"),
    ("vase", "Bình gốm men lam Bát Tràng", "handicraft.household_decor", "01"),
    ("pottery", "Gốm Chu Đậu", "handicraft.household_decor", "30"),
    ("black-silk", "Lãnh Mỹ A Tân Châu", "textile.fabric_garment", "89"),
    ("silk-scarf", "Khăn lụa Bảo Lộc", "textile.fabric_garment", "68"),
    ("river-candy", "Sông Hồng Coconut candy", "food.processed", "01"),
    ("che-lam", "Chè lam Thạch Xá", "food.processed", "01"),
    ("rice-noodle", "Mì gạo Chũ", "food.processed", "24"),
    ("sapodilla", "Hồng xiêm Xuân Đỉnh", "food.fresh", "01"),
    ("cashew-south", "Đào lộn hột rang muối", "food.processed", "70"),
    ("duck-egg", "Trứng vịt muối Cà Mau", "food.processed", "96"),
    ("chicken-egg", "Hột gà ta Long An", "food.fresh", "80"),
    ("wood-ear", "Mộc nhĩ rừng Lai Châu", "food.raw_processed", "12"),
    ("pangasius", "Cá tra fillet An Giang", "food.fresh", "89"),
    ("can-wine", "Rượu cần Tây Nguyên Gia Lai", "beverage.alcoholic", "64"),
    ("plum-wine", "Rượu mơ Ba Chẽ", "beverage.alcoholic", "22"),
    ("squid", "Mực một nắng Phan Thiết", "food.raw_processed", "60"),
    ("cashew-kernel", "Điều nhân trắng W320 Đồng Xoài", "food.raw_processed", "70"),
    ("mango", "Xoài cát Hòa Lộc", "food.fresh", "82"),
    ("statue", "Tượng đá Ngũ Hành Sơn", "handicraft.household_decor", "48"),
    ("rice-brand", "Gạo thơm ST24 Mai Linh", "food.fresh", "94"),
    ("anchovy", "Cá cơm sấy Nha Trang", "food.processed", "56"),
    ("hill-chicken", "Gà đồi Yên Thế", "food.fresh", "24"),
    ("mineral-water", "Nước khoáng thiên nhiên Kênh Gà", "beverage.non_alcoholic", "37"),
    ("cordyceps", "Đông trùng hạ thảo Thái Nguyên", "herbal.health_medicine", "19"),
]


def _record(offer_id: str, title: str, category: str, province: str) -> OfferRecord:
    return OfferRecord(
        id=offer_id,
        title=title,
        category=category,
        unit="kg",
        producer_id=f"producer-{offer_id}",
        province=province,
        ocop_stars=4 if offer_id != "coffee-4" else 3,
        ocop_certified_until=date(2027, 12, 31),
        certifications=frozenset({"traceability"}) if offer_id != "coffee-2" else frozenset(),
    )


@pytest.fixture(scope="module")
def index() -> OfferIndex:
    return OfferIndex(_record(*row) for row in CATALOGUE)


def _request(title: str, **fields: Any) -> RequirementRecord:
    return RequirementRecord(id=f"r-{title}", title=title, **fields)


def _ranked(index: OfferIndex, title: str, **fields: Any) -> list[MatchResult]:
    return index.rank(_request(title, **fields), k=10, on=TODAY)


def _relevant(index: OfferIndex, title: str, **fields: Any) -> list[str]:
    return [m.offer_id for m in _ranked(index, title, **fields) if not m.related]


def _found(index: OfferIndex, q: str) -> list[str]:
    return [o.id for o, _ in index.search(q)]


def _starting(prefix: str) -> Callable[[str], bool]:
    return lambda offer_id: offer_id.startswith(prefix)


def test_ca_phe_without_accents_finds_coffee_and_nothing_else(index: OfferIndex) -> None:
    for query in ("ca phe", "cà phê", "caphe", "coffee"):
        found = _found(index, query)
        assert set(found) == {"coffee-1", "coffee-2", "coffee-3", "coffee-4", "coffee-en"}, query
        assert set(_relevant(index, query)) == set(found), query


def test_ca_phe_with_filters_shows_no_prawns_or_crab(index: OfferIndex) -> None:
    # Four stars, traceability, delivery to Cà Mau: only coffee that qualifies, never seafood
    # from Cà Mau because "ca" is in its name.
    results = _ranked(
        index,
        "ca phe",
        min_ocop_stars=4,
        required_certifications=frozenset({"traceability"}),
        delivery_provinces=frozenset({"96"}),
    )
    assert [m.offer_id for m in results if not m.related] and all(
        m.offer_id.startswith("coffee") for m in results
    )
    assert "coffee-2" not in {m.offer_id for m in results}  # no traceability
    assert "coffee-4" not in {m.offer_id for m in results}  # three stars


def test_mat_ong_rung_lists_honey_only_and_is_never_padded(index: OfferIndex) -> None:
    results = _ranked(index, "mat ong rung")
    assert [m.offer_id for m in results if not m.related] == ["honey-1"]
    # Other honeys may follow as related products, marked so; nothing else, and no padding.
    assert all(m.offer_id.startswith("honey") for m in results)
    assert all(m.related for m in results[1:])
    assert len(results) < 10


def test_mat_ong_with_accents_never_matches_ong_hut(index: OfferIndex) -> None:
    assert "straw" not in _found(index, "mật ong")
    assert "straw" not in _found(index, "mat ong")
    assert set(_found(index, "mật ong")) == {"honey-1", "honey-2", "honey-3"}
    assert _found(index, "ống hút") == ["straw"]


@pytest.mark.parametrize(
    ("north", "south", "north_offer", "south_offer"),
    [
        ("lạc rang", "đậu phộng rang", "peanut-north", "peanut-south"),
        ("vừng đen", "mè đen", "sesame-north", "sesame-south"),
        ("thịt lợn", "thịt heo", "pork-north", None),
        ("dứa", "khóm", "pineapple-north", "pineapple-south"),
        ("dứa", "thơm", "pineapple-north", "pineapple-south"),
        ("ngô nếp", "bắp nếp", "corn-north", "corn-south"),
        ("na", "mãng cầu", "custard-north", "custard-south"),
        ("mướp đắng", "khổ qua", "bitter-north", "bitter-south"),
        ("mắm tôm", "mắm ruốc", "paste-north", "paste-south"),
        ("chè shan tuyết", "trà shan tuyết", "tea-1", "tea-2"),
    ],
)
def test_regional_words_find_each_other_both_ways(
    index: OfferIndex, north: str, south: str, north_offer: str, south_offer: str | None
) -> None:
    for query in (north, south):
        found = _relevant(index, query)
        assert north_offer in found, (query, found)
        if south_offer is not None:
            assert south_offer in found, (query, found)


def test_english_green_pepper_finds_the_freeze_dried_pepper_only(index: OfferIndex) -> None:
    assert _relevant(index, "Green pepper, freeze-dried") == ["green-pepper"]
    assert _relevant(index, "Black pepper") == ["black-pepper"]


def test_vai_the_fruit_and_vai_the_cloth_stay_apart(index: OfferIndex) -> None:
    assert set(_relevant(index, "vải thiều")) == {"lychee", "dried-lychee"}
    assert set(_relevant(index, "vai thieu")) == {"lychee", "dried-lychee"}
    assert _relevant(index, "vải thiều tươi") == ["lychee"]
    assert _relevant(index, "vải thổ cẩm") == ["brocade"]
    assert "lychee" not in _relevant(index, "vải may áo")


def test_shan_tuyet_tea_is_not_cinnamon_or_coconut_by_place_names(index: OfferIndex) -> None:
    results = _ranked(index, "tra shan tuyet co thu")
    assert {m.offer_id for m in results if not m.related} == {"tea-1", "tea-2", "black-tea"}
    # Other teas may follow as related products; never cinnamon or candy from Trà My or
    # Bến Tre.
    assert all(
        m.offer_id.startswith(("tea", "artichoke", "bitter-tea", "black-tea")) for m in results
    )


def test_ca_kho_is_braised_fish_and_kho_ca_is_dried_fish(index: OfferIndex) -> None:
    assert _relevant(index, "cá kho") == ["braised-fish"]
    assert _relevant(index, "khô cá lóc") == ["dried-fish"]


def test_a_word_no_listing_has_finds_nothing_rather_than_its_neighbours(
    index: OfferIndex,
) -> None:
    assert _found(index, "sầu riêng") == []
    assert _ranked(index, "sầu riêng Cà Mau") == []


def test_a_run_together_or_misspelt_word_is_read_as_the_catalogue_spells_it(
    index: OfferIndex,
) -> None:
    assert set(_found(index, "matong")) == {"honey-1", "honey-2", "honey-3"}
    assert index.spelling("vai thieuu") == "vải thiều"


def test_dried_lychee_is_never_taken_for_a_cloth(index: OfferIndex) -> None:
    # "khô" (dried) folds like "khổ" (a fabric's width): the listing's accents tell them apart.
    for request in ("Hemp linen fabric", "vải may áo", "vải lanh"):
        assert "dried-lychee" not in {m.offer_id for m in _ranked(index, request)}, request
    assert _relevant(index, "vải thiều sấy khô")[0] == "dried-lychee"


def test_a_southern_final_n_typed_as_ng_still_finds_the_product(index: OfferIndex) -> None:
    # "mieng" is a word (miếng), so no typo of one, but the catalogue never writes it before
    # "dong": the request reads as the pair the catalogue writes, and the search page says so.
    assert _relevant(index, "mieng dong") == ["dong-noodle"]
    assert _found(index, "mieng dong") == ["dong-noodle"]
    assert index.spelling("mieng dong") == "miến dong"  # as the listings write it
    # A pair the catalogue writes is read as typed, with no spelling to offer.
    assert index.spelling("mien dong") is None


def test_cao_after_do_dam_is_high_not_an_extract(index: OfferIndex) -> None:
    for request in ("Nước mắm độ đạm cao", "nuoc mam do dam cao"):
        plan = index.plan(request)
        assert plan is not None
        assert "extract" not in {c for clause in plan.clauses for c in clause.concepts}
        results = {m.offer_id for m in _ranked(index, request)}
        assert {"fish-sauce-1", "fish-sauce-2"} <= results, request
        assert "artichoke-extract" not in results, request
    assert _relevant(index, "Cao atiso") == ["artichoke-extract"]


def test_traditional_fish_sauce_is_every_fish_sauce_the_one_saying_so_first(
    index: OfferIndex,
) -> None:
    assert _relevant(index, "Nước mắm truyền thống") == ["fish-sauce-1", "fish-sauce-2"]


def test_homestay_finds_community_tourism(index: OfferIndex) -> None:
    # A "điểm du lịch cộng đồng" (a community tourism site) is community tourism too.
    for request in ("Homestay", "du lịch cộng đồng", "Community based tourism"):
        assert set(_relevant(index, request)) == {"village-tour", "village-site"}, request
    assert _relevant(index, "homestay Mộc Châu")[0] == "village-tour"


def test_ground_coffee_named_with_its_variety_in_between_is_ground_coffee(
    index: OfferIndex,
) -> None:
    # "Cà phê Robusta rang xay": a "cà phê rang xay" with its variety between the words.
    assert set(_relevant(index, "Cà phê bột nguyên chất")) >= {"coffee-1", "coffee-3"}
    assert "coffee-3" in _relevant(index, "cà phê rang xay")
    # Beans are no ground coffee, and a candy named after coconut is no coconut.
    assert "coffee-2" not in _relevant(index, "Cà phê bột nguyên chất")
    assert "coconut-candy" not in _relevant(index, "dừa tươi")


def test_smoked_pork_is_smoked_pork_whether_hung_over_the_kitchen_or_smoked(
    index: OfferIndex,
) -> None:
    for request in ("Thịt heo gác bếp", "thịt lợn hun khói", "thit heo xong khoi"):
        assert set(_relevant(index, request)) == {"pork-north", "smoked-pork"}, request
    assert "smoked-pork" not in _relevant(index, "giò heo")
    # Hung over the kitchen fire ("gác bếp") is no fresh meat.
    for request in ("thịt lợn tươi", "thit heo tuoi"):
        assert "pork-north" not in _relevant(index, request), request


def test_braised_fish_typed_plain_is_no_ocean_tuna(index: OfferIndex) -> None:
    # "dai" of "Vũ Đại" is the "đại" of "đại dương" once accents are gone; "cá kho" is a
    # product of its own, so only a braised fish is one.
    for request in ("ca kho lang vu dai", "Cá kho tộ", "cá kho"):
        assert _relevant(index, request) == ["braised-fish"], request


def test_a_custard_apple_is_no_soursop(index: OfferIndex) -> None:
    for request in ("Mãng cầu ta tươi", "na"):
        assert "soursop" not in _relevant(index, request), request
    soursop = _relevant(index, "mãng cầu xiêm")
    assert "soursop" in soursop and "custard-north" not in soursop


def test_a_listing_titled_in_english_is_the_kind_its_last_words_name(index: OfferIndex) -> None:
    # "Arabica coffee" is a coffee; "Coconut candy" is a candy made of coconut, no coconut.
    for request in ("cà phê", "coffee", "ca phe"):
        assert "coffee-en" in _relevant(index, request), request
    assert "en-candy" not in _relevant(index, "dừa")
    assert "en-candy" in _relevant(index, "kẹo dừa")


def test_a_term_typed_partly_without_accents_is_still_that_term(index: OfferIndex) -> None:
    # The catalogue's accents restored to "shan tuyết" but not to "tra" (no title writes
    # "trà shan"): the three words are still one term, not any tea with two words more.
    glossary = default_glossary()
    assert "shan_tuyet_tea" in glossary.concepts(["tra", "shan", "tuyết"], ["tra", "shan", "tuyet"])
    assert "shan_tuyet_tea" in glossary.concepts(["trà", "shan", "tuyet"], ["tra", "shan", "tuyet"])
    # A word typed with other accents is another word ("trá" is no "trà").
    assert "shan_tuyet_tea" not in glossary.concepts(
        ["trá", "shan", "tuyết"], ["tra", "shan", "tuyet"]
    )
    for request in ("tra shan tuyet", "trà shan tuyết"):
        assert set(_relevant(index, request)) == {"tea-1", "tea-2", "black-tea"}, request


def test_an_english_request_is_offered_no_vietnamese_misreading(index: OfferIndex) -> None:
    # "to the US" read as Vietnamese syllables gave "tơ thế u".
    assert index.spelling("Sourcing dried rice noodles for export to the US") is None
    assert index.spelling("Black pepper for export to the US") is None


def test_a_product_answers_for_a_kind_its_name_does_not_start_with(index: OfferIndex) -> None:
    # A ceramic vase is pottery, "Lãnh Mỹ A" is woven of mulberry silk, a black tea of
    # Shan tuyết leaves is a Shan tuyết tea: each was missing from the lists of the kind.
    for request in ("Gốm", "gom", "pottery"):
        assert {"vase", "pottery"} <= set(_relevant(index, request)), request
    for request in ("Lụa tơ tằm may áo dài", "Lụa", "silk"):
        assert "black-silk" in _relevant(index, request), request
    # A silk scarf is still no silk fabric for a tailor.
    assert "silk-scarf" not in _relevant(index, "Lụa tơ tằm may áo dài")
    assert "black-tea" in _relevant(index, "Trà Shan tuyết Suối Giàng")
    # Asked for by its own name, it is what answers (a Shan tuyết tea is no black tea); the
    # Shan tuyết teas follow as related, as they do when it is not listed.
    assert _relevant(index, "Cần mua hồng trà Shan tuyết") == ["black-tea"]
    related = [m.offer_id for m in _ranked(index, "Cần mua hồng trà Shan tuyết") if m.related]
    assert set(related) == {"tea-1", "tea-2"}
    unlisted = OfferIndex([o for o in index.offers() if o.id != "black-tea"])
    shown = unlisted.rank(_request("Cần mua hồng trà Shan tuyết"), k=10, on=TODAY)
    assert {m.offer_id for m in shown[:2]} == {"tea-1", "tea-2"} and all(m.related for m in shown)
    # "Vải thổ cẩm" where the brocade is listed as "Thổ cẩm …" and the linen as "Vải …"
    # found the linen: the material named no listing's cloth.
    brocade = _record("brocade-2", "Thổ cẩm Mai Châu", "textile.fabric_garment", "17")
    cloth = OfferIndex([o for o in index.offers() if o.id != "brocade"] + [brocade])
    assert [o.id for o, _ in cloth.search("vải thổ cẩm")] == ["brocade-2"]
    # Nor is every tea a black tea ("hồng trà" listed them all).
    assert _relevant(index, "hồng trà") == ["black-tea"]
    # Not the other way round: a vase is asked for, not every pot.
    assert "vase" in _relevant(index, "Bình gốm trang trí")


def test_song_hong_is_a_river_not_a_persimmon_or_a_black_tea(index: OfferIndex) -> None:
    # "Sông Hồng Coconut candy" was shown (as related) for "hồng trà Shan tuyết".
    for request in ("hồng trà", "Cần mua hồng trà Shan tuyết", "hồng sấy dẻo"):
        assert "river-candy" not in [m.offer_id for m in _ranked(index, request)], request
    assert "river-candy" in _relevant(index, "kẹo dừa")


def test_che_lam_is_a_sweet_not_a_tea(index: OfferIndex) -> None:
    # "Chè lam" (a sticky-rice sweet) was read as tea: the row saying it is no tea named no
    # product, so it did nothing.
    for request in ("chè", "trà", "tea", "Chè Thái Nguyên"):
        assert "che-lam" not in [m.offer_id for m in _ranked(index, request)], request
    assert _relevant(index, "chè lam") == ["che-lam"]


def _shown(index: OfferIndex, title: str) -> list[str]:
    return [m.offer_id for m in _ranked(index, title)]


def test_a_word_naming_several_products_that_starts_a_name_is_none_of_them(
    index: OfferIndex,
) -> None:
    # "Mì gạo" (a rice noodle) was listed for bread, cassava and MSG; "Hồng xiêm" (a
    # sapodilla) for persimmons and black tea; "Đào lộn hột" (cashews) for peaches.
    for request in ("bánh mì", "mì chính", "khoai mì", "bột ngọt"):
        assert "rice-noodle" not in _shown(index, request), request
    for request in ("hồng sấy dẻo", "hồng trà", "quả hồng"):
        assert "sapodilla" not in _shown(index, request), request
    assert "cashew-south" not in _shown(index, "đào tươi Mộc Châu")
    assert "rice-noodle" in _relevant(index, "mì gạo")
    assert "sapodilla" in _relevant(index, "sa pô chê")
    assert "cashew-south" in _relevant(index, "hạt điều")


def test_a_syllable_the_vocabulary_writes_without_accents_is_that_syllable(
    index: OfferIndex,
) -> None:
    # "du" of "du lịch" was read as "dù" (an umbrella), "khe" of Khe Sanh as "khế" (star
    # fruit), "tra" of "cá tra" as "trà" (tea).
    assert "village-tour" not in _shown(index, "ô dù")
    assert "coffee-4" not in _shown(index, "khế")
    assert "pangasius" not in _shown(index, "trà")
    # A word typed without its accents in an accented request is still read ("rừng").
    assert "honey-1" in _relevant(index, "Mật ong rung U Minh")


def test_a_product_is_the_same_kind_whatever_the_regions_call_it(index: OfferIndex) -> None:
    # Wood ear is "nấm mèo" in the South; eggs are "hột" there.
    assert {"wood-ear", "shiitake"} <= set(_relevant(index, "nấm"))
    assert {"duck-egg", "chicken-egg"} <= set(_relevant(index, "trứng"))
    chicken = _relevant(index, "trứng gà")
    assert "chicken-egg" in chicken and "duck-egg" not in chicken
    # Bitter melon is no luffa.
    assert "bitter-north" not in _relevant(index, "mướp")


def test_a_name_holding_a_filler_word_is_still_read_as_that_name(index: OfferIndex) -> None:
    # "cần" (need) is filler in a request, but not inside "rượu cần": "Tìm nguồn rượu cần"
    # listed every liquor.
    for request in ("rượu cần", "Tìm nguồn rượu cần", "Cần rượu cần Tây Nguyên đạt OCOP 3 sao"):
        assert _relevant(index, request) == ["can-wine"], request
    assert _relevant(index, "Cần mua mực một nắng") == ["squid"]


def test_a_place_in_a_title_is_no_product(index: OfferIndex) -> None:
    # Cashew kernels from Đồng Xoài were read as mangoes, a statue from Ngũ Hành Sơn as an
    # onion ("hành").
    assert _relevant(index, "xoài") == ["mango"]
    assert "statue" not in _shown(index, "hành")
    assert {"cashew-kernel", "cashew-south"} <= set(_relevant(index, "hạt điều"))


def test_a_product_no_listing_names_finds_nothing_rather_than_its_syllables(
    index: OfferIndex,
) -> None:
    # "linh chi" (reishi), read as its words, found rice of the Mai Linh brand.
    assert _shown(index, "linh chi") == []


def test_a_product_named_beside_its_kind_is_not_any_of_that_kind(index: OfferIndex) -> None:
    # With no duck egg, snakehead or reishi listed, "trứng vịt" listed chicken eggs, "cá lóc"
    # dried anchovies and "nấm linh chi" shiitake as what was asked for (and told their
    # producers so): the name said what no listing is, so it judged nothing. They are
    # other products of the kind asked for: related, not relevant.
    for request, other in (
        ("trứng vịt tươi", "chicken-egg"),
        ("cá lóc đồng", "anchovy"),
        ("nấm linh chi", "shiitake"),
    ):
        results = _ranked(index, request)
        assert other not in [m.offer_id for m in results if not m.related], request
    assert "chicken-egg" in [m.offer_id for m in _ranked(index, "trứng vịt tươi") if m.related]
    # Where it is listed, it is found.
    assert "duck-egg" in _relevant(index, "trứng vịt muối")
    # The producer's view agrees: the hen's eggs are asked for by "trứng", not "trứng vịt".
    hens = index.get("chicken-egg")
    assert hens is not None
    asked = [_request("trứng vịt tươi"), _request("trứng gà ta")]
    assert [m.requirement_id for m in index.rank_requirements(hens, asked, on=TODAY)] == [
        "r-trứng gà ta"
    ]


def test_herbal_tea_is_every_tisane(index: OfferIndex) -> None:
    # "trà thảo mộc" found no listing named so, then every tea by its word "trà".
    herbal = set(_relevant(index, "trà thảo mộc"))
    assert {"artichoke-tea", "bitter-tea"} <= herbal
    assert not herbal & {"tea-1", "tea-2", "tea-3", "black-tea"}


def test_a_filter_bag_is_a_tea_bag_not_a_bag(index: OfferIndex) -> None:
    # "túi lọc" (tea bags, as the trade says it) listed sedge bags.
    assert "sedge-bag" not in _shown(index, "túi lọc")


def _related(index: OfferIndex, q: str) -> list[str]:
    return [o.id for o, _ in index.related_search(q)]


def test_a_search_for_a_product_none_lists_relates_the_others_of_its_kind(
    index: OfferIndex,
) -> None:
    # No duck egg listed: "trứng vịt" finds nothing, and the chicken eggs are of its kind.
    unlisted = OfferIndex([o for o in index.offers() if o.id != "duck-egg"])
    for q in ("trứng vịt", "trung vit"):
        assert _found(unlisted, q) == [], q
        assert "chicken-egg" in _related(unlisted, q), q
        assert not set(_related(unlisted, q)) - {"chicken-egg"}, q
    # Teas for a black Shan tuyết tea none lists, the Shan tuyết ones first; never a candy
    # or cinnamon.
    no_black_tea = OfferIndex([o for o in index.offers() if o.id != "black-tea"])
    assert _found(no_black_tea, "hồng trà Shan tuyết") == []
    teas = _related(no_black_tea, "hồng trà Shan tuyết")
    assert set(teas[:2]) == {"tea-1", "tea-2"}
    assert all(tea.endswith("tea") or tea.startswith("tea") for tea in teas), teas


def test_related_search_never_repeats_a_result_and_gives_the_best_first(
    index: OfferIndex,
) -> None:
    assert _found(index, "mật ong rừng") == ["honey-1"]
    related = index.related_search("mật ong rừng")
    assert {o.id for o, _ in related} == {"honey-2", "honey-3"}
    scores = [score for _, score in related]
    assert scores == sorted(scores, reverse=True)
    assert [o.id for o, _ in index.related_search("mật ong rừng", limit=1)] == [related[0][0].id]
    # Every coffee is a coffee asked for: none is only related.
    assert _related(index, "cà phê") == []


def test_related_search_has_nothing_without_words_or_for_words_no_product_has(
    index: OfferIndex,
) -> None:
    for q in ("", "   ", "xyzzy", "linh chi"):
        assert _related(index, q) == [], q


def test_a_hens_egg_is_no_hen_and_kenh_ga_water_no_chicken(index: OfferIndex) -> None:
    # Eggs read as "a form of chicken" (as "bình gốm" is a form of pottery) listed the hens
    # for "trứng gà"; "gà" as a word found Kênh Gà's mineral water.
    assert _relevant(index, "gà") == ["hill-chicken"]
    assert "hill-chicken" not in _shown(index, "trứng gà")
    assert "chicken-egg" in _relevant(index, "trứng gà")


def test_how_buyers_shorten_and_place_names_they_share(index: OfferIndex) -> None:
    # "đông trùng" (cordyceps, as buyers shorten it) found silk from Hà Đông by "đông"; "tre"
    # (bamboo) found Bến Tre's coconut candy; Vạn Phúc silk is mulberry silk.
    assert _relevant(index, "đông trùng") == ["cordyceps"]
    assert "coconut-candy" not in _shown(index, "tre")
    assert "silk" in _relevant(index, "lụa tơ tằm")

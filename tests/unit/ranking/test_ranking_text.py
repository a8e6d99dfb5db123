from matchmaker.ranking.glossary import default_glossary
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.text import char_ngrams, fold, fold_key, normalize, singular, words

CATALOGUE = [
    ("1", "Bánh tráng phơi sương Trảng Bàng", "food.processed"),
    ("2", "Nước mắm cá cơm Phú Quốc 40 độ đạm", "food.condiment"),
    ("3", "Hạt mắc ca sấy nứt vỏ Đắk Lắk", "food.processed"),
    ("4", "Yến sào Khánh Hòa tinh chế", "herbal.health_medicine"),
    ("5", "Đông trùng hạ thảo sấy thăng hoa", "herbal.health_medicine"),
    ("6", "Trà Shan tuyết cổ thụ Hà Giang", "food.tea"),
    ("7", "Mật ong hoa cà phê Buôn Ma Thuột", "food.processed"),
    ("8", "Cà phê Robusta rang xay nguyên chất", "food.coffee_cocoa"),
    ("9", "Giỏ mây tre đan thủ công", "handicraft.household_decor"),
    ("10", "Đậu phộng rang tỏi ớt", "food.processed"),
]


def _index(make_offer):
    return OfferIndex(make_offer(i, t, category=c) for i, t, c in CATALOGUE)


def test_existing_folding_behaviour_is_kept():
    assert normalize("  Bánh   TRÁNG ") == "bánh tráng"
    assert fold("Đông trùng hạ thảo") == "dong trung ha thao"
    assert fold_key("Nước mắm (Phú Quốc)!") == "nuoc mam phu quoc"


def test_words_singular_and_character_ngrams():
    assert words("Mắc ca, sấy-khô") == ["mắc", "ca", "sấy", "khô"]
    assert (
        singular("cashews") == "cashew"
        and singular("berries") == "berry"
        and singular("grass") == "grass"
    )
    assert char_ngrams(["ca"]) == [" ca", "ca "]


def test_glossary_has_enough_common_ocop_terms():
    glossary = default_glossary()
    assert len(glossary.entries) >= 150
    assert "rice paper" in glossary.english_for("bánh tráng")
    assert "cordyceps" in glossary.english_for("đông trùng hạ thảo")


def test_typed_without_accents_finds_the_listing(make_offer, make_requirement, today):
    index = _index(make_offer)
    for query, expected in [
        ("banh trang phoi suong", "1"),
        ("nuoc mam phu quoc", "2"),
        ("dong trung ha thao", "5"),
        ("dau phong rang", "10"),  # "đ" typed as "d"
        ("banhtrang", "1"),  # run together
    ]:
        top = index.rank(make_requirement(query), k=3, on=today)
        assert top and top[0].offer_id == expected, query


def test_english_request_finds_vietnamese_listing(make_offer, make_requirement, today):
    index = _index(make_offer)
    for query, expected in [
        ("rice paper", "1"),
        ("fish sauce", "2"),
        ("macadamia nuts", "3"),
        ("edible bird's nest", "4"),
        ("cordyceps", "5"),
        ("shan tuyet green tea", "6"),
        ("coffee blossom honey", "7"),
        ("roasted ground coffee", "8"),
        ("rattan baskets", "9"),
        ("roasted peanuts", "10"),
    ]:
        top = index.rank(make_requirement(query), k=3, on=today)
        assert top and top[0].offer_id == expected, query


def test_vietnamese_request_finds_english_listing(make_offer, make_requirement, today):
    index = OfferIndex(
        [
            make_offer("en1", "Premium fish sauce 40N", category="food.condiment"),
            make_offer("en2", "Dried mango slices", category="food.processed"),
        ]
    )
    assert index.rank(make_requirement("nước mắm"), on=today)[0].offer_id == "en1"
    assert index.rank(make_requirement("xoài sấy dẻo"), on=today)[0].offer_id == "en2"


def test_accents_typed_by_the_buyer_prefer_the_same_word(make_offer, make_requirement, today):
    index = OfferIndex(
        [
            make_offer("bo", "Khô bò một nắng", category="food.processed"),
            make_offer("bo2", "Khô bơ sáp", category="food.processed"),
        ]
    )
    assert index.rank(make_requirement("khô bò"), on=today)[0].offer_id == "bo"

"""Supplier search as a buyer notices it: whole words marked, sorting, a price range, and
what to drop when nothing is found."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.errors import Invalid
from matchmaker.matching.search import (
    SNIPPET_CHARS,
    SearchFilters,
    Suggestion,
    highlight,
    highlighted_snippet,
    query_words,
    search_offers,
    snippet,
)
from matchmaker.matching.service import RankingState

TODAY = date.today()
CERTIFIED = {"ocop_certified_on": date(TODAY.year - 1, 1, 15)}


def marked(text: str, q: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", highlight(text, query_words(q)))


def test_only_whole_words_are_marked_never_a_part_of_one() -> None:
    title = "Cà phê Arabica Cầu Đất, cách rang medium"
    assert marked(title, "ca") == ["Cà"]
    assert highlight(title, query_words("ca")) == (
        "<mark>Cà</mark> phê Arabica Cầu Đất, cách rang medium"
    )
    assert marked("Nước mắm cá cơm", "ca com") == ["cá", "cơm"]
    assert marked("Bánh tráng phơi sương", "ban") == []


def test_the_query_phrase_is_marked_rather_than_its_words_alone() -> None:
    text = "Mật ong hoa cà phê Xanh Việt, cà chua bi và phê duyệt"
    assert marked(text, "ca phe") == ["cà", "phê"]
    assert "hoa <mark>cà</mark> <mark>phê</mark> Xanh" in highlight(text, query_words("ca phe"))
    # Without the phrase in the text, each word is marked where it stands.
    assert marked("Cà chua bi Đà Lạt", "ca phe") == ["Cà"]
    # A query word outside every phrase found is still marked.
    assert marked("Cà phê hạt Robusta, cà chua", "ca phe robusta") == ["Cà", "phê", "Robusta"]


def test_words_typed_with_accents_mark_only_the_same_accents() -> None:
    text = "Mật ong rừng đóng trong ống tre; mat ong"
    assert marked(text, "mật ong") == ["Mật", "ong"]
    assert marked("Ống hút cỏ bàng", "ong") == ["Ống"]
    assert marked("Ống hút cỏ bàng", "ông") == []
    # Old and new tone placement are one spelling.
    assert marked("Khánh Hoà, Khánh Hòa, hoa", "hòa") == ["Hoà", "Hòa"]


def test_the_text_around_the_marks_is_escaped() -> None:
    assert highlight("<b>Cà</b> phê & trà", query_words("ca phe")) == (
        "&lt;b&gt;<mark>Cà</mark>&lt;/b&gt; <mark>phê</mark> &amp; trà"
    )


DESCRIPTION = (
    "Sản phẩm được làm thủ công từ nguyên liệu tự nhiên chọn lọc kỹ lưỡng qua nhiều công đoạn "
    "truyền thống của làng nghề lâu đời. Cà phê Robusta rang mộc từ vùng đất đỏ bazan Buôn Ma "
    "Thuột, không pha trộn tạp chất, đóng túi giấy kraft có van một chiều giữ hương thơm lâu, "
    "hạn dùng mười hai tháng kể từ ngày sản xuất ghi trên bao bì."
)


def test_snippets_start_and_end_with_whole_words_around_the_first_match() -> None:
    words = set(re.findall(r"\w+", DESCRIPTION))
    for q in ("ca phe", "robusta", "khong co", "bao bi"):
        excerpt = snippet(DESCRIPTION, query_words(q))
        assert len(excerpt) <= SNIPPET_CHARS + 2
        inner = excerpt.strip("…")
        assert inner == inner.strip()
        assert set(re.findall(r"\w+", inner)) <= words, (q, excerpt)
        assert DESCRIPTION.find(inner) >= 0
    around = snippet(DESCRIPTION, query_words("robusta"))
    assert around.startswith("…") and around.endswith("…") and "Robusta" in around
    shown = highlighted_snippet(DESCRIPTION, query_words("ca phe"))
    assert "<mark>Cà</mark> <mark>phê</mark> Robusta" in shown


@pytest.fixture
def coffee(db: Session) -> dict[str, int]:
    dak_lak = services.create_organization(
        db, {"kind": "producer", "name": "HTX Cà phê Ea Tu", "province": "Đắk Lắk"}
    )
    lam_dong = services.create_organization(
        db, {"kind": "producer", "name": "HTX Cầu Đất", "province": "Lâm Đồng"}
    )
    coffee = {"category": "food.coffee_cocoa", "unit": "kg"}
    ids = {
        "robusta": services.create_offer(
            db, dak_lak,
            {"title": "Cà phê Robusta Buôn Ma Thuột", **coffee, "unit_price_vnd": 180_000,
             "ocop_stars": 3, **CERTIFIED},
        ).id,
        "instant": services.create_offer(
            db, dak_lak,
            {"title": "Cà phê hòa tan 3 in 1", **coffee, "unit_price_vnd": 64_000,
             "ocop_stars": 4, **CERTIFIED, "certifications": ["haccp"]},
        ).id,
        "arabica": services.create_offer(
            db, lam_dong,
            {"title": "Cà phê Arabica Cầu Đất", **coffee, "unit_price_vnd": 590_000,
             "ocop_stars": 5, **CERTIFIED},
        ).id,
        "unpriced": services.create_offer(
            db, lam_dong, {"title": "Cà phê chồn Cầu Đất", **coffee},
        ).id,
    }  # fmt: skip
    db.commit()
    return ids


def found(db: Session, state: RankingState, **filters: object) -> list[int]:
    result = search_offers(db, state, SearchFilters(**filters))  # type: ignore[arg-type]
    return [hit.offer.id for hit in result.items]


def test_sorting_by_price_and_by_stars(db: Session, coffee: dict[str, int]) -> None:
    state = RankingState()
    assert found(db, state, q="ca phe", sort="price_asc") == [
        coffee["instant"], coffee["robusta"], coffee["arabica"], coffee["unpriced"],
    ]  # fmt: skip
    assert found(db, state, q="ca phe", sort="price_desc") == [
        coffee["arabica"], coffee["robusta"], coffee["instant"], coffee["unpriced"],
    ]  # fmt: skip
    assert found(db, state, sort="stars")[:3] == [
        coffee["arabica"], coffee["instant"], coffee["robusta"],
    ]  # fmt: skip
    relevance = found(db, state, q="ca phe")
    assert sorted(relevance) == sorted(coffee.values())
    assert found(db, state, q="ca phe", sort="relevance") == relevance


def test_the_price_range_is_per_unit_and_leaves_out_offers_without_a_price(
    db: Session, coffee: dict[str, int]
) -> None:
    state = RankingState()
    assert set(found(db, state, q="ca phe", min_price=100_000)) == {
        coffee["robusta"], coffee["arabica"],
    }  # fmt: skip
    assert found(db, state, q="ca phe", max_price=100_000) == [coffee["instant"]]
    assert found(db, state, min_price=64_000, max_price=180_000, sort="price_asc") == [
        coffee["instant"], coffee["robusta"],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("filters", "field", "code"),
    [
        ({"min_price": 200_000, "max_price": 100_000}, "max_price", "search.price_range"),
        ({"min_price": -1}, "min_price", "field.not_negative"),
        ({"sort": "newest"}, "sort", "field.choice"),
    ],
)
def test_a_broken_range_or_an_unknown_order_is_refused(
    db: Session, filters: dict[str, object], field: str, code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        search_offers(db, RankingState(), SearchFilters(**filters))  # type: ignore[arg-type]
    assert refused.value.code == "search.invalid"
    assert [(e.field, e.code) for e in refused.value.errors] == [(field, code)]


def test_nothing_found_says_how_many_each_dropped_filter_would_give(
    db: Session, coffee: dict[str, int]
) -> None:
    dak_lak = services.get_offer(db, coffee["robusta"]).province
    result = search_offers(
        db,
        RankingState(),
        SearchFilters(q="ca phe", province=dak_lak, min_stars=5, max_price=100_000),
    )
    assert result.total == 0 and result.items == []
    assert result.suggestions == [
        Suggestion("min_stars", 1),  # the instant coffee
        Suggestion("province", 0),
        Suggestion("max_price", 0),
    ]
    found_some = search_offers(db, RankingState(), SearchFilters(q="ca phe", province=dak_lak))
    assert found_some.total == 2 and found_some.suggestions == []


def test_facets_never_list_a_name_twice_and_ties_read_in_alphabet_order(
    db: Session, coffee: dict[str, int]
) -> None:
    dak_lak = services.get_offer(db, coffee["robusta"]).organization_id
    services.create_offer(
        db, services.get_organization(db, dak_lak),
        {"title": "Homestay Ea Tu", "category": "tourism.community_eco", "unit": "set"},
    )  # fmt: skip
    db.commit()
    facets = search_offers(db, RankingState(), SearchFilters()).facets
    names = [f.name for f in facets["category"]]
    assert len(names) == len(set(names))
    assert ("tourism", 1) in [(f.code, f.count) for f in facets["category"]]
    # Most offers first, then in alphabet order (code points would put "Lâm Đồng" first).
    assert [f.name for f in facets["province"]][:2] == ["Đắk Lắk", "Lâm Đồng"]
    tied = search_offers(db, RankingState(), SearchFilters(q="ca phe")).facets["province"]
    assert [(f.name, f.count) for f in tied] == [("Đắk Lắk", 2), ("Lâm Đồng", 2)]

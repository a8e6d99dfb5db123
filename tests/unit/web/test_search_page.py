"""The buyer's search page: filters as removable chips, sorting, a price range with friendly
messages, whole-word marks, and what to drop when nothing is found, in both languages."""

from __future__ import annotations

import html
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.ranking import reference

from .conftest import MakeUser, sign_in

TODAY = date.today()
DAK_LAK = reference.resolve_province("Đắk Lắk").province.code  # type: ignore[union-attr]


@pytest.fixture
def buyer_client(client: FlaskClient, db: Session, make_user: MakeUser) -> FlaskClient:
    dak_lak = make_user("producer", province="Đắk Lắk")
    lam_dong = make_user("producer", province="Lâm Đồng")
    coffee = {"category": "food.coffee_cocoa", "unit": "kg"}
    certified = {"ocop_stars": 4, "ocop_certified_on": date(TODAY.year - 1, 1, 15)}
    services.create_offer(db, dak_lak.organization, {
        "title": "Cà phê Robusta Buôn Ma Thuột", **coffee, "unit_price_vnd": 180_000,
        "certifications": ["haccp"], **certified})  # fmt: skip
    services.create_offer(db, dak_lak.organization, {
        "title": "Cà phê hòa tan", **coffee, "unit_price_vnd": 64_000})  # fmt: skip
    services.create_offer(db, lam_dong.organization, {
        "title": "Cà phê Arabica Cầu Đất", **coffee, "unit_price_vnd": 590_000})  # fmt: skip
    db.commit()
    sign_in(client, make_user("buyer"))
    return client


def page(client: FlaskClient, query: str) -> str:
    response = client.get(f"/buyer/search?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _card_titles(text: str) -> list[str]:
    return [
        re.sub(r"<.*?>", "", t) for t in re.findall(r'<h3><a href="[^"]+">(.*?)</a></h3>', text)
    ]


def titles(text: str) -> list[str]:
    """The results' titles, not those of the related products listed apart below them."""
    return _card_titles(text.split('class="related-products"')[0])


def related(text: str) -> list[str]:
    """The titles in the related products' section; none when there is no section."""
    parts = text.split('<section class="related-products"')
    return _card_titles(parts[1].split("</section>")[0]) if len(parts) > 1 else []


def chips(text: str) -> dict[str, dict[str, list[str]]]:
    """Each chip's filter and what its link asks for."""
    found = re.findall(r'<a class="chip" href="([^"]+)"[^>]*data-filter="(\w+)"', text)
    return {name: parse_qs(urlsplit(html.unescape(url)).query) for url, name in found}


def test_active_filters_are_chips_each_removing_only_its_filter(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, f"q=ca phe&province={DAK_LAK}&min_stars=4&max_price=200000"
                              "&sort=price_asc&page=1")  # fmt: skip
    assert titles(text) == ["Cà phê Robusta Buôn Ma Thuột"]
    links = chips(text)
    assert list(links) == ["province", "min_stars", "max_price"]
    assert links["province"] == {
        "q": ["ca phe"], "min_stars": ["4"], "max_price": ["200000"], "sort": ["price_asc"],
    }  # fmt: skip
    assert "province" in links["min_stars"] and "min_stars" not in links["min_stars"]
    assert ">Đắk Lắk <" in text and "Từ 4 sao trở lên" in text and "Đến 200.000" in text
    clear_all = re.search(r'<a class="clear-all" href="([^"]+)">Xóa tất cả</a>', text)
    assert clear_all
    assert parse_qs(urlsplit(html.unescape(clear_all.group(1))).query) == {
        "q": ["ca phe"], "sort": ["price_asc"],
    }  # fmt: skip


def test_following_a_chip_keeps_the_other_filters(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, f"q=ca phe&province={DAK_LAK}&max_price=200000")
    url = re.search(r'<a class="chip" href="([^"]+)"[^>]*data-filter="province"', text)
    assert url
    after = buyer_client.get(html.unescape(url.group(1))).get_data(as_text=True)
    assert list(chips(after)) == ["max_price"]
    assert set(titles(after)) == {"Cà phê hòa tan", "Cà phê Robusta Buôn Ma Thuột"}


def test_no_chips_without_filters(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, "q=ca phe")
    assert 'class="chip"' not in text and "Xóa tất cả" not in text


def test_sorting_is_a_choice_on_the_page(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, "q=ca phe&sort=price_desc")
    assert titles(text) == [
        "Cà phê Arabica Cầu Đất", "Cà phê Robusta Buôn Ma Thuột", "Cà phê hòa tan",
    ]  # fmt: skip
    assert '<option value="price_desc" selected>Giá: cao đến thấp</option>' in text
    assert titles(page(buyer_client, "q=ca phe&sort=price_asc"))[0] == "Cà phê hòa tan"
    # An order the page does not know is the default one, not an error.
    assert '<option value="relevance" selected>' in page(buyer_client, "q=ca phe&sort=x")


def test_marks_are_whole_words(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, "q=ca")
    assert "<mark>Cà</mark> phê Arabica Cầu Đất" in text
    assert "<mark>Cầ</mark>" not in text and "<mark>C</mark>" not in text
    phrase = page(buyer_client, "q=ca phe")
    assert "<mark>Cà</mark> <mark>phê</mark> Arabica Cầu Đất" in phrase


def test_a_mistyped_price_gets_a_message_and_the_rest_of_the_search_works(
    buyer_client: FlaskClient,
) -> None:
    text = page(buyer_client, "q=ca phe&min_price=500.000&max_price=100000")
    assert "Giá cao nhất phải lớn hơn hoặc bằng giá thấp nhất." in text
    assert 'aria-invalid="true" aria-describedby="max_price-error"' in text
    assert 'value="500.000"' in text  # kept as typed, to correct
    assert len(titles(text)) == 3 and "max_price" not in chips(text)

    text = page(buyer_client, "q=ca phe&min_price=-1")
    assert "Nhập số từ 0 trở lên." in text
    text = page(buyer_client, "q=ca phe&max_price=nhiều")
    assert "Nhập số nguyên." in text
    # Thousands separators as people write them.
    text = page(buyer_client, "q=ca phe&max_price=100.000")
    assert titles(text) == ["Cà phê hòa tan"] and "Đến 100.000" in text

    buyer_client.get("/lang/en")
    text = page(buyer_client, "q=ca phe&min_price=9&max_price=1")
    assert "The highest price must be at least the lowest price." in text


def test_nothing_found_offers_to_drop_a_filter_with_its_count(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, f"q=ca phe&province={DAK_LAK}&min_price=500000")
    assert titles(text) == []
    assert "Bỏ lọc tỉnh Đắk Lắk: 1 kết quả" in text
    assert "Bỏ giá thấp nhất 500.000" in text and ": 2 kết quả" in text
    suggestion = re.search(r'<a href="([^"]+)" data-filter="province">', text)
    assert suggestion
    after = buyer_client.get(html.unescape(suggestion.group(1))).get_data(as_text=True)
    assert titles(after) == ["Cà phê Arabica Cầu Đất"]

    buyer_client.get("/lang/en")
    text = page(buyer_client, f"q=ca phe&province={DAK_LAK}&min_price=500000")
    assert "Without the province Dak Lak: 1 found" in text
    assert "Clear all" in text


def test_nothing_found_without_filters_asks_for_other_words(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, "q=xyzzy")
    assert "Hãy thử từ khác" in text and "Bỏ lọc" not in text


def test_nothing_found_even_without_one_filter_says_so(buyer_client: FlaskClient) -> None:
    text = page(buyer_client, f"q=ca phe&province={DAK_LAK}&min_price=500000&min_stars=5")
    assert "Bỏ riêng một bộ lọc nào cũng chưa đủ." in text and "Xóa tất cả" in text
    assert 'data-filter="province">' not in text.split('class="no-results"')[1]


def test_words_the_catalogue_spells_otherwise_get_a_did_you_mean_link(
    buyer_client: FlaskClient,
) -> None:
    text = page(buyer_client, "q=robustaa&max_price=200000")
    assert titles(text) == ["Cà phê Robusta Buôn Ma Thuột"]
    spelling = r'<p class="spelling">Có phải bạn muốn tìm: <a href="([^"]+)"[^>]*>(.*?)<'
    found = re.search(spelling, text)
    assert found and found.group(2) == "robusta"
    assert parse_qs(urlsplit(html.unescape(found.group(1))).query) == {
        "q": ["robusta"], "max_price": ["200000"],
    }  # fmt: skip
    assert 'class="spelling"' not in page(buyer_client, "q=robusta")

    buyer_client.get("/lang/en")
    assert "Did you mean: <a" in page(buyer_client, "q=robustaa")


def test_on_a_phone_the_results_come_first_with_a_link_down_to_the_filters(
    buyer_client: FlaskClient,
) -> None:
    text = page(buyer_client, "q=ca phe")
    assert 'id="filters"' in text
    assert '<p class="to-filters"><a href="#filters">Lọc kết quả</a></p>' in text
    # (That the results show above the filters on a phone is seen in the browser journey.)


def test_a_search_that_finds_nothing_shows_no_empty_filter_headings(
    buyer_client: FlaskClient,
) -> None:
    text = page(buyer_client, "q=xyzzy")
    for heading in ("Nhóm sản phẩm", "Hạng OCOP", "Chứng nhận", "Tỉnh, thành", "Lọc kết quả"):
        assert heading not in text.split('class="search-layout"')[1], heading
    assert "Nhóm sản phẩm" in page(buyer_client, "q=ca phe")


@pytest.fixture
def eggs_client(client: FlaskClient, db: Session, make_user: MakeUser) -> FlaskClient:
    """Five chicken eggs and one salted duck egg, from three provinces."""
    farms = {p: make_user("producer", province=p) for p in ("Cà Mau", "Tây Ninh", "Đồng Tháp")}
    for title, category, province, price in (
        ("Trứng vịt muối Cà Mau", "food.processed", "Cà Mau", 45_000),
        ("Trứng gà ta thả vườn", "food.fresh", "Tây Ninh", 38_000),
        ("Trứng gà Ai Cập", "food.fresh", "Tây Ninh", 35_000),
        ("Trứng gà sạch Sa Đéc", "food.fresh", "Đồng Tháp", 40_000),
        ("Trứng gà omega 3", "food.fresh", "Cà Mau", 55_000),
        ("Trứng gà tươi Đồng Tháp", "food.fresh", "Đồng Tháp", 60_000),
    ):
        offer = {"title": title, "category": category, "unit": "box", "unit_price_vnd": price}
        services.create_offer(db, farms[province].organization, offer)
    db.commit()
    sign_in(client, make_user("buyer"))
    return client


CHICKEN_EGGS = {
    "Trứng gà ta thả vườn", "Trứng gà Ai Cập", "Trứng gà sạch Sa Đéc", "Trứng gà omega 3",
    "Trứng gà tươi Đồng Tháp",
}  # fmt: skip


def test_a_search_finding_few_lists_related_products_apart_in_both_languages(
    eggs_client: FlaskClient,
) -> None:
    text = page(eggs_client, "q=trứng vịt")
    assert titles(text) == ["Trứng vịt muối Cà Mau"]
    assert "Tìm thấy 1 sản phẩm" in text  # the related ones are not counted
    shown = related(text)
    assert len(shown) == 3 and set(shown) <= CHICKEN_EGGS
    section = text.split('<section class="related-products"')[1]
    assert '<h2 id="related" class="h3">Sản phẩm liên quan</h2>' in section
    assert "Không đúng sản phẩm bạn tìm, nhưng cùng loại." in section
    assert '<li class="card related">' in section and "<mark>Trứng</mark> gà" in section
    # Below the results, and counted in no facet.
    assert text.index('class="related-products"') > text.index('<ul class="cards">')
    facets = text.split('class="facets"')[1].split("</aside>")[0]
    assert "category=food.fresh" not in facets and 'class="count">1<' in facets

    eggs_client.get("/lang/en")
    text = page(eggs_client, "q=trứng vịt")
    assert '<h2 id="related" class="h3">Related products</h2>' in text
    assert "Not the product you searched for, but of the same kind." in text


def test_a_search_finding_nothing_lists_related_products_below_what_to_drop(
    eggs_client: FlaskClient,
) -> None:
    tay_ninh = reference.resolve_province("Tây Ninh").province.code  # type: ignore[union-attr]
    text = page(eggs_client, f"q=trứng vịt&province={tay_ninh}")
    assert titles(text) == [] and "Bỏ lọc tỉnh Tây Ninh: 1 kết quả" in text
    # The related products pass the same filters.
    assert set(related(text)) == {"Trứng gà ta thả vườn", "Trứng gà Ai Cập"}
    assert text.index('class="related-products"') > text.index('class="no-results"')
    assert related(page(eggs_client, "q=trứng vịt&max_price=36000")) == ["Trứng gà Ai Cập"]


def test_no_related_products_where_enough_are_found_or_none_is_related(
    eggs_client: FlaskClient,
) -> None:
    # Five chicken eggs found: no section, though a duck egg is of their kind.
    text = page(eggs_client, "q=trứng gà")
    assert set(titles(text)) == CHICKEN_EGGS and 'class="related-products"' not in text
    # Fewer than five once filtered: the duck egg follows, when it passes the filters too.
    text = page(eggs_client, "q=trứng gà&max_price=50000")
    assert len(titles(text)) == 3 and related(text) == ["Trứng vịt muối Cà Mau"]
    assert related(page(eggs_client, "q=trứng gà&max_price=44000")) == []
    # Browsing (no words), words no product has, a filter no related product passes.
    for query in ("", "q=", "q=xyzzy", "q=trứng vịt&min_stars=5"):
        assert 'class="related-products"' not in page(eggs_client, query), query

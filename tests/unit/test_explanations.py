"""Reasons and gaps said at the edge: in the reader's language, things by their names, and
matches stored before explanations carried codes still shown as they were written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import force_locale

from matchmaker.explanations import explanation_out, say_explanation
from matchmaker.i18n import init_babel


@pytest.fixture(autouse=True)
def _babel() -> Iterator[None]:
    app = Flask(__name__)
    init_babel(app, "UTC")
    with app.app_context():
        yield


def _both(item: dict[str, object]) -> tuple[str, str]:
    said = []
    for language in ("vi", "en"):
        with force_locale(language):
            said.append(say_explanation(item))
    return said[0], said[1]


def test_a_match_stored_with_both_texts_keeps_showing_them() -> None:
    old = {"code": "text_match", "vi": "Sản phẩm khớp với mô tả nhu cầu", "en": "Product matches"}
    assert _both(old) == ("Sản phẩm khớp với mô tả nhu cầu", "Product matches")


def test_an_unknown_category_is_named_by_its_group_or_a_plain_word() -> None:
    assert _both({"code": "same_category", "params": {"category": "food.not_a_kind"}}) == (
        "Đúng nhóm sản phẩm (Thực phẩm)", "Requested category (Food)"
    )  # fmt: skip
    assert _both({"code": "category_different", "params": {"category": "nothing.known"}}) == (
        "Khác nhóm sản phẩm yêu cầu (nhóm hàng khác)",
        "Different category from the request (another category)",
    )


def test_export_markets_are_named_in_the_readers_language() -> None:
    item = {"code": "export_experience", "params": {"country": ["JP", "US"]}}
    assert _both(item) == (
        "Đã xuất khẩu sang Nhật Bản, Hoa Kỳ",
        "Already exports to Japan, United States",
    )


def test_a_province_without_a_name_is_not_shown_by_its_code() -> None:
    item = {"code": "in_delivery_area", "params": {"province": "bogus"}, "variant": "unnamed"}
    assert _both(item) == ("Sản xuất ngay tại nơi giao hàng", "Produced in a delivery province")


def test_the_api_gives_the_code_and_the_text_in_the_requests_language() -> None:
    item = {"code": "certificate_expiring", "params": {"days": 30}}
    with force_locale("vi"):
        out = explanation_out(item)
    assert out == {
        "code": "certificate_expiring",
        "text": "Giấy chứng nhận OCOP hết hạn sau 30 ngày",
        "vi": "Giấy chứng nhận OCOP hết hạn sau 30 ngày",
        "en": "OCOP certificate expires in 30 days",
    }

"""Lists of names follow the Vietnamese alphabet, not code points."""

from __future__ import annotations

import random

from matchmaker.collation import sort_key, sorted_by_name, sorted_names
from matchmaker.ranking import reference


def test_provinces_read_in_alphabet_order() -> None:
    names = ["Huế", "Hà Nội", "Cao Bằng", "Cà Mau", "Hưng Yên", "Hải Phòng"]
    assert sorted(names)[:2] == ["Cao Bằng", "Cà Mau"]  # what code points give
    assert sorted_names(names) == ["Cà Mau", "Cao Bằng", "Hà Nội", "Hải Phòng", "Huế", "Hưng Yên"]


def test_vietnamese_letters_follow_their_base_letter() -> None:
    shuffled = ["Ăn", "Az", "Ân", "Dương", "Đà Nẵng", "Ê", "Ez", "Ơn", "Ôn", "Oz", "Ưa", "Uz"]
    random.Random(7).shuffle(shuffled)
    assert sorted_names(shuffled) == [
        "Az", "Ăn", "Ân", "Dương", "Đà Nẵng", "Ez", "Ê", "Oz", "Ôn", "Ơn", "Uz", "Ưa",
    ]  # fmt: skip


def test_tones_compare_after_letters_in_their_order() -> None:
    # ngang, huyền, hỏi, ngã, sắc, nặng — and a tone never outweighs a later letter.
    assert sorted_names(["bạ", "bá", "bã", "bả", "bà", "ba"]) == [
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
    ]
    assert sort_key("bạ") < sort_key("bac")
    assert sorted_names(["Bình Dương", "binh dinh"]) == ["binh dinh", "Bình Dương"]


def test_case_and_missing_names() -> None:
    assert sorted_names(["an", "An"]) == ["an", "An"]
    assert sort_key("") < sort_key("a")
    assert sorted_by_name([("x", "Huế"), ("y", "Hà Nội")], lambda p: p[1])[0] == ("y", "Hà Nội")


def test_every_current_province_name_sorts_the_vietnamese_way() -> None:
    names = sorted_names(p.name_vi for p in reference.provinces())
    assert names.index("Cà Mau") < names.index("Cao Bằng")
    assert names.index("Hà Nội") < names.index("Huế")
    # Đ is a letter of its own, between D and E: after Cần Thơ, before Gia Lai.
    assert names[names.index("Cần Thơ") + 1 : names.index("Gia Lai")] == [
        "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    ]  # fmt: skip

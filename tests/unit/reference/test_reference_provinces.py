import csv
from importlib import resources

import pytest

from matchmaker.ranking.reference import (
    UnknownReference,
    distance_km,
    get_legacy_province,
    get_province,
    legacy_provinces,
    provinces,
    resolve_province,
)


def _aliases() -> list[dict[str, str]]:
    data = resources.files("matchmaker.ranking.reference").joinpath("data", "province_aliases.csv")
    return list(csv.DictReader(data.read_text(encoding="utf-8").splitlines()))


def test_there_are_34_current_units_28_provinces_and_6_cities():
    units = provinces()
    assert len(units) == 34
    assert len({unit.code for unit in units}) == 34
    assert sorted(unit.name_en for unit in units if unit.kind == "city") == [
        "Can Tho",
        "Da Nang",
        "Hai Phong",
        "Hanoi",
        "Ho Chi Minh City",
        "Hue",
    ]
    assert sum(unit.kind == "province" for unit in units) == 28


def test_every_current_unit_has_a_centre_inside_vietnam():
    for unit in provinces():
        assert 8.5 < unit.lat < 23.5, unit
        assert 102 < unit.lon < 110, unit


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("01", "Hà Nội"),
        ("79", "Thành phố Hồ Chí Minh"),
        ("33", "Hưng Yên"),
        ("68", "Lâm Đồng"),
        ("86", "Vĩnh Long"),
        ("08", "Tuyên Quang"),
        ("91", "An Giang"),
        ("92", "Cần Thơ"),
        ("96", "Cà Mau"),
        ("15", "Lào Cai"),
        ("24", "Bắc Ninh"),
        ("82", "Đồng Tháp"),
        ("80", "Tây Ninh"),
        ("52", "Gia Lai"),
        ("44", "Quảng Trị"),
    ],
)
def test_current_codes_are_the_official_ones(code, name):
    assert get_province(code).name_vi == name


def test_get_province_accepts_a_code_without_its_leading_zero():
    assert get_province("1").code == "01"


def test_unknown_code_is_reported_with_kind_and_value():
    with pytest.raises(UnknownReference) as raised:
        get_province("99")
    assert raised.value.kind == "province"
    assert raised.value.value == "99"
    assert isinstance(raised.value, LookupError)


def test_all_63_former_provinces_belong_to_an_existing_current_unit():
    legacy = legacy_provinces()
    assert len(legacy) == 63
    assert len({old.code for old in legacy}) == 63
    current = {unit.code for unit in provinces()}
    assert {old.current_code for old in legacy} == current


def test_every_current_code_was_the_code_of_one_of_its_former_provinces():
    for unit in provinces():
        assert get_legacy_province(unit.code).current_code == unit.code


@pytest.mark.parametrize(
    ("old_name", "current_code"),
    [
        ("Bình Dương", "79"),
        ("Bà Rịa - Vũng Tàu", "79"),
        ("Thái Bình", "33"),
        ("Đắk Nông", "68"),
        ("Bình Thuận", "68"),
        ("Trà Vinh", "86"),
        ("Bến Tre", "86"),
        ("Hà Giang", "08"),
        ("Yên Bái", "15"),
        ("Bắc Kạn", "19"),
        ("Vĩnh Phúc", "25"),
        ("Hòa Bình", "25"),
        ("Bắc Giang", "24"),
        ("Hải Dương", "31"),
        ("Hà Nam", "37"),
        ("Nam Định", "37"),
        ("Quảng Bình", "44"),
        ("Quảng Nam", "48"),
        ("Kon Tum", "51"),
        ("Bình Định", "52"),
        ("Ninh Thuận", "56"),
        ("Phú Yên", "66"),
        ("Bình Phước", "75"),
        ("Long An", "80"),
        ("Tiền Giang", "82"),
        ("Sóc Trăng", "92"),
        ("Hậu Giang", "92"),
        ("Bạc Liêu", "96"),
        ("Kiên Giang", "91"),
    ],
)
def test_merged_provinces_resolve_to_their_new_unit_and_keep_the_old_one(old_name, current_code):
    match = resolve_province(old_name)
    assert match is not None
    assert match.province.code == current_code
    assert match.legacy is not None
    assert match.legacy.name_vi == old_name
    assert match.original == old_name


def test_binh_duong_resolves_to_ho_chi_minh_city_with_the_legacy_kept():
    match = resolve_province("Bình Dương")
    assert match is not None
    assert match.province.name_vi == "Thành phố Hồ Chí Minh"
    assert match.legacy is not None
    assert (match.legacy.code, match.legacy.name_vi) == ("74", "Bình Dương")


def test_every_former_province_resolves_by_name_and_by_old_code():
    for old in legacy_provinces():
        by_name = resolve_province(old.name_vi)
        by_code = resolve_province(old.code)
        assert by_name is not None and by_name.province.code == old.current_code, old
        assert by_code is not None and by_code.province.code == old.current_code, old


def test_a_surviving_name_means_the_current_unit():
    match = resolve_province("Lào Cai")
    assert match is not None
    assert match.province.code == "15"
    assert match.legacy is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tp. HCM", "79"),
        ("TP Hồ Chí Minh", "79"),
        ("TPHCM", "79"),
        ("HCM", "79"),
        ("Saigon", "79"),
        ("Sài Gòn", "79"),
        ("Ho Chi Minh City", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("Hanoi", "01"),
        ("Ha Noi", "01"),
        ("ha noi", "01"),
        ("Thành phố Hà Nội", "01"),
        ("Dak Lak", "66"),
        ("Daklak", "66"),
        ("Đắc Lắc", "66"),
        ("Huế", "46"),
        ("Thừa Thiên Huế", "46"),
        ("Thua Thien Hue", "46"),
        ("TT Huế", "46"),
        ("Vũng Tàu", "79"),
        ("BR-VT", "79"),
        ("Ba Ria Vung Tau", "79"),
        ("Tỉnh Thái Bình", "33"),
        ("tinh thai binh", "33"),
        ("TỈNH  THÁI   BÌNH.", "33"),
        ("Thanh Hoá", "38"),
        ("Khanh Hoa province", "56"),
        ("Can Tho City", "92"),
        ("Da Nang", "48"),
        ("Danang", "48"),
        ("Haiphong", "31"),
        ("Phú Quốc", "91"),
        ("01", "01"),
        ("1", "01"),
        ("8", "08"),
        ("077", "79"),
    ],
)
def test_common_spellings_resolve(text, code):
    match = resolve_province(text)
    assert match is not None, text
    assert match.province.code == code


def test_old_code_resolves_to_the_new_unit():
    match = resolve_province("34")
    assert match is not None
    assert match.province.code == "33"
    assert match.legacy is not None and match.legacy.name_vi == "Thái Bình"


@pytest.mark.parametrize("text", ["", "   ", "Bangkok", "xyz", "Tỉnh", "00", "99", "Quận 1"])
def test_text_that_names_no_province_gives_none(text):
    assert resolve_province(text) is None


def test_every_alias_in_the_data_resolves_as_written():
    for row in _aliases():
        match = resolve_province(row["alias"])
        assert match is not None, row
        assert match.province.code == row["code"], row
        expected_legacy = row["legacy_code"] or None
        assert (match.legacy.code if match.legacy else None) == expected_legacy, row


def test_distance_between_province_centres():
    assert distance_km("01", "01") == 0
    assert distance_km("01", "79") == pytest.approx(1140, rel=0.03)
    assert distance_km("79", "01") == pytest.approx(distance_km("01", "79"))
    assert distance_km("79", "80") < 60


def test_distance_to_an_unknown_province_is_an_error():
    with pytest.raises(UnknownReference):
        distance_km("01", "74")

"""The 34 provincial units in force since 1 July 2025 and the 63 they were formed from.

Much existing data (OCOP lists, buyer addresses) still names a pre-merger province, so every
lookup accepts old and new names alike and says which old province the text named.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from matchmaker.ranking.reference._data import build_index, find, read_rows
from matchmaker.ranking.reference.errors import UnknownReference
from matchmaker.ranking.text import fold_key

_EARTH_RADIUS_KM = 6371.0088
# Words people put around a province name that do not change which province it is.
_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp|t p|province of|city of)\s+")
_SUFFIX = re.compile(r"\s+(?:province|city|prov|viet nam|vietnam|vn)$")


@dataclass(frozen=True, slots=True)
class Province:
    """A current provincial unit: ``kind`` is ``province`` or ``city`` (centrally-run)."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class LegacyProvince:
    """A province as it was before 1 July 2025, and the current unit it is now part of."""

    code: str
    name_vi: str
    current_code: str


@dataclass(frozen=True, slots=True)
class ProvinceMatch:
    """What :func:`resolve_province` understood: the current province, the pre-2025 province
    the text named (None when it named the current unit), and the text as given."""

    province: Province
    legacy: LegacyProvince | None
    original: str


@cache
def provinces() -> tuple[Province, ...]:
    """The 34 current provincial units, ordered by code."""
    return tuple(
        sorted(
            (
                Province(
                    code=row["code"],
                    name_vi=row["name_vi"],
                    name_en=row["name_en"],
                    kind=row["kind"],
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                )
                for row in read_rows("provinces.csv")
            ),
            key=lambda province: province.code,
        )
    )


@cache
def legacy_provinces() -> tuple[LegacyProvince, ...]:
    """The 63 provincial units before 1 July 2025, ordered by their old code."""
    return tuple(
        sorted(
            (
                LegacyProvince(
                    code=row["code"], name_vi=row["name_vi"], current_code=row["current_code"]
                )
                for row in read_rows("legacy_provinces.csv")
            ),
            key=lambda legacy: legacy.code,
        )
    )


@cache
def _by_code() -> dict[str, Province]:
    return {province.code: province for province in provinces()}


@cache
def _legacy_by_code() -> dict[str, LegacyProvince]:
    return {legacy.code: legacy for legacy in legacy_provinces()}


def _normal_code(code: str) -> str:
    code = code.strip()
    # Spreadsheets write codes as 1, 01 or 001.
    return str(int(code)).zfill(2) if code.isascii() and code.isdigit() else code


def get_province(code: str) -> Province:
    """The current province with this code ("1" and "01" both work)."""
    province = _by_code().get(_normal_code(code))
    if province is None:
        raise UnknownReference("province", code)
    return province


def get_legacy_province(code: str) -> LegacyProvince:
    """The pre-2025 province with this old code."""
    legacy = _legacy_by_code().get(_normal_code(code))
    if legacy is None:
        raise UnknownReference("legacy_province", code)
    return legacy


def _name_key(text: str) -> str:
    key = fold_key(text)
    # Strip repeatedly: "TP. Thành phố Hồ Chí Minh, Việt Nam" happens in spreadsheets.
    while True:
        stripped = _SUFFIX.sub("", _PREFIX.sub("", key))
        if stripped == key or not stripped:
            return key
        key = stripped


Target = tuple[str, str | None]  # (current code, legacy code or None)


@cache
def _name_index() -> dict[str, Target]:
    entries: list[tuple[str, Target]] = []
    # Current names come first so that a surviving name ("Lào Cai") means the current unit.
    for province in provinces():
        entries.append((_name_key(province.name_vi), (province.code, None)))
        entries.append((_name_key(province.name_en), (province.code, None)))
    for legacy in legacy_provinces():
        entries.append((_name_key(legacy.name_vi), (legacy.current_code, legacy.code)))
    for row in read_rows("province_aliases.csv"):
        entries.append((_name_key(row["alias"]), (row["code"], row["legacy_code"] or None)))
    return build_index(entries)


def resolve_province(text: str) -> ProvinceMatch | None:
    """Understand a province as people write it: a code, a current or pre-2025 name, or a
    common alias; any case, with or without diacritics, with "Tỉnh"/"TP."/"Thành phố".

    A code or name of a pre-2025 province resolves to the unit it belongs to now, with the old
    province kept in ``legacy``. None when the text names no province.
    """
    if not text or not text.strip():
        return None
    code = text.strip()
    if code.isascii() and code.isdigit():
        return _resolve_code(_normal_code(code), text)
    target = find(_name_index(), _name_key(text))
    if target is None:
        return None
    current_code, legacy_code = target
    legacy = _legacy_by_code()[legacy_code] if legacy_code else None
    return ProvinceMatch(province=_by_code()[current_code], legacy=legacy, original=text)


def _resolve_code(code: str, original: str) -> ProvinceMatch | None:
    # A current code always wins: a merged unit kept the code of one of its old provinces,
    # so the old meaning of that code leads to the same current unit anyway.
    if code in _by_code():
        return ProvinceMatch(province=_by_code()[code], legacy=None, original=original)
    legacy = _legacy_by_code().get(code)
    if legacy is None:
        return None
    return ProvinceMatch(province=_by_code()[legacy.current_code], legacy=legacy, original=original)


def distance_km(code_a: str, code_b: str) -> float:
    """Great-circle distance between the administrative centres of two current provinces."""
    a, b = get_province(code_a), get_province(code_b)
    lat_a, lat_b = math.radians(a.lat), math.radians(b.lat)
    d_lat = lat_b - lat_a
    d_lon = math.radians(b.lon - a.lon)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin(d_lon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(math.sqrt(h))

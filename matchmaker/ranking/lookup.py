"""Cached, forgiving access to the reference data the ranking needs.

Listings carry codes typed by people and imported from spreadsheets; an unknown code must
make a feature neutral, never make ranking fail.
"""

from __future__ import annotations

from functools import lru_cache

from matchmaker.ranking import reference
from matchmaker.ranking.text import fold_key

# Units of one dimension are compared after conversion to the first base they convert to.
_BASES = ("kg", "liter")


@lru_cache(maxsize=256)
def base_unit(unit: str) -> tuple[str, float]:
    """(base unit, how many base units one ``unit`` is); countable units are their own base."""
    for base in _BASES:
        try:
            factor = reference.convert(1.0, unit, base)
        except reference.UnknownReference:
            return unit, 1.0
        if factor is not None:
            return base, float(factor)
    return unit, 1.0


@lru_cache(maxsize=1024)
def unit_factors(from_unit: str, to_unit: str) -> tuple[float, float] | None:
    """Base units per ``from_unit`` and per ``to_unit`` (None when they do not compare): one
    cache hit for all of a candidate's conversions, as ranking converts every candidate's
    quantities. ``quantity * from / to`` is the quantity in ``to_unit``."""
    from_base, from_factor = base_unit(from_unit)
    to_base, to_factor = base_unit(to_unit)
    if from_base != to_base:
        return None
    return from_factor, to_factor


def convert(quantity: float, from_unit: str, to_unit: str) -> float | None:
    """``quantity`` of ``from_unit`` in ``to_unit``, or None when they do not compare."""
    factors = unit_factors(from_unit, to_unit)
    if factors is None:
        return None
    return quantity * factors[0] / factors[1]


@lru_cache(maxsize=8192)
def distance_km(province_a: str, province_b: str) -> float | None:
    if province_a == province_b:
        return 0.0
    try:
        return float(reference.distance_km(province_a, province_b))
    except reference.UnknownReference:
        return None


@lru_cache(maxsize=65536)
def nearest_km(province: str, targets: frozenset[str]) -> float | None:
    """Distance to the nearest of ``targets`` whose distance is known; None when none is."""
    known = [d for d in (distance_km(province, t) for t in sorted(targets)) if d is not None]
    return min(known) if known else None


@lru_cache(maxsize=1024)
def category_group(code: str) -> str:
    try:
        return reference.group_of(code)
    except reference.UnknownReference:
        return code.split(".", 1)[0]


@lru_cache(maxsize=256)
def province_names(code: str) -> tuple[str, str]:
    """(Vietnamese, English) name of a province, the code itself when unknown."""
    try:
        province = reference.get_province(code)
    except reference.UnknownReference:
        return code, code
    return province.name_vi, province.name_en


@lru_cache(maxsize=1)
def place_names() -> frozenset[tuple[str, ...]]:
    """Folded syllables of every current and former province's name ("ca mau", "hue"),
    with and without its "Thành phố"/"Tỉnh" prefix."""
    names = [p.name_vi for p in reference.provinces()]
    names += [p.name_vi for p in reference.legacy_provinces()]
    found: set[tuple[str, ...]] = set()
    for name in names:
        key = tuple(fold_key(name).split())
        found.add(key)
        for prefix in (("thanh", "pho"), ("tinh",)):
            if key[: len(prefix)] == prefix and len(key) > len(prefix):
                found.add(key[len(prefix) :])
    return frozenset(found)


@lru_cache(maxsize=1)
def place_starts() -> frozenset[str]:
    """The first folded syllable of every place name, to skip the others at once."""
    return frozenset(name[0] for name in place_names())

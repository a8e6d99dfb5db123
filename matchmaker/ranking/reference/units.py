"""Units of quantity used in offers and requirements, and conversion between them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from matchmaker.ranking.reference._data import build_index, find, read_rows, split_aliases
from matchmaker.ranking.reference.errors import UnknownReference


@dataclass(frozen=True, slots=True)
class Unit:
    """``factor`` converts one of this unit to the base of its ``dimension``: kilograms for
    ``mass``, litres for ``volume``; count units (box, bottle...) have factor 1."""

    code: str
    name_vi: str
    name_en: str
    dimension: str
    factor: float


@cache
def _rows() -> tuple[tuple[Unit, tuple[str, ...]], ...]:
    return tuple(
        (
            Unit(
                code=row["code"],
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                dimension=row["dimension"],
                factor=float(row["factor"]),
            ),
            tuple(split_aliases(row["aliases"])),
        )
        for row in read_rows("units.csv")
    )


@cache
def units() -> tuple[Unit, ...]:
    return tuple(unit for unit, _ in _rows())


@cache
def _by_code() -> dict[str, Unit]:
    return {unit.code: unit for unit in units()}


@cache
def _index() -> dict[str, Unit]:
    rows = _rows()
    entries = [(unit.code, unit) for unit, _ in rows]
    entries += [(name, unit) for unit, _ in rows for name in (unit.name_vi, unit.name_en)]
    entries += [(alias, unit) for unit, aliases in rows for alias in aliases]
    return build_index(entries)


def get_unit(code: str) -> Unit:
    unit = _by_code().get(code.strip().lower())
    if unit is None:
        raise UnknownReference("unit", code)
    return unit


def resolve_unit(text: str) -> Unit | None:
    """A unit from its code or a common Vietnamese or English word for it ("kilogram",
    "tấn", "lít", "hộp", "túi"); None when nothing matches."""
    if not text or not text.strip():
        return None
    return find(_index(), text)


def convert(quantity: float, from_unit: str, to_unit: str) -> float | None:
    """``quantity`` in ``from_unit`` expressed in ``to_unit`` (codes).

    None when the two cannot be compared: different dimensions (kg and litres), or two
    different count units, since how many bottles fill a box depends on the product.
    """
    source, target = get_unit(from_unit), get_unit(to_unit)
    if source.code == target.code:
        return float(quantity)
    if source.dimension != target.dimension or source.dimension == "count":
        return None
    return quantity * source.factor / target.factor

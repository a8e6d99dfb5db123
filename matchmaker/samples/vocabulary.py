"""The product kinds and words the generator draws from, read from ``data/`` on first use."""

from __future__ import annotations

import json
import string
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class ProductKind:
    """One kind of OCOP product with the ranges seen in real listings."""

    code: str
    category: str
    group: str
    names_vi: tuple[str, ...]  # names that fit a product from any of its places
    name_en: str
    # (place as written in titles, current province code, names used for products from there)
    places: tuple[tuple[str, str, tuple[str, ...]], ...]
    specs: tuple[str, ...]
    unit: str
    unit_price_vnd: tuple[int, int]
    monthly_capacity: tuple[int, int]
    shelf_life_days: tuple[int, int] | None
    certifications: tuple[str, ...]
    export_markets: tuple[str, ...]


def _load(name: str) -> Any:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def product_kinds() -> tuple[ProductKind, ...]:
    return tuple(
        ProductKind(
            code=row["kind"],
            category=row["category"],
            group=row["category"].split(".")[0],
            names_vi=tuple(row["names_vi"]),
            name_en=row["name_en"],
            # A name such as "Nước mắm Phan Thiết" is only used for products from Phan Thiết.
            places=tuple(
                (
                    place["name"],
                    place["province"],
                    tuple(place.get("names_vi", ())) + tuple(row["names_vi"]),
                )
                for place in row["places"]
            ),
            specs=tuple(row["specs"]),
            unit=row["unit"],
            unit_price_vnd=(row["unit_price_vnd"][0], row["unit_price_vnd"][1]),
            monthly_capacity=(row["monthly_capacity"][0], row["monthly_capacity"][1]),
            shelf_life_days=(
                (row["shelf_life_days"][0], row["shelf_life_days"][1])
                if row["shelf_life_days"]
                else None
            ),
            certifications=tuple(row["certifications"]),
            export_markets=tuple(row["export_markets"]),
        )
        for row in _load("products.json")
    )


@cache
def words() -> dict[str, Any]:
    return dict(_load("vocabulary.json"))


def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` a template needs, so that only templates that can be filled are used."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)


_SPECIAL = str.maketrans({"đ": "d", "Đ": "D"})


@lru_cache(maxsize=4096)
def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept: "Phú Quốc" → "Phu Quoc"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))

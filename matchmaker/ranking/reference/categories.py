"""OCOP product groups and sub-groups (Decision 148/QĐ-TTg, 2023)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from matchmaker.ranking.reference._data import build_index, find, read_rows, split_aliases
from matchmaker.ranking.reference.errors import UnknownReference


@dataclass(frozen=True, slots=True)
class Category:
    """A product group (``is_group``, code such as ``food``) or one of its sub-groups
    (code ``<group>.<name>``, such as ``food.tea``)."""

    code: str
    group: str
    name_vi: str
    name_en: str
    is_group: bool


@cache
def _rows() -> tuple[tuple[Category, tuple[str, ...]], ...]:
    return tuple(
        (
            Category(
                code=row["code"],
                group=row["group"],
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                is_group=row["code"] == row["group"],
            ),
            tuple(split_aliases(row["aliases"])),
        )
        for row in read_rows("categories.csv")
    )


@cache
def categories() -> tuple[Category, ...]:
    """Every group followed by its sub-groups, in the order of the decision."""
    return tuple(category for category, _ in _rows())


@cache
def _by_code() -> dict[str, Category]:
    return {category.code: category for category in categories()}


@cache
def _index() -> dict[str, Category]:
    # Codes and official names are indexed before any alias, so an alias never hides them.
    rows = _rows()
    entries = [(category.code, category) for category, _ in rows]
    entries += [(name, cat) for cat, _ in rows for name in (cat.name_vi, cat.name_en)]
    entries += [(alias, category) for category, aliases in rows for alias in aliases]
    return build_index(entries)


def get_category(code: str) -> Category:
    """The group or sub-group with this code."""
    category = _by_code().get(code.strip().lower())
    if category is None:
        raise UnknownReference("category", code)
    return category


def resolve_category(text: str) -> Category | None:
    """A category from its code or its Vietnamese or English name or a common word for it,
    with or without diacritics; None when nothing matches."""
    if not text or not text.strip():
        return None
    return find(_index(), text)


def group_of(code: str) -> str:
    """The group code of a group or sub-group code: ``group_of("food.tea") == "food"``."""
    return get_category(code).group

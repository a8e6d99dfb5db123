"""Reading the CSV files shipped in ``data/`` and building lookup keys.

Files are read on first use and cached by the callers, so importing the package costs nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import TypeVar

from matchmaker.ranking.text import fold_key

T = TypeVar("T")


def read_rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of ``data/<name>`` as dicts of stripped strings."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    for row in reader:
        # A missing or stray comma would silently shift columns; fail loudly instead.
        if None in row or None in row.values():
            raise ValueError(f"{name}, line {reader.line_num}: wrong number of fields")
        yield {key: value.strip() for key, value in row.items()}


def split_aliases(cell: str) -> list[str]:
    return [alias.strip() for alias in cell.split("|") if alias.strip()]


def keys_of(text: str) -> tuple[str, ...]:
    """Lookup keys for ``text``: folded words, then the same with the spaces removed.

    The compact form lets "Hanoi" meet "Hà Nội" and "Viet GAP" meet "VietGAP".
    """
    key = fold_key(text)
    compact = key.replace(" ", "")
    return (key,) if compact == key else (key, compact)


def build_index(entries: Iterable[tuple[str, T]]) -> dict[str, T]:
    """Map every key of every name to its target; the first name to claim a key keeps it.

    Entries come in file order with official names first, so an alias never hides a name.
    """
    index: dict[str, T] = {}
    for text, target in entries:
        for key in keys_of(text):
            if key:
                index.setdefault(key, target)
    return index


def find(index: dict[str, T], text: str) -> T | None:
    for key in keys_of(text):
        if key in index:
            return index[key]
    return None

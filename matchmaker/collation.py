"""Lists of names in the order a Vietnamese reader expects: "Hà Nội" before "Huế", "Cà Mau"
before "Cao Bằng", "Đắk Lắk" after every "D…", "Ăn" after every "A…".

Code-point order (what ``sorted`` gives) puts every accented letter after "z"; the Unicode
Collation Algorithm (``pyuca``, pure Python) compares base letters first, then accents, then
case. On top of its default table this module applies the Vietnamese tailoring of CLDR: ă, â,
đ, ê, ô, ơ and ư are letters of their own (after a, a, d, e, o, o, u), and the tones compare
in the order ngang < huyền < hỏi < ngã < sắc < nặng. The table loads once, when first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from pyuca.collator import BaseCollator

T = TypeVar("T")

# The Vietnamese letters that follow a base letter, in alphabet order, as NFD sequences.
_LETTERS: tuple[tuple[str, str], ...] = (
    ("a", "\u0306"),  # ă
    ("a", "\u0302"),  # â
    ("d", ""),  # đ (no decomposition: its own code point)
    ("e", "\u0302"),  # ê
    ("o", "\u0302"),  # ô
    ("o", "\u031b"),  # ơ
    ("u", "\u031b"),  # ư
)
_STROKED = {"d": "\u0111", "D": "\u0110"}
# Tones as secondary weights, after any unmarked letter (secondary 0x20).
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
# A primary weight above every Latin letter's ("z" is 0x1F21 in the default table): a
# Vietnamese letter sorts as its base letter followed by this, after every "a…" word for ă.
_AFTER_LATIN = 0x1F30


@cache
def _collator() -> BaseCollator:
    from pyuca import Collator

    collator = Collator()
    table = collator.table
    for rank, (base, mark) in enumerate(_LETTERS):
        for letter in (base, base.upper()):
            key = [ord(_STROKED[letter])] if not mark else [ord(letter), ord(mark)]
            (element,) = table.find_prefix([ord(letter)])[1]
            primary, secondary, tertiary = element[:3]
            table.add(key, [[primary, secondary, tertiary], [_AFTER_LATIN + rank, 0x20, tertiary]])
    for rank, tone in enumerate(_TONES):
        table.add([ord(tone)], [[0, 0x30 + rank, 0x2]])
    return collator


def sort_key(text: str) -> tuple[int, ...]:
    """The key that orders names the Vietnamese way (compare with ``<`` or pass to ``sorted``)."""
    return tuple(_collator().sort_key(text or ""))


def sorted_by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """The items in the Vietnamese order of their names (stable for equal names)."""
    return sorted(items, key=lambda item: sort_key(name(item)))


def sorted_names(names: Iterable[str]) -> list[str]:
    return sorted(names, key=sort_key)

"""Vietnamese-aware text normalisation shared by lookups, search and ranking."""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_SPACES = re.compile(r"\s+")
# Letters that NFD does not decompose into base + combining mark.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def normalize(text: str) -> str:
    """NFC, case-folded, whitespace collapsed; diacritics kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def fold(text: str) -> str:
    """Like :func:`normalize` but with every diacritic removed (``đ`` becomes ``d``).

    People often type Vietnamese without accents ("banh trang" for "bánh tráng"), so
    every comparison that must not depend on accents goes through this.
    """
    decomposed = unicodedata.normalize("NFD", normalize(text).translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold_key(text: str) -> str:
    """A lookup key: folded, punctuation turned into single spaces."""
    return _SPACES.sub(" ", re.sub(r"[^\w]+", " ", fold(text))).strip()


_WORD_SPLIT = re.compile(r"[^\w]+")


def words(text: str) -> list[str]:
    """Syllables as written (normalised, accents kept), punctuation dropped."""
    return [w for w in _WORD_SPLIT.split(normalize(text)) if w and w != "_"]


def singular(word: str) -> str:
    """Crude English singular ("cashews" → "cashew", "berries" → "berry").

    Vietnamese syllables never end in "s", so this only touches English and loanwords.
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("rves", "lves", "eaves", "oaves")):
        return word[:-3] + "f"  # scarves, shelves, leaves, loaves
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def syllable_bigrams(syllables: list[str]) -> list[str]:
    """Adjacent syllable pairs: most Vietnamese product words have two syllables."""
    return [f"{a}_{b}" for a, b in pairwise(syllables)]


def char_ngrams(syllables: list[str], n: int = 3) -> list[str]:
    """Character n-grams of each syllable padded with spaces, for typos and run-together words."""
    grams: list[str] = []
    for syllable in syllables:
        padded = f" {syllable} "
        grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams

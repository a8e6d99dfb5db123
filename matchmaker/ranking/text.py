"""Vietnamese-aware text normalisation shared by lookups, search and ranking."""

from __future__ import annotations

import re
import unicodedata

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

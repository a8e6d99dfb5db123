"""Bilingual glossary of OCOP product terms, so "rice paper" finds "bánh tráng" and back.

Every term, Vietnamese or English, maps to a *concept*. Terms that share an English name
("trà" and "chè" are both "tea") fall into the same concept, so regional synonyms bridge too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from matchmaker.ranking.text import fold, singular, words

_DATA_FILE = "glossary.tsv"

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    vi: str
    en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...]
    # Folded terms of two words or more (tuples of syllables) -> concept ids.
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    # Longest phrase starting with each folded word: most words start none.
    phrase_length: dict[str, int]
    # Single English words, folded.
    folded_words: dict[str, tuple[str, ...]]
    # Single-syllable Vietnamese terms are ambiguous once folded ("toi" is both "tỏi" and
    # "tôi", "cua" both "cua" and "của"), so they match with their accents...
    accented_words: dict[str, tuple[str, ...]]
    # ...or folded, only in a text typed entirely without accents.
    plain_words: dict[str, tuple[str, ...]]

    def concepts(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        *,
        plain: bool = False,
        ignore: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Concept ids of every glossary term in a text, nested ones included.

        "cà phê robusta rang xay" yields both "robusta coffee" and "coffee", so a request for
        "roasted ground coffee" still meets it on "coffee". ``plain`` says the text has no
        accents at all; ``ignore`` lists folded words that are never single-word terms there.
        """
        found: list[str] = []
        n = len(folded)
        for i, word in enumerate(folded):
            longest = self.phrase_length.get(word)
            if longest is not None:
                for length in range(min(longest, n - i), 1, -1):
                    hit = self.phrases.get(tuple(folded[i : i + length]))
                    if hit is not None:
                        found.extend(hit)
            hit = self.folded_words.get(word) or self.accented_words.get(accented[i])
            if hit is None and plain and word not in ignore:
                hit = self.plain_words.get(word)
            if hit is not None:
                found.extend(hit)
        return found

    def english_for(self, vi_term: str) -> tuple[str, ...]:
        key = fold(vi_term)
        for entry in self.entries:
            if fold(entry.vi) == key:
                return entry.en
        return ()


def _term_key(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    accented = [singular(w) for w in words(term)]
    return tuple(accented), tuple(fold(w) for w in accented)


def build_glossary(entries: Iterable[GlossaryEntry]) -> Glossary:
    entries = tuple(entries)
    # Union-find over terms: a Vietnamese term and its English names are one concept.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for entry in entries:
        vi = "vi:" + " ".join(_term_key(entry.vi)[1])
        find(vi)
        for en in entry.en:
            union(vi, "en:" + " ".join(_term_key(en)[1]))

    phrases: dict[tuple[str, ...], set[str]] = {}
    phrase_length: dict[str, int] = {}
    folded_words: dict[str, set[str]] = {}
    accented_words: dict[str, set[str]] = {}
    plain_words: dict[str, set[str]] = {}
    for entry in entries:
        for lang, term in [("vi", entry.vi), *(("en", en) for en in entry.en)]:
            accented, folded = _term_key(term)
            concept = find(f"{lang}:" + " ".join(folded)).split(":", 1)[1].replace(" ", "_")
            if len(folded) > 1:
                phrases.setdefault(folded, set()).add(concept)
                phrase_length[folded[0]] = max(phrase_length.get(folded[0], 2), len(folded))
            elif lang == "vi":
                accented_words.setdefault(accented[0], set()).add(concept)
                plain_words.setdefault(folded[0], set()).add(concept)
            else:
                folded_words.setdefault(folded[0], set()).add(concept)

    def frozen(table: dict[K, set[str]]) -> dict[K, tuple[str, ...]]:
        return {key: tuple(sorted(value)) for key, value in table.items()}

    return Glossary(
        entries=entries,
        phrases=frozen(phrases),
        phrase_length=phrase_length,
        folded_words=frozen(folded_words),
        accented_words=frozen(accented_words),
        plain_words=frozen(plain_words),
    )


def parse_glossary(text: str) -> list[GlossaryEntry]:
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        vi, en = line.split("\t")
        entries.append(
            GlossaryEntry(vi.strip(), tuple(t.strip() for t in en.split("|") if t.strip()))
        )
    return entries


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The glossary shipped in ``matchmaker/ranking/data``; read once, on first use."""
    text = resources.files("matchmaker.ranking").joinpath("data", _DATA_FILE).read_text("utf-8")
    return build_glossary(parse_glossary(text))

"""Turning listing and request text into weighted terms, and terms into sparse vectors.

Terms, each prefixed by its kind so the kinds never collide:

* ``w:`` folded syllable — "banh" matches "bánh", "bạnh", "banh";
* ``a:`` syllable with its accents — a stronger signal when both sides typed accents;
* ``b:`` folded syllable bigram — most Vietnamese product words have two syllables;
* ``g:`` glossary concept — bridges English and Vietnamese and regional synonyms;
* ``c:`` character trigram of the title — catches typos and run-together words.

The vocabulary grows as offers come (no refit), so an offer can be added at any time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from scipy import sparse

from matchmaker.ranking.glossary import Glossary, default_glossary
from matchmaker.ranking.text import char_ngrams, fold, singular, syllable_bigrams, words
from matchmaker.ranking.words import ACCENTED_STOPWORDS, STOPWORDS, document_terms

# Columns available for distinct terms (about 300,000 for 100,000 offers).
N_FEATURES = 1 << 22

_WEIGHTS = {"w": 1.0, "a": 0.5, "b": 0.8, "g": 2.0, "c": 0.15}
_BODY = 0.4


@lru_cache(maxsize=200_000)
def _forms(word: str) -> tuple[str, str]:
    """(singular, folded singular) of a word; Vietnamese has a few thousand syllables, so
    caching makes analysing a large catalogue several times faster."""
    word = singular(word)
    return word, fold(word)


def _add_field(
    terms: dict[str, float], text: str, boost: float, glossary: Glossary, chars: bool
) -> None:
    if not text:
        return
    forms = [_forms(w) for w in words(text)]
    accented = [a for a, _ in forms]
    folded = [f for _, f in forms]
    plain = accented == folded
    for concept in glossary.concepts(accented, folded, plain=plain, ignore=STOPWORDS):
        key = "g:" + concept
        terms[key] = terms.get(key, 0.0) + _WEIGHTS["g"] * boost
    content = [
        (a, f)
        for a, f in zip(accented, folded, strict=True)
        if f not in STOPWORDS and a not in ACCENTED_STOPWORDS
    ]
    content_folded = [f for _, f in content]
    for a, f in content:
        key = "w:" + f
        terms[key] = terms.get(key, 0.0) + _WEIGHTS["w"] * boost
        if a != f and chars:
            key = "a:" + a
            terms[key] = terms.get(key, 0.0) + _WEIGHTS["a"] * boost
    for bigram in syllable_bigrams(content_folded):
        key = "b:" + bigram
        terms[key] = terms.get(key, 0.0) + _WEIGHTS["b"] * boost
    if chars:
        for gram in char_ngrams(content_folded):
            key = "c:" + gram
            terms[key] = terms.get(key, 0.0) + _WEIGHTS["c"] * boost


def analyze(title: str, body: str = "", glossary: Glossary | None = None) -> dict[str, float]:
    """Weighted terms of a title and its description; the title counts more."""
    glossary = glossary or default_glossary()
    terms: dict[str, float] = {}
    _add_field(terms, title, 1.0, glossary, chars=True)
    _add_field(terms, body, _BODY, glossary, chars=False)
    # Repeating a word in a listing should not buy a better rank: damp repeats.
    return {t: (w if w <= 1.0 else 1.0 + math.log(w)) for t, w in terms.items()}


# The two ways of reading text: "words" (``matchmaker.ranking.words``: syllable pairs,
# accents, clauses and a relevance floor) and "syllables", the first engine's, kept to be
# measured against.
ANALYZERS = ("words", "syllables")


class Vectorizer:
    """Hashes analysed text into term-frequency rows, and weights rows by IDF."""

    def __init__(
        self,
        n_features: int = N_FEATURES,
        glossary: Glossary | None = None,
        analyzer: str = "words",
    ) -> None:
        if analyzer not in ANALYZERS:
            raise ValueError(f"unknown analyzer {analyzer!r}; one of {', '.join(ANALYZERS)}")
        self.n_features = n_features
        self.analyzer = analyzer
        self._glossary = glossary
        # Term -> column, grown as listings bring new terms: exact, so a word the catalogue
        # never uses cannot pass for one it does (as a hashed column could).
        self._vocabulary: dict[str, int] = {}

    @property
    def glossary(self) -> Glossary:
        return self._glossary or default_glossary()

    def terms(self, title: str, body: str = "") -> dict[str, float]:
        """The weighted terms of one text, as the analyzer reads it."""
        if self.analyzer == "words":
            return document_terms(title, body, self.glossary)
        return analyze(title, body, self.glossary)

    def column(self, term: str) -> int | None:
        """The column of a term, None when no indexed text has it."""
        return self._vocabulary.get(term)

    def term_frequencies(
        self, texts: Iterable[tuple[str, str]], *, grow: bool = True
    ) -> sparse.csr_matrix:
        """One row per (title, description): damped term weights, no IDF yet."""
        # A generator, so a million listings are never all held as term dicts at once.
        return self.rows((self.terms(title, body) for title, body in texts), grow=grow)

    def rows(self, analysed: Iterable[dict[str, float]], *, grow: bool = True) -> sparse.csr_matrix:
        """Term dicts as rows. ``grow``: new terms get a column (listings); otherwise terms
        no listing has are left out (requests: they could not match anything)."""
        vocabulary = self._vocabulary
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for terms in analysed:
            for term, weight in terms.items():
                column = vocabulary.get(term)
                if column is None:
                    if not grow:
                        continue
                    if len(vocabulary) >= self.n_features:
                        raise OverflowError(
                            f"more than {self.n_features} distinct terms: make the index with "
                            "a larger n_features"
                        )
                    column = vocabulary[term] = len(vocabulary)
                indices.append(column)
                data.append(weight)
            indptr.append(len(indices))
        rows = sparse.csr_matrix(
            (
                np.asarray(data, np.float32),
                np.asarray(indices, np.int32),
                np.asarray(indptr, np.int64),
            ),
            shape=(len(indptr) - 1, self.n_features),
        )
        rows.sort_indices()
        return rows


def idf_weights(document_frequency: np.ndarray, n_documents: int) -> np.ndarray:
    """Smoothed IDF, as scikit-learn's ``TfidfTransformer(smooth_idf=True)`` computes it."""
    return (np.log((n_documents + 1.0) / (document_frequency + 1.0)) + 1.0).astype(np.float32)


def weigh(rows: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """TF-IDF rows scaled to unit length, so a dot product is the cosine similarity."""
    return _normalised(rows, idf[rows.indices])


def weigh_few(
    rows: sparse.csr_matrix, document_frequency: np.ndarray, n_documents: int
) -> sparse.csr_matrix:
    """Like :func:`weigh` for a few rows (a query): IDF of their own terms only."""
    return _normalised(rows, idf_weights(document_frequency[rows.indices], n_documents))


def _normalised(rows: sparse.csr_matrix, term_idf: np.ndarray) -> sparse.csr_matrix:
    weighted = rows.copy()
    weighted.data = weighted.data * term_idf
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    weighted.data = weighted.data / np.repeat(norms, np.diff(weighted.indptr)).astype(np.float32)
    return weighted

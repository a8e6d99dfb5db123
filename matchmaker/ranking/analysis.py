"""Turning listing and request text into weighted terms, and terms into sparse vectors.

Terms, each prefixed by its kind so the kinds never collide:

* ``w:`` folded syllable — "banh" matches "bánh", "bạnh", "banh";
* ``a:`` syllable with its accents — a stronger signal when both sides typed accents;
* ``b:`` folded syllable bigram — most Vietnamese product words have two syllables;
* ``g:`` glossary concept — bridges English and Vietnamese and regional synonyms;
* ``c:`` character trigram of the title — catches typos and run-together words.

Vectors are hashed (no vocabulary to refit), so an offer can be added at any time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher

from matchmaker.ranking.glossary import Glossary, default_glossary
from matchmaker.ranking.text import char_ngrams, fold, singular, syllable_bigrams, words

N_FEATURES = 1 << 20

_WEIGHTS = {"w": 1.0, "a": 0.5, "b": 0.8, "g": 2.0, "c": 0.15}
_BODY = 0.4


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about the product (folded): request boilerplate and filler.
STOPWORDS = _word_set(
    """
    va cua cac nhung duoc cho voi the mot nay tai tu trong tren theo khi hon rat can mua nha
    cung cap san pham chat luong uy tin dam bao tot loai hang a an and of for to in with from
    on by our we need looking buy supplier suppliers product products quality high good best
    per month monthly sourcing wanted buying export import long term contract private label
    payment sample price list above star ocop vietnam
    """
)


# Request boilerplate that only reads as filler with its accents: folded, each of these is
# also a product word ("chuỗi" a chain, "chuối" a banana; "Tết" the holiday, "tét" the cake).
ACCENTED_STOPWORDS = _word_set(
    """
    chuỗi cửa lớn đặt dài nhập nguồn ổn định ngày phục vụ quầy vùng miền quà tặng dịp tết
    yêu rõ ràng số lượng toán
    """
)


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


class Vectorizer:
    """Hashes analysed text into term-frequency rows, and weights rows by IDF."""

    def __init__(self, n_features: int = N_FEATURES, glossary: Glossary | None = None) -> None:
        self.n_features = n_features
        self._glossary = glossary
        self._hasher = FeatureHasher(
            n_features=n_features, input_type="dict", alternate_sign=False, dtype=np.float32
        )

    def term_frequencies(self, texts: Iterable[tuple[str, str]]) -> sparse.csr_matrix:
        """One row per (title, description): damped term weights, no IDF yet."""
        glossary = self._glossary or default_glossary()
        # A generator, so a million listings are never all held as term dicts at once.
        analysed = (analyze(title, body, glossary) for title, body in texts)
        first = next(analysed, None)
        if first is None:  # a new deployment starts with no offers at all
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        rows = self._hasher.transform(chain([first], analysed))
        rows.sum_duplicates()
        return rows.tocsr()


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

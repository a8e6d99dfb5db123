"""Scorers turn feature rows into how good an offer is for the buyer (0..1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from matchmaker.ranking.features import FEATURES

_COLUMN = {name: i for i, name in enumerate(FEATURES)}

# A cosine this high already means the same product named a little differently.
_TEXT_SATURATION = 0.35

# How much each practical feature matters once the product is right; sums to 1.
_QUALITY_WEIGHTS = {
    "capacity": 0.20,
    "price": 0.16,
    "distance": 0.14,
    "min_order": 0.06,
    "certificate_validity": 0.09,
    "stars": 0.10,
    "freshness": 0.07,
    "responsiveness": 0.08,
    "traceability": 0.10,
}

# The buyer-side score and the producer-side fit are combined as a weighted geometric mean,
# so a match that is poor for either side cannot score high.
BUYER_WEIGHT = 0.65


class Scorer(Protocol):
    name: str

    def score(self, features: np.ndarray) -> np.ndarray:
        """One buyer-side score in 0..1 per row of ``features`` (columns in FEATURES order)."""
        ...


class ViewScorer(Protocol):
    """Orders the producer's view (requirements for an offer) from each pair's features."""

    name: str

    def score_features(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray: ...


class HandScorer:
    """The cold-start scorer: relevance gates everything, practical fit refines.

    A product that is not what the buyer asked for must not climb on logistics alone, hence
    the product of relevance and quality rather than a sum.
    """

    name = "hand-v1"

    def score(self, features: np.ndarray) -> np.ndarray:
        f = np.asarray(features, dtype=np.float64)
        text = np.minimum(1.0, f[:, _COLUMN["text"]] / _TEXT_SATURATION)
        relevance = 0.4 * text + 0.4 * f[:, _COLUMN["text_rel"]] + 0.2 * f[:, _COLUMN["category"]]
        quality = sum(w * f[:, _COLUMN[name]] for name, w in _QUALITY_WEIGHTS.items())
        return np.clip(relevance * (0.6 + 0.4 * quality), 0.0, 1.0)


def combine(buyer_side: np.ndarray, producer_fit: np.ndarray) -> np.ndarray:
    """A match good for both sides: weighted geometric mean of the two directions."""
    b = np.clip(buyer_side, 1e-6, 1.0)
    p = np.clip(producer_fit, 1e-6, 1.0)
    return np.asarray(b**BUYER_WEIGHT * p ** (1.0 - BUYER_WEIGHT))

"""LambdaMART (LightGBM ``lambdarank``) learning a bounded refinement of the hand score.

The model learns a residual over the log of the hand-set score (given as the initial score),
and ranks with ``hand × exp(residual)``, the residual held within ±``RESIDUAL_CAP``: what buyers
answered can reorder offers of similar relevance, never lift an offer that is not what was
asked above one that is. Where each result was shown is given to LightGBM as its position, so
that clicks on the first places are not taken for preference (unbiased lambdarank). The model
is saved as LightGBM's text format: data, not code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from matchmaker.ranking.features import FEATURES
from matchmaker.ranking.learning.labels import GRADES
from matchmaker.ranking.learning.profiles import BUYER_ATTRIBUTES, BUYER_TASTE_FEATURES, Tally
from matchmaker.ranking.scoring import HandScorer

RESIDUAL_CAP = 0.25
# Lambdarank learns an order, not a level: its residual is centred on the training rows' mean
# and scaled so that two standard deviations reach the bound, rather than cut at the bound
# (which flattened most of the learned order: 66-81 % of the rows lay beyond it).
RESIDUAL_SPREAD = 2.0
# The gain of each grade (declined 0, shown 1, viewed 2, ... repeat order 8).
LABEL_GAIN = [0.0, 0.05, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
PARAMETERS: dict[str, Any] = {
    "objective": "lambdarank",
    "lambdarank_truncation_level": 20,
    "label_gain": LABEL_GAIN,
    "num_leaves": 7,
    "min_data_in_leaf": 30,
    "learning_rate": 0.05,
    "lambda_l2": 10.0,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "verbose": -1,
    "seed": 0,
    "deterministic": True,
    "force_row_wise": True,
    # The machine is shared with the web and worker processes.
    "num_threads": 1,
}
ROUNDS = 150
# More of what a buyer's own answers took can only lift an offer, never sink it (how much it
# knows of the buyer is free either way).
MONOTONE = [1 if name in BUYER_TASTE_FEATURES and name != "taste_known" else 0 for name in FEATURES]


def grade_of(action: str) -> int:
    return GRADES.get(action, GRADES["shown"])


def fit_refinement(
    features: np.ndarray,
    grades: np.ndarray,
    groups: Sequence[str],
    rows: Sequence[int],
    *,
    weights: np.ndarray | None = None,
    positions: np.ndarray | None = None,
    rounds: int = ROUNDS,
    hand_score: Callable[[np.ndarray], np.ndarray] | None = None,
    monotone: Sequence[int] | None = None,
) -> str:
    """The model text of a residual trained on ``rows`` (grouped by requirement, or by offer
    for the producer's side) over ``hand_score`` (the buyer-side hand-set score by default)."""
    import lightgbm as lgb

    by_group: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_group[groups[r]].append(r)
    order = [r for members in by_group.values() for r in members]
    x = features[order]
    hand = (hand_score or HandScorer().score)(x)
    dataset = lgb.Dataset(
        x,
        label=grades[order],
        group=[len(members) for members in by_group.values()],
        init_score=np.log(np.clip(hand, 1e-3, 1.0)),
        weight=None if weights is None else weights[order],
        position=None if positions is None else positions[order],
        free_raw_data=True,
    )
    constraints = list(MONOTONE[: x.shape[1]] if monotone is None else monotone)
    parameters = {**PARAMETERS, "monotone_constraints": constraints}
    booster = lgb.train(parameters, dataset, num_boost_round=rounds)
    return str(booster.model_to_string())


def residual_spread(model_text: str, features: np.ndarray) -> list[float]:
    """The mean and standard deviation of a model's residual over the rows it learned from."""
    import lightgbm as lgb

    booster = lgb.Booster(model_str=model_text)
    values = np.asarray(booster.predict(np.asarray(features, dtype=np.float64), num_threads=1))
    if not len(values):
        return [0.0, 1.0]
    return [round(float(values.mean()), 6), round(max(float(values.std()), 1e-6), 6)]


def bounded(residual: np.ndarray, spread: Sequence[float] | None) -> np.ndarray:
    """The residual within ±``RESIDUAL_CAP``: centred and scaled by ``spread`` (mean, standard
    deviation) when the model has one, else cut at the bound (models saved before)."""
    if spread:
        mean, deviation = float(spread[0]), float(spread[1])
        residual = RESIDUAL_CAP * (residual - mean) / (RESIDUAL_SPREAD * deviation)
    return np.clip(residual, -RESIDUAL_CAP, RESIDUAL_CAP)


class RefinedScorer:
    """The hand-set score refined by a LambdaMART residual, behind the scorer interface."""

    def __init__(self, model_text: str, manifest: Mapping[str, Any]) -> None:
        import lightgbm as lgb

        self.booster = lgb.Booster(model_str=model_text)
        self.manifest = dict(manifest)
        self.name = str(manifest["version"])
        self._hand = HandScorer()
        # A model trained before later features were appended reads the first columns only.
        self._columns = self.booster.num_feature()

    def kind(self, kind: str | None) -> Tally | None:
        """The tally of a buyer type's answers the model was trained with (profiles' prior)."""
        taste = self.manifest.get("taste") or {}
        data = (taste.get("kinds") or {}).get(kind or "")
        return Tally.from_dict(data, len(BUYER_ATTRIBUTES)) if data else None

    def score(self, features: np.ndarray) -> np.ndarray:
        f = np.asarray(features, dtype=np.float64)
        if not len(f):
            return np.zeros(0)
        residual = bounded(
            np.asarray(self.booster.predict(f[:, : self._columns], num_threads=1)),
            self.manifest.get("residual_spread"),
        )
        return np.asarray(np.clip(self._hand.score(f) * np.exp(residual), 0.0, 1.0))

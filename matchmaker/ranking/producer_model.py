"""The producer's side learned: how a producer's view of open requirements (``rank_requirements``)
is refined by what producers answered, with the buyer side's safety.

The hand-set order of the producer's view is the match's score, the weighted geometric mean of
the buyer-side score and the producer's fit (volume over its minimum order, the delivery area it
serves, the kinds of buyer it wants). A LambdaMART residual learned from the producers' own
answers (grouped by offer: each view ranks requirements for one offer) refines it within
±``RESIDUAL_CAP``, never overrides it. The model is promoted by the same gate as the buyer
side's (a later validation, enough offers and positives, a bootstrap interval above zero); the
producer's view has no labelled relevance set, and the bound on the residual is what keeps a
requirement that is not for the offer from climbing. Models live in ``models/producer/``, in
the buyer side's layout (``CURRENT``, ``HISTORY``, ``ranker-NNNN/model.txt`` + manifest).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matchmaker.ranking.features import BUYER_TYPES
from matchmaker.ranking.learning.labels import GRADES, capped_weights
from matchmaker.ranking.learning.lambdamart import (
    PARAMETERS,
    RESIDUAL_CAP,
    bounded,
    fit_refinement,
    grade_of,
    residual_spread,
)
from matchmaker.ranking.learning.profiles import (
    PRODUCER_ATTRIBUTES,
    PRODUCER_PREFIX,
    PRODUCER_TASTE_FEATURES,
    Answered,
    Tally,
    Taste,
    profiles_at,
    taste_of,
)
from matchmaker.ranking.learning.promotion import Decision, Evidence, decide, held_out_split
from matchmaker.ranking.model import (
    MODEL_FILE,
    FeedbackExample,
    current_version,
    save_model,
    set_current,
)
from matchmaker.ranking.scoring import ViewScorer, combine

SIDE_DIR = "producer"
# What the producer's view is ranked on: the producer's fit and its parts, the buyer-side
# score (how good the offer is for that buyer), the kind and size of the buyer's need.
PRODUCER_FEATURES: tuple[str, ...] = (
    "producer_fit",
    "producer_volume",
    "producer_area",
    "producer_buyer_type",
    "buyer_score",
    "text_rel",
    "category",
    "capacity",
    "price",
    "distance",
    "min_order",
    *(f"buyer_{t}" for t in BUYER_TYPES),
    # The producer's implicit profile: the kinds of buyer, volumes and distances its own
    # earlier answers took, shrunk toward its producer type's (learning/profiles.py).
    *PRODUCER_TASTE_FEATURES,
)
_FIT = PRODUCER_FEATURES.index("producer_fit")
_BUYER = PRODUCER_FEATURES.index("buyer_score")
# The hand-set order can only be refined toward what producers answer: a better fit for the
# producer, or more of what its own answers took, never sinks a requirement.
MONOTONE = [
    1
    if name in ("producer_fit", "producer_volume", "producer_area", "producer_buyer_type")
    or (name in PRODUCER_TASTE_FEATURES and not name.endswith("known"))
    else 0
    for name in PRODUCER_FEATURES
]


def side_dir(models_dir: Path) -> Path:
    return models_dir / SIDE_DIR


def hand_score(features: np.ndarray) -> np.ndarray:
    """The producer's view as ranked by hand: the match score."""
    f = np.asarray(features, dtype=np.float64)
    return np.asarray(np.clip(combine(f[:, _BUYER], f[:, _FIT]), 1e-6, 1.0))


def producer_row(features: Mapping[str, float]) -> list[float]:
    return [float(features.get(name, 0.5)) for name in PRODUCER_FEATURES]


class ProducerHandScorer:
    name = "producer-hand-v1"

    def score(self, features: np.ndarray) -> np.ndarray:
        return hand_score(features)

    def score_features(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        return self.score(np.array([producer_row(r) for r in rows]))


class ProducerRefinedScorer:
    """The producer's view's hand-set order refined by a bounded LambdaMART residual."""

    def __init__(self, model_text: str, manifest: Mapping[str, Any]) -> None:
        import lightgbm as lgb

        self.booster = lgb.Booster(model_str=model_text)
        self.manifest = dict(manifest)
        self.name = str(manifest["version"])

    def kind(self, kind: str | None) -> Tally | None:
        """The tally of a producer type's answers the model was trained with."""
        data = ((self.manifest.get("taste") or {}).get("kinds") or {}).get(kind or "")
        return Tally.from_dict(data, len(PRODUCER_ATTRIBUTES)) if data else None

    def score(self, features: np.ndarray) -> np.ndarray:
        f = np.asarray(features, dtype=np.float64)
        if not len(f):
            return np.zeros(0)
        residual = bounded(
            np.asarray(self.booster.predict(f, num_threads=1)),
            self.manifest.get("residual_spread"),
        )
        return np.asarray(np.clip(hand_score(f) * np.exp(residual), 0.0, 1.0))

    def score_features(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        return self.score(np.array([producer_row(r) for r in rows]))


ProducerScorer = ProducerHandScorer | ProducerRefinedScorer


@dataclass(slots=True)
class ProducerTable:
    features: np.ndarray
    gains: np.ndarray
    labels: np.ndarray
    grades: np.ndarray
    weights: np.ndarray
    groups: list[str]  # offer id per row: each producer's view ranks requirements for one offer
    requirement_ids: list[str]
    times: np.ndarray
    ranks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    kinds: dict[str, Tally] = field(default_factory=dict)


def _posix(moment: datetime | None) -> float:
    return moment.timestamp() if moment else math.nan


def producer_table(examples: Iterable[FeedbackExample]) -> ProducerTable:
    """The producers' answers as model input: the features each was shown with (as frozen in
    the impression), labelled by the producer's own answers; the producer's profile made
    afresh from its answers strictly before each showing."""
    usable = [e for e in examples if e.action in GRADES and e.features]
    rows = [dict(e.features or {}) for e in usable]
    answered = []
    for e, row in zip(usable, rows, strict=True):
        looked = GRADES[e.action] != GRADES["shown"]
        answered.append(Answered(
            owner=e.organization or f"producer:{e.offer.producer_id}",
            kind=e.offer.producer_type or "",
            shown=_posix(e.shown_at or e.at),
            answered=_posix(e.at) if looked else math.nan,
            looked=looked, positive=e.positive, row=row,
        ))  # fmt: skip
    tastes, kinds = profiles_at(PRODUCER_ATTRIBUTES, answered, PRODUCER_PREFIX)
    for row, values in zip(rows, tastes.tolist(), strict=True):
        row.update(zip(PRODUCER_TASTE_FEATURES, values, strict=True))
    return ProducerTable(
        kinds=kinds,
        features=np.array([producer_row(r) for r in rows], dtype=np.float64)
        .reshape(len(usable), len(PRODUCER_FEATURES)),
        gains=np.array([e.gain for e in usable]),
        labels=np.array([1 if e.positive else 0 for e in usable]),
        grades=np.array([grade_of(e.action) for e in usable], dtype=np.int32),
        weights=np.array(
            capped_weights(
                [e.weight for e in usable],
                [e.organization or f"offer:{e.offer.id}" for e in usable],
            )
        ),
        groups=[e.offer.id for e in usable],
        requirement_ids=[e.requirement.id for e in usable],
        times=np.array([e.at.timestamp() if e.at else math.nan for e in usable]),
        ranks=np.array([e.rank or 0 for e in usable], dtype=np.int32),
    )  # fmt: skip


@dataclass(slots=True)
class ProducerTraining:
    examples: int
    positives: int
    version: str | None
    promoted: bool
    decision: Decision | None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "examples": self.examples,
            "positives": self.positives,
            "version": self.version,
            "promoted": self.promoted,
            "reason": self.decision.reason if self.decision else None,
            "figures": self.decision.figures if self.decision else {},
        }


def train_producer_side(
    examples: Iterable[FeedbackExample], models_dir: Path | None, *, k: int = 10
) -> ProducerTraining:
    """Trains the producer's side on the producers' answers, judged by the promotion gate
    (later answers, enough offers and positives, a strict improvement); saved as a candidate,
    made current only when the gate lets it through. ValueError when there is too little."""
    table = producer_table(examples)
    positives = int(table.labels.sum())
    if len(table.labels) < 10 or positives == 0 or positives == len(table.labels):
        raise ValueError(f"not enough producer answers: {len(table.labels)}, {positives} positive")
    # An offer's later answers judge a model only when it never learned that offer's.
    train_rows, validation_rows = held_out_split(list(table.times), table.groups)
    notes = []
    if not validation_rows or len(set(table.labels[train_rows].tolist())) < 2:
        train_rows, validation_rows = list(range(len(table.labels))), []
        notes.append("no later answers to validate on")
    ranks = table.ranks[train_rows]
    model = fit_refinement(
        table.features, table.grades, table.groups, train_rows, weights=table.weights,
        positions=table.ranks - 1 if len(ranks) and (ranks > 0).all() else None,
        hand_score=hand_score, monotone=MONOTONE,
    )  # fmt: skip
    spread = residual_spread(model, table.features[train_rows])
    candidate = ProducerRefinedScorer(model, {"version": "candidate", "residual_spread": spread})
    current = load_producer_scorer(models_dir)
    evidence = Evidence(
        table.features, np.ones(len(table.labels)), table.gains, table.labels, table.groups,
        table.requirement_ids, table.grades != GRADES["shown"],
    )  # fmt: skip
    # No labelled set ranks requirements for an offer: the residual's bound keeps relevance.
    decision = decide(
        candidate, current, evidence, train_rows, validation_rows, lambda scorer: 1.0, k=k
    )
    run = ProducerTraining(len(table.labels), positives, None, False, decision, notes)
    if models_dir is None:
        return run
    manifest = {
        "features": list(PRODUCER_FEATURES),
        "side": "producer",
        "training_examples": run.examples,
        "training_positives": positives,
        "training_offers": len(set(table.groups)),
        "taste": {
            "attributes": list(PRODUCER_ATTRIBUTES),
            "kinds": {kind: tally.as_dict() for kind, tally in sorted(table.kinds.items())},
        },
        "promotion": {
            "rule": "if_better",
            "promoted": decision.promoted,
            "reason": decision.reason,
            "figures": decision.figures,
        },
        "model": "LightGBM lambdarank residual over the producer's hand-set view (bounded)",
        "parameters": {k: v for k, v in PARAMETERS.items() if k != "label_gain"},
        "residual_cap": RESIDUAL_CAP,
        "residual_spread": spread,
        "notes": notes,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    run.version, _ = save_model(model, manifest, side_dir(models_dir))
    if decision.promoted:
        set_current(side_dir(models_dir), run.version)
        run.promoted = True
    return run


def producer_taste(
    kind: str | None, answers: Iterable[tuple[Mapping[str, float], bool]], scorer: ViewScorer
) -> Taste:
    """A producer's implicit profile for its view now: its answers so far, shrunk toward its
    producer type's as the model in use was trained with (none for the hand-set order)."""
    prior = scorer.kind(kind) if isinstance(scorer, ProducerRefinedScorer) else None
    return taste_of(PRODUCER_ATTRIBUTES, list(answers), prior, PRODUCER_PREFIX)


def load_producer_scorer(models_dir: Path | None) -> ProducerScorer:
    """The producer's view's scorer: the current learned one, else the hand-set order (also
    when the files do not fit this code or one another)."""
    if models_dir is None:
        return ProducerHandScorer()
    folder = side_dir(models_dir)
    version = current_version(folder) if folder.exists() else None
    if version is None:
        return ProducerHandScorer()
    try:
        manifest = json.loads((folder / version / "manifest.json").read_text("utf-8"))
        blob = (folder / version / MODEL_FILE).read_bytes()
        if manifest.get("features") != list(PRODUCER_FEATURES):
            return ProducerHandScorer()
        if hashlib.sha256(blob).hexdigest() != manifest.get("sha256"):
            return ProducerHandScorer()
        return ProducerRefinedScorer(blob.decode("utf-8"), manifest)
    except Exception:  # a missing, broken or foreign file: the hand-set order
        return ProducerHandScorer()


def producer_version(models_dir: Path | None) -> str | None:
    if models_dir is None or not side_dir(models_dir).exists():
        return None
    return current_version(side_dir(models_dir))

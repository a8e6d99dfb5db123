"""The learned ranker: trained on match feedback, versioned, saved with a manifest.

Layout of a models directory (given by the caller)::

    models/
      CURRENT                    name of the version in use (empty: the hand-set scorer)
      HISTORY                    every version made current, oldest first (for rollback)
      ranker-0001/model.txt      the LightGBM model, as text (data, never code)
      ranker-0001/manifest.json  features, training data, validation, promotion and why

A version is only loaded when its manifest lists the features this code computes and the
checksum matches; otherwise the hand-set scorer is used, so a stale or tampered file can
never break or steer ranking.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matchmaker.ranking.codec import offer_from_dict, record_to_dict, requirement_from_dict
from matchmaker.ranking.features import (
    FEATURES,
    NEUTRAL,
    facts,
    pair_features,
    price_positions,
    producer_fit,
)
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.learning.labels import GAINS, GRADES, POSITIVE_FROM, capped_weights
from matchmaker.ranking.learning.lambdamart import (
    RESIDUAL_CAP,
    RefinedScorer,
    fit_refinement,
    grade_of,
    residual_spread,
)
from matchmaker.ranking.learning.profiles import (
    BUYER_ATTRIBUTES,
    BUYER_TASTE_FEATURES,
    Answered,
    Tally,
    Taste,
    profiles_at,
    taste_of,
)
from matchmaker.ranking.learning.promotion import (
    VALIDATION_SHARE,
    Decision,
    Evidence,
    decide,
    held_out_split,
)
from matchmaker.ranking.learning.reasons import DECLINE_WEIGHT, decline_reason_code
from matchmaker.ranking.metrics import ndcg_at_k, recall_at_k
from matchmaker.ranking.records import OfferRecord, RequirementRecord
from matchmaker.ranking.scoring import HandScorer, Scorer, combine
from matchmaker.ranking.text import fold

NEGATIVE = {"declined"}
CURRENT_FILE = "CURRENT"
MODEL_FILE = "model.txt"  # LightGBM's text format
HISTORY_FILE = "HISTORY"  # every version made current, oldest first
HAND_SET = "hand-set"
_MIN_EXAMPLES = 10


@dataclass(frozen=True, slots=True)
class FeedbackExample:
    """One answer to a suggested match, as recorded by the matching pipeline."""

    requirement: RequirementRecord
    offer: OfferRecord
    action: str  # a graded answer (labels.GRADES): declined, shown, viewed, ... repeat
    reason: str | None = None
    on: date | None = None  # the day the match was suggested
    # Features as computed when the match was suggested; recomputed when absent.
    features: Mapping[str, float] | None = None
    responsiveness: float | None = None
    rank: int | None = None  # where it was shown
    at: datetime | None = None  # when the answer (or the showing) was, for time splits
    organization: str | None = None  # whose answers label it
    shown_at: datetime | None = None  # when it was shown (``at`` when unknown)

    @property
    def gain(self) -> float:
        return GAINS.get(self.action, 0.0)

    @property
    def positive(self) -> bool:
        return GRADES.get(self.action, 0) >= POSITIVE_FROM

    @property
    def weight(self) -> float:
        if self.action in NEGATIVE:
            return DECLINE_WEIGHT.get(decline_reason_code(self.reason) or "", 1.0)
        return 1.0


def example_from_dict(data: Mapping[str, Any]) -> FeedbackExample:
    on = data.get("on")
    return FeedbackExample(
        requirement=requirement_from_dict(data["requirement"]),
        offer=offer_from_dict(data["offer"]),
        action=data["action"],
        reason=data.get("reason"),
        on=date.fromisoformat(on) if on else None,
        features=data.get("features"),
        responsiveness=data.get("responsiveness"),
        rank=data.get("rank"),
        at=datetime.fromisoformat(data["at"]) if data.get("at") else None,
        organization=data.get("organization"),
        shown_at=datetime.fromisoformat(data["shown_at"]) if data.get("shown_at") else None,
    )


def example_to_dict(example: FeedbackExample) -> dict[str, Any]:
    return {
        "requirement": record_to_dict(example.requirement),
        "offer": record_to_dict(example.offer),
        "action": example.action,
        "reason": example.reason,
        "on": example.on.isoformat() if example.on else None,
        "features": dict(example.features) if example.features else None,
        "responsiveness": example.responsiveness,
        "rank": example.rank,
        "at": example.at.isoformat() if example.at else None,
        "organization": example.organization,
        "shown_at": example.shown_at.isoformat() if example.shown_at else None,
    }


@dataclass(slots=True)
class FeedbackTable:
    """Feedback as model input: one row per usable example, grouped by requirement."""

    features: np.ndarray  # FEATURES columns
    producer_fit: np.ndarray
    gains: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    groups: list[str]  # requirement id per row
    offer_ids: list[str]
    # When each answer (or showing) was, as a POSIX time; NaN when unknown.
    times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    grades: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    ranks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))  # 0: unknown
    # Which request each row answers (:func:`request_key`): the gate never judges a model on
    # one it learned from.
    requests: list[str] = field(default_factory=list)
    # Each buyer type's answers, tallied for the implicit profiles (saved with the model).
    kinds: dict[str, Tally] = field(default_factory=dict)


def _posix(moment: datetime | None) -> float:
    return moment.timestamp() if moment else math.nan


def _answered(example: FeedbackExample, row: Mapping[str, float]) -> Answered:
    """An example as the implicit profiles read it: the buyer's answer, of its type."""
    looked = GRADES.get(example.action, 1) != GRADES["shown"]
    return Answered(
        owner=example.organization or f"requirement:{example.requirement.id}",
        kind=example.requirement.buyer_type or "",
        shown=_posix(example.shown_at or example.at),
        answered=_posix(example.at) if looked else math.nan,
        looked=looked,
        positive=example.positive,
        row=row,
    )


def feedback_table(examples: Iterable[FeedbackExample]) -> FeedbackTable:
    """Features for every example, recomputing those not recorded with the feedback.

    Text similarity is recomputed against all offers in the feedback, so IDF reflects a
    corpus rather than a single pair.
    """
    usable = [e for e in examples if e.action in GAINS]
    # The profile columns are made afresh from the log below, never read from a row; a row
    # logged before the price position was a feature reads it as neutral.
    needed = (
        *(f for f in FEATURES if f not in BUYER_TASTE_FEATURES and f != "price_position"),
        "producer_fit",
    )
    missing = [
        i
        for i, e in enumerate(usable)
        if not e.features or any(n not in e.features for n in needed)
    ]
    computed: dict[int, dict[str, float]] = {}
    if missing:
        index = OfferIndex({usable[i].offer.id: usable[i].offer for i in missing}.values())
        position = {o.id: p for p, o in enumerate(index.offers())}
        by_requirement: dict[str, list[int]] = defaultdict(list)
        for i in missing:
            by_requirement[usable[i].requirement.id].append(i)
        for group in by_requirement.values():
            requirement = usable[group[0]].requirement
            scores = index.text_scores(requirement.title, requirement.description)
            texts = {i: float(scores[position[usable[i].offer.id]]) for i in group}
            best = max(max(texts.values()), 0.2)
            for i in group:
                e = usable[i]
                on = e.on or date.today()
                fact = facts(requirement, e.offer, on)
                row = pair_features(
                    requirement,
                    e.offer,
                    on,
                    text=texts[i],
                    text_rel=texts[i] / best,
                    responsiveness=e.responsiveness,
                    fact=fact,
                )
                row.update(producer_fit(requirement, e.offer, fact))
                computed[i] = row
            # Among the results recomputed together (the list that was shown, at best).
            standing = price_positions([usable[i].offer for i in group])
            for i, value in zip(group, standing, strict=True):
                computed[i]["price_position"] = value
    rows = [computed.get(i) or dict(e.features or {}) for i, e in enumerate(usable)]
    for row in rows:
        row.setdefault("price_position", NEUTRAL)
    # Each row's buyer profile, from that buyer's answers strictly before it was shown.
    answered = [_answered(e, r) for e, r in zip(usable, rows, strict=True)]
    tastes, kinds = profiles_at(BUYER_ATTRIBUTES, answered)
    for row, values in zip(rows, tastes.tolist(), strict=True):
        row.update(zip(BUYER_TASTE_FEATURES, values, strict=True))
    return FeedbackTable(
        features=np.array([[r[name] for name in FEATURES] for r in rows], dtype=np.float64).reshape(
            len(rows), len(FEATURES)
        ),
        kinds=kinds,
        producer_fit=np.array([r.get("producer_fit", 1.0) for r in rows]),
        gains=np.array([e.gain for e in usable]),
        labels=np.array([1 if e.positive else 0 for e in usable]),
        weights=np.array(
            capped_weights(
                [e.weight for e in usable],
                [e.organization or f"requirement:{e.requirement.id}" for e in usable],
            )
        ),
        groups=[e.requirement.id for e in usable],
        offer_ids=[e.offer.id for e in usable],
        times=np.array([e.at.timestamp() if e.at else math.nan for e in usable]),
        grades=np.array([grade_of(e.action) for e in usable], dtype=np.int32),
        ranks=np.array([e.rank or 0 for e in usable], dtype=np.int32),
        requests=[request_key(e) for e in usable],
    )


def request_key(example: FeedbackExample) -> str:
    """What makes two showings "the same request" for the gate: the same buyer asking in the
    same words (its requirement shown again, or posted again); other buyers' requests in
    those words are requests of their own."""
    asker = example.organization or f"requirement:{example.requirement.id}"
    words = " ".join(
        fold(f"{example.requirement.title}\n{example.requirement.description}").split()
    )
    return f"{asker}\n{words}"


@dataclass(slots=True)
class Quality:
    ndcg: float
    recall: float
    groups: int

    def as_dict(self) -> dict[str, float]:
        return {"ndcg": round(self.ndcg, 4), "recall": round(self.recall, 4), "groups": self.groups}


def feedback_quality(
    scorer: Scorer, table: FeedbackTable, k: int = 10, rows: Sequence[int] | None = None
) -> Quality:
    """NDCG@k and recall@k of a scorer's order within each requirement's feedback."""
    rows = list(range(len(table.groups))) if rows is None else list(rows)
    if not rows:
        return Quality(0.0, 0.0, 0)
    scores = combine(scorer.score(table.features[rows]), table.producer_fit[rows])
    by_group: dict[str, list[tuple[float, str, float]]] = defaultdict(list)
    for score, r in zip(scores, rows, strict=True):
        by_group[table.groups[r]].append((float(score), table.offer_ids[r], float(table.gains[r])))
    ndcgs, recalls = [], []
    for items in by_group.values():
        grades = {offer: gain for _, offer, gain in items}
        if not any(grades.values()):
            continue
        ranked = [offer for _, offer, _ in sorted(items, key=lambda t: -t[0])]
        ndcgs.append(ndcg_at_k(ranked, grades, k))
        recalls.append(recall_at_k(ranked, grades, k))
    if not ndcgs:
        return Quality(0.0, 0.0, 0)
    return Quality(float(np.mean(ndcgs)), float(np.mean(recalls)), len(ndcgs))


@dataclass(slots=True)
class TrainingReport:
    version: str | None
    promoted: bool
    examples: int
    positives: int
    k: int
    candidate: Quality
    current: Quality
    current_name: str
    hand: Quality
    path: Path | None = None
    notes: list[str] = field(default_factory=list)
    decision: Decision | None = None

    def as_text(self) -> str:
        lines = [
            f"examples: {self.examples} ({self.positives} positive)",
            f"{'model':<24} NDCG@{self.k:<4} recall@{self.k:<4} requirements",
        ]
        for name, q in [
            (f"new ({self.version or 'not saved'})", self.candidate),
            (f"current ({self.current_name})", self.current),
            ("hand-set", self.hand),
        ]:
            lines.append(f"{name:<24} {q.ndcg:<9.4f} {q.recall:<11.4f} {q.groups}")
        lines.append("promoted to current" if self.promoted else "current model kept")
        if self.decision is not None:
            lines.append(f"promotion: {self.decision.reason} {json.dumps(self.decision.figures)}")
        lines.extend(self.notes)
        return "\n".join(lines)


def fit(table: FeedbackTable, rows: Sequence[int] | None = None) -> str:
    """A LambdaMART refinement of the hand score learned from ``rows`` (all by default); its
    model text. Where results were shown is used to discount position when every row has it."""
    rows = list(range(len(table.labels))) if rows is None else list(rows)
    ranks = table.ranks[rows]
    return fit_refinement(
        table.features,
        table.grades,
        table.groups,
        rows,
        weights=table.weights,
        positions=table.ranks - 1 if len(ranks) and (ranks > 0).all() else None,
    )


def train(
    examples: Iterable[FeedbackExample],
    models_dir: Path | None = None,
    *,
    k: int = 10,
    validation_share: float = VALIDATION_SHARE,
    promote: str = "if_better",
    source: str = "unspecified",
    relevance: Callable[[Scorer], float] | None = None,
) -> TrainingReport:
    """Train a ranker on feedback, judge it on later feedback, save it and maybe promote it.

    ``promote``: ``if_better`` (the gate of :mod:`.learning.promotion`: time split, enough
    evidence, a strict improvement, no loss of relevance on the labelled set), ``always`` or
    ``never``. A model kept back stays as a candidate version with the reason in its
    manifest. ``relevance`` gives a scorer's NDCG on the labelled real-listing set (the
    shipped set by default).
    """
    table = feedback_table(examples)
    positives = int(table.labels.sum())
    if len(table.labels) < _MIN_EXAMPLES or positives == 0 or positives == len(table.labels):
        raise ValueError(
            f"not enough feedback to train: {len(table.labels)} examples, {positives} positive"
        )
    train_rows, validation_rows = held_out_split(
        list(table.times), table.requests, validation_share
    )
    notes = []
    if not validation_rows:
        train_rows = list(range(len(table.labels)))
        notes.append("no feedback later than the training examples: nothing to validate on")
    if len(set(table.labels[train_rows].tolist())) < 2:
        train_rows = list(range(len(table.labels)))
        validation_rows = []
        notes.append("the earlier feedback has one kind of answer only: nothing to validate on")
    judged = fit(table, train_rows)
    spread = residual_spread(judged, table.features[train_rows])
    candidate = RefinedScorer(judged, {"version": "candidate", "residual_spread": spread})
    current = load_scorer(models_dir) if models_dir else HandScorer()
    report = TrainingReport(
        version=None,
        promoted=False,
        examples=len(table.labels),
        positives=positives,
        k=k,
        candidate=feedback_quality(candidate, table, k, validation_rows),
        current=feedback_quality(current, table, k, validation_rows),
        current_name=current.name,
        hand=feedback_quality(HandScorer(), table, k, validation_rows),
        notes=notes,
    )
    if promote == "if_better":
        evidence = Evidence(
            table.features, table.producer_fit, table.gains, table.labels, table.groups,
            table.offer_ids, table.grades != GRADES["shown"], table.requests,
        )  # fmt: skip
        report.decision = decide(
            candidate,
            current,
            evidence,
            train_rows,
            validation_rows,
            relevance or labelled_relevance(k),
            k=k,
        )
    if models_dir is None:
        return report
    # What is promoted is what was judged; the other choices learn from everything.
    if promote == "if_better":
        model = judged
    else:
        model = fit(table)
        spread = residual_spread(model, table.features)
    promoted = promote == "always" or (report.decision is not None and report.decision.promoted)
    manifest = {
        "features": list(FEATURES),
        "source": source,
        "training_examples": report.examples,
        "training_positives": positives,
        "training_requirements": len(set(table.groups)),
        "validation": {
            "k": k,
            "candidate": report.candidate.as_dict(),
            "current": {"name": current.name, **report.current.as_dict()},
            "hand": report.hand.as_dict(),
        },
        "promotion": {
            "rule": promote,
            "promoted": promoted,
            "reason": report.decision.reason if report.decision else promote,
            "figures": report.decision.figures if report.decision else {},
        },
        "taste": {
            "attributes": list(BUYER_ATTRIBUTES),
            "kinds": {kind: tally.as_dict() for kind, tally in sorted(table.kinds.items())},
        },
        "model": "LightGBM lambdarank residual over the hand-set score (bounded)",
        "residual_cap": RESIDUAL_CAP,
        "residual_spread": spread,
        "lightgbm": _lightgbm_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    report.version, report.path = save_model(model, manifest, models_dir)
    if promoted:
        set_current(models_dir, report.version)
        report.promoted = True
    return report


def labelled_relevance(k: int = 10) -> Callable[[Scorer], float]:
    """A scorer's NDCG@k on the labelled real-listing set (what ``ranking evaluate`` reads)."""
    from matchmaker.ranking.evaluation import evaluate, load_eval_set

    eval_set = load_eval_set()
    kept: dict[int, float] = {}

    def relevance(scorer: Scorer) -> float:
        if id(scorer) not in kept:
            report = evaluate(eval_set, k=k, scorers=[scorer], baselines=False)
            kept[id(scorer)] = report.systems[-1].ndcg
        return kept[id(scorer)]

    return relevance


def save_model(model: str, manifest: Mapping[str, Any], models_dir: Path) -> tuple[str, Path]:
    """Write a new version directory (the model's text and its manifest); never overwrites
    an existing version."""
    models_dir.mkdir(parents=True, exist_ok=True)
    taken = [
        int(p.name.split("-")[1])
        for p in models_dir.glob("ranker-*")
        if p.name.split("-")[1].isdigit()
    ]
    version = f"ranker-{max(taken, default=0) + 1:04d}"
    path = models_dir / version
    path.mkdir()
    blob = model.encode("utf-8")
    (path / MODEL_FILE).write_bytes(blob)
    full = {"version": version, **manifest, "sha256": hashlib.sha256(blob).hexdigest()}
    (path / "manifest.json").write_text(
        json.dumps(full, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return version, path


def set_current(models_dir: Path, version: str | None) -> None:
    """Makes a version current (None: the hand-set scorer), and notes it in the history."""
    tmp = models_dir / (CURRENT_FILE + ".tmp")
    tmp.write_text((version or "") + "\n", "utf-8")
    tmp.replace(models_dir / CURRENT_FILE)  # atomic: readers see the old or the new name
    with (models_dir / HISTORY_FILE).open("a", encoding="utf-8") as history:
        history.write((version or HAND_SET) + "\n")


def rollback(models_dir: Path) -> str | None:
    """Makes current again the version that was current before this one (the hand-set
    scorer when there was none); the version now current, None for the hand-set scorer."""
    path = models_dir / HISTORY_FILE
    history = path.read_text("utf-8").split() if path.exists() else []
    now = current_version(models_dir) or HAND_SET
    while history and history[-1] == now:
        history.pop()
    before = history[-1] if history else HAND_SET
    set_current(models_dir, None if before == HAND_SET else before)
    # The rolled-back version leaves the history, so that a second rollback goes further.
    path.write_text("".join(f"{v}\n" for v in history), "utf-8")
    return None if before == HAND_SET else before


def current_version(models_dir: Path) -> str | None:
    pointer = models_dir / CURRENT_FILE
    if not pointer.exists():
        return None
    return pointer.read_text("utf-8").strip() or None


def load_model(models_dir: Path, version: str) -> RefinedScorer:
    """Load one version; ValueError when its manifest does not fit this code or its file."""
    path = models_dir / version
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    trained_on = manifest.get("features") or []
    # Features are appended, never reordered: a model of fewer reads the first columns.
    if not trained_on or list(FEATURES[: len(trained_on)]) != trained_on:
        raise ValueError(f"{version} was trained on other features")
    blob = (path / MODEL_FILE).read_bytes()
    if hashlib.sha256(blob).hexdigest() != manifest.get("sha256"):
        raise ValueError(f"{version}: model file does not match its manifest")
    try:
        return RefinedScorer(blob.decode("utf-8"), manifest)
    except Exception as error:  # LightGBM says a broken file with its own error class
        raise ValueError(f"{version}: {error}") from error


def load_scorer(models_dir: Path | None) -> Scorer:
    """The scorer to rank with: the current learned model, else the hand-set one."""
    if models_dir is None:
        return HandScorer()
    version = current_version(models_dir)
    if version is None:
        return HandScorer()
    try:
        return load_model(models_dir, version)
    except (OSError, ValueError):
        return HandScorer()


def _lightgbm_version() -> str:
    import lightgbm

    return str(lightgbm.__version__)


def buyer_taste(
    kind: str | None, answers: Iterable[tuple[Mapping[str, float], bool]], scorer: Scorer
) -> Taste:
    """A buyer's implicit profile for ranking now: its answers so far (the features of each
    result it looked at, and whether it took it), shrunk toward its type's answers as the
    model in use was trained with (none for the hand-set scorer)."""
    prior = scorer.kind(kind) if isinstance(scorer, RefinedScorer) else None
    return taste_of(BUYER_ATTRIBUTES, list(answers), prior)

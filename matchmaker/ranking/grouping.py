"""The OCOP group and sub-group of a product, inferred from its name and its producer's name.

Many provincial OCOP lists have no "Nhóm"/"Phân nhóm" column; an officer importing one gets
the sub-group (``food.tea``, ``herbal.essential_oil``...) suggested from the words of the
product name ("Chè Shan tuyết", "Tinh dầu sả chanh", "Homestay ...") and, more weakly, of the
producer ("HTX Dệt thổ cẩm ..."). The group is the sub-group's parent in
``matchmaker/ranking/reference/data/categories.csv``.

The classifier is a logistic regression on TF-IDF features: character n-grams of the
accent-folded name (so "che shan tuyet" reads like "Chè Shan tuyết"), character n-grams of the
name as written, words of the folded name, its head (a Vietnamese name says what the product is
first: "Nước hoa hồng" is a cosmetic, "Hoa hồng" a flower) and words of the folded producer. It
learns from the real OCOP names of ``data/groups/names.tsv`` (see the README there); names are
also taught without diacritics, as officers' spreadsheets often have them. Its probabilities are
calibrated (sigmoids fitted on folds that never split a name from its own copy without
diacritics), so that ``REVIEW_THRESHOLD`` reads as a chance of being right.

scikit-learn is imported inside the functions that need it, so the command line starts fast.
The model file is a joblib (pickle) file: load only the shipped file or one you trained.
"""

from __future__ import annotations

import csv
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matchmaker.ranking.text import fold, fold_key, normalize

DATA_DIR = Path(__file__).parent / "data" / "groups"
DEFAULT_NAMES_PATH = DATA_DIR / "names.tsv"
DEFAULT_MODEL_PATH = DATA_DIR / "model.joblib"

SEED = 2025
# One name in four is held out (``HOLDOUT_FOLDS`` folds, the first held out); the
# cross-validated figures use ``CV_FOLDS`` folds; calibration ``CALIBRATION_FOLDS``.
HOLDOUT_FOLDS = 4
CV_FOLDS = 5
CALIBRATION_FOLDS = 3
TOP = 3
# A suggestion below this sub-group probability is "needs review". Chosen from the held-out
# figures that ``matchmaker ranking train-groups`` prints (README, "OCOP group inference").
REVIEW_THRESHOLD = 0.6
# Thresholds whose held-out coverage and accuracy the training report shows.
REPORTED_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)

_SEPARATOR = "\n"


@dataclass(frozen=True)
class Suggestion:
    """One possible OCOP sub-group (``category``) of a product, with its group."""

    category: str
    group: str
    probability: float

    def confident(self, threshold: float = REVIEW_THRESHOLD) -> bool:
        """Whether the suggestion may be taken without an officer looking at it."""
        return self.probability >= threshold


@dataclass(frozen=True)
class LabelledName:
    title: str
    producer: str
    category: str


def group_of(category: str) -> str:
    """``food.tea`` -> ``food`` (the codes of categories.csv put the group first)."""
    return category.split(".", 1)[0]


def load_names(path: Path | None = None) -> list[LabelledName]:
    """The labelled OCOP product names (``id, title, producer, province, category, source``)."""
    with (path or DEFAULT_NAMES_PATH).open(encoding="utf-8", newline="") as handle:
        return [
            LabelledName(row["title"], row["producer"], row["category"])
            for row in csv.DictReader(handle, delimiter="\t")
        ]


def _document(title: str, producer: str) -> str:
    return f"{title.replace(_SEPARATOR, ' ')}{_SEPARATOR}{producer.replace(_SEPARATOR, ' ')}"


# The preprocessors are module-level functions so that the fitted pipeline pickles by reference.
def _title_written(document: str) -> str:
    return normalize(document.split(_SEPARATOR, 1)[0])


def _title_folded(document: str) -> str:
    return fold(document.split(_SEPARATOR, 1)[0])


def _producer_folded(document: str) -> str:
    parts = document.split(_SEPARATOR, 1)
    return fold(parts[1]) if len(parts) > 1 else ""


def _title_head(document: str) -> str:
    """The first syllable and the first two of the folded name, as two tokens."""
    syllables = fold_key(document.split(_SEPARATOR, 1)[0]).split()[:2]
    return " ".join(dict.fromkeys([*syllables[:1], "_".join(syllables)]))


def _name_key(name: LabelledName) -> str:
    """Names that fold to the same key are one name: never on both sides of a split."""
    return fold_key(name.title)


class _Classifier:
    """TF-IDF features and a logistic regression whose probabilities are calibrated.

    The calibration (``CalibratedClassifierCV``, sigmoid) is fitted on out-of-fold scores of
    names the regression has not learned. A name with no word the model has ever seen ("xq
    zzv kkk", "12345", a blank cell) gets even probabilities over every sub-group, so it
    always needs review: calibrated on real names, the model would otherwise read an empty
    name as the likeliest sub-group and call it sure.
    """

    def __init__(self, features: Any, calibrated: Any) -> None:
        self.features = features
        self.calibrated = calibrated

    @property
    def classes_(self) -> Any:
        return self.calibrated.classes_

    def predict_proba(self, documents: Sequence[str]) -> Any:
        probabilities = self.calibrated.predict_proba(self.features.transform(documents))
        known_words = dict(self.features.transformer_list)["title_words"].transform(documents)
        probabilities[known_words.getnnz(axis=1) == 0] = 1.0 / len(self.classes_)
        return probabilities


def _features_and_regression(seed: int) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    words = r"(?u)\b\w+\b"
    features = FeatureUnion(
        [
            (
                "title_chars_folded",
                TfidfVectorizer(
                    preprocessor=_title_folded,
                    analyzer="char_wb",
                    ngram_range=(2, 5),
                    sublinear_tf=True,
                ),
            ),
            (
                "title_chars",
                TfidfVectorizer(
                    preprocessor=_title_written,
                    analyzer="char_wb",
                    ngram_range=(1, 3),
                    sublinear_tf=True,
                ),
            ),
            (
                "title_words",
                TfidfVectorizer(
                    preprocessor=_title_folded,
                    token_pattern=words,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            (
                "title_head",
                TfidfVectorizer(preprocessor=_title_head, token_pattern=r"\S+", sublinear_tf=True),
            ),
            (
                "producer_words",
                TfidfVectorizer(
                    preprocessor=_producer_folded,
                    token_pattern=words,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
        ],
        # The producer's name often says the trade ("HTX Dệt thổ cẩm") but as often says
        # nothing ("HTX Nông nghiệp Dịch vụ"): it counts for less than the product's name.
        transformer_weights={
            "title_chars_folded": 1.0,
            "title_chars": 1.0,
            "title_words": 1.0,
            "title_head": 1.0,
            "producer_words": 0.7,
        },
    )
    regression = LogisticRegression(
        C=20.0, solver="newton-cg", max_iter=1000, class_weight="balanced", random_state=seed
    )
    return features, regression


def _folds(
    names: Sequence[LabelledName], n_folds: int, seed: int
) -> list[tuple[list[int], list[int]]]:
    """Folds stratified by sub-group in which no name is on both sides."""
    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    labels = [n.category for n in names]
    return [
        (list(train), list(test))
        for train, test in splitter.split(labels, labels, [_name_key(n) for n in names])
    ]


def _fit(names: Sequence[LabelledName], seed: int) -> _Classifier:
    """Fit on the names as written and on the same names without diacritics."""
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV

    documents = [_document(n.title, n.producer) for n in names]
    documents += [_document(fold(n.title), fold(n.producer)) for n in names]
    labels = np.asarray([n.category for n in names] * 2)
    # A name and its copy without diacritics fall in the same calibration fold, or the
    # calibration would see names the classifier learned and read them as sure.
    size = len(names)
    folds = [
        ([*train, *(i + size for i in train)], [*test, *(i + size for i in test)])
        for train, test in _folds(names, CALIBRATION_FOLDS, seed)
    ]
    features, regression = _features_and_regression(seed)
    # One regression fitted on every name, its probabilities mapped by sigmoids fitted on
    # out-of-fold scores (an ensemble of one regression a fold would triple the file).
    calibrated = CalibratedClassifierCV(regression, method="sigmoid", cv=folds, ensemble=False)
    calibrated.fit(features.fit_transform(documents), labels)
    calibrated.cv = CALIBRATION_FOLDS  # the fold indices are not worth shipping
    # The weights are most of the shipped file; single precision halves it and changes no
    # suggestion at the precision probabilities are read.
    for member in calibrated.calibrated_classifiers_:
        member.estimator.coef_ = member.estimator.coef_.astype("float32")
    return _Classifier(features, calibrated)


class GroupModel:
    """A fitted sub-group classifier; :meth:`suggest` gives the likeliest sub-groups."""

    def __init__(self, pipeline: Any, manifest: dict[str, Any] | None = None) -> None:
        self._pipeline = pipeline
        self.manifest = manifest or {}

    @classmethod
    def load(cls, path: Path | None = None) -> GroupModel:
        """The model shipped with the package, or one written by :meth:`save`."""
        import joblib  # type: ignore[import-untyped]  # ships no type information

        stored = joblib.load(path or DEFAULT_MODEL_PATH)
        return cls(stored["pipeline"], stored["manifest"])

    def save(self, path: Path | None = None) -> Path:
        import joblib  # type: ignore[import-untyped]  # ships no type information

        target = path or DEFAULT_MODEL_PATH
        target.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"pipeline": self._pipeline, "manifest": self.manifest}, target, compress=3)
        return target

    @property
    def categories(self) -> list[str]:
        return [str(c) for c in self._pipeline.classes_]

    def suggest(
        self, product_name: str, producer_name: str = "", top: int = TOP
    ) -> list[Suggestion]:
        """The ``top`` likeliest sub-groups of one product, best first."""
        return self.suggest_many([(product_name, producer_name)], top=top)[0]

    def suggest_many(
        self, products: Iterable[tuple[str, str]], top: int = TOP
    ) -> list[list[Suggestion]]:
        """:meth:`suggest` for many ``(product name, producer name)`` pairs at once."""
        documents = [_document(title, producer) for title, producer in products]
        if not documents:
            return []
        categories = self.categories
        suggestions = []
        for row in self._pipeline.predict_proba(documents):
            best = sorted(range(len(categories)), key=lambda i: (-row[i], categories[i]))[:top]
            suggestions.append(
                [Suggestion(categories[i], group_of(categories[i]), float(row[i])) for i in best]
            )
        return suggestions


@functools.cache
def shipped_model() -> GroupModel:
    """The model shipped with the package, loaded once per process on first use (an import
    of a list with a group column never loads scikit-learn)."""
    return GroupModel.load()


@dataclass(frozen=True)
class ThresholdFigures:
    threshold: float
    coverage: float  # share of held-out names at or above the threshold
    accuracy: float  # sub-group accuracy on those names
    group_accuracy: float  # group accuracy on those names


@dataclass(frozen=True)
class CalibrationBin:
    low: float  # best-suggestion probabilities in [low, high)
    high: float
    names: int
    mean_probability: float
    accuracy: float  # sub-group accuracy of those names


@dataclass
class TrainingReport:
    seed: int
    train_size: int
    holdout_size: int
    group_accuracy: float
    category_accuracy: float
    folded_group_accuracy: float
    folded_category_accuracy: float
    thresholds: list[ThresholdFigures]
    cross_validated: bool = False
    cv_group_accuracy: float = 0.0
    cv_category_accuracy: float = 0.0
    calibration: list[CalibrationBin] = field(default_factory=list)
    per_category: dict[str, tuple[int, int]] = field(default_factory=dict)  # right, held out
    confusions: dict[tuple[str, str], int] = field(default_factory=dict)  # (truth, best): names

    def at(self, threshold: float) -> ThresholdFigures:
        return next(t for t in self.thresholds if t.threshold == threshold)

    def as_text(self) -> str:
        lines = [
            f"OCOP sub-group classifier, seed {self.seed}: {self.train_size} names to train, "
            f"{self.holdout_size} held out (stratified by sub-group, no name on both sides)",
            f"held out, as written:       group {self.group_accuracy:.1%}  "
            f"sub-group {self.category_accuracy:.1%}",
            f"held out, without accents:  group {self.folded_group_accuracy:.1%}  "
            f"sub-group {self.folded_category_accuracy:.1%}",
            f"{CV_FOLDS}-fold cross-validation, every name held out once: "
            + (
                f"group {self.cv_group_accuracy:.1%}  sub-group {self.cv_category_accuracy:.1%}"
                if self.cross_validated
                else "skipped"
            ),
            "confidence threshold (sub-group probability): coverage, then accuracy of the "
            "names at or above it",
        ]
        for t in self.thresholds:
            mark = "  <- REVIEW_THRESHOLD" if t.threshold == REVIEW_THRESHOLD else ""
            lines.append(
                f"  {t.threshold:.2f}: coverage {t.coverage:.1%}  sub-group {t.accuracy:.1%}  "
                f"group {t.group_accuracy:.1%}{mark}"
            )
        lines.append("calibration (held out): best-suggestion probability, names, mean, accuracy")
        for b in self.calibration:
            lines.append(
                f"  {b.low:.1f}-{b.high:.1f}: {b.names:>3}  mean {b.mean_probability:.2f}  "
                f"right {b.accuracy:.0%}"
            )
        lines.append("per sub-group (right / held out):")
        for category, (right, total) in sorted(self.per_category.items()):
            lines.append(f"  {category:<28} {right:>3} / {total:<3}")
        if self.confusions:
            lines.append("held-out misses (sub-group -> suggested instead: names):")
            for (truth, best), count in sorted(
                self.confusions.items(), key=lambda item: (-item[1], item[0])
            ):
                lines.append(f"  {truth:<28} -> {best:<28} {count}")
        return "\n".join(lines)


def _split(
    names: Sequence[LabelledName], seed: int
) -> tuple[list[LabelledName], list[LabelledName]]:
    """A quarter held out, stratified by sub-group; a name is never on both sides."""
    train, holdout = _folds(names, HOLDOUT_FOLDS, seed)[0]
    return [names[i] for i in train], [names[i] for i in holdout]


def _best_suggestions(
    model: GroupModel, holdout: Sequence[LabelledName], folded: bool
) -> list[Suggestion]:
    products = [
        (fold(n.title), fold(n.producer)) if folded else (n.title, n.producer) for n in holdout
    ]
    return [s[0] for s in model.suggest_many(products, top=1)]


def _share(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _cross_validated(names: Sequence[LabelledName], seed: int) -> tuple[float, float]:
    """Group and sub-group accuracy with every name held out once."""
    group_hits = category_hits = 0
    for train_ids, test_ids in _folds(names, CV_FOLDS, seed):
        model = GroupModel(_fit([names[i] for i in train_ids], seed))
        tested = [names[i] for i in test_ids]
        for best, name in zip(_best_suggestions(model, tested, folded=False), tested, strict=True):
            group_hits += best.group == group_of(name.category)
            category_hits += best.category == name.category
    return _share(group_hits, len(names)), _share(category_hits, len(names))


def _calibration(best: Sequence[Suggestion], truth: Sequence[str]) -> list[CalibrationBin]:
    bins = []
    for low in (0.0, 0.2, 0.4, 0.6, 0.8):
        high = low + 0.2
        kept = [
            (s, t)
            for s, t in zip(best, truth, strict=True)
            if low <= s.probability < high or (high >= 1.0 and s.probability >= 1.0)
        ]
        if kept:
            bins.append(
                CalibrationBin(
                    low,
                    high,
                    len(kept),
                    mean_probability=sum(s.probability for s, _ in kept) / len(kept),
                    accuracy=_share(sum(s.category == t for s, t in kept), len(kept)),
                )
            )
    return bins


def train(
    names: Sequence[LabelledName] | None = None, seed: int = SEED, cross_validate: bool = True
) -> tuple[GroupModel, TrainingReport]:
    """Measure on a held-out quarter and by cross-validation, then fit the model to ship on
    every name.

    The held-out figures are those of the model fitted on the other three quarters; the
    returned model has also learned the held-out names. ``cross_validate=False`` skips the
    cross-validated figures (five more fits), not the held-out ones.
    """
    labelled = list(names if names is not None else load_names())
    train_names, holdout = _split(labelled, seed)
    measured = GroupModel(_fit(train_names, seed))

    best = _best_suggestions(measured, holdout, folded=False)
    best_folded = _best_suggestions(measured, holdout, folded=True)
    truth = [n.category for n in holdout]

    def accuracy(predicted: Sequence[Suggestion], by_group: bool) -> float:
        hits = sum(
            (group_of(t) == s.group) if by_group else (t == s.category)
            for s, t in zip(predicted, truth, strict=True)
        )
        return _share(hits, len(truth))

    thresholds = []
    for threshold in sorted({*REPORTED_THRESHOLDS, REVIEW_THRESHOLD}):
        kept = [(s, t) for s, t in zip(best, truth, strict=True) if s.confident(threshold)]
        thresholds.append(
            ThresholdFigures(
                threshold,
                coverage=_share(len(kept), len(truth)),
                accuracy=_share(sum(s.category == t for s, t in kept), len(kept)),
                group_accuracy=_share(sum(s.group == group_of(t) for s, t in kept), len(kept)),
            )
        )
    held = Counter(truth)
    right = Counter(t for s, t in zip(best, truth, strict=True) if s.category == t)
    missed = Counter((t, s.category) for s, t in zip(best, truth, strict=True) if s.category != t)
    cv_group, cv_category = _cross_validated(labelled, seed) if cross_validate else (0.0, 0.0)
    report = TrainingReport(
        seed=seed,
        train_size=len(train_names),
        holdout_size=len(holdout),
        group_accuracy=accuracy(best, by_group=True),
        category_accuracy=accuracy(best, by_group=False),
        folded_group_accuracy=accuracy(best_folded, by_group=True),
        folded_category_accuracy=accuracy(best_folded, by_group=False),
        thresholds=thresholds,
        cross_validated=cross_validate,
        cv_group_accuracy=cv_group,
        cv_category_accuracy=cv_category,
        calibration=_calibration(best, truth),
        per_category={c: (right[c], held[c]) for c in held},
        confusions=dict(missed),
    )
    manifest = {
        "seed": seed,
        "names": len(labelled),
        "holdout_group_accuracy": round(report.group_accuracy, 4),
        "holdout_category_accuracy": round(report.category_accuracy, 4),
        **(
            {
                "cv_group_accuracy": round(report.cv_group_accuracy, 4),
                "cv_category_accuracy": round(report.cv_category_accuracy, 4),
            }
            if cross_validate
            else {}
        ),
        "review_threshold": REVIEW_THRESHOLD,
    }
    return GroupModel(_fit(labelled, seed), manifest), report

"""Implicit profiles as model features: what a buyer's (or a producer's) earlier answers say
about its taste, as reciprocal recommenders learn it.

For each attribute of what was shown (the kind of producer, the certifications it holds, its
stars, the distance, traceability for a buyer; the kind of buyer, its volume and distance for
a producer) an owner's **lift** is how much more of it the results it said yes to had than the
results it looked at: a buyer that takes cooperatives among all it looks at has a positive lift
for ``producer_cooperative``. An owner with few yeses says little, so its lift is shrunk toward
the profile of its kind (the buyer's type): ``(n × own + PRIOR × kind) / (n + PRIOR)`` with ``n``
its yeses; the kind's lift is shrunk toward nothing the same way. A pair's profile features are
then how well the shown result fits that taste, 0.5 when nothing is known.

In training, the profile of each example is made of the answers given **strictly before** it
was shown, never of its own answer or of a later one (:func:`profiles_at`); when ranking, of
every answer so far (:func:`taste_of`). The kinds' statistics travel with the model, in its
manifest, so that a buyer with no answers yet starts from its type's taste.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# The attributes of a shown offer a buyer's taste is read on.
BUYER_ATTRIBUTES: tuple[str, ...] = (
    "producer_cooperative",
    "producer_household",
    "producer_enterprise",
    "cert_gap",
    "cert_organic",
    "cert_food_safety",
    "stars",
    "distance",
    "traceability",
)
# The attributes of a shown requirement a producer's taste is read on.
PRODUCER_ATTRIBUTES: tuple[str, ...] = (
    "buyer_supermarket",
    "buyer_ecommerce",
    "buyer_introduction_point",
    "buyer_exporter",
    "buyer_wholesaler",
    "buyer_horeca",
    "producer_volume",
    "distance",
)
# How many yeses of its own outweigh the kind's profile (and the kind's, nothing).
PRIOR = 5.0
KIND_PRIOR = 20.0
NEUTRAL = 0.5


BUYER_PREFIX = "taste_"
PRODUCER_PREFIX = "producer_taste_"


def feature_names(attributes: Sequence[str], prefix: str = BUYER_PREFIX) -> tuple[str, ...]:
    """The profile columns: one per attribute, the overall fit, and how much is known."""
    return (*(f"{prefix}{a}" for a in attributes), f"{prefix}fit", f"{prefix}known")


BUYER_TASTE_FEATURES = feature_names(BUYER_ATTRIBUTES)
PRODUCER_TASTE_FEATURES = feature_names(PRODUCER_ATTRIBUTES, PRODUCER_PREFIX)


@dataclass(slots=True)
class Tally:
    """Sums of the attributes over the results an owner looked at and over those it took."""

    size: int
    looked: int = 0
    taken: int = 0
    looked_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))
    taken_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __post_init__(self) -> None:
        if len(self.looked_sum) != self.size:
            self.looked_sum = np.zeros(self.size)
            self.taken_sum = np.zeros(self.size)

    def add(self, values: np.ndarray, positive: bool) -> None:
        self.looked += 1
        self.looked_sum += values
        if positive:
            self.taken += 1
            self.taken_sum += values

    def lift(self) -> np.ndarray:
        """Share of the attribute among the taken minus among the looked at (0 before any)."""
        if not self.taken or not self.looked:
            return np.zeros(self.size)
        return np.asarray(self.taken_sum / self.taken - self.looked_sum / self.looked)

    def mean(self) -> np.ndarray:
        return self.looked_sum / self.looked if self.looked else np.full(self.size, NEUTRAL)

    def as_dict(self) -> dict[str, Any]:
        return {
            "looked": self.looked,
            "taken": self.taken,
            "looked_sum": [round(float(v), 6) for v in self.looked_sum],
            "taken_sum": [round(float(v), 6) for v in self.taken_sum],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], size: int) -> Tally:
        looked_sum = np.asarray(data.get("looked_sum", []), dtype=np.float64)
        taken_sum = np.asarray(data.get("taken_sum", []), dtype=np.float64)
        if len(looked_sum) != size or len(taken_sum) != size:
            return cls(size)
        return cls(size, int(data["looked"]), int(data["taken"]), looked_sum, taken_sum)


@dataclass(frozen=True, slots=True)
class Taste:
    """One owner's taste: per attribute its shrunk lift (affinity) and the mean it looked at;
    ``known`` in 0..1 says how much of it is the owner's own."""

    attributes: tuple[str, ...]
    affinity: tuple[float, ...]
    mean: tuple[float, ...]
    known: float
    prefix: str = BUYER_PREFIX

    def features(self, row: Mapping[str, float]) -> dict[str, float]:
        out = {}
        fit = 0.0
        for name, a, m in zip(self.attributes, self.affinity, self.mean, strict=True):
            x = float(row.get(name, m))
            out[f"{self.prefix}{name}"] = _clip(NEUTRAL + a * (x - m))
            fit += a * (x - m)
        out[f"{self.prefix}fit"] = _clip(NEUTRAL + fit)
        out[f"{self.prefix}known"] = self.known
        return out


def neutral_features(attributes: Sequence[str], prefix: str = BUYER_PREFIX) -> dict[str, float]:
    """The profile columns of a request from no one known."""
    known = f"{prefix}known"
    return {n: (0.0 if n == known else NEUTRAL) for n in feature_names(attributes, prefix)}


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def shrunk(own: Tally, kind: Tally | None) -> Taste:
    """The owner's taste: its own lift shrunk toward its kind's (itself shrunk toward none)."""
    kind = kind or Tally(own.size)
    kind_lift = kind.lift() * kind.taken / (kind.taken + KIND_PRIOR)
    affinity = (own.taken * own.lift() + PRIOR * kind_lift) / (own.taken + PRIOR)
    mean = own.mean() if own.looked else kind.mean()
    return Taste(
        attributes=(),
        affinity=tuple(round(float(a), 6) for a in affinity),
        mean=tuple(round(float(m), 6) for m in mean),
        known=round(own.taken / (own.taken + PRIOR), 6),
    )


def taste_of(
    attributes: Sequence[str],
    answers: Sequence[tuple[Mapping[str, float], bool]],
    kind: Tally | None,
    prefix: str = BUYER_PREFIX,
) -> Taste:
    """An owner's taste from all its answers so far: (the features shown, taken or not) of
    each result it looked at."""
    own = Tally(len(attributes))
    for row, positive in answers:
        own.add(_values(row, attributes), positive)
    taste = shrunk(own, kind)
    return Taste(tuple(attributes), taste.affinity, taste.mean, taste.known, prefix)


def _values(row: Mapping[str, float], attributes: Sequence[str]) -> np.ndarray:
    return np.array([float(row.get(a, NEUTRAL)) for a in attributes])


@dataclass(frozen=True, slots=True)
class Answered:
    """One shown result as the profiles read it."""

    owner: str
    kind: str
    shown: float  # POSIX time it was shown
    answered: float  # POSIX time of the answer (NaN: never answered)
    looked: bool  # the owner answered it at all
    positive: bool
    row: Mapping[str, float]


def profiles_at(
    attributes: Sequence[str], items: Sequence[Answered], prefix: str = BUYER_PREFIX
) -> tuple[np.ndarray, dict[str, Tally]]:
    """Each item's profile columns (``feature_names(attributes)`` order), made of the answers
    of its owner (and of its owner's kind) given strictly before the item was shown; and the
    kinds' tallies over every answer, for the manifest."""
    size = len(attributes)
    names = feature_names(attributes, prefix)
    values = [_values(item.row, attributes) for item in items]
    events = sorted(
        (item.answered, i)
        for i, item in enumerate(items)
        if item.looked and not math.isnan(item.answered)
    )
    times = [t for t, _ in events]
    own: dict[str, Tally] = defaultdict(lambda: Tally(size))
    kinds: dict[str, Tally] = defaultdict(lambda: Tally(size))
    out = np.empty((len(items), len(names)))
    done = 0
    for i in sorted(range(len(items)), key=lambda i: items[i].shown):
        item = items[i]
        # Every answer strictly before this result was shown, and none after.
        upto = bisect.bisect_left(times, item.shown) if not math.isnan(item.shown) else 0
        while done < upto:
            j = events[done][1]
            own[items[j].owner].add(values[j], items[j].positive)
            kinds[items[j].kind].add(values[j], items[j].positive)
            done += 1
        taste = shrunk(own[item.owner], kinds.get(item.kind))
        full = Taste(tuple(attributes), taste.affinity, taste.mean, taste.known, prefix)
        features = full.features(item.row)
        out[i] = [features[n] for n in names]
    while done < len(events):
        j = events[done][1]
        kinds[items[j].kind].add(values[j], items[j].positive)
        done += 1
    return out, dict(kinds)

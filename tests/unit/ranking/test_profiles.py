"""Implicit profiles as model features (no answer from the future, shrunk toward the buyer
type's), and the producer's side learned from the producers' own answers."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from matchmaker.ranking.features import FEATURES
from matchmaker.ranking.learning import promotion
from matchmaker.ranking.learning.lambdamart import RESIDUAL_CAP, bounded
from matchmaker.ranking.learning.profiles import (
    BUYER_ATTRIBUTES,
    BUYER_TASTE_FEATURES,
    PRIOR,
    Answered,
    Tally,
    profiles_at,
    shrunk,
    taste_of,
)
from matchmaker.ranking.model import FeedbackExample, feedback_table
from matchmaker.ranking.producer_model import (
    PRODUCER_FEATURES,
    ProducerHandScorer,
    ProducerRefinedScorer,
    load_producer_scorer,
    producer_taste,
    train_producer_side,
)
from matchmaker.ranking.records import OfferRecord, RequirementRecord

COOP = BUYER_ATTRIBUTES.index("producer_cooperative")
TASTE_COOP = BUYER_TASTE_FEATURES.index("taste_producer_cooperative")


def _row(coop: float) -> dict[str, float]:
    return {"producer_cooperative": coop}


def _item(owner: str, t: float, coop: float, positive: bool, answered: bool = True) -> Answered:
    return Answered(owner, "supermarket", t, t if answered else math.nan, answered, positive,
                    _row(coop))  # fmt: skip


def test_a_profile_at_time_t_reads_only_answers_before_t() -> None:
    items = [
        _item("b", 1.0, 1.0, True),
        _item("b", 1.0, 0.0, False),
        _item("b", 2.0, 1.0, True),  # shown at 2: sees the answers of time 1 only
        _item("b", 3.0, 0.0, False),
    ]
    before, _ = profiles_at(BUYER_ATTRIBUTES, items)
    # The first two know nothing (their own answers and the same moment's are not before).
    assert before[0, TASTE_COOP] == before[1, TASTE_COOP] == 0.5
    assert before[0, -1] == 0.0  # taste_known
    assert before[2, TASTE_COOP] > 0.5 and before[2, -1] > 0
    # A later answer changed (the last one turned into a yes) changes nothing earlier.
    flipped = [*items[:3], _item("b", 3.0, 0.0, True)]
    after, _ = profiles_at(BUYER_ATTRIBUTES, flipped)
    assert np.array_equal(before[:4], after[:4])
    # Nor does an answer given later to a result shown earlier.
    late = [*items, Answered("b", "supermarket", 0.5, 9.0, True, True, _row(0.0))]
    with_late, _ = profiles_at(BUYER_ATTRIBUTES, late)
    assert np.array_equal(before, with_late[:4])


def test_training_rows_never_see_their_own_answer() -> None:
    honey = "food.raw_processed"
    offer = OfferRecord(id="o1", producer_id="p1", title="Mật ong", category=honey, unit="kg",
                        producer_type="cooperative")  # fmt: skip
    other = OfferRecord(id="o2", producer_id="p2", title="Mật ong rừng", category=honey,
                        unit="kg", producer_type="household")  # fmt: skip
    start = datetime(2026, 5, 1, tzinfo=UTC)
    examples = []
    for n in range(4):
        requirement = RequirementRecord(id=f"r{n}", title="mật ong", buyer_type="supermarket")
        at = start + timedelta(hours=n)
        for o, action in ((offer, "accepted"), (other, "viewed")):
            examples.append(FeedbackExample(requirement, o, action, on=date(2026, 5, 1), at=at,
                                            organization="b", shown_at=at))  # fmt: skip
    table = feedback_table(examples)
    column = FEATURES.index("taste_producer_cooperative")
    known = FEATURES.index("taste_known")
    assert table.features[0, column] == 0.5 and table.features[0, known] == 0.0
    # From the second request on, the buyer's earlier yeses to cooperatives show.
    assert table.features[2, column] > 0.5 > table.features[3, column]
    assert table.features[6, known] > table.features[2, known] > 0


def test_few_answers_lean_on_the_buyer_types_profile() -> None:
    kind = Tally(len(BUYER_ATTRIBUTES))
    for _ in range(200):  # the type takes cooperatives
        kind.add(np.eye(len(BUYER_ATTRIBUTES))[COOP], True)
        kind.add(np.zeros(len(BUYER_ATTRIBUTES)), False)
    # A new buyer of the type starts from the type's taste, and knows nothing of its own.
    new = taste_of(BUYER_ATTRIBUTES, [], kind)
    assert new.affinity[COOP] > 0.4 and new.known == 0.0
    # One contrary yes moves it a little; many make it the buyer's own.
    one = taste_of(BUYER_ATTRIBUTES, [(_row(0.0), True), (_row(1.0), False)], kind)
    many = taste_of(BUYER_ATTRIBUTES, [(_row(0.0), True), (_row(1.0), False)] * 50, kind)
    assert 0 < one.affinity[COOP] < new.affinity[COOP]
    assert -0.5 <= many.affinity[COOP] < -0.4  # its own lift: none taken of half looked at
    assert one.known == round(1 / (1 + PRIOR), 6) and many.known > 0.9
    # With no type known, a buyer's few answers are shrunk toward no taste at all.
    alone = shrunk(Tally(len(BUYER_ATTRIBUTES)), None)
    assert set(alone.affinity) == {0.0}


def _producer_log(prefers: str | None, offers: int, seed: int = 0) -> list[FeedbackExample]:
    """Producers' answers to their views: each offer shown ten requirements of mixed buyer
    types; with ``prefers`` they take that buyer type's requirements, else by place only."""
    rng = np.random.default_rng(seed)
    types = ("supermarket", "ecommerce", "exporter", "wholesaler", "horeca")
    start = datetime(2026, 5, 1, tzinfo=UTC)
    examples = []
    for n in range(offers):
        offer = OfferRecord(id=f"o{n}", producer_id=f"p{n % 30}", title="Mật ong",
                            category="food.raw_processed", unit="kg")  # fmt: skip
        at = start + timedelta(hours=n)
        for place in range(1, 11):
            kind = types[int(rng.integers(len(types)))]
            requirement = RequirementRecord(id=f"r{n}-{place}", title="mật ong", buyer_type=kind)
            features = {name: float(rng.uniform(0.4, 0.9)) for name in PRODUCER_FEATURES}
            for t in types:
                features[f"buyer_{t}"] = 1.0 if t == kind else 0.0
            looked = rng.uniform() < 1.0 / place**0.5
            chance = (0.8 if kind == prefers else 0.05) if prefers else 0.3
            action = "shown" if not looked else ("accepted" if rng.uniform() < chance else "viewed")
            examples.append(FeedbackExample(requirement, offer, action, features=features,
                                            rank=place, at=at, organization=f"p{n % 30}",
                                            shown_at=at))  # fmt: skip
    return examples


def test_the_producer_side_is_learned_promoted_and_served(tmp_path: Path) -> None:
    run = train_producer_side(_producer_log("exporter", 240), tmp_path)
    assert run.promoted, run.as_dict()
    scorer = load_producer_scorer(tmp_path)
    assert isinstance(scorer, ProducerRefinedScorer) and scorer.name == run.version
    base = {name: 0.0 if name.startswith("buyer_") else 0.6 for name in PRODUCER_FEATURES}
    base["buyer_score"] = 0.6
    exporter = {**base, "buyer_exporter": 1.0}
    horeca = {**base, "buyer_horeca": 1.0}
    # A producer whose own answers took exporters' requirements: its profile says so.
    taste = producer_taste(None, [(exporter, True), (horeca, False)] * 5, scorer)
    for row in (exporter, horeca):
        row.update(taste.features(row))
    assert exporter["producer_taste_buyer_exporter"] > 0.5 > horeca["producer_taste_buyer_exporter"]
    exporter_score, horeca_score = scorer.score_features([exporter, horeca]).tolist()
    assert exporter_score > horeca_score
    # A refinement, bounded: never more than the cap away from the hand-set order.
    hand = ProducerHandScorer().score_features([exporter, horeca]).tolist()
    assert exporter_score <= hand[0] * math.exp(0.25) + 1e-9
    assert horeca_score >= hand[1] * math.exp(-0.25) - 1e-9


def test_the_producer_side_promotes_no_harm(tmp_path: Path) -> None:
    # Clicks that follow the place alone: no improvement, nothing made current.
    run = train_producer_side(_producer_log(None, 240), tmp_path)
    assert not run.promoted and run.decision is not None
    assert run.decision.reason == promotion.NO_IMPROVEMENT, run.as_dict()
    assert isinstance(load_producer_scorer(tmp_path), ProducerHandScorer)
    # Too few offers judged.
    few = train_producer_side(_producer_log("exporter", 30), tmp_path / "few")
    assert not few.promoted and few.decision is not None
    assert few.decision.reason in (promotion.TOO_FEW_GROUPS, promotion.TOO_FEW_POSITIVES)


def test_the_residual_keeps_its_order_within_the_bound() -> None:
    residual = np.array([-1.5, -0.8, -0.3, 0.0, 0.4, 0.9, 1.6])
    spread = [float(residual.mean()), float(residual.std())]
    scaled = bounded(residual, spread)
    assert np.all(np.abs(scaled) <= RESIDUAL_CAP + 1e-12)
    # Centred and scaled: what the model learned keeps its order inside the bound...
    assert np.all(np.diff(scaled[1:-1]) > 0)
    # ...where a cut at the bound flattened it (models saved before keep that reading).
    cut = bounded(residual, None)
    assert list(cut) == [-0.25, -0.25, -0.25, 0.0, 0.25, 0.25, 0.25]

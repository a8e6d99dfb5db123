"""Does the learning loop learn? Simulated buyers with hidden preferences answer rankings of
the real-listing products, position-biased; the nightly training and its promotion gate run
at 50, 100, 200, 500, 1,000 and 5,000 answered rankings ("events"), and for requests never
trained on it prints:

* preference NDCG@10: how well the ranking in use orders what these buyers would take (the
  request's labelled relevance times the population's hidden preference);
* relevance NDCG@10 on the labelled real-listing set (``matchmaker ranking evaluate``'s);
* whether the gate promoted the new model, and why not.

Populations: ``gap-coops`` (cooperatives holding VietGAP/GlobalGAP, the preference the audit
used), ``nearby`` (producers within about 300 km of the buyer's province), ``thrifty`` (the
cheaper third of the offers the engine would consider for the request), ``preference-free``
(takes offers by relevance alone: nothing should be promoted), and a self-dealing producer
that takes its own matches to "deal" through the services on a database (every step past its
own yes is refused; nothing reaches the buyers' labels).
Then the training time and peak memory at 10k and 100k rows, each in a process of its own.

    nice -n 10 python bench/learning.py [--events 50,100,200,500,1000,5000] [--seed 0]
        [--populations gap-coops,nearby,thrifty,preference-free] [--train-rows 10000,100000]

(``--train-rows ''`` leaves the training cost out.)

Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from matchmaker.ranking.evaluation import load_eval_set
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.learning.profiles import Taste
from matchmaker.ranking.learning.simulation import (
    Preference,
    answer,
    cheaper_offers,
    cooperatives_with_gap,
    nearby_producers,
    no_preference,
)
from matchmaker.ranking.metrics import ndcg_at_k
from matchmaker.ranking.model import (
    FeedbackExample,
    buyer_taste,
    labelled_relevance,
    load_scorer,
    train,
)
from matchmaker.ranking.records import OfferRecord, RequirementRecord
from matchmaker.ranking.scoring import Scorer


def engine_candidates(
    index: OfferIndex, requirement: RequirementRecord, on: date, related: bool
) -> list[OfferRecord]:
    """Every candidate the engine would consider for a request (the ranking's own selection
    step, hand-set scores), relevant or only related."""
    return [s.offer for s in index._ranked(requirement, 150, on, None, None, None, related)]


def thrifty() -> Preference:
    """Cheaper offers preferred, among everything the engine would consider for the request."""
    eval_set = load_eval_set()
    index = OfferIndex(eval_set.offers)
    return cheaper_offers(
        lambda requirement: [
            offer
            for related in (False, True)
            for offer in engine_candidates(index, requirement, eval_set.on, related)
        ]
    )


# Each population's hidden preference, made when the population runs.
POPULATIONS: dict[str, Callable[[], Preference]] = {
    "gap-coops": lambda: cooperatives_with_gap,
    "nearby": lambda: nearby_producers,
    "thrifty": thrifty,
    "preference-free": lambda: no_preference,
}


def _unseen(requirement_id: str) -> bool:
    return zlib.crc32(requirement_id.encode()) % 10 < 3


def buyer_of(requirement_id: str) -> str:
    """Who asks a request: one of 50 buyers, drawn apart from the unseen split (a hash of
    its own), so that each buyer asks requests both answered and never seen."""
    return f"buyer-{zlib.crc32(('buyer:' + requirement_id.split('#')[0]).encode()) % 50}"


# Each buyer's answers so far, as its implicit profile reads them: the features of each result
# it looked at and whether it took it (its hidden preference is never read).
History = dict[str, list[tuple[dict[str, float], bool]]]


def taste_for(
    requirement: RequirementRecord, scorer: Scorer, history: History | None
) -> Taste | None:
    if history is None:
        return None
    return buyer_taste(requirement.buyer_type, history.get(buyer_of(requirement.id), ()), scorer)


def _unseen_preference_gains(
    preference: Preference,
) -> Iterator[tuple[RequirementRecord, dict[str, float]]]:
    """Each unseen request with a preferred relevant offer, and every labelled offer's gain:
    its relevance grade (0..1) times the population's hidden preference for it."""
    eval_set = load_eval_set()
    offers = {o.id: o for o in eval_set.offers}
    for requirement in eval_set.requirements:
        if not _unseen(requirement.id):
            continue
        grades = eval_set.grades.get(requirement.id, {})
        gains = {o: g / 2 * preference(offers[o], requirement) for o, g in grades.items()}
        if any(gains.values()):
            yield requirement, gains


def preference_ndcg(
    index: OfferIndex, scorer: Scorer, preference: Preference, history: History | None = None
) -> float:
    """Preference NDCG@10 on the unseen requests: asked by a buyer the model knows nothing of
    (``history`` None), or by the population's buyers, with their answers so far."""
    eval_set = load_eval_set()
    values = []
    for requirement, gains in _unseen_preference_gains(preference):
        taste = taste_for(requirement, scorer, history)
        ranked = [
            r.offer_id for r in index.rank(requirement, 10, eval_set.on, scorer=scorer, taste=taste)
        ]
        values.append(ndcg_at_k(ranked, gains, 10))
    return float(np.mean(values))


def preference_ceiling(index: OfferIndex, preference: Preference) -> float:
    """The best preference NDCG@10 any order of what the engine may show reaches on the unseen
    requests: its relevant offers first, then (when fewer than five are relevant) up to three
    related ones. A re-ranking, learned or not, can do no better."""
    eval_set = load_eval_set()
    values = []
    for requirement, gains in _unseen_preference_gains(preference):
        # Every candidate the engine would consider (the ranking's own selection step).
        relevant, related = (
            sorted(
                (o.id for o in engine_candidates(index, requirement, eval_set.on, kind)),
                key=lambda o, g=gains: -g.get(o, 0.0),  # type: ignore[misc]
            )
            for kind in (False, True)
        )
        best = relevant[:10]
        if len(best) < 5:
            best += related[: min(3, 10 - len(best))]
        values.append(ndcg_at_k(best, gains, 10))
    return float(np.mean(values))


def served_relevance(index: OfferIndex, scorer: Scorer, history: History) -> float:
    """Relevance NDCG@10 on the whole labelled set as ranked for the population's buyers,
    each with its profile (for comparison with the gate's figure, a buyer unknown)."""
    eval_set = load_eval_set()
    values = []
    for requirement in eval_set.requirements:
        grades = eval_set.grades.get(requirement.id, {})
        if not grades:
            continue
        taste = taste_for(requirement, scorer, history)
        ranked = [
            r.offer_id for r in index.rank(requirement, 10, eval_set.on, scorer=scorer, taste=taste)
        ]
        values.append(ndcg_at_k(ranked, {o: float(g) for o, g in grades.items()}, 10))
    return float(np.mean(values))


def relevance_of(grades: dict[str, int]) -> Callable[[str], float]:
    return lambda offer_id: grades.get(offer_id, 0) / 2


def run_population(name: str, preference: Preference, checkpoints: list[int], seed: int) -> None:
    eval_set = load_eval_set()
    index = OfferIndex(eval_set.offers)
    offers = {o.id: o for o in eval_set.offers}
    seen = [r for r in eval_set.requirements if not _unseen(r.id)]
    rng = np.random.default_rng(seed)
    relevance = labelled_relevance()
    models = Path(tempfile.mkdtemp(prefix="learning-bench-"))
    start = datetime(2026, 5, 1, tzinfo=UTC)
    examples: list[FeedbackExample] = []
    history: History = defaultdict(list)
    hand = load_scorer(None)
    print(f"\n{name}: {len(seen)} requests answered, "
          f"{len(eval_set.requirements) - len(seen)} unseen")  # fmt: skip
    before_pref, before_rel = preference_ndcg(index, hand, preference), relevance(hand)
    before_served = served_relevance(index, hand, history)
    print(f"  before: preference NDCG@10 {before_pref:.4f}  relevance NDCG@10 {before_rel:.4f} "
          f"(as served {before_served:.4f}); the best order of what the engine may show: "
          f"{preference_ceiling(index, preference):.4f}")  # fmt: skip
    print(
        "  pref: the unseen requests asked by a new buyer (nothing known of it) and by the "
        "population's buyers (their answers so far); relevance: the labelled set for a new "
        "buyer (the gate's) and as served to the population's buyers"
    )
    print(f"  {'events':>6} {'rows':>6} {'pos':>5} {'pref new':>8} {'Δ':>7} {'pref known':>10} "
          f"{'Δ':>7} {'relevance':>9} {'Δ':>7} {'served':>7} {'Δ':>7} "
          f"{'train s':>7}  outcome")  # fmt: skip
    events = 0
    for checkpoint in checkpoints:
        while events < checkpoint:
            requirement = seen[int(rng.integers(len(seen)))]
            asked = dataclasses.replace(requirement, id=f"{requirement.id}#{events}")
            # The buyers see the ranking in use (the current model once one is promoted).
            scorer = load_scorer(models)
            # With the buyer's profile from its answers so far (the model in use reads it).
            taste = taste_for(requirement, scorer, history)
            results = index.rank(requirement, 10, eval_set.on, scorer=scorer, taste=taste)
            grades = eval_set.grades.get(requirement.id, {})
            at = start + timedelta(minutes=events)
            buyer = buyer_of(requirement.id)
            answers = answer(results, offers, asked, relevance_of(grades), preference, rng)
            for a, result in zip(answers, results, strict=True):
                example = FeedbackExample(
                    asked, offers[a.offer_id], a.action, on=eval_set.on,
                    features=dict(result.features), rank=a.rank, at=at, organization=buyer,
                    shown_at=at,
                )  # fmt: skip
                examples.append(example)
                if a.action != "shown":
                    history[buyer].append((dict(result.features), example.positive))
            events += 1
        started = time.perf_counter()
        try:
            report = train(examples, models, promote="if_better", relevance=relevance)
            outcome = report.decision.reason if report.decision else "?"
        except ValueError:
            outcome = "too_little_feedback"
        seconds = time.perf_counter() - started
        current = load_scorer(models)
        pref, rel = preference_ndcg(index, current, preference), relevance(current)
        known = preference_ndcg(index, current, preference, history)
        served = served_relevance(index, current, history)
        positives = sum(1 for e in examples if e.positive)
        print(f"  {events:>6} {len(examples):>6} {positives:>5} {pref:>8.4f} "
              f"{pref - before_pref:>+7.4f} {known:>10.4f} {known - before_pref:>+7.4f} "
              f"{rel:>9.4f} {rel - before_rel:>+7.4f} {served:>7.4f} "
              f"{served - before_served:>+7.4f} "
              f"{seconds:>7.1f}  {outcome} ({current.name})", flush=True)  # fmt: skip


def self_dealing() -> None:
    """A producer takes its own matches towards a deal through the services, on SQLite."""
    from sqlalchemy.orm import Session

    from matchmaker.accounts.services import create_user
    from matchmaker.catalog import services
    from matchmaker.db import make_engine
    from matchmaker.errors import DomainError
    from matchmaker.matching import access
    from matchmaker.matching.feedback import feedback_examples, record_feedback
    from matchmaker.matching.service import RankingState
    from matchmaker.matching.training import train_nightly
    from matchmaker.migrations import upgrade

    folder = Path(tempfile.mkdtemp(prefix="learning-bench-db-"))
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
    upgrade(engine)
    with Session(engine) as db:
        producer = services.create_organization(
            db, {"kind": "producer", "name": "HTX Tự Giao Dịch", "province": "01"}
        )
        seller = create_user(db, producer, email="p@x.vn", name="P", password="mật khẩu dài",
                             role="producer")  # fmt: skip
        honey = {"category": "food.raw_processed", "unit": "kg"}
        for i in range(3):
            services.create_offer(db, producer, {**honey, "title": f"Mật ong hoa nhãn {i}"})
        for i in range(8):
            other = services.create_organization(
                db, {"kind": "producer", "name": f"HTX {i}", "province": "01"}
            )
            services.create_offer(db, other, {**honey, "title": f"Mật ong rừng {i}"})
        state = RankingState(folder / "models")
        tried = refused = 0
        for b in range(40):
            buyer = services.create_organization(db, {"kind": "buyer", "name": f"Mua {b}"})
            user = create_user(db, buyer, email=f"b{b}@x.vn", name="B", password="mật khẩu dài",
                               role="buyer")  # fmt: skip
            requirement = services.create_requirement(db, buyer, {"title": "mật ong"})
            for ranked in access.offers_for_requirement(db, state, user, requirement.id, 10):
                if ranked.offer.organization_id != producer.id:
                    continue
                for action in ("accepted", "contacted", "deal"):
                    tried += 1
                    try:
                        record_feedback(db, seller, ranked.match, action)
                    except DomainError:
                        refused += 1
        labels = [e.action for e in feedback_examples(db)]
        run = train_nightly(db, folder / "models")
    print(f"\nself-dealing producer: {tried} answers tried, {refused} refused; buyer-side "
          f"labels: {len(labels)} rows, {sum(a != 'shown' for a in labels)} answered; "
          f"nightly training: {run.reason}, promoted: {run.promoted}")  # fmt: skip


def training_cost(rows: int) -> None:
    """Fits the LambdaMART refinement on ``rows`` generated rows; prints time and peak RSS."""
    from matchmaker.ranking.features import FEATURES
    from matchmaker.ranking.learning.lambdamart import fit_refinement

    rng = np.random.default_rng(0)
    features = rng.uniform(0, 1, (rows, len(FEATURES)))
    grades = rng.integers(0, 5, rows).astype(np.int32)
    groups = [str(i // 10) for i in range(rows)]
    positions = np.tile(np.arange(10), rows // 10 + 1)[:rows].astype(np.int32)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    fit_refinement(features, grades, groups, range(rows), positions=positions)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  {rows:>7} rows: {seconds:6.1f} s, peak RSS {peak / 1024:.0f} MB "
          f"(+{(peak - before) / 1024:.0f} MB while training)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", default="50,100,200,500,1000,5000")
    parser.add_argument("--populations", default=",".join(POPULATIONS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-rows", default="10000,100000")
    parser.add_argument("--cost-only", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cost_only:
        training_cost(args.cost_only)
        return
    print(f"nproc {os.cpu_count()}, python {sys.version.split()[0]}")
    checkpoints = [int(x) for x in args.events.split(",") if x]
    for name in [p for p in args.populations.split(",") if p]:
        run_population(name, POPULATIONS[name](), checkpoints, args.seed)
    self_dealing()
    train_rows = [int(x) for x in args.train_rows.split(",") if x]
    if train_rows:
        print("\ntraining cost (LambdaMART refinement, one thread):")
    for rows in train_rows:
        subprocess.run([sys.executable, __file__, "--cost-only", str(rows)], check=True)


if __name__ == "__main__":
    main()

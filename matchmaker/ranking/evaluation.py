"""Offline evaluation on the labelled set in ``data/eval``, beside plain BM25.

The BM25 baselines run on exactly the texts the engine sees (title and description of each
offer; title and description of each requirement):

* ``bm25`` — bm25s as it comes (lower-casing, English stop words): what a plain search box
  would do;
* ``bm25-folded`` — the same on accent-folded text, a fairer baseline for Vietnamese typed
  without accents;
* ``bm25-folded+rules`` — that, with the buyer's hard constraints applied as a filter, so
  the engine's gain from retrieval and scoring shows apart from its gain from the rules.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

import bm25s
import numpy as np

from matchmaker.ranking.codec import offer_from_dict, read_jsonl, requirement_from_dict
from matchmaker.ranking.constraints import violations
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.metrics import ndcg_at_k, recall_at_k
from matchmaker.ranking.records import OfferRecord, RequirementRecord
from matchmaker.ranking.scoring import Scorer
from matchmaker.ranking.text import fold

# bm25s sets its own logger to DEBUG when imported, which would print its progress lines
# under every evaluation; the application's log level decides instead.
logging.getLogger("bm25s").setLevel(logging.NOTSET)

# Offers of the same kind the buyer asked for get grade 2; recall counts those.
RECALL_GRADE = 2


@dataclass(frozen=True, slots=True)
class EvalSet:
    offers: list[OfferRecord]
    requirements: list[RequirementRecord]
    grades: dict[str, dict[str, int]]  # requirement id -> offer id -> grade 0..2
    on: date


def default_eval_dir() -> Path:
    return Path(str(resources.files("matchmaker.ranking").joinpath("data", "eval")))


def load_eval_set(path: Path | None = None) -> EvalSet:
    path = path or default_eval_dir()
    meta = json.loads((path / "meta.json").read_text("utf-8"))
    grades: dict[str, dict[str, int]] = {}
    for line in (path / "qrels.tsv").read_text("utf-8").splitlines()[1:]:
        if line.strip():
            requirement_id, offer_id, grade = line.split("\t")
            if int(grade) > 0:
                grades.setdefault(requirement_id, {})[offer_id] = int(grade)
    return EvalSet(
        offers=[offer_from_dict(d) for d in read_jsonl(path / "offers.jsonl")],
        requirements=[requirement_from_dict(d) for d in read_jsonl(path / "requirements.jsonl")],
        grades=grades,
        on=date.fromisoformat(meta["as_of"]),
    )


@dataclass(slots=True)
class SystemResult:
    name: str
    ndcg: float
    recall: float
    per_requirement: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(slots=True)
class EvaluationReport:
    k: int
    requirements: int
    offers: int
    systems: list[SystemResult]

    def as_text(self) -> str:
        lines = [
            f"evaluation set: {self.requirements} requirements x {self.offers} offers, "
            f"graded 0-2; recall counts grade {RECALL_GRADE}",
            f"{'system':<26} NDCG@{self.k:<5} recall@{self.k:<5} time",
        ]
        for s in self.systems:
            lines.append(f"{s.name:<26} {s.ndcg:<10.4f} {s.recall:<12.4f} {s.seconds:.2f}s")
        engine = self.systems[0]
        for s in self.systems[1:]:
            if s.name.startswith("bm25"):
                lines.append(f"{engine.name} - {s.name}: {engine.ndcg - s.ndcg:+.4f} NDCG@{self.k}")
        return "\n".join(lines)


def _score(
    name: str, eval_set: EvalSet, k: int, ranker: Callable[[RequirementRecord], Sequence[str]]
) -> SystemResult:
    started = time.perf_counter()
    ndcgs, recalls, per = [], [], {}
    for requirement in eval_set.requirements:
        grades = eval_set.grades.get(requirement.id, {})
        ranked = list(ranker(requirement))[:k]
        per[requirement.id] = ndcg_at_k(ranked, grades, k)
        ndcgs.append(per[requirement.id])
        recalls.append(recall_at_k(ranked, grades, k, RECALL_GRADE))
    return SystemResult(
        name, float(np.mean(ndcgs)), float(np.mean(recalls)), per, time.perf_counter() - started
    )


def _text(record: OfferRecord | RequirementRecord) -> str:
    return f"{record.title} {record.description}"


def bm25_ranker(
    offers: Sequence[OfferRecord],
    k: int,
    *,
    folded: bool = False,
    on: date | None = None,
) -> Callable[[RequirementRecord], list[str]]:
    """A bm25s retriever over the offers; with ``on``, the hard constraints filter it."""
    prepare = fold if folded else (lambda s: s)
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([prepare(_text(o)) for o in offers], show_progress=False),
        show_progress=False,
    )
    ids = [o.id for o in offers]

    def rank(requirement: RequirementRecord) -> list[str]:
        mask = None
        if on is not None:
            mask = np.array([not violations(requirement, o, on) for o in offers], dtype=float)
            if not mask.any():
                return []
        tokens = bm25s.tokenize(
            [prepare(_text(requirement))], show_progress=False, return_ids=False
        )
        if not tokens[0]:
            return []
        docs, scores = retriever.retrieve(
            tokens, k=min(k, len(ids)), show_progress=False, weight_mask=mask
        )
        return [ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def evaluate(
    eval_set: EvalSet | None = None,
    *,
    k: int = 10,
    scorers: Sequence[Scorer] = (),
    baselines: bool = True,
) -> EvaluationReport:
    """NDCG@k and recall@k of the engine (one row per scorer, hand-set first) and BM25."""
    eval_set = eval_set or load_eval_set()
    systems = []
    index = OfferIndex(eval_set.offers)

    def engine(scorer: Scorer) -> Callable[[RequirementRecord], list[str]]:
        return lambda r: [m.offer_id for m in index.rank(r, k, eval_set.on, scorer=scorer)]

    for scorer in [index.scorer, *scorers]:
        systems.append(_score(f"engine ({scorer.name})", eval_set, k, engine(scorer)))
    if baselines:
        systems.append(_score("bm25", eval_set, k, bm25_ranker(eval_set.offers, k)))
        systems.append(
            _score("bm25-folded", eval_set, k, bm25_ranker(eval_set.offers, k, folded=True))
        )
        systems.append(
            _score(
                "bm25-folded+rules",
                eval_set,
                k,
                bm25_ranker(eval_set.offers, k, folded=True, on=eval_set.on),
            )
        )
    return EvaluationReport(k, len(eval_set.requirements), len(eval_set.offers), systems)

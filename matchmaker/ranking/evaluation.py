"""Offline evaluation on a labelled set, beside plain BM25, per style of request.

The default set (``data/realeval``) is built from real OCOP product names as provinces list
them, with requests written in five styles: Vietnamese with diacritics, without diacritics
(and with typos), regional words, English, and one-line titles. ``data/eval`` is the older
set made by the sample generator.

Systems, all on exactly the texts the engine sees (offer title and description; request
title and description):

* ``engine`` — the matching engine, as a buyer's shortlist shows it: relevant offers, then
  a few related ones when there are fewer than asked for (both count as shown);
* ``engine, syllables`` — the same engine reading text as single syllables (the first engine);
* ``bm25`` — bm25s as it comes (lower-casing, English stop words): a plain search box;
* ``bm25-folded`` — the same on accent-folded text;
* ``bm25-folded+rules`` — that, with the buyer's hard constraints applied as a filter, so the
  engine's gain from reading text shows apart from its gain from the rules;
* ``search`` — the supplier search (request title as the query, the buyer's hard conditions
  as filters), beside ``bm25-folded+rules (title)``, bm25s on the title with the same filters.

Measures: NDCG@5 and NDCG@10; **junk shown**, the share of all results shown that are graded
0 (a list padded with unrelated products scores badly here whatever its NDCG); and
**violations**, results that break a hard constraint (never acceptable).
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

import numpy as np

from matchmaker.ranking.analysis import Vectorizer
from matchmaker.ranking.codec import offer_from_dict, read_jsonl, requirement_from_dict
from matchmaker.ranking.constraints import violations
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.metrics import ndcg_at_k, recall_at_k
from matchmaker.ranking.records import OfferRecord, RequirementRecord
from matchmaker.ranking.scoring import Scorer
from matchmaker.ranking.text import fold

# Offers of the same kind the buyer asked for get grade 2; recall counts those.
RECALL_GRADE = 2


@dataclass(frozen=True, slots=True)
class EvalSet:
    offers: list[OfferRecord]
    requirements: list[RequirementRecord]
    grades: dict[str, dict[str, int]]  # requirement id -> offer id -> grade 0..2
    on: date
    styles: dict[str, str] = field(default_factory=dict)  # requirement id -> style

    def style_of(self, requirement_id: str) -> str:
        return self.styles.get(requirement_id, "all")


STYLES = ("vi", "plain", "regional", "en", "title")


def default_eval_dir() -> Path:
    """The real-listing set; ``synthetic_eval_dir()`` is the sample generator's."""
    return Path(str(resources.files("matchmaker.ranking").joinpath("data", "realeval")))


def synthetic_eval_dir() -> Path:
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
    raw_requirements = list(read_jsonl(path / "requirements.jsonl"))
    return EvalSet(
        offers=[offer_from_dict(d) for d in read_jsonl(path / "offers.jsonl")],
        requirements=[requirement_from_dict(d) for d in raw_requirements],
        grades=grades,
        on=date.fromisoformat(meta["as_of"]),
        styles={d["id"]: d["style"] for d in raw_requirements if d.get("style")},
    )


@dataclass(slots=True)
class Measures:
    """One system on a group of requests."""

    ndcg5: float
    ndcg: float  # at the report's k
    recall: float
    junk: float  # share of the results shown as matches that are graded 0
    shown: float  # results shown as matches per request, on average
    violations: int  # results that break a hard constraint
    related: float = 0.0  # results shown apart as related products, per request
    related_junk: float = 0.0  # share of those graded 0


@dataclass(slots=True)
class SystemResult:
    name: str
    ndcg: float
    recall: float
    per_requirement: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    by_style: dict[str, Measures] = field(default_factory=dict)


@dataclass(slots=True)
class EvaluationReport:
    k: int
    requirements: int
    offers: int
    systems: list[SystemResult]
    styles: dict[str, int] = field(default_factory=dict)  # style -> requests

    def as_text(self) -> str:
        lines = [
            f"evaluation set: {self.requirements} requirements x {self.offers} offers, "
            f"graded 0-2; recall counts grade {RECALL_GRADE}",
            "junk: share of the results shown that are graded 0; related: results shown apart "
            "as related products (same kind, not as asked), with their own junk share",
            f"{'style':<9} {'n':>3}  {'system':<34} {'NDCG@5':>7} {f'NDCG@{self.k}':>8} "
            f"{'junk':>6} {'shown':>6} {'violations':>10} {'related':>8} {'junk':>6}",
        ]
        for style in dict.fromkeys([*self.styles, "all"]):
            n = self.styles.get(style, self.requirements)
            for i, s in enumerate(self.systems):
                m = s.by_style.get(style)
                if m is None:
                    continue
                label = f"{style:<9} {n:>3}" if i == 0 else " " * 13
                related = f" {m.related:>8.1f} {m.related_junk:>6.1%}" if m.related else ""
                lines.append(
                    f"{label}  {s.name:<34} {m.ndcg5:>7.3f} {m.ndcg:>8.3f} "
                    f"{m.junk:>6.1%} {m.shown:>6.1f} {m.violations:>10}{related}"
                )
        engine = self.systems[0]
        for s in self.systems[1:]:
            if s.name.startswith("bm25"):
                lines.append(f"{engine.name} - {s.name}: {engine.ndcg - s.ndcg:+.4f} NDCG@{self.k}")
        return "\n".join(lines)


Ranked = list[tuple[str, bool]]  # offer ids best first, each with "shown as related"


def _measures(eval_set: EvalSet, ids: list[str], lists: dict[str, Ranked], k: int) -> Measures:
    offers = {o.id: o for o in eval_set.offers}
    requirements = {r.id: r for r in eval_set.requirements}
    ndcg5, ndcg, recall = [], [], []
    shown = junk = violated = related = related_junk = 0
    for rid in ids:
        grades = eval_set.grades.get(rid, {})
        ranked = [o for o, _ in lists[rid]]
        ndcg5.append(ndcg_at_k(ranked, grades, 5))
        ndcg.append(ndcg_at_k(ranked, grades, k))
        recall.append(recall_at_k(ranked[:k], grades, k, RECALL_GRADE))
        for o, is_related in lists[rid]:
            graded_zero = grades.get(o, 0) == 0
            if is_related:
                related += 1
                related_junk += graded_zero
            else:
                shown += 1
                junk += graded_zero
        violated += sum(1 for o in ranked if violations(requirements[rid], offers[o], eval_set.on))
    return Measures(
        ndcg5=float(np.mean(ndcg5)),
        ndcg=float(np.mean(ndcg)),
        recall=float(np.mean(recall)),
        junk=junk / shown if shown else 0.0,
        shown=shown / max(len(ids), 1),
        violations=violated,
        related=related / max(len(ids), 1),
        related_junk=related_junk / related if related else 0.0,
    )


def _score(
    name: str, eval_set: EvalSet, k: int, ranker: Callable[[RequirementRecord], Sequence[str]]
) -> SystemResult:
    started = time.perf_counter()
    lists: dict[str, Ranked] = {}
    for r in eval_set.requirements:
        ranked = list(ranker(r))[:k]
        related: set[str] = getattr(ranker, "related", set())
        lists[r.id] = [(o, o in related) for o in ranked]
    seconds = time.perf_counter() - started
    per = {
        rid: ndcg_at_k([o for o, _ in ranked], eval_set.grades.get(rid, {}), k)
        for rid, ranked in lists.items()
    }
    groups: dict[str, list[str]] = {}
    for r in eval_set.requirements:
        groups.setdefault(eval_set.style_of(r.id), []).append(r.id)
    by_style = {style: _measures(eval_set, ids, lists, k) for style, ids in groups.items()}
    overall = _measures(eval_set, list(lists), lists, k)
    if set(groups) != {"all"}:
        by_style["all"] = overall
    return SystemResult(name, overall.ndcg, overall.recall, per, seconds, by_style)


class _EngineRanker:
    """The engine's shortlist; remembers which of its last results were shown as related."""

    def __init__(self, index: OfferIndex, scorer: Scorer, k: int, on: date) -> None:
        self.index, self.scorer, self.k, self.on = index, scorer, k, on
        self.related: set[str] = set()

    def __call__(self, requirement: RequirementRecord) -> list[str]:
        results = self.index.rank(requirement, self.k, self.on, scorer=self.scorer)
        self.related = {m.offer_id for m in results if m.related}
        return [m.offer_id for m in results]


def _text(record: OfferRecord | RequirementRecord) -> str:
    return f"{record.title} {record.description}"


def bm25_ranker(
    offers: Sequence[OfferRecord],
    k: int,
    *,
    folded: bool = False,
    on: date | None = None,
    titles_only: bool = False,
) -> Callable[[RequirementRecord], list[str]]:
    """A bm25s retriever over the offers; with ``on``, the hard constraints filter it."""
    # The baseline alone needs bm25s: imported here, so that nothing else pays for it.
    import bm25s

    # bm25s sets its own logger to DEBUG when imported, which would print its progress lines
    # under every evaluation; the application's log level decides instead.
    logging.getLogger("bm25s").setLevel(logging.NOTSET)
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
        text = requirement.title if titles_only else _text(requirement)
        tokens = bm25s.tokenize([prepare(text)], show_progress=False, return_ids=False)
        if not tokens[0]:
            return []
        docs, scores = retriever.retrieve(
            tokens, k=min(k, len(ids)), show_progress=False, weight_mask=mask
        )
        return [ids[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def search_ranker(index: OfferIndex, k: int, on: date) -> Callable[[RequirementRecord], list[str]]:
    """The supplier search: the request's title as the query, its hard conditions as filters."""

    def rank(requirement: RequirementRecord) -> list[str]:
        hits = index.search(requirement.title)
        return [o.id for o, _ in hits if not violations(requirement, o, on)][:k]

    return rank


def evaluate(
    eval_set: EvalSet | None = None,
    *,
    k: int = 10,
    scorers: Sequence[Scorer] = (),
    baselines: bool = True,
) -> EvaluationReport:
    """The engine (one row per scorer, hand-set first), its first syllable reading, the
    supplier search and BM25, overall and per style of request."""
    eval_set = eval_set or load_eval_set()
    systems = []
    index = OfferIndex(eval_set.offers)

    def engine(on_index: OfferIndex, scorer: Scorer) -> Callable[[RequirementRecord], list[str]]:
        return _EngineRanker(on_index, scorer, k, eval_set.on)

    for scorer in [index.scorer, *scorers]:
        systems.append(_score(f"engine ({scorer.name})", eval_set, k, engine(index, scorer)))
    if baselines:
        syllables = OfferIndex(eval_set.offers, vectorizer=Vectorizer(analyzer="syllables"))
        systems.append(
            _score(
                f"engine ({index.scorer.name}, syllables)",
                eval_set,
                k,
                engine(syllables, index.scorer),
            )
        )
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
        systems.append(_score("search", eval_set, k, search_ranker(index, k, eval_set.on)))
        systems.append(
            _score(
                "bm25-folded+rules (title)",
                eval_set,
                k,
                bm25_ranker(eval_set.offers, k, folded=True, on=eval_set.on, titles_only=True),
            )
        )
    styles: dict[str, int] = {}
    for r in eval_set.requirements:
        style = eval_set.style_of(r.id)
        styles[style] = styles.get(style, 0) + 1
    ordered = {s: styles[s] for s in [*STYLES, *sorted(styles)] if s in styles}
    return EvaluationReport(k, len(eval_set.requirements), len(eval_set.offers), systems, ordered)

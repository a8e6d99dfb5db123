"""The offer index: retrieval, hard constraints, scoring, explanations, fair re-ranking.

Layout, chosen for fast queries and cheap updates:

* a *main* segment, built in one go, kept term-major (one row per hashed term) so a query
  only touches the postings of its own terms;
* a small *delta* segment, document-major, that takes offers added or changed since;
* a tombstone flag per position for removed and replaced offers.

When the delta grows past a share of the main segment the two are merged, reusing the term
frequencies already computed, so freshness never costs a full re-analysis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from operator import itemgetter
from typing import NamedTuple

import numpy as np
from scipy import sparse

from matchmaker.ranking import lookup
from matchmaker.ranking.analysis import Vectorizer, idf_weights, weigh, weigh_few
from matchmaker.ranking.constraints import codes, requirement_open, star_floor, violations
from matchmaker.ranking.explain import explain
from matchmaker.ranking.fairness import diversify, exposure_adjusted
from matchmaker.ranking.features import (
    FEATURES,
    PairFacts,
    delivery_targets,
    facts,
    pair_features,
    price_positions,
    producer_fit,
)
from matchmaker.ranking.learning.profiles import Taste
from matchmaker.ranking.records import MatchResult, OfferRecord, RequirementRecord
from matchmaker.ranking.scoring import HandScorer, Scorer, ViewScorer, combine
from matchmaker.ranking.words import (
    COVERAGE,
    Clause,
    QueryPlan,
    Readings,
    Stats,
    is_plain,
    paired_spelling,
    read_request,
    with_accents,
)

# Candidates re-ranked with full features after retrieval; enough to fill a top ten after
# diversification, few enough to stay within a few milliseconds.
CANDIDATES = 150
# Small boosts that let a category match enter the candidates when the words differ.
_SUBGROUP_BONUS = 0.05
_GROUP_BONUS = 0.02
# Below this cosine a text match is noise (a shared character trigram or a common word).
MIN_TEXT = 0.03
# Relative relevance is measured against at least this cosine, so the best of a set of poor
# matches is not mistaken for a good one.
_TEXT_REFERENCE = 0.2
_MAX_CERT_BITS = 63
_MERGE_SHARE = 0.05
_MERGE_MIN = 2000
# Open requirements whose analysed text is kept; far above the number open at any time.
_REQUIREMENT_CACHE = 50_000
# Related products (the same kind, not as asked) follow the relevant ones when fewer than
# these are relevant, at most this many: a way to widen, not padding.
RELATED_WHEN_FEWER = 5
RELATED_SHOWN = 3
# A related product is a poorer match than any relevant one of the same practical fit.
RELATED_DISCOUNT = 0.6


class Pair(NamedTuple):
    """An offer with its text similarity to a request and, read in words, the share of the
    request's clauses it covers (which then measures relevance instead of the similarity
    relative to the best offer: the same for a pair whichever side is ranked)."""

    offer: OfferRecord
    text: float
    coverage: float | None = None


class Candidates(NamedTuple):
    positions: np.ndarray
    text: np.ndarray
    coverage: np.ndarray | None


@dataclass(frozen=True, slots=True)
class Relevance:
    """Per index position: the share of a request's clauses an offer covers, whether that
    makes it relevant, and whether it is at least related (shares a product term)."""

    coverage: np.ndarray
    relevant: np.ndarray
    related: np.ndarray


# A search's text scores over the index, and its relevance (None: no word to judge by).
_Searched = tuple[np.ndarray, Relevance | None]


@dataclass(slots=True)
class _Columns:
    """Per-position values the hard constraints need, as numpy arrays for vector filtering."""

    alive: np.ndarray
    active: np.ndarray
    stars: np.ndarray
    certified_until: np.ndarray  # proleptic ordinal; 0 = none
    shelf_life: np.ndarray  # -1 = not stated
    certificates: np.ndarray  # bit set over the index's certificate codes
    category: np.ndarray
    group: np.ndarray

    @classmethod
    def empty(cls, capacity: int) -> _Columns:
        return cls(
            alive=np.zeros(capacity, bool),
            active=np.zeros(capacity, bool),
            stars=np.zeros(capacity, np.int8),
            certified_until=np.zeros(capacity, np.int32),
            shelf_life=np.full(capacity, -1, np.int32),
            certificates=np.zeros(capacity, np.uint64),
            category=np.full(capacity, -1, np.int32),
            group=np.full(capacity, -1, np.int32),
        )

    def grown(self, capacity: int) -> _Columns:
        bigger = _Columns.empty(capacity)
        n = len(self.alive)
        for name in self.__slots__:
            getattr(bigger, name)[:n] = getattr(self, name)
        return bigger

    def taken(self, keep: np.ndarray, capacity: int) -> _Columns:
        smaller = _Columns.empty(capacity)
        for name in self.__slots__:
            getattr(smaller, name)[: len(keep)] = getattr(self, name)[keep]
        return smaller


class OfferIndex:
    """Offers ready to be matched against requirements.

    ``rank`` answers a buyer's requirement with the best eligible offers; ``rank_requirements``
    answers a producer's offer with the best open requirements.
    """

    def __init__(
        self,
        offers: Iterable[OfferRecord] = (),
        *,
        scorer: Scorer | None = None,
        vectorizer: Vectorizer | None = None,
    ) -> None:
        self.scorer: Scorer = scorer or HandScorer()
        self._vectorizer = vectorizer or Vectorizer()
        self._requirement_cache: dict[tuple[str, str, str], sparse.csr_matrix] = {}
        self._plan_cache: dict[tuple[str, str, str], QueryPlan] = {}
        # The judging clauses of kept plans, for the producer's view.
        self._weighed_kept: dict[QueryPlan, list[tuple[Clause, float]]] = {}
        # Bumped by every change, so that what was worked out for a request is not reused
        # across one.
        self._version = 0
        # The last request read by :meth:`plan`: a search reads its words, then asks how it
        # read them (its spelling), with nothing changed in between.
        self._last_plan: tuple[tuple[str, str, int], QueryPlan | None] | None = None
        self._last_relevance: tuple[QueryPlan, int, Relevance | None] | None = None
        self._last_judged: (
            tuple[tuple[str, str, str, int], tuple[QueryPlan | None, np.ndarray, Relevance | None]]
            | None
        ) = None
        self._last_searched: tuple[tuple[str, int], _Searched] | None = None
        self._readings = Readings()
        offers = list(offers)
        for offer in offers:
            self._readings.add(offer.title)
        self._rebuild(offers)

    # -- building and freshness -------------------------------------------------------------

    def _rebuild(self, offers: list[OfferRecord], tf: sparse.csr_matrix | None = None) -> None:
        self._version += 1
        latest: dict[str, int] = {}
        for i, offer in enumerate(offers):
            latest[offer.id] = i  # the last version of a repeated id wins
        if len(latest) != len(offers):
            keep = sorted(latest.values())
            offers = [offers[i] for i in keep]
            if tf is not None:
                tf = tf[keep]
        if tf is None:
            tf = self._vectorizer.term_frequencies((o.title, o.description) for o in offers)
        n = len(offers)
        self._offers: list[OfferRecord | None] = list(offers)
        self._position = {o.id: i for i, o in enumerate(offers)}
        self._categories: dict[str, int] = {}
        self._groups: dict[str, int] = {}
        self._certificate_bits: dict[str, int] = {}
        self._columns = _Columns.empty(max(n, 16))
        for i, offer in enumerate(offers):
            self._fill(i, offer)
        self._tf = tf  # document-major, for document frequencies and merging
        self._df = np.bincount(tf.indices, minlength=self._vectorizer.n_features).astype(np.int32)
        self._n_live = n
        idf = idf_weights(self._df, max(n, 1))
        self._main = weigh(tf, idf).T.tocsr()  # term-major
        self._main_size = n
        self._delta_rows: list[sparse.csr_matrix] = []
        self._delta_tf: list[sparse.csr_matrix] = []
        self._delta: sparse.csr_matrix | None = None

    def _fill(self, position: int, offer: OfferRecord) -> None:
        c = self._columns
        c.alive[position] = True
        c.active[position] = offer.status == "active"
        c.stars[position] = offer.ocop_stars or 0
        until = offer.ocop_certified_until
        c.certified_until[position] = until.toordinal() if until else 0
        c.shelf_life[position] = -1 if offer.shelf_life_days is None else offer.shelf_life_days
        bits = 0
        for code in codes(offer.certifications):
            bit = self._certificate_bit(code)
            if bit is not None:
                bits |= 1 << bit
        c.certificates[position] = np.uint64(bits)
        c.category[position] = self._categories.setdefault(offer.category, len(self._categories))
        group = lookup.category_group(offer.category)
        c.group[position] = self._groups.setdefault(group, len(self._groups))

    def _certificate_bit(self, code: str) -> int | None:
        bit = self._certificate_bits.get(code)
        if bit is None and len(self._certificate_bits) < _MAX_CERT_BITS:
            bit = self._certificate_bits[code] = len(self._certificate_bits)
        return bit

    def __len__(self) -> int:
        return len(self._position)

    def __contains__(self, offer_id: object) -> bool:
        return offer_id in self._position

    @property
    def nbytes(self) -> int:
        """Bytes held in the index's arrays (matrices and columns), records not included."""
        matrices = [self._main, self._tf, *self._delta_rows, *self._delta_tf]
        total = sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in matrices)
        columns = self._columns
        return total + self._df.nbytes + sum(getattr(columns, n).nbytes for n in columns.__slots__)

    def get(self, offer_id: str) -> OfferRecord | None:
        position = self._position.get(offer_id)
        return None if position is None else self._offers[position]

    def offers(self) -> list[OfferRecord]:
        return [o for o in self._offers if o is not None]

    def upsert(self, offer: OfferRecord) -> None:
        """Add a new offer or replace the indexed version; visible to the next query."""
        self.remove(offer.id)
        self._version += 1
        tf = self._vectorizer.term_frequencies([(offer.title, offer.description)])
        terms = tf.indices
        self._df[terms] += 1
        self._n_live += 1
        position = len(self._offers)
        if position >= len(self._columns.alive):
            self._columns = self._columns.grown(2 * position)
        self._offers.append(offer)
        self._readings.add(offer.title)
        self._position[offer.id] = position
        self._fill(position, offer)
        self._delta_tf.append(tf)
        self._delta_rows.append(weigh_few(tf, self._df, self._n_live))
        self._delta = None
        if len(self._delta_rows) > max(_MERGE_MIN, _MERGE_SHARE * self._main_size):
            self.merge()

    add = upsert
    update = upsert

    def remove(self, offer_id: str) -> bool:
        """Take an offer out (archived, deleted or replaced); False when it was not indexed."""
        position = self._position.pop(offer_id, None)
        if position is None:
            return False
        self._version += 1
        self._columns.alive[position] = False
        self._offers[position] = None
        row = self._tf_row(position)
        self._df[row.indices] -= 1
        self._n_live -= 1
        return True

    def _tf_row(self, position: int) -> sparse.csr_matrix:
        if position < self._main_size:
            return self._tf[position]
        return self._delta_tf[position - self._main_size]

    def merge(self) -> None:
        """Fold the delta into the main segment, dropping removed offers; IDF is refreshed."""
        parts = [self._tf, *self._delta_tf]
        tf = sparse.vstack(parts, format="csr") if len(parts) > 1 else self._tf
        keep = np.flatnonzero(self._columns.alive[: len(self._offers)])
        offers = [self._offers[i] for i in keep]
        self._rebuild([o for o in offers if o is not None], tf[keep])

    def rebuild(self) -> None:
        """Re-analyse every live offer from scratch."""
        self._rebuild(self.offers())

    # -- retrieval ----------------------------------------------------------------------------

    @property
    def analyzer(self) -> str:
        return self._vectorizer.analyzer

    def stats(self) -> Stats:
        """What reading a request needs of the catalogue: document frequencies, readings."""
        return Stats(self._term_df, self._readings)

    def plan(self, title: str, body: str = "") -> QueryPlan | None:
        """A request read into clauses (None for the syllable analyzer, which has none).

        When the words as typed find nothing relevant and the catalogue spells one of them
        otherwise ("banhtrang", "mat ongg"), the request is read as the catalogue spells it.
        """
        if self.analyzer != "words":
            return None
        key = (title, body, self._version)
        if self._last_plan is not None and self._last_plan[0] == key:
            return self._last_plan[1]
        result = self._read(title, body)
        self._last_plan = (key, result)
        return result

    def _read(self, title: str, body: str) -> QueryPlan:
        """The request as typed, or as the catalogue spells it when the words as typed find
        nothing and that spelling finds something (``corrected`` then says which); otherwise
        ``corrected`` is the catalogue's spelling of a word it does not know, if any, to
        offer."""
        stats, glossary = self.stats(), self._vectorizer.glossary
        plan = read_request(title, body, stats, glossary)
        if plan.corrected is None and not is_plain(title):
            return plan  # no other spelling to try
        relevance = self.relevance(plan)
        if relevance is None or relevance.relevant.any():
            return plan
        # A word it does not know, spelt as it does; else two words it never writes together,
        # read as a pair it writes (worked out only now: it tries every edit).
        spellings = (lambda: plan.corrected, lambda: paired_spelling(title, stats, glossary))
        for spelt in spellings:
            spelling = spelt()
            if spelling is None:
                continue
            fixed = read_request(spelling, body, stats, glossary)
            fixed_relevance = self.relevance(fixed)
            if fixed_relevance is not None and fixed_relevance.relevant.any():
                return replace(fixed, corrected=spelling)
        return plan

    def query_vector(
        self, title: str, body: str = "", plan: QueryPlan | None = None
    ) -> sparse.csr_matrix:
        if plan is not None:
            tf = self._vectorizer.rows([plan.terms], grow=False)
        else:
            tf = self._vectorizer.term_frequencies([(title, body)], grow=False)
        return weigh_few(tf, self._df, max(self._n_live, 1))

    def text_scores(self, title: str, body: str = "", plan: QueryPlan | None = None) -> np.ndarray:
        """Cosine similarity of the text to every position (removed ones included)."""
        query = self.query_vector(title, body, plan)
        scores = np.zeros(len(self._offers), np.float32)
        # The postings of the query's own terms, one column per term: a matrix-vector product
        # over them sums each offer's terms in the same order as the full sparse product, a
        # fraction of the cost (no second pass to size a sparse result).
        postings = self._main[query.indices].T
        scores[: self._main_size] = postings @ query.data
        if self._delta_rows:
            if self._delta is None:
                self._delta = sparse.vstack(self._delta_rows, format="csr")
            scores[self._main_size :] = (self._delta @ query.T).toarray().ravel()
        return scores

    def _postings(self, terms: Sequence[str]) -> np.ndarray:
        """Positions holding any of the terms."""
        hit = np.zeros(len(self._offers), bool)
        found = {self._vectorizer.column(t) for t in terms}
        columns = sorted(c for c in found if c is not None)
        if not columns:
            return hit
        hit[self._main[columns].indices] = True
        if self._delta_rows:
            if self._delta is None:
                self._delta = sparse.vstack(self._delta_rows, format="csr")
            rows = self._delta[:, columns].tocoo().row
            hit[self._main_size + rows] = True
        return hit

    def _clause_weight(self, clause: Clause) -> float:
        """IDF of a clause (from its rarest slot's commonest term) times its own weight;
        0 when no offer has it."""
        df = min(max(self._term_df(t) for t in slot) for slot in clause.slots)
        if df == 0:
            return 0.0
        return (math.log((self._n_live + 1.0) / (df + 1.0)) + 1.0) * clause.weight

    def _term_df(self, term: str) -> int:
        column = self._vectorizer.column(term)
        return 0 if column is None else int(self._df[column])

    def _weighed(self, plan: QueryPlan) -> list[tuple[Clause, float, np.ndarray]]:
        """The clauses that judge relevance, with their weights and the positions they hit.

        A clause no offer has weighs nothing. A modifier that no offer of the head product
        mentions ("thân thiện môi trường" of a straw) is no distinction the catalogue makes
        between such products, so it does not judge them either; one that some do mention
        ("shan tuyết" of a tea) does.
        """
        weighed = []
        for clause in plan.clauses or plan.description_clauses:
            weight = self._clause_weight(clause)
            if weight == 0.0:
                if clause.head:
                    return []  # the product asked for is one no listing names
                if clause.required:
                    # Named so by none: none is relevant; its kind's listings are related
                    # (kept with no weight, to say so).
                    weighed.append((clause, 0.0, np.zeros(len(self._offers), bool)))
                continue
            hit = np.ones(len(self._offers), bool)
            for slot in clause.slots:
                hit &= self._postings(slot)
            weighed.append((clause, weight, hit))
        heads = [hit for clause, _, hit in weighed if clause.head]
        if heads:
            head = heads[0]
            weighed = [
                (clause, weight, hit)
                for clause, weight, hit in weighed
                if clause.head or clause.required or (hit & head).any()
            ]
        return weighed

    def relevance(self, plan: QueryPlan) -> Relevance | None:
        """Which positions are relevant to (or related to) a request; None when the request
        has no word to judge by (every offer is then as good)."""
        kept = self._last_relevance
        if kept is not None and kept[0] is plan and kept[1] == self._version:
            return kept[2]  # a search asks again for the plan it was read into
        judged = self._relevance(plan)
        self._last_relevance = (plan, self._version, judged)
        return judged

    def _relevance(self, plan: QueryPlan) -> Relevance | None:
        n = len(self._offers)
        weighed = self._weighed(plan)
        if not weighed:
            if not (plan.clauses or plan.description_clauses):
                return None
            # No listing names the product asked for: listings of a kind it is (a Shan
            # tuyết tea for "hồng trà Shan tuyết") are still related to it.
            head = next((c for c in plan.clauses or plan.description_clauses if c.head), None)
            wider = self._postings(head.wider) if head is not None and head.wider else None
            nothing = np.zeros(n, bool)
            return Relevance(np.zeros(n, np.float32), nothing, nothing if wider is None else wider)
        covered = np.zeros(n, np.float32)
        total = 0.0
        relevant = np.ones(n, bool)
        for clause, weight, hit in weighed:
            if _unmet(clause, weight):
                relevant[:] = False
                continue
            covered += weight * hit
            total += weight
            if clause.head:
                relevant &= hit
        coverage = covered / total
        relevant &= coverage >= COVERAGE - 1e-6
        if plan.excluded:
            relevant &= ~self._postings(plan.excluded)
        # Related: the same kind of product, not as asked ("mật ong hoa vải" for "mật ong
        # rừng"); other products that merely share a word are neither.
        heads = [(clause, hit) for clause, _, hit in weighed if clause.head]
        related = np.zeros(n, bool)
        if heads:
            clause, hit = heads[0]
            related = ~relevant & (hit | self._postings(clause.wider) if clause.wider else hit)
        return Relevance(coverage, relevant, related)

    def spelling(self, text: str) -> str | None:
        """The query as the catalogue writes it, with its accents, to offer as "did you mean":
        the reading the search used when the words as typed found nothing, else the spelling
        of a word it does not know (None when there is none)."""
        if self.analyzer != "words":
            return None
        plan = self.plan(text)
        if plan is None or plan.corrected is None:
            return None
        return with_accents(plan.corrected, self.stats(), self._vectorizer.glossary)

    def search(self, text: str, limit: int | None = None) -> list[tuple[OfferRecord, float]]:
        """Indexed offers relevant to ``text`` (any status), best first, with scores."""
        scores, relevance = self._searched(text)
        if relevance is None:
            return self._best(np.flatnonzero(scores >= MIN_TEXT), scores, limit)
        return self._best(np.flatnonzero(relevance.relevant), scores, limit)

    def related_search(
        self, text: str, limit: int | None = None
    ) -> list[tuple[OfferRecord, float]]:
        """Indexed offers of the kind ``text`` asks for but not as asked, so not relevant to
        it (any status), best first, with scores: a section of their own beside a search's
        results, never among them. Empty when the words judge nothing (or there are none)."""
        scores, relevance = self._searched(text)
        if relevance is None:
            return []
        return self._best(np.flatnonzero(relevance.related), scores, limit)

    def _searched(self, text: str) -> _Searched:
        """A search's text scores over the index and its relevance; the last is kept, since a
        page asks for the relevant and then the related offers of the same words."""
        key = (text, self._version)
        kept = self._last_searched
        if kept is not None and kept[0] == key:
            return kept[1]
        plan = self.plan(text)
        scores = self.text_scores(text, plan=plan)
        searched = (scores, None if plan is None else self.relevance(plan))
        self._last_searched = (key, searched)
        return searched

    def _best(
        self, hits: np.ndarray, scores: np.ndarray, limit: int | None
    ) -> list[tuple[OfferRecord, float]]:
        """The offers at the positions hit, by score, best first (at most ``limit``)."""
        if limit is not None and len(hits) > 2 * limit:
            # Twice the limit leaves room for positions of removed offers.
            hits = hits[np.argpartition(-scores[hits], 2 * limit - 1)[: 2 * limit]]
        found: list[tuple[OfferRecord, float]] = []
        for position in hits[np.argsort(-scores[hits], kind="stable")]:
            offer = self._offers[int(position)]
            if offer is not None:
                found.append((offer, float(scores[position])))
                if limit is not None and len(found) == limit:
                    break
        return found

    def _eligible_mask(self, requirement: RequirementRecord, on: date) -> np.ndarray:
        n = len(self._offers)
        c = self._columns
        mask = c.alive[:n] & c.active[:n]
        floor = star_floor(requirement)
        if floor is not None:
            mask &= (c.stars[:n] >= floor) & (c.certified_until[:n] >= on.toordinal())
        if requirement.required_certifications:
            needed = 0
            for code in codes(requirement.required_certifications):
                bit = self._certificate_bits.get(code)
                if bit is None and len(self._certificate_bits) < _MAX_CERT_BITS:
                    return np.zeros(n, bool)  # no indexed offer holds this certificate
                if bit is not None:
                    needed |= 1 << bit
            wanted = np.uint64(needed)
            mask &= (c.certificates[:n] & wanted) == wanted
        if requirement.min_shelf_life_days is not None:
            mask &= c.shelf_life[:n] >= requirement.min_shelf_life_days
        return mask

    def candidates(
        self,
        requirement: RequirementRecord,
        on: date,
        limit: int = CANDIDATES,
        *,
        related: bool = False,
    ) -> Candidates:
        """Positions of the eligible offers relevant to a requirement (with ``related``: of
        those only related to it) most likely to fit, with their text scores and coverage."""
        plan, text, relevance = self._judged(requirement)
        n = len(self._offers)
        category = group = -2
        in_group = np.zeros(n, bool)
        if requirement.category:
            category = self._categories.get(requirement.category, -2)
            group = self._groups.get(lookup.category_group(requirement.category), -2)
            # An offer of the asked sub-group is of the asked group too.
            in_group = self._columns.group[:n] == group
        if plan is None:
            wanted = np.zeros(n, bool) if related else (text >= MIN_TEXT) | in_group
        elif relevance is None:
            # No word to judge by ("hàng OCOP cho siêu thị"): the asked group, else anything.
            wanted = np.zeros(n, bool) if related else in_group | (not requirement.category)
        else:
            wanted = relevance.related if related else relevance.relevant
        # The prior is worked out for the few eligible candidates only, not every position.
        found = np.flatnonzero(wanted & self._eligible_mask(requirement, on))
        prior = np.where(text[found] >= MIN_TEXT, text[found], 0.0).astype(np.float32)
        prior += _SUBGROUP_BONUS * (self._columns.category[found] == category)
        prior += _GROUP_BONUS * (self._columns.group[found] == group)
        if len(found) > limit:
            found = found[np.argpartition(-prior, limit - 1)[:limit]]
        coverage = None if relevance is None else relevance.coverage[found]
        return Candidates(found, text[found], coverage)

    def _judged(
        self, requirement: RequirementRecord
    ) -> tuple[QueryPlan | None, np.ndarray, Relevance | None]:
        """A requirement's plan, text scores and relevance over the index; the last one is
        kept, since a shortlist asks for relevant and then related candidates in a row."""
        key = (requirement.id, requirement.title, requirement.description, self._version)
        kept = self._last_judged
        if kept is not None and kept[0] == key:
            return kept[1]
        plan = self._requirement_plan(requirement)
        text = self.text_scores(requirement.title, requirement.description, plan)
        judged = (plan, text, None if plan is None else self.relevance(plan))
        self._last_judged = (key, judged)
        return judged

    def _requirement_plan(self, requirement: RequirementRecord) -> QueryPlan | None:
        """A requirement read into clauses, remembered while its text is unchanged."""
        if self.analyzer != "words":
            return None
        key = (requirement.id, requirement.title, requirement.description)
        plan = self._plan_cache.get(key)
        if plan is None:
            plan = self.plan(requirement.title, requirement.description)
            if plan is None:
                return None
            if len(self._plan_cache) >= _REQUIREMENT_CACHE:
                self._plan_cache.clear()
            self._plan_cache[key] = plan
        return plan

    def _requirement_tf(self, requirement: RequirementRecord) -> sparse.csr_matrix:
        """Term frequencies of a requirement, remembered while its text is unchanged: the
        producer's view compares one offer with every open requirement on each call."""
        key = (requirement.id, requirement.title, requirement.description)
        cached = self._requirement_cache.get(key)
        if cached is None:
            if len(self._requirement_cache) >= _REQUIREMENT_CACHE:
                self._requirement_cache.clear()
            plan = self._requirement_plan(requirement)
            if plan is None:
                cached = self._vectorizer.term_frequencies(
                    [(requirement.title, requirement.description)], grow=False
                )
            else:  # scored on the same terms as when the buyer's side is ranked
                cached = self._vectorizer.rows([plan.terms], grow=False)
            self._requirement_cache[key] = cached
        return cached

    # -- ranking ------------------------------------------------------------------------------

    def rank(
        self,
        requirement: RequirementRecord,
        k: int = 10,
        on: date | None = None,
        *,
        responsiveness: Mapping[str, float] | None = None,
        exposure: Mapping[str, int] | None = None,
        scorer: Scorer | None = None,
        related: bool = True,
        taste: Taste | None = None,
    ) -> list[MatchResult]:
        """The top ``k`` eligible offers relevant to a requirement, explained, best first;
        fewer when fewer are relevant (a list is never padded with other products).

        ``responsiveness`` gives each producer's share of earlier matches it answered (0..1);
        ``exposure`` how many times each producer was suggested recently, to spread
        suggestions across producers; ``taste`` the asking buyer's implicit profile (the
        learned model reads it; neutral when None). With ``related``, when fewer offers are
        relevant than asked for, offers of the same kind of product follow them, marked
        ``related`` (a section of their own on a page; never a match to notify about).
        """
        on = on or date.today()
        if k <= 0 or not requirement_open(requirement, on):
            return []
        chosen = self._ranked(requirement, k, on, responsiveness, exposure, scorer, False, taste)
        if related and len(chosen) < min(k, RELATED_WHEN_FEWER):
            # Few relevant offers: a few of the same kind of product follow, marked.
            chosen += self._ranked(
                requirement,
                min(RELATED_SHOWN, k - len(chosen)),
                on,
                responsiveness,
                exposure,
                scorer,
                True,
                taste,
            )
        return [s.result(requirement, rank) for rank, s in enumerate(chosen, start=1)]

    def _ranked(
        self,
        requirement: RequirementRecord,
        k: int,
        on: date,
        responsiveness: Mapping[str, float] | None,
        exposure: Mapping[str, int] | None,
        scorer: Scorer | None,
        related: bool,
        taste: Taste | None = None,
    ) -> list[ScoredOffer]:
        found = self.candidates(requirement, on, max(CANDIDATES, 3 * k), related=related)
        # The candidates passed the column filters; the records are checked once chosen.
        scored = score_eligible(
            requirement, self._pairs(found), on, responsiveness, scorer or self.scorer,
            taste=taste,
        )  # fmt: skip
        for s in scored:
            s.features["related"] = 1.0 if related else 0.0
            if related:
                s.score *= RELATED_DISCOUNT
        return self._chosen(requirement, scored, k, on, exposure)

    def _chosen(
        self,
        requirement: RequirementRecord,
        scored: list[ScoredOffer],
        k: int,
        on: date,
        exposure: Mapping[str, int] | None,
    ) -> list[ScoredOffer]:
        """The best ``k`` of scored offers after fair exposure and diversity."""
        if not scored or k <= 0:
            return []
        order_scores = exposure_adjusted(
            np.array([s.score for s in scored]), [s.offer.producer_id for s in scored], exposure
        )
        ordered = [scored[i] for i in np.argsort(-order_scores, kind="stable")]
        per_producer = requirement.max_offers_per_producer
        chosen = diversify(ordered, lambda s: s.offer.producer_id, k, per_producer)
        if any(violations(requirement, s.offer, on) for s in chosen):
            # A column filter let a breaking offer through: drop every one, the next best move
            # up. Offers not chosen never change what is chosen, so this is the same ranking
            # as checking every candidate first.
            ordered = [s for s in ordered if not violations(requirement, s.offer, on)]
            chosen = diversify(ordered, lambda s: s.offer.producer_id, k, per_producer)
        return chosen

    def _records(self, positions: np.ndarray) -> list[OfferRecord | None]:
        return [self._offers[p] for p in positions.tolist()]

    def _pairs(self, found: Candidates) -> list[Pair]:
        """The live offers among candidates, with their text similarity and coverage."""
        offers = self._records(found.positions)
        coverage: list[float | None] = (
            [None] * len(offers) if found.coverage is None else found.coverage.tolist()
        )
        return [
            Pair(o, t, c)
            for o, t, c in zip(offers, found.text.tolist(), coverage, strict=True)
            if o is not None
        ]

    def score_positions(
        self,
        requirement: RequirementRecord,
        found: Candidates,
        on: date,
        responsiveness: Mapping[str, float] | None = None,
        scorer: Scorer | None = None,
    ) -> list[ScoredOffer]:
        """Full features and scores for candidates, best first; ineligible dropped."""
        return score_pairs(
            requirement, self._pairs(found), on, responsiveness, scorer or self.scorer
        )

    def rank_requirements(
        self,
        offer: OfferRecord,
        requirements: Sequence[RequirementRecord],
        k: int = 10,
        on: date | None = None,
        *,
        responsiveness: Mapping[str, float] | None = None,
        scorer: Scorer | None = None,
        view_scorer: ViewScorer | None = None,
        view_taste: Taste | None = None,
    ) -> list[MatchResult]:
        """The top ``k`` open requirements the offer may serve, for the producer's view,
        ordered by ``view_scorer`` when given (the producer side's learned refinement; its
        score becomes the match's), else by the match score; ``view_taste``: the producer's
        implicit profile, which that refinement reads."""
        on = on or date.today()
        if k <= 0 or offer.status != "active":
            return []
        open_ones = [r for r in requirements if requirement_open(r, on)]
        if not open_ones:
            return []
        # IDF of the terms in play only, and the offer as a dense vector: the full IDF table and
        # a sparse product with one column cost more than the products themselves.
        n_live = max(self._n_live, 1)
        offer_vector = weigh_few(
            self._vectorizer.term_frequencies([(offer.title, offer.description)], grow=False),
            self._df,
            n_live,
        )
        queries = weigh_few(
            _stacked([self._requirement_tf(r) for r in open_ones]), self._df, n_live
        )
        text = queries @ offer_vector.toarray().ravel()
        best = float(text.max()) if len(text) else 0.0
        offer_columns = frozenset(offer_vector.indices.tolist())
        scored: list[tuple[RequirementRecord, ScoredOffer]] = []
        for requirement, similarity in zip(open_ones, text, strict=True):
            same_category = bool(requirement.category) and requirement.category == offer.category
            plan = self._requirement_plan(requirement)
            coverage = None
            if plan is None:
                if similarity < MIN_TEXT and not same_category:
                    continue
            else:
                relevant, coverage = self._covers(plan, offer_columns)
                if not relevant:
                    continue
            pair = score_pairs(
                requirement,
                [Pair(offer, float(similarity), coverage)],
                on,
                responsiveness,
                scorer or self.scorer,
                best,
            )
            scored.extend((requirement, s) for s in pair)
        if view_taste is not None:
            for _, s in scored:
                s.features.update(view_taste.features(s.features))
        if view_scorer is not None and scored:
            refined = view_scorer.score_features([s.features for _, s in scored]).tolist()
            for (_, s), value in zip(scored, refined, strict=True):
                s.score = value if math.isfinite(value) else 0.0
        scored.sort(key=lambda pair: -pair[1].score)
        return [s.result(r, rank) for rank, (r, s) in enumerate(scored[:k], start=1)]

    def _covers(self, plan: QueryPlan, columns: frozenset[int]) -> tuple[bool, float | None]:
        """Whether an offer with these term columns is relevant to a request, and the share
        of the request it covers (the same rule as :meth:`relevance`, for one offer against
        many requests)."""
        weighed = self._weighed_kept.get(plan)
        if weighed is None:
            if len(self._weighed_kept) >= _REQUIREMENT_CACHE:
                self._weighed_kept.clear()
            weighed = self._weighed_kept[plan] = [(c, w) for c, w, _ in self._weighed(plan)]
        if not weighed:
            # No word the catalogue knows: relevant only when there was none to judge by.
            return not (plan.clauses or plan.description_clauses), None
        column = self._vectorizer.column
        if any(column(t) in columns for t in plan.excluded):
            return False, None
        covered = total = 0.0
        head = True
        for clause, weight in weighed:
            hit = all(any(column(t) in columns for t in slot) for slot in clause.slots)
            head &= (hit or not clause.head) and not _unmet(clause, weight)
            total += weight
            covered += weight * hit
        coverage = covered / total
        return head and coverage >= COVERAGE - 1e-6, coverage


def _unmet(clause: Clause, weight: float) -> bool:
    """A product named beside its kind that no listing names so (see ``_weighed``): no offer
    is relevant to the request."""
    return clause.required and weight == 0.0


def _stacked(rows: Sequence[sparse.csr_matrix]) -> sparse.csr_matrix:
    """Canonical one-row matrices stacked; ``sparse.vstack`` checks each block at a cost that
    dominates when there are hundreds of rows of a few terms."""
    lengths = [len(row.indices) for row in rows]
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return sparse.csr_matrix(
        (
            np.concatenate([row.data for row in rows]),
            np.concatenate([row.indices for row in rows]),
            indptr,
        ),
        shape=(len(rows), rows[0].shape[1]),
    )


@dataclass(slots=True)
class ScoredOffer:
    """An eligible offer with its features and its score for one requirement."""

    offer: OfferRecord
    score: float
    features: dict[str, float]
    fact: PairFacts

    def result(self, requirement: RequirementRecord, rank: int) -> MatchResult:
        reasons, gaps = explain(requirement, self.offer, self.features, self.fact)
        return MatchResult(
            requirement_id=requirement.id,
            offer_id=self.offer.id,
            producer_id=self.offer.producer_id,
            score=self.score,
            rank=rank,
            reasons=reasons,
            gaps=gaps,
            features=dict(self.features),
            related=self.features.get("related", 0.0) >= 0.5,
        )


# A feature dict's values in the model's column order.
_model_columns = itemgetter(*FEATURES)


def score_pairs(
    requirement: RequirementRecord,
    pairs: Sequence[Pair],
    on: date,
    responsiveness: Mapping[str, float] | None,
    scorer: Scorer,
    best_text: float | None = None,
) -> list[ScoredOffer]:
    """Score (offer, text similarity) pairs for one requirement; breaking pairs are dropped.

    The hard constraints are checked here once more on the records themselves, so a result
    can never break one even if a column filter were wrong.
    """
    eligible = [p for p in pairs if not violations(requirement, p.offer, on)]
    return score_eligible(requirement, eligible, on, responsiveness, scorer, best_text)


def score_eligible(
    requirement: RequirementRecord,
    pairs: Sequence[Pair],
    on: date,
    responsiveness: Mapping[str, float] | None,
    scorer: Scorer,
    best_text: float | None = None,
    taste: Taste | None = None,
) -> list[ScoredOffer]:
    """Like :func:`score_pairs` for pairs whose hard constraints the caller checks itself."""
    if not pairs:
        return []
    top = max(best_text if best_text is not None else max(p.text for p in pairs), _TEXT_REFERENCE)
    answered = responsiveness or {}
    targets = delivery_targets(requirement)
    rows: list[ScoredOffer] = []
    for offer, text, coverage in pairs:
        fact = facts(requirement, offer, on, targets)
        features = pair_features(
            requirement,
            offer,
            on,
            text=text,
            text_rel=text / top if coverage is None else coverage,
            responsiveness=answered.get(offer.producer_id),
            fact=fact,
            taste=taste,
        )
        features.update(producer_fit(requirement, offer, fact))
        rows.append(ScoredOffer(offer, 0.0, features, fact))
    for row, position in zip(rows, price_positions([r.offer for r in rows]), strict=True):
        row.features["price_position"] = position
    matrix = np.array([_model_columns(row.features) for row in rows])
    buyer_side = scorer.score(matrix)
    scores = combine(buyer_side, np.array([row.features["producer_fit"] for row in rows]))
    # Plain floats: iterating numpy arrays would make a numpy scalar of every value.
    for row, buyer, score in zip(rows, buyer_side.tolist(), scores.tolist(), strict=True):
        row.features["buyer_score"] = buyer
        row.score = score if math.isfinite(score) else 0.0
    rows.sort(key=lambda r: -r.score)
    return rows

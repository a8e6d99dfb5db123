"""Supplier search for buyers: diacritic-insensitive text over the offer index, filters,
facet counts and highlighted terms."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker import reference
from matchmaker.catalog.models import Offer
from matchmaker.matching.service import RankingState
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.records import OfferRecord
from matchmaker.ranking.text import fold

FACETS = ("province", "category", "stars", "certification")
SNIPPET_CHARS = 160
# Text searches consider the best hits only: beyond these, refining the words or the filters
# helps a buyer more than a longer list, and facets stay cheap to count.
MAX_HITS = 500
# Searches whose hits and facet counts a process keeps: buyers search for the same few
# products again and again, and counting facets over the hits is most of a search's work.
SEARCHES_KEPT = 500


@dataclass(frozen=True)
class SearchFilters:
    q: str | None = None
    category: str | None = None  # a group or a sub-group code
    province: str | None = None  # a current province code
    min_stars: int | None = None  # with a certificate valid on the search day
    certification: str | None = None


@dataclass(frozen=True)
class FacetCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class SearchHit:
    offer: Offer
    score: float
    highlights: dict[str, str]


@dataclass(frozen=True)
class SearchResult:
    items: list[SearchHit]
    total: int
    page: int
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)


def _browse_list(state: RankingState, index: OfferIndex) -> list[tuple[OfferRecord, float]]:
    """Every active offer, best rated first; kept until the indexed offers change."""
    kept = state.kept("browse", 1)
    ordered: list[tuple[OfferRecord, float]] | None = kept.get(state.generation, "all")
    if ordered is None:
        ordered = sorted(
            ((o, 0.0) for o in index.offers() if o.status == "active"),
            key=lambda pair: (-(pair[0].ocop_stars or 0), int(pair[0].id)),
        )
        kept.put(state.generation, "all", ordered)
    return ordered


def _checks(filters: SearchFilters, on: date) -> dict[str, Callable[[OfferRecord], bool]]:
    """One predicate per facet dimension, so each facet can be counted without its own filter."""
    checks: dict[str, Callable[[OfferRecord], bool]] = {}
    if filters.category:
        code = filters.category
        checks["category"] = lambda o: o.category == code or o.category.startswith(code + ".")
    if filters.province:
        checks["province"] = lambda o: o.province == filters.province
    if filters.min_stars is not None:
        floor = filters.min_stars
        checks["stars"] = lambda o: (
            (o.ocop_stars or 0) >= floor
            and o.ocop_certified_until is not None
            and o.ocop_certified_until >= on
        )
    if filters.certification:
        checks["certification"] = lambda o: filters.certification in o.certifications
    return checks


def _facets(
    offers: list[tuple[OfferRecord, float]],
    checks: dict[str, Callable[[OfferRecord], bool]],
    on: date,
) -> dict[str, list[FacetCount]]:
    """Counts per facet value, each facet counted with the other facets' filters applied."""
    facets: dict[str, list[FacetCount]] = {}
    for dimension in FACETS:
        others = [c for name, c in checks.items() if name != dimension]
        counts: Counter[str] = Counter()
        for offer, _ in offers:
            if all(check(offer) for check in others):
                counts.update(_facet_values(dimension, offer, on))
        facets[dimension] = [
            FacetCount(code, _facet_name(dimension, code), n) for code, n in counts.most_common()
        ]
    return facets


def _facet_values(dimension: str, offer: OfferRecord, on: date) -> Iterable[str]:
    if dimension == "province":
        return [offer.province] if offer.province else []
    if dimension == "category":
        return {offer.category, reference.group_of(offer.category)}
    if dimension == "stars":
        valid = offer.ocop_certified_until is not None and offer.ocop_certified_until >= on
        return [str(offer.ocop_stars)] if offer.ocop_stars and valid else []
    return offer.certifications


def _facet_name(dimension: str, code: str) -> str:
    try:
        if dimension == "province":
            return reference.get_province(code).name_vi
        if dimension == "category":
            return reference.get_category(code).name_vi
        if dimension == "certification":
            return reference.get_certification(code).name_vi
    except LookupError:
        return code
    return f"{code} sao"


def search_offers(
    session: Session,
    state: RankingState,
    filters: SearchFilters,
    *,
    page: int = 1,
    limit: int = 20,
    on: date | None = None,
) -> SearchResult:
    on = on or date.today()
    matching, facets = _found(session, state, filters, on)
    window = matching[(page - 1) * limit : page * limit]
    rows = {
        o.id: o
        for o in session.scalars(
            select(Offer)
            .options(joinedload(Offer.producer))
            .where(Offer.id.in_([int(o.id) for o, _ in window]))
        )
    }
    terms = query_terms(filters.q or "")
    items = [
        SearchHit(
            offer=rows[int(record.id)],
            score=round(score, 4),
            highlights={
                "title": highlight(rows[int(record.id)].title, terms),
                "description": highlight(snippet(rows[int(record.id)].description, terms), terms),
            },
        )
        for record, score in window
        if int(record.id) in rows
    ]
    return SearchResult(items=items, total=len(matching), page=page, facets=facets)


def _found(
    session: Session, state: RankingState, filters: SearchFilters, on: date
) -> tuple[list[tuple[OfferRecord, float]], dict[str, list[FacetCount]]]:
    """The offers a search finds, best first, and its facet counts; a search made again
    while the indexed offers are unchanged is answered from what the process kept."""
    searches = state.kept("searches", SEARCHES_KEPT)
    with state.reading(session) as index:
        inputs = (state.generation, on)
        kept = searches.get(inputs, filters)
        if kept is not None:
            return kept
        if filters.q and filters.q.strip():
            hits = index.search(filters.q, limit=MAX_HITS)
            active = [(o, s) for o, s in hits if o.status == "active"]
        else:
            active = _browse_list(state, index)
    checks = _checks(filters, on)
    matching = (
        [(o, s) for o, s in active if all(check(o) for check in checks.values())]
        if checks
        else active
    )
    found = matching, _facets(active, checks, on)
    searches.put(inputs, filters, found)
    return found


def query_terms(q: str) -> list[str]:
    """Folded words of the query worth highlighting (longest first, so phrases win)."""
    words = {w for w in re.findall(r"\w+", fold(q)) if len(w) >= 2}
    return sorted(words, key=len, reverse=True)


@cache
def _fold_char(char: str) -> str:
    return (fold(char) or char)[:1]


def _folded_per_char(text: str) -> str:
    """The text folded one character at a time, so that positions line up with the original."""
    return "".join(map(_fold_char, text))


def highlight(text: str, terms: list[str]) -> str:
    """HTML with every query word wrapped in <mark>, whatever its accents; the rest escaped."""
    if not terms or not text:
        return html.escape(text)
    folded = _folded_per_char(text)
    marked = [False] * len(text)
    for term in terms:
        for found in re.finditer(rf"(?<!\w){re.escape(term)}", folded):
            for i in range(found.start(), found.end()):
                marked[i] = True
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = html.escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return "".join(out)


def snippet(text: str, terms: list[str]) -> str:
    """A short excerpt around the first query word (the start when none occurs)."""
    if len(text) <= SNIPPET_CHARS:
        return text
    folded = _folded_per_char(text)
    starts = [folded.find(t) for t in terms if folded.find(t) >= 0]
    start = max(0, min(starts) - 40) if starts else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + excerpt + ("…" if start + SNIPPET_CHARS < len(text) else "")

"""Supplier search for buyers: diacritic-insensitive text over the offer index, filters,
sorting, facet counts, highlighted words, what to drop when nothing is found, and related
products (the same kind, not as asked) apart when few are found."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.catalog.models import Offer
from matchmaker.collation import sort_key
from matchmaker.errors import Invalid, field_error
from matchmaker.matching.state import RankingState
from matchmaker.ranking import reference
from matchmaker.ranking.index import RELATED_SHOWN, RELATED_WHEN_FEWER, OfferIndex
from matchmaker.ranking.records import OfferRecord
from matchmaker.ranking.text import fold, normalize

FACETS = ("province", "category", "stars", "certification")
# The filter each facet counts without (its own), by the name the API and the page use.
FACET_FILTERS = {
    "province": "province",
    "category": "category",
    "stars": "min_stars",
    "certification": "certification",
}
# The filters a buyer can set besides the words, in the order they are shown.
FILTERS = ("category", "province", "min_stars", "certification", "min_price", "max_price")
# relevance: best match first with words, best rated first without; the price orders put
# offers without a price last; stars: the highest rating valid on the search day first.
SORTS = ("relevance", "price_asc", "price_desc", "stars")
MAX_PRICE_VND = 10**13
SNIPPET_CHARS = 160
SNIPPET_LEAD = 40
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
    min_price: int | None = None  # VND per the offer's own unit
    max_price: int | None = None
    sort: str | None = None  # one of SORTS; None is relevance

    def active(self) -> list[str]:
        """The filters set, in the order of FILTERS (the words are not a filter)."""
        return [name for name in FILTERS if getattr(self, name) not in (None, "")]

    def without(self, name: str) -> SearchFilters:
        return replace(self, **{name: None})


@dataclass(frozen=True)
class FacetCount:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Suggestion:
    """A filter to drop when a search finds nothing, and how many offers it would find then."""

    drop: str
    total: int


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
    suggestions: list[Suggestion] = field(default_factory=list)
    # When the words as typed find nothing: the words as the catalogue spells them (what was
    # searched for instead).
    spelling: str | None = None
    # When words find fewer than RELATED_WHEN_FEWER offers: a few offers of the same kind that
    # pass the same filters, best first; never among the items, nor counted.
    related: list[SearchHit] = field(default_factory=list)


def check_filters(filters: SearchFilters) -> None:
    """The rules of a search's filters, for the API and the page alike."""
    errors = []
    for name in ("min_price", "max_price"):
        value = getattr(filters, name)
        if value is not None and value < 0:
            errors.append(field_error(name, "field.not_negative"))
        elif value is not None and value > MAX_PRICE_VND:
            errors.append(field_error(name, "field.at_most", max=MAX_PRICE_VND))
    if (
        not errors
        and filters.min_price is not None
        and filters.max_price is not None
        and filters.min_price > filters.max_price
    ):
        errors.append(field_error("max_price", "search.price_range"))
    if filters.sort is not None and filters.sort not in SORTS:
        errors.append(field_error("sort", "field.choice", allowed=list(SORTS)))
    if errors:
        raise Invalid("search.invalid", errors=errors)


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


def _valid_stars(offer: OfferRecord, on: date) -> int:
    """The offer's stars when its certificate is valid on the day, else 0."""
    valid = offer.ocop_certified_until is not None and offer.ocop_certified_until >= on
    return (offer.ocop_stars or 0) if valid else 0


def _checks(filters: SearchFilters, on: date) -> dict[str, Callable[[OfferRecord], bool]]:
    """One predicate per filter, so each facet and each suggestion can be counted without one."""
    checks: dict[str, Callable[[OfferRecord], bool]] = {}
    if filters.category:
        code = filters.category
        checks["category"] = lambda o: o.category == code or o.category.startswith(code + ".")
    if filters.province:
        checks["province"] = lambda o: o.province == filters.province
    if filters.min_stars is not None:
        floor = filters.min_stars
        checks["min_stars"] = lambda o: _valid_stars(o, on) >= floor
    if filters.certification:
        checks["certification"] = lambda o: filters.certification in o.certifications
    # An offer without a price cannot be shown to be within a price range.
    if filters.min_price is not None:
        low = filters.min_price
        checks["min_price"] = lambda o: o.unit_price_vnd is not None and o.unit_price_vnd >= low
    if filters.max_price is not None:
        high = filters.max_price
        checks["max_price"] = lambda o: o.unit_price_vnd is not None and o.unit_price_vnd <= high
    return checks


def _passing(
    offers: list[tuple[OfferRecord, float]],
    checks: Iterable[Callable[[OfferRecord], bool]],
) -> list[tuple[OfferRecord, float]]:
    applied = list(checks)
    if not applied:
        return offers
    return [(o, s) for o, s in offers if all(check(o) for check in applied)]


def _facets(
    offers: list[tuple[OfferRecord, float]],
    checks: dict[str, Callable[[OfferRecord], bool]],
    on: date,
) -> dict[str, list[FacetCount]]:
    """Counts per facet value, each facet counted with the other filters applied."""
    facets: dict[str, list[FacetCount]] = {}
    for dimension in FACETS:
        own = FACET_FILTERS[dimension]
        others = [c for name, c in checks.items() if name != own]
        counts: Counter[str] = Counter()
        for offer, _ in _passing(offers, others):
            counts.update(_facet_values(dimension, offer, on))
        named = [FacetCount(code, _facet_name(dimension, code), n) for code, n in counts.items()]
        facets[dimension] = sorted(named, key=lambda f: (-f.count, sort_key(f.name)))
    return facets


def _suggestions(
    offers: list[tuple[OfferRecord, float]],
    checks: dict[str, Callable[[OfferRecord], bool]],
) -> list[Suggestion]:
    """For each filter, how many offers the search finds without it; most found first."""
    found = [
        Suggestion(name, len(_passing(offers, (c for n, c in checks.items() if n != name))))
        for name in checks
    ]
    return sorted(found, key=lambda s: -s.total)


def _facet_values(dimension: str, offer: OfferRecord, on: date) -> Iterable[str]:
    if dimension == "province":
        return [offer.province] if offer.province else []
    if dimension == "category":
        return _category_facets(offer.category)
    if dimension == "stars":
        valid = offer.ocop_certified_until is not None and offer.ocop_certified_until >= on
        return [str(offer.ocop_stars)] if offer.ocop_stars and valid else []
    return offer.certifications


def _category_facets(code: str) -> set[str]:
    """The offer's group and sub-group, but the group alone when the sub-group is the group
    under the same name (tourism has a single one): a facet never lists one name twice."""
    try:
        category = reference.get_category(code)
        group = reference.get_category(category.group)
    except LookupError:
        return {code}
    if category.is_group or category.name_vi == group.name_vi:
        return {group.code}
    return {category.code, group.code}


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
    """Active offers for the words and filters, in the order asked; when none is found, the
    filters to drop with the number of offers found without each; when the words as typed
    find nothing, the offers found for them as the catalogue spells them, and that spelling;
    when the words find few, related offers that pass the filters, apart."""
    check_filters(filters)
    on = on or date.today()
    found = _found(session, state, replace(filters, sort=None), on)
    matching = _ordered(state, filters, found.matching, on)
    window = matching[(page - 1) * limit : page * limit]
    rows = {
        o.id: o
        for o in session.scalars(
            select(Offer)
            .options(joinedload(Offer.producer))
            .where(Offer.id.in_([int(o.id) for o, _ in window + found.related]))
        )
    }
    words = query_words(filters.q or "")
    return SearchResult(
        items=_hits(window, rows, words),
        total=len(matching),
        page=page,
        facets=found.facets,
        suggestions=found.suggestions,
        spelling=found.spelling,
        related=_hits(found.related, rows, words),
    )


def _hits(
    found: list[tuple[OfferRecord, float]], rows: dict[int, Offer], words: QueryWords
) -> list[SearchHit]:
    """The offers found that are still in the database, with their words marked."""
    return [
        SearchHit(
            offer=rows[int(record.id)],
            score=round(score, 4),
            highlights={
                "title": highlight(rows[int(record.id)].title, words),
                "description": highlighted_snippet(rows[int(record.id)].description, words),
            },
        )
        for record, score in found
        if int(record.id) in rows
    ]


@dataclass(frozen=True)
class _Found:
    matching: list[tuple[OfferRecord, float]]
    facets: dict[str, list[FacetCount]]
    suggestions: list[Suggestion]
    spelling: str | None = None
    related: list[tuple[OfferRecord, float]] = field(default_factory=list)


def _found(session: Session, state: RankingState, filters: SearchFilters, on: date) -> _Found:
    """The offers a search finds, best first, its facet counts, when it finds nothing, what
    to drop, and when words find few, the related offers that pass the filters; a search
    made again while the indexed offers are unchanged is answered from what the process
    kept."""
    searches = state.kept("searches", SEARCHES_KEPT)
    checks = _checks(filters, on)
    matching: list[tuple[OfferRecord, float]] | None = None
    related: list[tuple[OfferRecord, float]] = []
    with state.reading(session) as index:
        inputs = (state.generation, on)
        kept: _Found | None = searches.get(inputs, filters)
        if kept is not None:
            return kept
        spelling = None
        if filters.q and filters.q.strip():
            # When the words as typed find nothing, the index reads them as the catalogue
            # spells them: the page then says so, so that the buyer can check the reading.
            hits = index.search(filters.q, limit=MAX_HITS)
            spelling = index.spelling(filters.q)
            active = [(o, s) for o, s in hits if o.status == "active"]
            matching = _passing(active, checks.values())
            if len(matching) < RELATED_WHEN_FEWER:
                # Few found: a few of the same kind, apart (the list itself is never padded).
                others = index.related_search(filters.q, limit=MAX_HITS)
                kind = [(o, s) for o, s in others if o.status == "active"]
                related = _passing(kind, checks.values())[:RELATED_SHOWN]
        else:
            active = _browse_list(state, index)
    if matching is None:  # browsing: every active offer, filtered without holding the index
        matching = _passing(active, checks.values())
    found = _Found(
        matching=matching,
        facets=_facets(active, checks, on),
        suggestions=[] if matching else _suggestions(active, checks),
        spelling=spelling,
        related=related,
    )
    searches.put(inputs, filters, found)
    return found


def _ordered(
    state: RankingState,
    filters: SearchFilters,
    matching: list[tuple[OfferRecord, float]],
    on: date,
) -> list[tuple[OfferRecord, float]]:
    """The offers found in the order asked; ties keep the relevance order."""
    if filters.sort in (None, "relevance") or len(matching) < 2:
        return matching
    orders = state.kept("sorted-searches", SEARCHES_KEPT)
    inputs = (state.generation, on)
    ordered: list[tuple[OfferRecord, float]] | None = orders.get(inputs, filters)
    if ordered is None:
        ordered = sorted(matching, key=_sort_key(filters.sort, on))
        orders.put(inputs, filters, ordered)
    return ordered


def _sort_key(
    sort: str | None, on: date
) -> Callable[[tuple[OfferRecord, float]], tuple[float, ...]]:
    if sort == "stars":
        return lambda pair: (-_valid_stars(pair[0], on),)
    direction = -1 if sort == "price_desc" else 1
    return lambda pair: _price_key(pair[0], direction)


def _price_key(offer: OfferRecord, direction: int) -> tuple[float, ...]:
    if offer.unit_price_vnd is None:
        return (1, 0.0)
    return (0, direction * offer.unit_price_vnd)


# A word: letters and digits, with the combining accents of text typed in decomposed form.
_WORD = re.compile(r"[\w\u0300-\u036f]+")
# What may stand between two words of one phrase ("Cà phê", "cà-phê").
_JOINER = re.compile(r"[\s\-\u2010\u2011\u2013]+")


@dataclass(frozen=True)
class QueryWords:
    """The query's words as compared with the text: folded, or with their accents when the
    buyer typed accents (then "ong" means "ong", not "ống")."""

    keys: tuple[str, ...]
    accented: bool
    # Words long enough to be marked on their own (single letters only inside a phrase).
    singles: frozenset[str] = frozenset()

    def key(self, word: str) -> str:
        return _accented_key(word) if self.accented else fold(word)


def _accented_key(word: str) -> str:
    """The word without accents and, apart, its accents: old and new tone placements
    ("hoà", "hòa") give one key."""
    lowered = normalize(word)
    marks = sorted(ch for ch in unicodedata.normalize("NFD", lowered) if unicodedata.combining(ch))
    return fold(lowered) + "|" + "".join(marks) + "đ" * lowered.count("đ")


def query_words(q: str) -> QueryWords:
    words = _WORD.findall(q)
    accented = fold(q) != normalize(q)
    query = QueryWords(keys=(), accented=accented)
    keys = tuple(query.key(w) for w in words)
    singles = frozenset(query.key(w) for w in words if len(fold(w)) >= 2)
    return replace(query, keys=keys, singles=singles)


def _spans(text: str, query: QueryWords) -> list[tuple[int, int]]:
    """Where the query's words are in the text, as whole words. Where the text has several
    query words in a row, in the query's order, those are marked, and the same words standing
    alone elsewhere are not ("Cà phê" for "ca phe", not the "cà" of "cà chua")."""
    if not query.keys or not text:
        return []
    found = [(m.start(), m.end(), query.key(m.group())) for m in _WORD.finditer(text)]
    marked: set[int] = set()
    in_phrases: set[str] = set()
    wanted = set(query.keys)
    i = 0
    while i < len(found):
        longest = 0
        if found[i][2] in wanted:
            for j, first in enumerate(query.keys):
                if first != found[i][2]:
                    continue
                k = 1
                while (
                    i + k < len(found)
                    and j + k < len(query.keys)
                    and found[i + k][2] == query.keys[j + k]
                    and _JOINER.fullmatch(text, found[i + k - 1][1], found[i + k][0])
                ):
                    k += 1
                longest = max(longest, k)
        if longest >= 2:
            marked.update(range(i, i + longest))
            in_phrases.update(found[n][2] for n in range(i, i + longest))
            i += longest
        else:
            i += 1
    for n, (_, _, key) in enumerate(found):
        if key in query.singles and key not in in_phrases:
            marked.add(n)
    return [found[n][:2] for n in sorted(marked)]


def _render(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the spans in <mark>, the rest escaped."""
    end = len(text) if end is None else end
    out, at = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[at:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        at = e
    out.append(html.escape(text[at:end]))
    return "".join(out)


def highlight(text: str, query: QueryWords) -> str:
    """HTML with the query's words wrapped in <mark> (whole words only); the rest escaped."""
    return _render(text or "", _spans(text or "", query))


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Where an excerpt of the text around its first marked word starts and ends: at word
    boundaries, at most SNIPPET_CHARS long."""
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    anchor = spans[0][0] if spans else 0
    start = 0
    if anchor - SNIPPET_LEAD > 0:
        start = next((s for s, _ in words if s >= anchor - SNIPPET_LEAD), anchor)
    limit = start + SNIPPET_CHARS
    if limit >= len(text):
        return start, len(text)
    end = max((e for _, e in words if start < e <= limit), default=limit)
    return start, end


def snippet(text: str, query: QueryWords) -> str:
    """A short excerpt around the first query word (the start when none occurs), made of
    whole words."""
    start, end = _window(text, _spans(text, query))
    return _ellipses(text, start, end, text[start:end])


def highlighted_snippet(text: str, query: QueryWords) -> str:
    """The snippet as HTML, with the query's words in <mark>."""
    spans = _spans(text or "", query)
    start, end = _window(text or "", spans)
    return _ellipses(text or "", start, end, _render(text or "", spans, start, end))


def _ellipses(text: str, start: int, end: int, excerpt: str) -> str:
    return ("…" if start else "") + excerpt + ("…" if end < len(text) else "")

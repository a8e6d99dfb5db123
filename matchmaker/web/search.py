"""Supplier search for the pages: words typed with or without accents, filters, facet counts.

The matching package is getting its own search service (``matchmaker.matching.search``);
until it lands this one reads the catalog directly, with the same filters as the offer list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.catalog.models import Offer, Organization
from matchmaker.ranking.text import fold, fold_key

PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    category: str | None = None
    province: str | None = None
    min_stars: int | None = None
    certification: str | None = None
    page: int = 1


@dataclass(frozen=True)
class _Row:
    id: int
    group: str
    category: str
    province: str
    stars: int | None
    certifications: tuple[str, ...]


@dataclass
class SearchResult:
    items: list[Offer]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    highlights: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)


def _matching_rows(session: Session, q: str, today: date) -> list[_Row]:
    query: Select[tuple[Offer]] = (
        select(Offer).join(Organization, Organization.id == Offer.organization_id)
        .where(Offer.status == "active")
    )  # fmt: skip
    for word in fold_key(q).split():
        pattern = f"%{word}%"
        query = query.where(Offer.title_key.like(pattern) | Organization.name_key.like(pattern))
    rows = session.execute(
        query.with_only_columns(
            Offer.id, Offer.category, Offer.province, Offer.ocop_stars,
            Offer.ocop_certified_until, Offer.certifications,
        )
    )  # fmt: skip
    return [
        _Row(
            id=offer_id,
            group=category.split(".")[0],
            category=category,
            province=province,
            # An expired rating does not count.
            stars=stars if stars and (until is None or until >= today) else None,
            certifications=tuple(certs or ()),
        )
        for offer_id, category, province, stars, until, certs in rows
    ]


_FILTERS: dict[str, Callable[[_Row, SearchQuery], bool]] = {
    "category": lambda r, q: q.category in (None, r.category, r.group),
    "province": lambda r, q: q.province in (None, r.province),
    "stars": lambda r, q: q.min_stars is None or (r.stars or 0) >= q.min_stars,
    "certification": lambda r, q: q.certification in (None, *r.certifications),
}


def _passes(row: _Row, query: SearchQuery, skip: str | None = None) -> bool:
    return all(check(row, query) for name, check in _FILTERS.items() if name != skip)


def _facets(rows: list[_Row], query: SearchQuery) -> dict[str, list[tuple[str, int]]]:
    """Each facet counts the offers the other filters leave, so a user sees what picking a
    value would give."""
    groups: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    stars: Counter[str] = Counter()
    certifications: Counter[str] = Counter()
    for row in rows:
        if _passes(row, query, skip="category"):
            groups[row.group] += 1
        if _passes(row, query, skip="province"):
            provinces[row.province] += 1
        if _passes(row, query, skip="stars") and row.stars:
            stars.update(str(s) for s in range(3, row.stars + 1))
        if _passes(row, query, skip="certification"):
            certifications.update(row.certifications)
    return {
        "category": groups.most_common(),
        "province": provinces.most_common(),
        "stars": sorted(stars.items()),
        "certification": certifications.most_common(),
    }


def highlight(title: str, q: str) -> list[tuple[str, bool]]:
    """The title cut into (text, matched) pieces, matching words typed without accents."""
    folded = fold(title)
    if len(folded) != len(title):
        return [(title, False)]
    marked = [False] * len(title)
    for word in fold_key(q).split():
        start = folded.find(word)
        while start != -1:
            marked[start : start + len(word)] = [True] * len(word)
            start = folded.find(word, start + len(word))
    pieces: list[tuple[str, bool]] = []
    for char, flag in zip(title, marked, strict=True):
        if pieces and pieces[-1][1] == flag:
            pieces[-1] = (pieces[-1][0] + char, flag)
        else:
            pieces.append((char, flag))
    return pieces


def search_suppliers(
    session: Session, query: SearchQuery, *, today: date | None = None
) -> SearchResult:
    rows = _matching_rows(session, query.q, today or date.today())
    kept = [r for r in rows if _passes(r, query)]
    # Rated products first, then the newest listing.
    kept.sort(key=lambda r: (-(r.stars or 0), -r.id))
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(max(1, query.page), pages)
    ids = [r.id for r in kept[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    offers = {
        o.id: o
        for o in session.scalars(
            select(Offer).options(joinedload(Offer.producer)).where(Offer.id.in_(ids))
        )
    }
    items = [offers[i] for i in ids]
    return SearchResult(
        items=items,
        total=len(kept),
        page=page,
        pages=pages,
        facets=_facets(rows, query),
        highlights={o.id: highlight(o.title, query.q) for o in items} if query.q else {},
    )

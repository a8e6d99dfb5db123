"""Supplier search for buyers."""

from __future__ import annotations

from typing import cast

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import json, province_code
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import offer_out
from matchmaker.errors import Invalid, field_error
from matchmaker.extensions import db_session, get_ranking
from matchmaker.matching import search as supplier_search
from matchmaker.ranking import reference

TAG = Tag(name="search", description="Supplier search")


def _known(field: str, value: str | None, codes: list[str]) -> str | None:
    if value is not None and value not in codes:
        raise Invalid("search.invalid", errors=[field_error(field, "field.choice", allowed=codes)])
    return value


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_search", __name__, url_prefix="/api/v1/search", abp_tags=[TAG], signed_in=True
    )

    @api.get("/offers", responses={200: s.SearchResult, 401: s.Problem, 422: s.Problem})
    def search_offers(query: s.SearchQuery) -> Response:
        """Active offers matching the words (with or without accents, English or Vietnamese)
        and the filters, in the order asked; facet counts per province, category, stars and
        certification, each counted with the other filters applied; the matched whole words
        wrapped in <mark> (with their accents when the words carry accents). When nothing is
        found, `suggestions` says how many offers the search finds without each filter. When the
        words as typed find nothing, the search is made with the words as the catalogue spells
        them, given in `spelling`."""
        current_user()
        filters = supplier_search.SearchFilters(
            q=query.q,
            category=_known("category", query.category, [c.code for c in reference.categories()]),
            province=province_code(query.province),
            min_stars=query.min_stars,
            certification=_known(
                "certification", query.certification, [c.code for c in reference.certifications()]
            ),
            min_price=query.min_price,
            max_price=query.max_price,
            sort=query.sort,
        )
        result = supplier_search.search_offers(
            db_session(), get_ranking(), filters, page=query.page, limit=query.limit
        )
        return json(
            s.SearchResult(
                items=[
                    s.SearchHit(offer=offer_out(h.offer), score=h.score, highlights=h.highlights)
                    for h in result.items
                ],
                total=result.total,
                page=result.page,
                facets={
                    name: [s.FacetCount(code=f.code, name=f.name, count=f.count) for f in counts]
                    for name, counts in result.facets.items()
                },
                suggestions=[
                    s.SearchSuggestion(drop=cast(s.SearchFilterName, d.drop), total=d.total)
                    for d in result.suggestions
                ],
                spelling=result.spelling,
            )
        )

    return api

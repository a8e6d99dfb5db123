"""Requirements: a buyer's needs, and the offers that fit them."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, expected_version, json, province_code
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import offer_match, pool_out, requirement_out
from matchmaker.catalog import access
from matchmaker.catalog.services import PageRequest, RequirementFilters
from matchmaker.extensions import db_session, get_ranking
from matchmaker.matching import access as matching

TAG = Tag(name="requirements", description="Buyers' needs")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_requirements",
        __name__,
        url_prefix="/api/v1/requirements",
        abp_tags=[TAG],
        signed_in=True,
    )

    @api.get("", responses={200: s.RequirementPage, **ERRORS})
    def list_requirements(query: s.RequirementQuery) -> Response:
        """Requirements: buyers see their own, producers the open ones, officers their
        province's."""
        filters = RequirementFilters(
            status=(query.status,) if query.status else ("open",),
            category=query.category,
            province=province_code(query.province),
            organization_id=query.organization_id,
            updated_since=query.updated_since,
        )
        page = access.list_requirements(
            db_session(),
            current_user(),
            filters,
            PageRequest(query.limit, query.cursor, query.page),
        )
        return json(
            s.RequirementPage(
                items=[requirement_out(r) for r in page.items],
                total=page.total,
                next_cursor=page.next_cursor,
                page=page.page,
            )
        )

    @api.post("", responses={201: s.RequirementOut, **ERRORS})
    def create_requirement(body: s.RequirementCreate) -> Response:
        """Post a need (buyers). Only the title is required; every other field narrows the
        matches."""
        requirement = access.create_requirement(db_session(), current_user(), body)
        return json(requirement_out(requirement), 201, version=requirement.version)

    @api.get("/<int:requirement_id>", responses={200: s.RequirementOut, **ERRORS})
    def get_requirement(path: s.RequirementPath) -> Response:
        """One requirement, with its version as the ETag."""
        requirement = access.read_requirement(db_session(), current_user(), path.requirement_id)
        return json(requirement_out(requirement), version=requirement.version)

    @api.patch(
        "/<int:requirement_id>",
        responses={200: s.RequirementOut, 409: s.Problem, 412: s.Problem, **ERRORS},
    )
    def update_requirement(
        path: s.RequirementPath, body: s.RequirementPatch, header: s.VersionHeader
    ) -> Response:
        """Change some fields; send If-Match (or ``version``) to avoid overwriting others."""
        requirement = access.update_requirement(
            db_session(),
            current_user(),
            path.requirement_id,
            body,
            expected_version(header.if_match, body.version),
        )
        return json(requirement_out(requirement), version=requirement.version)

    @api.delete(
        "/<int:requirement_id>", responses={200: s.RequirementOut, 412: s.Problem, **ERRORS}
    )
    def close_requirement(path: s.RequirementPath, header: s.VersionHeader) -> Response:
        """Close the requirement: it stays on record but gets no more matches."""
        requirement = access.close_requirement(
            db_session(), current_user(), path.requirement_id, expected_version(header.if_match)
        )
        return json(requirement_out(requirement), version=requirement.version)

    @api.get("/<int:requirement_id>/matches", responses={200: s.OfferMatchList, **ERRORS})
    def requirement_matches(path: s.RequirementPath, query: s.MatchQuery) -> Response:
        """The offers that fit this requirement, ranked now, with reasons and gaps. When
        fewer than five fit, up to three related products follow them, marked `related`
        (never notified; show them apart)."""
        ranked = matching.offers_for_requirement(
            db_session(), get_ranking(), current_user(), path.requirement_id, query.limit
        )
        return json(s.OfferMatchList([offer_match(r) for r in ranked]))

    @api.get("/<int:requirement_id>/pools", responses={200: s.PoolList, **ERRORS})
    def requirement_pools(path: s.RequirementPath, query: s.MatchQuery) -> Response:
        """When no single offer can supply the monthly volume: groups of 2-4 producers of
        the same kind of product, near each other and the delivery area, who together can."""
        pools = matching.pools_for_requirement(
            db_session(), get_ranking(), current_user(), path.requirement_id, query.limit
        )
        return json(s.PoolList([pool_out(p) for p in pools]))

    return api

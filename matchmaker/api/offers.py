"""Offers: a producer's products."""

from __future__ import annotations

from flask_openapi3 import APIBlueprint, Tag

from matchmaker import reference as ref
from matchmaker.api.schemas import OfferOut, OfferPage, OfferPath, OfferQuery, Problem
from matchmaker.api.serializers import offer_out
from matchmaker.app import db_session
from matchmaker.catalog import services
from matchmaker.errors import Invalid, field_error

TAG = Tag(name="offers", description="Producers' products")


def _filters(query: OfferQuery) -> services.OfferFilters:
    province = None
    if query.province:
        match = ref.resolve_province(query.province)
        if match is None:
            raise Invalid(
                f"Unknown province {query.province!r}.",
                errors=[field_error("province", "unknown province")],
            )
        province = match.province.code
    return services.OfferFilters(
        status=(query.status,) if query.status else ("active",),
        category=query.category,
        province=province,
        min_stars=query.min_stars,
        certification=query.certification,
        organization_id=query.organization_id,
        updated_since=query.updated_since,
    )


def build() -> APIBlueprint:
    api = APIBlueprint("offers", __name__, url_prefix="/api/v1/offers", abp_tags=[TAG])

    @api.get("", responses={200: OfferPage, 422: Problem})
    def list_offers(query: OfferQuery) -> dict:
        """List offers (active ones unless a status is asked for), oldest first."""
        page = services.list_offers(
            db_session(),
            _filters(query),
            services.PageRequest(limit=query.limit, cursor=query.cursor, page=query.page),
        )
        return OfferPage(
            items=[offer_out(o) for o in page.items],
            total=page.total,
            next_cursor=page.next_cursor,
            page=page.page,
        ).model_dump(mode="json")

    @api.get("/<int:offer_id>", responses={200: OfferOut, 404: Problem})
    def get_offer(path: OfferPath) -> dict:
        """One offer."""
        return offer_out(services.get_offer(db_session(), path.offer_id)).model_dump(mode="json")

    return api

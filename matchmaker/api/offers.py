"""Offers: a producer's products, and the requirements they may serve."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, expected_version, json, province_code
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import offer_history_out, offer_out, requirement_match
from matchmaker.catalog import access
from matchmaker.catalog.services import OfferFilters, PageRequest
from matchmaker.extensions import db_session, get_ranking
from matchmaker.i18n import lang
from matchmaker.matching import access as matching

TAG = Tag(name="offers", description="Producers' products")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_offers", __name__, url_prefix="/api/v1/offers", abp_tags=[TAG], signed_in=True
    )

    @api.get("", responses={200: s.OfferPage, **ERRORS})
    def list_offers(query: s.OfferQuery) -> Response:
        """Offers, oldest first: active ones for everyone; paused and archived ones for their
        producer, officers and admins."""
        user = current_user()
        filters = OfferFilters(
            status=(query.status,) if query.status else ("active",),
            category=query.category,
            province=province_code(query.province),
            min_stars=query.min_stars,
            certification=query.certification,
            organization_id=query.organization_id,
            updated_since=query.updated_since,
        )
        page = access.list_offers(
            db_session(), user, filters, PageRequest(query.limit, query.cursor, query.page)
        )
        return json(
            s.OfferPage(
                items=[offer_out(o) for o in page.items],
                total=page.total,
                next_cursor=page.next_cursor,
                page=page.page,
            )
        )

    @api.post("", responses={201: s.OfferOut, 409: s.Problem, **ERRORS})
    def create_offer(body: s.OfferCreate) -> Response:
        """Post a product (producers). Only title, category and unit are required; the
        province defaults to the producer's."""
        offer = access.create_offer(db_session(), current_user(), body)
        return json(offer_out(offer), 201, version=offer.version)

    @api.get("/<int:offer_id>", responses={200: s.OfferOut, **ERRORS})
    def get_offer(path: s.OfferPath) -> Response:
        """One offer, with its version as the ETag."""
        offer = access.read_offer(db_session(), current_user(), path.offer_id)
        return json(offer_out(offer), version=offer.version)

    @api.patch(
        "/<int:offer_id>", responses={200: s.OfferOut, 409: s.Problem, 412: s.Problem, **ERRORS}
    )
    def update_offer(path: s.OfferPath, body: s.OfferPatch, header: s.VersionHeader) -> Response:
        """Change some fields. Send If-Match with the ETag (or ``version``) you edited, so that
        a concurrent change is not overwritten silently."""
        offer = access.update_offer(
            db_session(),
            current_user(),
            path.offer_id,
            body,
            expected_version(header.if_match, body.version),
        )
        return json(offer_out(offer), version=offer.version)

    @api.delete("/<int:offer_id>", responses={200: s.OfferOut, 412: s.Problem, **ERRORS})
    def archive_offer(path: s.OfferPath, header: s.VersionHeader) -> Response:
        """Archive the offer: it stays on record but is no longer suggested."""
        offer = access.archive_offer(
            db_session(), current_user(), path.offer_id, expected_version(header.if_match)
        )
        return json(offer_out(offer), version=offer.version)

    @api.get("/<int:offer_id>/history", responses={200: s.OfferHistory, **ERRORS})
    def offer_history(path: s.OfferPath) -> Response:
        """Who changed what of the offer, newest first: an officer's import of the province's
        list (its file) or an edit, each field old → new, in the language of Accept-Language.
        For the offer's producer, the officers of its province and admins."""
        entries = access.describe_offer_history(db_session(), current_user(), path.offer_id, lang())
        return json(offer_history_out(path.offer_id, entries))

    @api.get("/<int:offer_id>/matches", responses={200: s.RequirementMatchList, **ERRORS})
    def offer_matches(path: s.OfferPath, query: s.MatchQuery) -> Response:
        """The open requirements this offer may serve, ranked now (the producer's view)."""
        ranked = matching.requirements_for_offer(
            db_session(), get_ranking(), current_user(), path.offer_id, query.limit
        )
        return json(s.RequirementMatchList([requirement_match(r) for r in ranked]))

    return api

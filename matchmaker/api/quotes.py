"""Quotes: producers answer a requirement with a price and terms; its buyer compares them
side by side, accepts one (a deal) or declines with a reason."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import quote_schemas as q
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.conversations import attachment_out
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import offer_summary, requirement_summary
from matchmaker.conversations.models import Attachment
from matchmaker.conversations.services import attachments_of_quotes
from matchmaker.explanations import explanation_out
from matchmaker.extensions import db_session, get_settings
from matchmaker.quotes import services
from matchmaker.quotes.comparison import Comparison, QuoteLine
from matchmaker.quotes.models import Quote, QuoteRevision

TAG = Tag(name="quotes", description="Producers' quotes on requirements, and their comparison")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def terms_out(revision: QuoteRevision) -> q.QuoteTerms:
    return q.QuoteTerms(
        number=revision.number,
        unit_price_vnd=revision.unit_price_vnd,
        unit=revision.unit,
        min_order_quantity=revision.min_order_quantity,
        monthly_volume=revision.monthly_volume,
        lead_time_days=revision.lead_time_days,
        delivery_terms=revision.delivery_terms,
        delivery_provinces=list(revision.delivery_provinces or []),
        valid_until=revision.valid_until,
        samples_available=revision.samples_available,
        note=revision.note,
        created_at=revision.created_at,
    )


def quote_out(quote: Quote) -> q.QuoteOut:
    return q.QuoteOut(
        id=quote.id,
        requirement_id=quote.requirement_id,
        offer_id=quote.offer_id,
        organization_id=quote.organization_id,
        status=quote.status,
        decline_reason=quote.decline_reason,
        deal_value_vnd=quote.deal_value_vnd,
        terms=terms_out(quote.latest),
        history=[terms_out(r) for r in quote.revisions],
        created_at=quote.created_at,
        updated_at=quote.updated_at,
    )


def line_out(item: QuoteLine, files: list[Attachment]) -> q.QuoteLineOut:
    base = f"/api/v1/quotes/{item.quote.id}"
    return q.QuoteLineOut(
        quote=quote_out(item.quote),
        offer=offer_summary(item.quote.offer),
        comparable=item.comparable,
        price_per_wanted_unit=item.price_per_wanted_unit,
        min_order_in_wanted_unit=item.min_order_in_wanted_unit,
        volume_in_wanted_unit=item.volume_in_wanted_unit,
        min_order_fits=item.min_order_fits,
        covers_volume=item.covers_volume,
        within_price_ceiling=item.within_price_ceiling,
        certificate_valid=item.certificate_valid,
        stars=item.stars,
        delivered_cost=item.delivered_cost,
        freight_estimate=item.freight_estimate,
        deliveries=[q.DeliveryOut(**vars(d)) for d in item.deliveries],
        match_id=item.match.id if item.match else None,
        attachments=[attachment_out(a, base) for a in files],
        reasons=[s.Explanation(**explanation_out(r)) for r in item.reasons],
        gaps=[s.Explanation(**explanation_out(g)) for g in item.gaps],
    )


def comparison_out(comparison: Comparison) -> q.QuoteComparisonOut:
    files = attachments_of_quotes(db_session(), [line.quote.id for line in comparison.lines])
    return q.QuoteComparisonOut(
        requirement=requirement_summary(comparison.requirement),
        delivery_on=comparison.delivery_on,
        freight=q.FreightOut(**comparison.freight.model_dump()),
        items=[line_out(item, files.get(item.quote.id, [])) for item in comparison.lines],
    )


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_quotes", __name__, url_prefix="/api/v1", abp_tags=[TAG], signed_in=True
    )

    @api.post(
        "/requirements/<int:requirement_id>/quotes",
        responses={201: q.QuoteOut, 409: s.Problem, **ERRORS},
    )
    def create_quote(path: q.QuoteRequirementPath, body: q.QuoteCreate) -> Response:
        """Quote on a requirement you can see, with one of your active offers (producers)."""
        quote = services.submit(db_session(), current_user(), path.requirement_id, body)
        return json(quote_out(quote), 201)

    @api.get(
        "/requirements/<int:requirement_id>/quotes", responses={200: q.QuoteComparisonOut, **ERRORS}
    )
    def compare_quotes(path: q.QuoteRequirementPath, query: q.QuoteSort) -> Response:
        """The quotes side by side, prices in the requirement's unit: every quote for its buyer
        and the officers of its province, a producer's own for a producer."""
        comparison = services.comparison(
            db_session(), current_user(), path.requirement_id, query.sort,
            freight=get_settings().freight,
        )  # fmt: skip
        return json(comparison_out(comparison))

    @api.get("/quotes/<int:quote_id>", responses={200: q.QuoteOut, **ERRORS})
    def get_quote(path: q.QuotePath) -> Response:
        """One quote with every revision of its terms."""
        return json(quote_out(services.read_quote(db_session(), current_user(), path.quote_id)))

    @api.patch("/quotes/<int:quote_id>", responses={200: q.QuoteOut, 409: s.Problem, **ERRORS})
    def revise_quote(path: q.QuotePath, body: q.QuotePatch) -> Response:
        """Revise the terms (the producer that made it): a new revision, the earlier kept."""
        quote = services.revise(db_session(), current_user(), path.quote_id, body)
        return json(quote_out(quote))

    @api.delete("/quotes/<int:quote_id>", responses={200: q.QuoteOut, 409: s.Problem, **ERRORS})
    def withdraw_quote(path: q.QuotePath) -> Response:
        """Withdraw the quote (the producer that made it); it stays on record."""
        quote = services.withdraw(db_session(), current_user(), path.quote_id)
        return json(quote_out(quote))

    @api.post(
        "/quotes/<int:quote_id>/accept", responses={200: q.QuoteOut, 409: s.Problem, **ERRORS}
    )
    def accept_quote(path: q.QuotePath) -> Response:
        """Accept the quote (the requirement's buyer): a deal on the match, with its value."""
        quote = services.accept(db_session(), current_user(), path.quote_id)
        return json(quote_out(quote))

    @api.post(
        "/quotes/<int:quote_id>/decline", responses={200: q.QuoteOut, 409: s.Problem, **ERRORS}
    )
    def decline_quote(path: q.QuotePath, body: q.QuoteDecline) -> Response:
        """Decline the quote with a reason (the requirement's buyer)."""
        quote = services.decline(db_session(), current_user(), path.quote_id, body.reason)
        return json(quote_out(quote))

    return api

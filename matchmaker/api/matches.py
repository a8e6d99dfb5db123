"""Matches: reading one, answering it, and the orders under its deal."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import match_out
from matchmaker.extensions import db_session
from matchmaker.matching import access, orders
from matchmaker.matching.orders import MatchOrder


def order_out(order: MatchOrder) -> s.OrderOut:
    return s.OrderOut.model_validate(order, from_attributes=True)


TAG = Tag(name="matches", description="Suggested pairs and their feedback")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_matches", __name__, url_prefix="/api/v1/matches", abp_tags=[TAG], signed_in=True
    )

    @api.get("/<int:match_id>", responses={200: s.MatchOut, **ERRORS})
    def get_match(path: s.MatchPath) -> Response:
        """One match with its status history (the two sides, officers and admins)."""
        return json(match_out(access.read_match(db_session(), current_user(), path.match_id)))

    @api.post("/<int:match_id>/feedback", responses={200: s.MatchOut, 409: s.Problem, **ERRORS})
    def match_feedback(path: s.MatchPath, body: s.Feedback) -> Response:
        """Move the match along: viewed, accepted, declined (with a reason), contacted, deal."""
        match = access.give_feedback(
            db_session(), current_user(), path.match_id, body.action, body.reason
        )
        return json(match_out(match))

    @api.get("/<int:match_id>/orders", responses={200: s.OrderList, **ERRORS})
    def list_orders(path: s.MatchPath) -> Response:
        """The orders recorded under the match's deal, oldest first, and their total value."""
        found = orders.orders_of(db_session(), current_user(), path.match_id)
        return json(s.OrderList(items=[order_out(o) for o in found],
                                total_value_vnd=sum(o.value_vnd for o in found)))  # fmt: skip

    @api.post("/<int:match_id>/orders", responses={201: s.OrderOut, 409: s.Problem, **ERRORS})
    def record_order(path: s.MatchPath, body: s.OrderCreate) -> Response:
        """Record an order under the match's deal (either side, or an officer of its province):
        the first is an `order`, later ones `repeat`; each feeds the ranking and the reports."""
        order = orders.record_order(db_session(), current_user(), path.match_id, body)
        return json(order_out(order), 201)

    return api

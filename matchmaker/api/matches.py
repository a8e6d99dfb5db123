"""Matches: reading one and answering it."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import match_out
from matchmaker.extensions import db_session
from matchmaker.matching import access

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

    return api

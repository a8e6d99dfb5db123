"""The buyer's shortlist: offers saved while comparing suppliers, shared with colleagues."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import shortlist_entry_out
from matchmaker.catalog import shortlist
from matchmaker.extensions import db_session

TAG = Tag(name="shortlist", description="Suppliers a buyer saved")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_shortlist", __name__, url_prefix="/api/v1/shortlist", abp_tags=[TAG], signed_in=True
    )

    @api.get("", responses={200: s.ShortlistOut, **ERRORS})
    def list_shortlist() -> Response:
        """The offers your organization saved, newest first (buyers)."""
        entries = shortlist.entries(db_session(), current_user())
        return json(
            s.ShortlistOut(items=[shortlist_entry_out(e) for e in entries], total=len(entries))
        )

    @api.put("/<int:offer_id>", responses={200: s.ShortlistEntryOut, **ERRORS})
    def save_to_shortlist(path: s.OfferPath, body: s.ShortlistNote) -> Response:
        """Save an offer to the shortlist, or change its note; saving twice keeps one entry."""
        entry = shortlist.save(db_session(), current_user(), path.offer_id, body.note)
        return json(shortlist_entry_out(entry))

    @api.delete("/<int:offer_id>", responses={204: None, **ERRORS})
    def remove_from_shortlist(path: s.OfferPath) -> Response:
        """Remove an offer from the shortlist (204 whether or not it was on it)."""
        shortlist.remove(db_session(), current_user(), path.offer_id)
        return Response(status=204)

    return api

"""Producers' claims: an officer's (or admin's) answer to someone who registered as a producer
the province lists and waits for approval."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Response
from flask_openapi3 import APIBlueprint, Tag
from pydantic import ConfigDict, Field

from matchmaker.accounts import claims
from matchmaker.accounts.models import ProducerClaim
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.extensions import db_session

TAG = Tag(name="claims", description="Producers on a province's list taken over by their account")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


class ClaimOut(s.Schema):
    """A claim on a listed producer: who registered as it, what they gave, and the answer
    (``matched_by``: the listing's own email or phone joined it at once)."""

    id: int
    status: Literal["pending", "approved", "refused"]
    matched_by: Literal["email", "phone"] | None
    organization_id: int
    organization_name: str
    province: s.ProvinceOut | None
    claimant_user_id: int
    claimant_name: str
    claimant_email: str
    claimant_phone: str | None
    claimant_address: str | None
    created_at: datetime
    decided_at: datetime | None


class ClaimList(s.Schema):
    waiting: list[ClaimOut] = Field(description="Oldest first.")
    decided: list[ClaimOut] = Field(description="The latest 50, newest first.")


class ClaimPath(s.Schema):
    claim_id: int = Field(..., ge=1, le=2**31 - 1)


class ClaimDecision(s.Schema):
    model_config = ConfigDict(extra="forbid")

    approve: bool = Field(description="true: the claimant represents the producer; false: not.")


def claim_out(found: ProducerClaim) -> ClaimOut:
    org, user = found.organization, found.user
    return ClaimOut(
        id=found.id,
        status=found.status,  # type: ignore[arg-type]  # the table's check
        matched_by=found.matched_by,  # type: ignore[arg-type]  # the table's check
        organization_id=org.id,
        organization_name=org.name,
        province=s.ProvinceOut.from_code(org.province),
        claimant_user_id=user.id,
        claimant_name=user.name,
        claimant_email=user.email,
        claimant_phone=found.details.get("phone"),
        claimant_address=found.details.get("address"),
        created_at=found.created_at,
        decided_at=found.decided_at,
    )


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_claims", __name__, url_prefix="/api/v1/claims", abp_tags=[TAG], signed_in=True
    )

    @api.get("", responses={200: ClaimList, **ERRORS})
    def list_claims() -> Response:
        """The claims on producers of your province (an admin's: all) — waiting, and decided."""
        waiting, decided = claims.claims_for(db_session(), current_user())
        return json(
            ClaimList(
                waiting=[claim_out(c) for c in waiting], decided=[claim_out(c) for c in decided]
            )
        )

    @api.post("/<int:claim_id>/decision", responses={200: ClaimOut, 409: s.Problem, **ERRORS})
    def decide_claim(path: ClaimPath, body: ClaimDecision) -> Response:
        """Approve or refuse a waiting claim (officers of the producer's province, admins). The
        claimant is emailed the answer; approved, their account can sign in."""
        found = claims.decide(db_session(), current_user(), path.claim_id, approve=body.approve)
        return json(claim_out(found))

    return api

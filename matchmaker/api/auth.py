"""Accounts: self-registration of producers and buyers, and bearer tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.accounts import services as accounts
from matchmaker.accounts import tokens
from matchmaker.accounts.claims import ClaimRefused
from matchmaker.accounts.models import User
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json
from matchmaker.api.security import BEARER, api_blueprint, bearer_token, current_user
from matchmaker.api.serializers import organization_out, user_out
from matchmaker.errors import Conflict
from matchmaker.extensions import (
    db_session,
    get_settings,
    login_throttle,
    remember_device,
    sign_in_attempt,
)
from matchmaker.i18n import say
from matchmaker.notifications.account_notices import tell_owner_of_registration_attempt

TAG = Tag(name="auth", description="Registration and bearer tokens")
ERRORS: Responses = {401: s.Problem, 422: s.Problem, 429: s.Problem}


def _ttl() -> timedelta:
    return timedelta(hours=get_settings().token_ttl_hours)


def build() -> APIBlueprint:
    api = api_blueprint("api_auth", __name__, url_prefix="/api/v1/auth", abp_tags=[TAG])

    @api.post(
        "/register",
        responses={201: s.RegistrationOut, 202: s.ClaimWaitingOut, 409: s.Problem, **ERRORS},
    )
    def register_account(body: s.Registration) -> Response:
        """Register a producer or buyer with a new organization (or join one with its invite
        code). Officer and admin accounts are made with the command line.

        A producer the province already lists (same name in any spelling, same province) is
        claimed: with the listing's own email or phone, at once (201); otherwise the account
        waits for an officer of the province to approve (202, no token; both are emailed).
        A listed producer that has an account, or a claim waiting, is refused (409)."""
        login_throttle().hit(f"ip:{request.remote_addr}")
        try:
            user, raw, token = tokens.register_for_token(
                db_session(),
                ttl=_ttl(),
                email=body.email,
                password=body.password,
                name=body.name,
                role=body.role,
                organization=_organization(body.organization),
                secret=get_settings().secret_key,
            )
        except ClaimRefused:
            raise
        except Conflict:
            # The email has an account: its owner is told, the answer names nothing.
            tell_owner_of_registration_attempt(
                db_session(), body.email, get_settings().notifications
            )
            raise
        if raw is None or token is None:
            return json(_claim_waiting(user), 202)
        code = accounts.invite_code(user.organization_id, get_settings().secret_key)
        return json(
            s.RegistrationOut(
                user=user_out(user),
                organization=organization_out(user.organization, invite_code=code),
                token=raw,
                expires_at=token.expires_at,
            ),
            201,
        )

    @api.post("/token", responses={200: s.TokenOut, **ERRORS})
    def issue_token(body: s.TokenRequest) -> Response:
        """Exchange an email and password for a bearer token. Attempts are limited per client
        address and per account; a client that keeps the ``ocop_device`` cookie of an earlier
        sign-in to the account is counted on its own, so others' failures never lock it out."""
        sign_in_attempt(body.email)
        raw, token = tokens.sign_in_for_token(db_session(), body.email, body.password, ttl=_ttl())
        response = json(s.TokenOut(token=raw, expires_at=token.expires_at))
        remember_device(response, body.email)  # a client that keeps cookies is then known
        return response

    @api.delete("/token", security=BEARER, responses={204: None, 401: s.Problem})
    def revoke_token() -> Response:
        """Revoke the token this request carries (sign out)."""
        current_user()
        tokens.revoke_token(db_session(), bearer_token() or "")
        return Response(status=204)

    @api.post("/password", security=BEARER, responses={200: s.TokenOut, **ERRORS})
    def change_password(body: s.PasswordChange) -> Response:
        """Change your password. Every token of the account, this one too, and every page
        session end, so that a device that had it is signed out; the answer carries a new
        token. Attempts count toward the sign-in limit."""
        user = current_user()
        sign_in_attempt(user.email)
        raw, token = tokens.change_password_for_token(
            db_session(), user, body.current_password, body.new_password, ttl=_ttl()
        )
        return json(s.TokenOut(token=raw, expires_at=token.expires_at))

    @api.get("/me", security=BEARER, responses={200: s.UserOut, 401: s.Problem})
    def get_me() -> Response:
        """The signed-in user."""
        return json(user_out(current_user()))

    return api


def _claim_waiting(user: User) -> s.ClaimWaitingOut:
    org = user.organization
    province = s.ProvinceOut.from_code(org.province)
    assert province is not None  # a listed producer is listed in a province
    return s.ClaimWaitingOut(
        user_id=user.id,
        organization_id=org.id,
        organization_name=org.name,
        province=province,
        detail=say("account.claim_waiting_approval", {"name": org.name, "province": org.province}),
    )


def _organization(given: s.NewOrganization | s.JoinOrganization) -> dict[str, Any]:
    """The organization's fields as the client typed them (the account's role is its kind)."""
    if isinstance(given, s.NewOrganization):
        return given.typed()
    return given.model_dump(exclude_unset=True)

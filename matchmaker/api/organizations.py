"""Organizations: producers, buyers and agencies."""

from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from matchmaker.accounts.models import User
from matchmaker.accounts.services import invite_code
from matchmaker.api import schemas as s
from matchmaker.api.common import Responses, json, province_code
from matchmaker.api.security import api_blueprint, current_user
from matchmaker.api.serializers import organization_out
from matchmaker.catalog import access
from matchmaker.catalog.models import Organization
from matchmaker.catalog.services import PageRequest
from matchmaker.extensions import db_session, get_settings

TAG = Tag(name="organizations", description="Producers, buyers and agencies")
ERRORS: Responses = {401: s.Problem, 403: s.Problem, 404: s.Problem, 422: s.Problem}


def _out(org: Organization, user: User) -> s.OrganizationOut:
    """Members also see the code that lets colleagues join when they register."""
    member = org.id == user.organization_id
    code = invite_code(org.id, get_settings().secret_key) if member else None
    return organization_out(org, invite_code=code)


def build() -> APIBlueprint:
    api = api_blueprint(
        "api_organizations",
        __name__,
        url_prefix="/api/v1/organizations",
        abp_tags=[TAG],
        signed_in=True,
    )

    @api.get("", responses={200: s.OrganizationPage, **ERRORS})
    def list_organizations(query: s.OrganizationQuery) -> Response:
        """Organizations: your own; officers their province's; admins all."""
        user = current_user()
        page = access.list_organizations(
            db_session(),
            user,
            query.kind,
            province_code(query.province),
            PageRequest(query.limit, query.cursor, query.page),
        )
        return json(
            s.OrganizationPage(
                items=[_out(o, user) for o in page.items],
                total=page.total,
                next_cursor=page.next_cursor,
                page=page.page,
            )
        )

    @api.get("/<int:organization_id>", responses={200: s.OrganizationOut, **ERRORS})
    def get_organization(path: s.OrganizationPath) -> Response:
        """One organization; its members also see the invite code for colleagues."""
        user = current_user()
        org = access.read_organization(db_session(), user, path.organization_id)
        return json(_out(org, user))

    @api.patch("/<int:organization_id>", responses={200: s.OrganizationOut, **ERRORS})
    def update_organization(path: s.OrganizationPath, body: s.OrganizationFields) -> Response:
        """Change your organization's profile."""
        user = current_user()
        org = access.update_organization(db_session(), user, path.organization_id, body)
        return json(_out(org, user))

    return api

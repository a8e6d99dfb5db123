"""Catalog use cases on behalf of a signed-in user: the permission check, then the service.

A user asking for something they may not see gets NotFound (its existence must not leak);
asking to change something they may see but not change gets Forbidden.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.util import identity_key

from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog import history, services
from matchmaker.catalog.inputs import (
    OfferChanges,
    OfferInput,
    OrganizationFieldsInput,
    RequirementChanges,
    RequirementInput,
)
from matchmaker.catalog.models import Offer, OfferChange, Organization, Requirement
from matchmaker.db import transaction
from matchmaker.errors import Forbidden, NotFound

M = TypeVar("M", Offer, Requirement)


@functools.cache
def _with_owner(model: type[Offer] | type[Requirement]) -> Select[Any]:
    """An offer or requirement by id with its organization, as one statement built once:
    building it anew (what ``Session.get`` with options does) cost a third of the query."""
    owner = Offer.producer if model is Offer else Requirement.buyer
    return select(model).options(joinedload(owner)).where(model.id == bindparam("id"))


def _get(session: Session, model: type[M], row_id: int) -> M | None:
    """Like ``session.get``: the instance the session already holds, else one query."""
    held = session.identity_map.get(identity_key(model, row_id))
    if isinstance(held, model):
        return held
    found: M | None = session.scalars(_with_owner(model), {"id": row_id}).one_or_none()
    return found


def read_offer(session: Session, user: User, offer_id: int) -> Offer:
    offer = _get(session, Offer, offer_id)
    if offer is None or not can.can_read_offer(user, offer):
        raise NotFound("offer.not_found", offer_id=offer_id)
    return offer


def list_offers(
    session: Session, user: User, filters: services.OfferFilters, page: services.PageRequest
) -> services.Page[Offer]:
    """Active offers for everyone; paused and archived ones only to who may see them."""
    if set(filters.status) - {"active"} and user.role not in ("admin", "officer"):
        if user.role != "producer":
            return services.Page(items=[], total=0)
        filters = replace(filters, organization_id=user.organization_id)
    if user.role == "officer" and set(filters.status) - {"active"}:
        scope = can.officer_scope(user)
        if scope and filters.province not in (None, scope):
            return services.Page(items=[], total=0)
        filters = replace(filters, province=scope or filters.province)
    return services.list_offers(session, filters, page)


@transaction
def create_offer(
    session: Session,
    user: User,
    data: OfferInput | Mapping[str, Any],
    *,
    save_photos: Callable[[Offer], None] | None = None,
) -> Offer:
    """A producer's new offer; ``save_photos`` stores its photos once the offer is valid and
    before it is committed (a refused photo refuses the whole)."""
    if user.role != "producer":
        raise Forbidden("offer.producers_only")
    offer = services.create_offer(session, user.organization, data)
    history.record_changes(
        session, offer.id, {}, services.offer_values(offer), history.ChangedBy(user.id)
    )
    if save_photos is not None:
        save_photos(offer)
    return offer


@transaction
def update_offer(
    session: Session,
    user: User,
    offer_id: int,
    changes: OfferChanges | Mapping[str, Any],
    expected_version: int | None,
    *,
    save_photos: Callable[[Offer], None] | None = None,
) -> Offer:
    offer = read_offer(session, user, offer_id)
    if not can.can_manage_offer(user, offer):
        raise Forbidden("offer.not_owner")
    before = services.offer_values(offer)
    offer = services.update_offer(session, offer, changes, expected_version=expected_version)
    history.record_changes(
        session, offer.id, before, services.offer_values(offer), history.ChangedBy(user.id)
    )
    if save_photos is not None:
        save_photos(offer)
    return offer


@transaction
def remove_offer_photo(
    session: Session, user: User, offer_id: int, remove: Callable[[Offer], None]
) -> Offer:
    """Takes a photo off the producer's own offer (``remove`` deletes it from the store)."""
    offer = read_offer(session, user, offer_id)
    if not can.can_manage_offer(user, offer):
        raise Forbidden("offer.not_owner")
    remove(offer)
    return offer


@transaction
def archive_offer(
    session: Session, user: User, offer_id: int, expected_version: int | None
) -> Offer:
    offer = read_offer(session, user, offer_id)
    if not can.can_manage_offer(user, offer):
        raise Forbidden("offer.not_owner")
    before = offer.status
    offer = services.archive_offer(session, offer, expected_version=expected_version)
    history.record_changes(
        session, offer.id, {"status": before}, {"status": offer.status}, history.ChangedBy(user.id)
    )
    return offer


def offer_history(session: Session, user: User, offer_id: int) -> list[OfferChange]:
    """Who changed what of an offer: for its producer, the officers of its province, admins."""
    offer = read_offer(session, user, offer_id)
    if not may_see_offer_history(user, offer):
        raise Forbidden("offer.history_forbidden")
    return history.offer_history(session, offer.id)


def describe_offer_history(
    session: Session, user: User, offer_id: int, locale: str
) -> list[history.HistoryEntry]:
    """The offer's history as its reader sees it: each edit or import, who made it, and each
    field's old and new value, in ``locale``."""
    changes = offer_history(session, user, offer_id)
    return history.describe(session, read_offer(session, user, offer_id), changes, locale)


def may_see_offer_history(user: User, offer: Offer) -> bool:
    return can.can_manage_offer(user, offer) or can.oversees_offer(user, offer)


def read_requirement(session: Session, user: User, requirement_id: int) -> Requirement:
    requirement = _get(session, Requirement, requirement_id)
    if requirement is None or not can.can_read_requirement(user, requirement):
        raise NotFound("requirement.not_found", requirement_id=requirement_id)
    return requirement


def list_requirements(
    session: Session,
    user: User,
    filters: services.RequirementFilters,
    page: services.PageRequest,
) -> services.Page[Requirement]:
    """Buyers see their own; producers the open ones; officers their province's."""
    if user.role == "buyer":
        filters = replace(filters, organization_id=user.organization_id)
    elif user.role == "producer":
        if set(filters.status) - {"open"}:
            return services.Page(items=[], total=0)
    elif user.role == "officer" and (scope := can.officer_scope(user)):
        # The same rule as reading one (permissions.oversees_requirement); the province
        # filter, when given, still narrows to those that deliver there.
        filters = replace(filters, concerning=scope)
    return services.list_requirements(session, filters, page)


@transaction
def create_requirement(
    session: Session, user: User, data: RequirementInput | Mapping[str, Any]
) -> Requirement:
    if user.role != "buyer":
        raise Forbidden("requirement.buyers_only")
    return services.create_requirement(session, user.organization, data)


@transaction
def update_requirement(
    session: Session,
    user: User,
    requirement_id: int,
    changes: RequirementChanges | Mapping[str, Any],
    expected_version: int | None,
) -> Requirement:
    requirement = read_requirement(session, user, requirement_id)
    if not can.can_manage_requirement(user, requirement):
        raise Forbidden("requirement.not_owner")
    return services.update_requirement(
        session, requirement, changes, expected_version=expected_version
    )


@transaction
def close_requirement(
    session: Session, user: User, requirement_id: int, expected_version: int | None
) -> Requirement:
    requirement = read_requirement(session, user, requirement_id)
    if not can.can_manage_requirement(user, requirement):
        raise Forbidden("requirement.not_owner")
    return services.close_requirement(session, requirement, expected_version=expected_version)


def read_organization(session: Session, user: User, organization_id: int) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None or not can.can_read_organization(user, org):
        raise NotFound("organization.not_found", organization_id=organization_id)
    return org


@transaction
def update_organization(
    session: Session,
    user: User,
    organization_id: int,
    changes: OrganizationFieldsInput | Mapping[str, Any],
) -> Organization:
    org = read_organization(session, user, organization_id)
    if not can.can_manage_organization(user, org):
        raise Forbidden("organization.not_member")
    return services.update_organization(session, org, changes)


def list_organizations(
    session: Session,
    user: User,
    kind: str | None,
    province: str | None,
    page: services.PageRequest,
) -> services.Page[Organization]:
    """Officers see their province's organizations, admins all, everyone else their own."""
    if user.role == "admin":
        return services.list_organizations(session, kind=kind, province=province, page=page)
    if user.role == "officer":
        scope = can.officer_scope(user)
        if scope and province not in (None, scope):
            return services.Page(items=[], total=0)
        return services.list_organizations(
            session, kind=kind, province=scope or province, page=page
        )
    return services.list_organizations(
        session, kind=kind, province=province, page=page, only_id=user.organization_id
    )

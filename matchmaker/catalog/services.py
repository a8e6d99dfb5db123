"""Catalog use cases. Services take a session, raise domain errors and never commit."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.catalog.inputs import (
    OfferChanges,
    OfferInput,
    OrganizationFieldsInput,
    OrganizationInput,
    RequirementChanges,
    RequirementInput,
)
from matchmaker.catalog.models import Offer, Organization, Requirement, requirement_concerns
from matchmaker.catalog.validation import (
    OFFER_FIELDS,
    REQUIREMENT_FIELDS,
    certificate_expiry,
    clean_offer,
    clean_organization,
    clean_requirement,
)
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Invalid, NotFound, StaleVersion, field_error
from matchmaker.ranking.text import fold_key

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    cursor: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    next_cursor: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class OfferFilters:
    status: Sequence[str] = ("active",)
    category: str | None = None
    province: str | None = None
    min_stars: int | None = None
    certification: str | None = None
    organization_id: int | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class RequirementFilters:
    status: Sequence[str] = ("open",)
    category: str | None = None
    province: str | None = None
    organization_id: int | None = None
    updated_since: datetime | None = None
    # An officer's province: only the requirements that are its business (see
    # :func:`~matchmaker.catalog.models.requirement_concerns`).
    concerning: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


# --- organizations --------------------------------------------------------------------------


def create_organization(
    session: Session, data: OrganizationInput | Mapping[str, Any]
) -> Organization:
    values = clean_organization(data)
    name_key = fold_key(values["name"])
    if values["kind"] == "producer":
        _check_producer_free(session, name_key, values.get("province"), values["name"])
    org = Organization(**values, name_key=name_key)
    session.add(org)
    session.flush()
    return org


def update_organization(
    session: Session,
    organization: Organization,
    changes: OrganizationFieldsInput | Mapping[str, Any],
) -> Organization:
    values = clean_organization(changes, partial=True)
    if "kind" in values and values["kind"] != organization.kind:
        raise Invalid(
            "organization.invalid", errors=[field_error("kind", "organization.kind_fixed")]
        )
    if organization.kind == "producer" and ("name" in values or "province" in values):
        name = values.get("name", organization.name)
        province = values.get("province", organization.province)
        _check_producer_free(session, fold_key(name), province, name, organization.id)
    for name, value in values.items():
        setattr(organization, name, value)
    if "name" in values:
        organization.name_key = fold_key(values["name"])
    session.flush()
    return organization


def _check_producer_free(
    session: Session, name_key: str, province: str | None, name: str, own_id: int | None = None
) -> None:
    """One producer per name (in any spelling) and province: the unique key, said first."""
    if province is None:
        return
    query = select(Organization.id).where(
        Organization.kind == "producer",
        Organization.name_key == name_key,
        Organization.province == province,
    )
    if own_id is not None:
        query = query.where(Organization.id != own_id)
    if session.scalar(query.limit(1)) is not None:
        raise Conflict(
            "organization.producer_exists",
            name=name,
            errors=[field_error("name", "organization.producer_exists", name=name)],
        )


def get_organization(session: Session, organization_id: int) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound("organization.not_found", organization_id=organization_id)
    return org


def find_producer(session: Session, name: str, province: str | None) -> Organization | None:
    """The producer of this name (in any spelling) in this province, if it is known."""
    query = select(Organization).where(
        Organization.kind == "producer", Organization.name_key == fold_key(name)
    )
    if province:
        query = query.where(Organization.province == province)
    return session.scalars(query.order_by(Organization.id).limit(1)).first()


# --- offers ---------------------------------------------------------------------------------


def _require_kind(org: Organization, kind: str) -> None:
    if org.kind != kind:
        raise Invalid(
            "organization.wrong_kind",
            kind=kind,
            errors=[field_error("organization", "organization.wrong_kind", kind=kind)],
        )


def create_offer(
    session: Session, producer: Organization, data: OfferInput | Mapping[str, Any]
) -> Offer:
    _require_kind(producer, "producer")
    values = clean_offer(data)
    if "province" not in values:
        if not producer.province:
            raise Invalid(
                "offer.invalid", errors=[field_error("province", "offer.province_required")]
            )
        values["province"] = producer.province
    _fill_certificate_expiry(values)
    title_key = fold_key(values["title"])
    if values.get("status") != "archived":
        _check_title_free(session, producer.id, title_key, values["title"])
    offer = Offer(**values, organization_id=producer.id, title_key=title_key)
    session.add(offer)
    session.flush()
    outbox.offer_changed(session, offer.id)
    return offer


def _fill_certificate_expiry(values: dict[str, Any]) -> None:
    if values.get("ocop_certified_until") is None and values.get("ocop_certified_on"):
        values["ocop_certified_until"] = certificate_expiry(values)


def _check_title_free(
    session: Session, producer_id: int, title_key: str, title: str, own_id: int | None = None
) -> None:
    """One live offer per product name (in any spelling) and producer: the unique key."""
    query = select(Offer.id).where(
        Offer.organization_id == producer_id,
        Offer.title_key == title_key,
        Offer.status != "archived",
    )
    if own_id is not None:
        query = query.where(Offer.id != own_id)
    if session.scalar(query.limit(1)) is not None:
        raise Conflict(
            "offer.duplicate_title",
            title=title,
            errors=[field_error("title", "offer.duplicate_title", title=title)],
        )


def offer_values(offer: Offer) -> dict[str, Any]:
    return {name: getattr(offer, name) for name in OFFER_FIELDS}


def update_offer(
    session: Session,
    offer: Offer,
    changes: OfferChanges | Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Offer:
    _check_version(offer.version, expected_version)
    values = clean_offer(changes, current=offer_values(offer))
    if values.get("status") == "archived":
        values["archived_at"] = offer.archived_at or utcnow()
    elif "status" in values:
        values["archived_at"] = None
    title = values.get("title", offer.title)
    reopened = offer.status == "archived" and values.get("status", "archived") != "archived"
    if (reopened or fold_key(title) != offer.title_key) and values.get("status") != "archived":
        _check_title_free(session, offer.organization_id, fold_key(title), title, offer.id)
    for name, value in values.items():
        setattr(offer, name, value)
    if "title" in values:
        offer.title_key = fold_key(values["title"])
    session.flush()
    outbox.offer_changed(session, offer.id)
    return offer


def archive_offer(session: Session, offer: Offer, *, expected_version: int | None = None) -> Offer:
    """Soft archive: the offer stays on record (matches point at it) but is never ranked."""
    _check_version(offer.version, expected_version)
    if offer.status != "archived":
        offer.status = "archived"
        offer.archived_at = utcnow()
        session.flush()
        outbox.offer_changed(session, offer.id)
    return offer


def get_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("offer.not_found", offer_id=offer_id)
    return offer


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersion("record.stale_version", current=current, expected=expected)


def list_offers(session: Session, filters: OfferFilters, page: PageRequest) -> Page[Offer]:
    query = select(Offer)
    if filters.status:
        query = query.where(Offer.status.in_(filters.status))
    if filters.category:
        query = query.where(
            or_(
                Offer.category == filters.category,
                Offer.category.startswith(filters.category + "."),
            )
        )
    if filters.province:
        query = query.where(Offer.province == filters.province)
    if filters.min_stars is not None:
        query = query.where(
            Offer.ocop_stars >= filters.min_stars,
            or_(Offer.ocop_certified_until.is_(None), Offer.ocop_certified_until >= date.today()),
        )
    if filters.organization_id is not None:
        query = query.where(Offer.organization_id == filters.organization_id)
    if filters.updated_since is not None:
        query = query.where(Offer.updated_at >= filters.updated_since)
    if filters.certification:
        # JSON containment differs per backend; filter the (already narrowed) ids in Python.
        ids = [
            offer_id
            for offer_id, certs in session.execute(
                query.with_only_columns(Offer.id, Offer.certifications)
            )
            if filters.certification in (certs or [])
        ]
        query = query.where(Offer.id.in_(ids))
    return paginate(session, query, Offer.id, page)


# --- requirements ---------------------------------------------------------------------------


def create_requirement(
    session: Session,
    buyer: Organization,
    data: RequirementInput | Mapping[str, Any],
    *,
    today: date | None = None,
) -> Requirement:
    _require_kind(buyer, "buyer")
    values = clean_requirement(data, today=today)
    requirement = Requirement(**values, organization_id=buyer.id)
    session.add(requirement)
    session.flush()
    outbox.requirement_changed(session, requirement.id)
    return requirement


def requirement_values(requirement: Requirement) -> dict[str, Any]:
    return {name: getattr(requirement, name) for name in REQUIREMENT_FIELDS}


def update_requirement(
    session: Session,
    requirement: Requirement,
    changes: RequirementChanges | Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> Requirement:
    _check_version(requirement.version, expected_version)
    values = clean_requirement(changes, current=requirement_values(requirement), today=today)
    if values.get("status") == "closed":
        values["archived_at"] = requirement.archived_at or utcnow()
    elif "status" in values:
        values["archived_at"] = None
    for name, value in values.items():
        setattr(requirement, name, value)
    session.flush()
    outbox.requirement_changed(session, requirement.id)
    return requirement


def close_requirement(
    session: Session, requirement: Requirement, *, expected_version: int | None = None
) -> Requirement:
    _check_version(requirement.version, expected_version)
    if requirement.status != "closed":
        requirement.status = "closed"
        requirement.archived_at = utcnow()
        session.flush()
        outbox.requirement_changed(session, requirement.id)
    return requirement


def get_requirement(session: Session, requirement_id: int) -> Requirement:
    requirement = session.get(Requirement, requirement_id)
    if requirement is None:
        raise NotFound("requirement.not_found", requirement_id=requirement_id)
    return requirement


def open_requirement_ids(session: Session, *, today: date) -> list[int]:
    """The requirements still looking for suppliers on ``today``, by id."""
    return list(
        session.scalars(
            select(Requirement.id)
            .where(
                Requirement.status == "open",
                or_(Requirement.valid_until.is_(None), Requirement.valid_until >= today),
            )
            .order_by(Requirement.id)
        )
    )


def list_requirements(
    session: Session, filters: RequirementFilters, page: PageRequest
) -> Page[Requirement]:
    query = select(Requirement)
    if filters.status:
        query = query.where(Requirement.status.in_(filters.status))
    if filters.category:
        query = query.where(
            or_(
                Requirement.category == filters.category,
                Requirement.category.startswith(filters.category + "."),
            )
        )
    if filters.organization_id is not None:
        query = query.where(Requirement.organization_id == filters.organization_id)
    if filters.updated_since is not None:
        query = query.where(Requirement.updated_at >= filters.updated_since)
    if filters.province:
        ids = [
            rid
            for rid, provinces in session.execute(
                query.with_only_columns(Requirement.id, Requirement.delivery_provinces)
            )
            if not provinces or filters.province in provinces
        ]
        query = query.where(Requirement.id.in_(ids))
    if filters.concerning:
        scope = filters.concerning
        ids = [
            rid
            for rid, buyer_province, provinces in session.execute(
                query.join(
                    Organization, Organization.id == Requirement.organization_id
                ).with_only_columns(
                    Requirement.id, Organization.province, Requirement.delivery_provinces
                )
            )
            if requirement_concerns(scope, buyer_province, provinces)
        ]
        query = query.where(Requirement.id.in_(ids))
    return paginate(session, query, Requirement.id, page)


# --- pagination -----------------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        last_id = int(value)
        if prefix != "id" or not 0 <= last_id < 2**31:
            raise ValueError(raw)
        return last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            "page.bad_cursor", errors=[field_error("cursor", "page.bad_cursor")]
        ) from None


def paginate(session: Session, query: Select[Any], key: Any, page: PageRequest) -> Page[Any]:
    """Cursor (by id) or page-number pagination, as every list of the API."""
    limit = max(1, min(page.limit, MAX_PAGE_SIZE))
    total = session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
    ordered = query.order_by(key)
    if page.page is not None:
        if page.page < 1:
            raise Invalid("page.invalid", errors=[field_error("page", "field.at_least", min=1)])
        items = list(session.scalars(ordered.offset((page.page - 1) * limit).limit(limit)))
        return Page(items=items, total=total, page=page.page)
    if page.cursor:
        ordered = ordered.where(key > decode_cursor(page.cursor))
    items = list(session.scalars(ordered.limit(limit + 1)))
    more = len(items) > limit
    items = items[:limit]
    return Page(items=items, total=total, next_cursor=encode_cursor(items[-1].id) if more else None)


def list_organizations(
    session: Session,
    *,
    kind: str | None,
    province: str | None,
    page: PageRequest,
    only_id: int | None = None,
) -> Page[Organization]:
    query = select(Organization).where(Organization.archived_at.is_(None))
    if kind:
        query = query.where(Organization.kind == kind)
    if province:
        query = query.where(Organization.province == province)
    if only_id is not None:
        query = query.where(Organization.id == only_id)
    return paginate(session, query, Organization.id, page)

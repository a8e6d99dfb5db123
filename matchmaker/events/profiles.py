"""What a participant brings to an event, as the other side sees it before meeting them: the
products (with their valid OCOP stars) a producer registered, the needs a buyer did."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.events.models import EventParticipant

# A card shows a few products or needs; the firm's page has the rest.
SHOWN = 3


@dataclass(frozen=True)
class Product:
    offer_id: int
    title: str
    category: str
    stars: int | None  # only while the rating is valid


@dataclass(frozen=True)
class Need:
    requirement_id: int
    title: str
    category: str | None
    quantity_per_month: float | None
    unit: str | None


@dataclass(frozen=True)
class Profile:
    participant_id: int
    name: str
    side: str
    province: str | None
    kind: str | None  # a producer's entity type, a buyer's type
    products: tuple[Product, ...] = ()
    needs: tuple[Need, ...] = ()

    @property
    def best_stars(self) -> int | None:
        return max((p.stars for p in self.products if p.stars), default=None)


def profiles(
    session: Session, participants: Iterable[EventParticipant], *, today: date
) -> dict[int, Profile]:
    """Each participant's profile by participant id, read with two queries for them all."""
    people = list(participants)
    offer_ids = {o for p in people for o in p.offer_ids}
    requirement_ids = {r for p in people for r in p.requirement_ids}
    offers = {
        o.id: o
        for o in session.scalars(select(Offer).where(Offer.id.in_(offer_ids)))
        if o.status == "active"
    }
    requirements = {
        r.id: r
        for r in session.scalars(select(Requirement).where(Requirement.id.in_(requirement_ids)))
        if r.status == "open"
    }
    found = {}
    for participant in people:
        organization = participant.organization
        products = tuple(
            Product(o.id, o.title, o.category, _valid_stars(o, today))
            for o in (offers.get(i) for i in participant.offer_ids)
            if o is not None
        )
        needs = tuple(
            Need(r.id, r.title, r.category, r.quantity_per_month, r.unit)
            for r in (requirements.get(i) for i in participant.requirement_ids)
            if r is not None
        )
        found[participant.id] = Profile(
            participant_id=participant.id,
            name=organization.name,
            side=participant.side,
            province=organization.province,
            kind=organization.entity_type
            if participant.side == "producer"
            else organization.buyer_type,
            products=products,
            needs=needs,
        )
    return found


def _valid_stars(offer: Offer, today: date) -> int | None:
    if offer.ocop_stars is None:
        return None
    if offer.ocop_certified_until is not None and offer.ocop_certified_until < today:
        return None
    return offer.ocop_stars


def firm_profiles(
    session: Session, organizations: Iterable[Organization], *, today: date
) -> dict[int, Profile]:
    """The profile each firm of the catalogue would bring (its active offers or open
    requirements), by organization id: what an officer sees before adding it to an event."""
    firms = list(organizations)
    ids = [o.id for o in firms]
    offers: dict[int, list[Offer]] = {i: [] for i in ids}
    for offer in session.scalars(
        select(Offer)
        .where(Offer.organization_id.in_(ids), Offer.status == "active")
        .order_by(Offer.id)
    ):
        offers[offer.organization_id].append(offer)
    needs: dict[int, list[Requirement]] = {i: [] for i in ids}
    for requirement in session.scalars(
        select(Requirement)
        .where(Requirement.organization_id.in_(ids), Requirement.status == "open")
        .order_by(Requirement.id)
    ):
        needs[requirement.organization_id].append(requirement)
    return {
        firm.id: Profile(
            participant_id=0,
            name=firm.name,
            side=firm.kind,
            province=firm.province,
            kind=firm.entity_type if firm.kind == "producer" else firm.buyer_type,
            products=tuple(
                Product(o.id, o.title, o.category, _valid_stars(o, today)) for o in offers[firm.id]
            ),
            needs=tuple(
                Need(r.id, r.title, r.category, r.quantity_per_month, r.unit)
                for r in needs[firm.id]
            ),
        )
        for firm in firms
    }

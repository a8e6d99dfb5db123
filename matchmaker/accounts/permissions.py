"""Who may see and change what. Pure functions of the user and the object.

Producers manage their organization's offers, buyers their requirements; officers read
everything in their province (a national officer's agency has no province); admins everything.
"""

from __future__ import annotations

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Organization, Requirement, requirement_concerns


def is_admin(user: User) -> bool:
    return user.role == "admin"


def officer_scope(user: User) -> str | None:
    """The province an officer oversees; None means the whole country."""
    return user.organization.province


def _officer_sees(user: User, *provinces: str | None) -> bool:
    if user.role != "officer":
        return False
    scope = officer_scope(user)
    return scope is None or scope in provinces


def can_read_organization(user: User, org: Organization) -> bool:
    return is_admin(user) or user.organization_id == org.id or _officer_sees(user, org.province)


def can_manage_organization(user: User, org: Organization) -> bool:
    return is_admin(user) or (user.organization_id == org.id and user.role in ("producer", "buyer"))


def oversees_offer(user: User, offer: Offer) -> bool:
    """An officer whose province the offer or its producer is in."""
    return _officer_sees(user, offer.province, offer.producer.province)


def oversees_requirement(user: User, requirement: Requirement) -> bool:
    """An officer whose province the buyer is in or the requirement delivers to by name."""
    if user.role != "officer":
        return False
    scope = officer_scope(user)
    return scope is None or requirement_concerns(
        scope, requirement.buyer.province, requirement.delivery_provinces
    )


def can_read_offer(user: User, offer: Offer) -> bool:
    return offer.status == "active" or can_manage_offer(user, offer) or oversees_offer(user, offer)


def can_manage_offer(user: User, offer: Offer) -> bool:
    return is_admin(user) or (
        user.role == "producer" and user.organization_id == offer.organization_id
    )


def can_read_requirement(user: User, requirement: Requirement) -> bool:
    return (
        can_manage_requirement(user, requirement)
        or (user.role == "producer" and requirement.status == "open")
        or oversees_requirement(user, requirement)
    )


def can_manage_requirement(user: User, requirement: Requirement) -> bool:
    return is_admin(user) or (
        user.role == "buyer" and user.organization_id == requirement.organization_id
    )


def can_read_match(user: User, requirement: Requirement, offer: Offer) -> bool:
    """Only the two sides, officers of either side's province, and admins."""
    return (
        is_admin(user)
        or user.organization_id in (requirement.organization_id, offer.organization_id)
        or _officer_sees(user, requirement.buyer.province, offer.province, offer.producer.province)
    )

"""Database rows → the ranking engine's plain records."""

from __future__ import annotations

from matchmaker.catalog.models import Offer, Requirement
from matchmaker.ranking.records import OfferRecord, RequirementRecord


def offer_record(offer: Offer) -> OfferRecord:
    producer = offer.producer
    return OfferRecord(
        id=str(offer.id),
        title=offer.title,
        description=offer.description or "",
        category=offer.category,
        unit=offer.unit,
        producer_id=str(offer.organization_id),
        producer_type=producer.entity_type,
        province=offer.province or producer.province,
        ocop_stars=offer.ocop_stars,
        ocop_potential_five_star=offer.ocop_potential_five_star,
        ocop_certified_until=offer.ocop_certified_until,
        certifications=frozenset(offer.certifications or ()),
        monthly_capacity=offer.monthly_capacity,
        min_order_quantity=offer.min_order_quantity,
        unit_price_vnd=offer.unit_price_vnd,
        shelf_life_days=offer.shelf_life_days,
        export_markets=frozenset(offer.export_markets or ()),
        traceability_url=offer.traceability_url,
        status=offer.status,
        updated_at=offer.updated_at,
        serves_provinces=frozenset(producer.serves_provinces or ()),
        wanted_buyer_types=frozenset(producer.wanted_buyer_types or ()),
    )


def requirement_record(requirement: Requirement) -> RequirementRecord:
    buyer = requirement.buyer
    return RequirementRecord(
        id=str(requirement.id),
        title=requirement.title,
        description=requirement.description or "",
        category=requirement.category,
        min_ocop_stars=requirement.min_ocop_stars,
        required_certifications=frozenset(requirement.required_certifications or ()),
        unit=requirement.unit,
        quantity_per_month=requirement.quantity_per_month,
        max_unit_price_vnd=requirement.max_unit_price_vnd,
        delivery_provinces=frozenset(requirement.delivery_provinces or ()),
        min_shelf_life_days=requirement.min_shelf_life_days,
        needed_by=requirement.needed_by,
        valid_until=requirement.valid_until,
        status=requirement.status,
        buyer_type=buyer.buyer_type,
        buyer_id=str(requirement.organization_id),
        buyer_province=buyer.province,
    )

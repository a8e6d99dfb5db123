"""Turns domain objects into API shapes."""

from __future__ import annotations

from matchmaker.api.schemas import OfferOut, ProvinceOut
from matchmaker.catalog.models import Offer


def offer_out(offer: Offer) -> OfferOut:
    province = ProvinceOut.from_code(offer.province)
    assert province is not None  # the column is NOT NULL
    return OfferOut(
        id=offer.id,
        organization_id=offer.organization_id,
        producer_name=offer.producer.name,
        title=offer.title,
        description=offer.description,
        category=offer.category,
        ocop_stars=offer.ocop_stars,
        ocop_potential_five_star=offer.ocop_potential_five_star,
        ocop_certified_on=offer.ocop_certified_on,
        ocop_certified_until=offer.ocop_certified_until,
        ocop_decision_number=offer.ocop_decision_number,
        certifications=list(offer.certifications or []),
        province=province,
        province_text=offer.province_text,
        unit=offer.unit,
        monthly_capacity=offer.monthly_capacity,
        min_order_quantity=offer.min_order_quantity,
        unit_price_vnd=offer.unit_price_vnd,
        shelf_life_days=offer.shelf_life_days,
        export_markets=list(offer.export_markets or []),
        traceability_url=offer.traceability_url,
        status=offer.status,
        version=offer.version,
        created_at=offer.created_at,
        updated_at=offer.updated_at,
    )

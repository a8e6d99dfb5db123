"""Turns domain objects into API shapes."""

from __future__ import annotations

from typing import Any

from matchmaker.accounts.models import User
from matchmaker.api import schemas as s
from matchmaker.catalog.history import HistoryEntry
from matchmaker.catalog.models import Offer, Organization, Requirement, ShortlistEntry
from matchmaker.explanations import explanation_out
from matchmaker.matching.models import Match
from matchmaker.matching.service import Pool, RankedOffer, RankedRequirement


def province_out(code: str | None) -> s.ProvinceOut | None:
    return s.ProvinceOut.from_code(code)


def offer_out(offer: Offer) -> s.OfferOut:
    province = province_out(offer.province)
    assert province is not None  # the column is NOT NULL
    return s.OfferOut(
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


def offer_history_out(offer_id: int, entries: list[HistoryEntry]) -> s.OfferHistory:
    return s.OfferHistory(
        offer_id=offer_id,
        items=[
            s.OfferHistoryEntry(
                changed_at=entry.changed_at,
                source=entry.source,  # type: ignore[arg-type]  # checked by the table
                import_file=entry.import_file,
                user_id=entry.user_id,
                author=entry.author,
                changes=[
                    s.OfferHistoryLine(
                        field=line.field,
                        field_name=line.field_name,
                        old=line.old,
                        new=line.new,
                        old_text=line.old_text,
                        new_text=line.new_text,
                    )
                    for line in entry.lines
                ],
            )
            for entry in entries
        ],
    )


def requirement_out(requirement: Requirement) -> s.RequirementOut:
    return s.RequirementOut(
        id=requirement.id,
        organization_id=requirement.organization_id,
        buyer_name=requirement.buyer.name,
        buyer_type=requirement.buyer.buyer_type,
        title=requirement.title,
        description=requirement.description,
        category=requirement.category,
        min_ocop_stars=requirement.min_ocop_stars,
        required_certifications=list(requirement.required_certifications or []),
        unit=requirement.unit,
        quantity_per_month=requirement.quantity_per_month,
        max_unit_price_vnd=requirement.max_unit_price_vnd,
        delivery_provinces=[
            p for p in map(province_out, requirement.delivery_provinces or []) if p is not None
        ],
        min_shelf_life_days=requirement.min_shelf_life_days,
        needed_by=requirement.needed_by,
        valid_until=requirement.valid_until,
        status=requirement.status,
        version=requirement.version,
        created_at=requirement.created_at,
        updated_at=requirement.updated_at,
    )


def organization_out(org: Organization, *, invite_code: str | None = None) -> s.OrganizationOut:
    return s.OrganizationOut(
        id=org.id,
        kind=org.kind,
        name=org.name,
        entity_type=org.entity_type,
        buyer_type=org.buyer_type,
        province=province_out(org.province),
        province_text=org.province_text,
        address=org.address,
        contact_email=org.contact_email,
        phone=org.phone,
        preferred_language=org.preferred_language,
        serves_provinces=[p for p in map(province_out, org.serves_provinces or []) if p],
        wanted_buyer_types=list(org.wanted_buyer_types or []),
        invite_code=invite_code,
    )


def user_out(user: User) -> s.UserOut:
    return s.UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        organization_id=user.organization_id,
    )


def offer_summary(offer: Offer) -> s.OfferSummary:
    province = province_out(offer.province)
    assert province is not None
    return s.OfferSummary(
        id=offer.id,
        title=offer.title,
        category=offer.category,
        producer_id=offer.organization_id,
        producer_name=offer.producer.name,
        producer_type=offer.producer.entity_type,
        province=province,
        ocop_stars=offer.ocop_stars,
        unit=offer.unit,
        unit_price_vnd=offer.unit_price_vnd,
        monthly_capacity=offer.monthly_capacity,
    )


def requirement_summary(requirement: Requirement) -> s.RequirementSummary:
    return s.RequirementSummary(
        id=requirement.id,
        title=requirement.title,
        category=requirement.category,
        buyer_id=requirement.organization_id,
        buyer_name=requirement.buyer.name,
        buyer_type=requirement.buyer.buyer_type,
        quantity_per_month=requirement.quantity_per_month,
        unit=requirement.unit,
        max_unit_price_vnd=requirement.max_unit_price_vnd,
        valid_until=requirement.valid_until,
    )


def _match_fields(match: Match) -> dict[str, Any]:
    return {
        "id": match.id,
        "score": match.score,
        "rank": match.rank,
        "reasons": [explanation_out(r) for r in match.reasons or []],
        "gaps": [explanation_out(g) for g in match.gaps or []],
        "status": match.status,
    }


def offer_match(ranked: RankedOffer) -> s.OfferMatch:
    return s.OfferMatch(
        offer=offer_summary(ranked.offer),
        related=ranked.match.related,
        **_match_fields(ranked.match),
    )


def requirement_match(ranked: RankedRequirement) -> s.RequirementMatch:
    return s.RequirementMatch(
        requirement=requirement_summary(ranked.requirement), **_match_fields(ranked.match)
    )


def pool_out(pool: Pool) -> s.PoolOut:
    return s.PoolOut(
        offers=[offer_summary(o) for o in pool.offers],
        combined_capacity=pool.combined_capacity,
        unit=pool.unit,
        score=pool.score,
        reasons=[s.Explanation(**explanation_out(r)) for r in pool.reasons],
        gaps=[s.Explanation(**explanation_out(g)) for g in pool.gaps],
    )


def match_out(match: Match) -> s.MatchOut:
    return s.MatchOut(
        id=match.id,
        requirement_id=match.requirement_id,
        offer_id=match.offer_id,
        score=match.score,
        rank=match.rank,
        status=match.status,
        decline_reason=match.decline_reason,
        history=[
            {
                "from": e.from_status,
                "to": e.to_status,
                "reason": e.reason,
                "user_id": e.user_id,
                "at": e.created_at.isoformat(),
            }
            for e in match.events
        ],
    )


def shortlist_entry_out(entry: ShortlistEntry) -> s.ShortlistEntryOut:
    return s.ShortlistEntryOut(
        offer=offer_summary(entry.offer),
        offer_status=entry.offer.status,
        note=entry.note,
        saved_by_id=entry.added_by_id,
        saved_at=entry.created_at,
    )

"""Demo data: a reproducible slice of the OCOP programme, plus one sign-in for each role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker import samples
from matchmaker.accounts.services import create_staff_user, create_user
from matchmaker.catalog.models import Offer, Organization
from matchmaker.catalog.services import create_offer, create_organization, create_requirement
from matchmaker.db import transaction
from matchmaker.ranking.text import fold_key

DEMO_PASSWORD = "ocop-demo-2025"
DEMO_LOGINS = {
    "producer": "producer@demo.ocop.vn",
    "buyer": "buyer@demo.ocop.vn",
    "officer": "officer@demo.ocop.vn",
    "admin": "admin@demo.ocop.vn",
}
_ORG_FIELDS = ("kind", "name", "entity_type", "buyer_type", "province", "address",
               "contact_email", "phone", "preferred_language")  # fmt: skip
_OFFER_FIELDS = (
    "title", "description", "category", "ocop_stars", "ocop_potential_five_star",
    "ocop_certified_on", "ocop_certified_until", "ocop_decision_number", "certifications",
    "province", "unit", "monthly_capacity", "min_order_quantity", "unit_price_vnd",
    "shelf_life_days", "export_markets", "traceability_url", "status",
)  # fmt: skip
_REQUIREMENT_FIELDS = (
    "title", "description", "category", "min_ocop_stars", "required_certifications", "unit",
    "quantity_per_month", "max_unit_price_vnd", "delivery_provinces", "min_shelf_life_days",
    "needed_by", "valid_until", "status",
)  # fmt: skip


@dataclass
class DemoReport:
    organizations: int = 0
    offers: int = 0
    requirements: int = 0
    users: int = 0
    logins: dict[str, str] = field(default_factory=dict)


def _values(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in names}
    for name, value in values.items():
        if isinstance(value, tuple):
            values[name] = list(value)
    return {k: v for k, v in values.items() if v is not None}


@transaction
def load_demo(
    session: Session, *, seed: int = 2025, if_empty: bool = False, today: date | None = None
) -> DemoReport | None:
    """Loads the demo catalog; with ``if_empty``, only into a database without offers."""
    if if_empty and session.scalar(select(func.count()).select_from(Offer)):
        return None
    today = today or date.today()
    data = samples.generate(seed, today=today)
    report = DemoReport()
    organizations: dict[str, Organization] = {}
    for sample in data.organizations:
        organizations[sample.key] = create_organization(session, _values(sample, _ORG_FIELDS))
        report.organizations += 1
    listed: set[tuple[str, str]] = set()
    for offer in data.offers:
        # A producer lists a product once: the generator's rare repeat of a name is left out.
        key = (offer.producer_key, fold_key(offer.title))
        if key in listed and offer.status != "archived":
            continue
        if offer.status != "archived":
            listed.add(key)
        create_offer(session, organizations[offer.producer_key], _values(offer, _OFFER_FIELDS))
        report.offers += 1
    for requirement in data.requirements:
        create_requirement(
            session,
            organizations[requirement.buyer_key],
            _values(requirement, _REQUIREMENT_FIELDS),
            today=today,
        )
        report.requirements += 1
    report.users = _demo_users(session, data, organizations)
    report.logins = dict(DEMO_LOGINS)
    return report


def _demo_users(
    session: Session, data: samples.SampleSet, organizations: dict[str, Organization]
) -> int:
    producer = next(o for o in data.organizations if o.kind == "producer")
    buyer = next(o for o in data.organizations if o.buyer_type == "supermarket")
    create_user(session, organizations[producer.key], email=DEMO_LOGINS["producer"],
                name="Nguyễn Thị Hoa", password=DEMO_PASSWORD, role="producer")  # fmt: skip
    create_user(session, organizations[buyer.key], email=DEMO_LOGINS["buyer"],
                name="Trần Văn Minh", password=DEMO_PASSWORD, role="buyer")  # fmt: skip
    for role in ("officer", "admin"):
        create_staff_user(
            session,
            role=role,
            email=DEMO_LOGINS[role],
            name="Lê Thu Trang" if role == "officer" else "Quản trị viên",
            password=DEMO_PASSWORD,
            agency_name="Sở Công Thương Tây Ninh" if role == "officer" else "Ban điều phối OCOP",
            province="Tây Ninh" if role == "officer" else None,
        )
    return 4

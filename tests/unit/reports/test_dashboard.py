"""The officer's figures: what is counted, within the officer's province."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match
from matchmaker.reports import (
    dashboard,
    match_funnel,
    offers_by_group,
    offers_by_stars,
    reach_by_producer_type,
)

TODAY = date(2026, 6, 1)
TAY_NINH, HANOI = "80", "01"


def _producer(db: Session, name: str, entity: str | None, province: str) -> Organization:
    data = {"kind": "producer", "name": name, "province": province}
    if entity:
        data["entity_type"] = entity
    return services.create_organization(db, data)


def _offer(db: Session, producer: Organization, title: str, **values: Any) -> Offer:
    return services.create_offer(
        db, producer, {"title": title, "category": "food.processed", "unit": "kg", **values}
    )


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    household = _producer(db, "Hộ Bảy Lụa", "household", TAY_NINH)
    cooperative = _producer(db, "HTX Hòa Thành", "cooperative", TAY_NINH)
    far = _producer(db, "Công ty Hà Nội", "enterprise", HANOI)
    valid = _offer(db, household, "Bánh tráng", ocop_stars=4,
                   ocop_certified_on=TODAY - timedelta(days=100))  # fmt: skip
    expired = _offer(
        db, cooperative, "Muối tôm", category="food.condiment", ocop_stars=5,
        ocop_certified_on=date(2022, 1, 1), ocop_certified_until=date(2025, 1, 1),
    )  # fmt: skip
    _offer(db, cooperative, "Rượu", category="beverage.alcoholic")
    paused = _offer(db, cooperative, "Tạm dừng", status="paused")
    hanoi = _offer(db, far, "Ô mai", ocop_stars=3)
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Siêu thị", "buyer_type": "supermarket"}
    )
    requirement = services.create_requirement(db, buyer, {"title": "Bánh tráng"})
    user = create_user(db, buyer, email="mua@example.vn", name="Mua", password="12345678",
                       role="buyer")  # fmt: skip
    matches = [
        Match(requirement_id=requirement.id, offer_id=o.id, score=0.5, rank=i)
        for i, o in enumerate((valid, expired, hanoi), start=1)
    ]
    db.add_all(matches)
    db.flush()
    return {"user": user, "matches": matches, "paused": paused}


def test_only_listed_products_in_the_province_count(db: Session, world: dict[str, Any]) -> None:
    figures = dashboard(db, TAY_NINH, today=TODAY)
    assert figures.offers == 3
    assert figures.by_province == [(TAY_NINH, 3)]
    assert dashboard(db, None, today=TODAY).offers == 4


def test_groups_add_up_their_sub_groups(db: Session, world: dict[str, Any]) -> None:
    assert offers_by_group(db, TAY_NINH) == [("food", 2), ("beverage", 1)]


def test_an_expired_rating_does_not_count(db: Session, world: dict[str, Any]) -> None:
    assert offers_by_stars(db, TAY_NINH, today=TODAY) == [("5", 0), ("4", 1), ("3", 0), ("none", 2)]


def test_the_funnel_counts_every_stage_a_match_passed(db: Session, world: dict[str, Any]) -> None:
    user: User = world["user"]
    first, second, _ = world["matches"]
    record_feedback(db, user, first, "accepted")
    record_feedback(db, user, first, "contacted")
    record_feedback(db, user, second, "viewed")
    record_feedback(db, user, second, "declined", "price")
    assert match_funnel(db, TAY_NINH) == [
        ("suggested", 2),
        ("viewed", 2),
        ("accepted", 1),
        ("contacted", 1),
        ("deal", 0),
    ]
    assert match_funnel(db, None)[0] == ("suggested", 3)


def test_reach_shows_whether_households_are_suggested(db: Session, world: dict[str, Any]) -> None:
    reach = {r.producer_type: r for r in reach_by_producer_type(db, TAY_NINH)}
    assert (reach["household"].producers, reach["household"].reached) == (1, 1)
    assert reach["household"].share_reached == 1.0
    assert reach["cooperative"].suggestions == 1
    assert reach["enterprise"].producers == 0

"""Factories for offer and requirement records with plausible defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from matchmaker.ranking.records import OfferRecord, RequirementRecord

TODAY = date(2025, 10, 1)

_OFFER = OfferRecord(
    id="o",
    title="Sản phẩm",
    category="food.processed",
    unit="kg",
    producer_id="p",
    producer_type="cooperative",
    province="01",
    ocop_stars=4,
    ocop_certified_until=date(2027, 6, 30),
    certifications=frozenset({"vietgap"}),
    monthly_capacity=1000,
    min_order_quantity=10,
    unit_price_vnd=100_000,
    shelf_life_days=180,
    traceability_url="https://truyxuat.example/1",
    updated_at=datetime(2025, 9, 20),
)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def make_offer() -> Callable[..., OfferRecord]:
    def make(id: str, title: str, **fields: Any) -> OfferRecord:
        fields.setdefault("producer_id", f"producer-{id}")
        return replace(_OFFER, id=id, title=title, **fields)

    return make


@pytest.fixture
def make_requirement() -> Callable[..., RequirementRecord]:
    def make(title: str, id: str = "r", **fields: Any) -> RequirementRecord:
        return RequirementRecord(id=id, title=title, **fields)

    return make

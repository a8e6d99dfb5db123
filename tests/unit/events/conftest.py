"""An event with approved producers and buyers, built through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.events import services
from matchmaker.events.inputs import NewEvent, Registration
from matchmaker.events.models import Event, EventParticipant

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
ZONE = "Asia/Bangkok"  # the deployment's; UTC+7 like Viet Nam
_numbers = count(1)


@dataclass
class Firm:
    user: User
    participant: EventParticipant


def event_data(**changes: object) -> NewEvent:
    return NewEvent.model_validate({
        "name": "Kết nối cung cầu Tây Ninh 2026",
        "venue": "Trung tâm Hội nghị Tây Ninh",
        "days": [{"date": "2026-10-01", "start": "08:00", "end": "10:00"}],
        "slot_minutes": 20,
        "break_minutes": 5,
        "table_count": 2,
        "registration_deadline": NOW + timedelta(days=10),
        **changes,
    })  # fmt: skip


@pytest.fixture
def officer(db: Session) -> User:
    agency = catalog.create_organization(
        db, {"kind": "agency", "name": "Sở Công Thương Tây Ninh", "province": "Tây Ninh"}
    )
    return create_user(db, agency, email="officer@sct.vn", name="Officer",
                       password="correct horse battery", role="officer")  # fmt: skip


@pytest.fixture
def event(db: Session, officer: User) -> Event:
    return services.create_event(db, officer.organization, event_data(), timezone=ZONE)


MakeFirm = Callable[..., Firm]


@pytest.fixture
def make_firm(db: Session, event: Event) -> MakeFirm:
    def make(kind: str, title: str, *, approve: bool = True, **registration: object) -> Firm:
        n = next(_numbers)
        extra = (
            {"entity_type": "cooperative"} if kind == "producer" else {"buyer_type": "supermarket"}
        )
        org = catalog.create_organization(
            db, {"kind": kind, "name": f"{title} {n}", "province": "Tây Ninh", **extra}
        )
        user = create_user(db, org, email=f"{kind}{n}@firm.vn", name=f"{kind} {n}",
                           password="correct horse battery", role=kind)  # fmt: skip
        if kind == "producer":
            offer = catalog.create_offer(db, org, {"title": title, "category": "food.raw_processed",
                                                   "unit": "kg", "ocop_stars": 4})  # fmt: skip
            data = {"offer_ids": [offer.id], **registration}
        else:
            requirement = catalog.create_requirement(db, org, {"title": title})
            data = {"requirement_ids": [requirement.id], **registration}
        participant = services.register(db, event, org, Registration(**data), now=NOW)
        if approve:
            services.decide(db, participant, True)
        return Firm(user, participant)

    return make

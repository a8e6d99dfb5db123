"""A producer with a user and an offer, a buyer with a user, and a real SMTP server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization
from matchmaker.matching.service import RankingState
from matchmaker.notifications.delivery import DeliveryReport, deliver
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.mail import SmtpMailer
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer


@dataclass
class Side:
    organization: Organization
    user: User
    offer: Offer | None = None


def make_producer(db: Session, name: str, title: str, *, language: str = "vi") -> Side:
    org = services.create_organization(db, {
        "kind": "producer", "name": name, "province": "Cà Mau", "entity_type": "cooperative",
        "preferred_language": language,
    })  # fmt: skip
    user = create_user(db, org, email=f"{name.lower().replace(' ', '.')}@htx.vn", name=name,
                       password="correct horse battery", role="producer")  # fmt: skip
    offer = services.create_offer(
        db, org, {"title": title, "category": "food.raw_processed", "unit": "kg", "ocop_stars": 4}
    )
    return Side(org, user, offer)


def make_buyer(db: Session, name: str = "Saigon Co.op") -> Side:
    org = services.create_organization(db, {
        "kind": "buyer", "name": name, "province": "Hồ Chí Minh", "buyer_type": "supermarket",
    })  # fmt: skip
    user = create_user(db, org, email="buyer@coop.vn", name="Minh",
                       password="correct horse battery", role="buyer")  # fmt: skip
    return Side(org, user)


@pytest.fixture
def config() -> NotificationSettings:
    return NotificationSettings(retry_base_seconds=60, max_attempts=3, sending_lease_seconds=60)


@pytest.fixture
def ranking() -> RankingState:
    return RankingState()


def send(
    sessions: sessionmaker[Session],
    smtp_server: SmtpServer,
    builder: EmailBuilder,
    ids: Sequence[int],
    config: NotificationSettings,
) -> DeliveryReport:
    """The notifications sent as the worker sends them, to the test's SMTP server."""
    mailer = SmtpMailer(smtp_server.settings)
    try:
        return deliver(sessions, mailer, builder, list(ids), config)
    finally:
        mailer.close()

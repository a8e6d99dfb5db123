"""A producer with a user and an offer, a buyer with a user, and a real SMTP server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization
from matchmaker.matching.service import RankingState
from matchmaker.settings import NotificationSettings, SmtpSettings


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


@dataclass
class SmtpServer:
    """aiosmtpd on a free port; ``reply`` makes it answer RCPT with an error instead."""

    port: int
    received: list[Any] = field(default_factory=list)
    reply: str | None = None

    async def handle_RCPT(  # aiosmtpd calls its hooks by these names
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.reply:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope)
        await asyncio.sleep(0)
        return "250 OK"

    @property
    def settings(self) -> SmtpSettings:
        return SmtpSettings(host="127.0.0.1", port=self.port, starttls=False, timeout_seconds=5)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = SmtpServer(port)
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    yield server
    controller.stop()

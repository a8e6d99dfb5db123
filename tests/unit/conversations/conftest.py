"""A buyer and a producer paired by a match, a third producer, and officers in and out of
the province."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from PIL import Image
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.files.store import DatabaseStore, FileStore
from matchmaker.matching.models import Match
from matchmaker.settings import NotificationSettings, StorageSettings


@dataclass
class Pair:
    buyer: User
    producer: User
    stranger: User
    officer_in: User
    officer_out: User
    match: Match


def person(
    db: Session, role: str, name: str, province: str | None, language: str = "vi", **org: str
) -> User:
    kind = {"producer": "producer", "buyer": "buyer"}.get(role, "agency")
    data = {"kind": kind, "name": name, "preferred_language": language, **org}
    if province:
        data["province"] = province
    organization = catalog.create_organization(db, data)
    email = f"{name.encode('ascii', 'ignore').decode().lower().replace(' ', '.')}@chat.vn"
    return create_user(
        db,
        organization,
        email=email,
        name=f"Chị {name}",
        password="correct horse battery",
        role=role,
    )


def make_pair(db: Session, *, buyer_language: str = "vi", producer_language: str = "vi") -> Pair:
    buyer = person(
        db,
        "buyer",
        "Co.op Mart",
        "Hồ Chí Minh",
        buyer_language,
        contact_email="mua@coop.vn",
        phone="0281234567",
    )
    producer = person(
        db,
        "producer",
        "HTX Mật ong",
        "Tây Ninh",
        producer_language,
        contact_email="htx@matong.vn",
        phone="0909000111",
    )
    stranger = person(db, "producer", "HTX Khác", "Tây Ninh")
    requirement = catalog.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    offer = catalog.create_offer(
        db, producer.organization, {"title": "Mật ong U Minh", "category": "food", "unit": "kg"}
    )
    catalog.create_offer(
        db, stranger.organization, {"title": "Mật ong khác", "category": "food", "unit": "kg"}
    )
    match = Match(requirement=requirement, offer=offer, score=0.8, rank=1)
    db.add(match)
    pair = Pair(
        buyer,
        producer,
        stranger,
        person(db, "officer", "Sở Tây Ninh", "Tây Ninh"),
        person(db, "officer", "Sở Cà Mau", "Cà Mau"),
        match,
    )
    db.commit()
    return pair


@pytest.fixture
def pair(db: Session) -> Pair:
    return make_pair(db)


@pytest.fixture
def store(db: Session) -> FileStore:
    return DatabaseStore(db)


STORAGE = StorageSettings(attachment_max_bytes=200_000)
NOTICES = NotificationSettings(message_notice_minutes=5)


def pdf(text: str = "Giấy chứng nhận OCOP") -> bytes:
    body = f"1 0 obj << /Title ({text.encode('ascii', 'ignore').decode()}) >> endobj\n"
    return b"%PDF-1.4\n" + body.encode() + b"trailer << >>\n%%EOF\n"


def phone_photo() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 40.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 120, 10)).save(out, "JPEG", exif=exif)
    return out.getvalue()

"""The email a producer receives when the province's list changed its OCOP facts, delivered
through a real SMTP server, in the producer's language."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog.importer import import_offers
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings
from tests.unit.catalog.test_import_writing import TAY_NINH, officer, producer_with_account
from tests.unit.catalog.test_importer import GOOD, HEADER, write_csv
from tests.unit.conftest import SmtpServer

from .conftest import send

BASE = "https://ocop.example.vn"
BUILDER = EmailBuilder(Links("secret", BASE, timedelta(days=60)), BASE, "Asia/Ho_Chi_Minh")

# What the producer reads, by its organization's language: subject, then lines of the body.
EXPECTED = {
    "vi": (
        "Danh sách OCOP của tỉnh đã cập nhật 2 sản phẩm của bạn",
        [
            "Xin chào Chị Lan,",
            "Văn phòng OCOP của tỉnh vừa nhập danh sách sản phẩm OCOP (danh-sach-2025.csv).",
            "Hạng sao OCOP: 4 → 5",
            "Bánh tráng me Trảng Bàng (mới được đưa vào danh sách)",
            "Nếu có thông tin chưa đúng, vui lòng liên hệ văn phòng OCOP của tỉnh.",
        ],
    ),
    "en": (
        "The province's OCOP list updated 2 of your products",
        [
            "Hello Chị Lan,",
            "Your province's OCOP office imported its list of OCOP products (danh-sach-2025.csv).",
            "OCOP stars: 4 → 5",
            "Bánh tráng me Trảng Bàng (newly listed)",
            "If something is not right, contact your province's OCOP office.",
        ],
    ),
}


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    assert part is not None
    return str(part.get_content())


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_producer_receives_its_products_ocop_changes_in_its_language(
    language: str,
    tmp_path: Path,
    sessions: sessionmaker[Session],
    db: Session,
    smtp_server: SmtpServer,
) -> None:
    _org, offer = producer_with_account(db, language=language)
    user = officer(db, TAY_NINH)
    db.commit()
    row = GOOD[0][:]
    row[7] = "5 sao"  # the province re-rated it
    listing = [HEADER, row, ["2", "Bánh tráng me Trảng Bàng", *row[2:]]]
    import_offers(sessions, write_csv(tmp_path / "danh-sach-2025.csv", listing),
                  actor_id=user.id, today=date(2025, 6, 1))  # fmt: skip
    ids = list(db.scalars(select(Notification.id).where(Notification.kind == "ocop_changes")))
    assert len(ids) == 1

    report = send(sessions, smtp_server, BUILDER, ids, NotificationSettings())

    assert report.sent == ids
    (envelope,) = smtp_server.received
    assert envelope.rcpt_tos == ["htx@trangbang.vn"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert isinstance(message, EmailMessage)
    subject, lines = EXPECTED[language]
    assert message["Subject"] == subject
    text = _body(message, "plain")
    for line in lines:
        assert line in text, (line, text)
    assert f"{BASE}/products/{offer.id}" in text
    assert "250" not in text, "the producer's own price is none of the province's news"
    page = _body(message, "html")
    assert "Bánh tráng phơi sương Trảng Bàng" in page and f"{BASE}/products/{offer.id}" in page
    assert "4 → <strong>5</strong>" in page

    # Delivered once: the worker that runs it again sends nothing more.
    again = send(sessions, smtp_server, BUILDER, ids, NotificationSettings())
    assert again.sent == [] and len(smtp_server.received) == 1

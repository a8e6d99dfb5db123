"""Every word of an email is said in the recipient's language, with its dates and numbers, and
a match's reasons are said in it too, whatever language the sending process runs in (a worker
builds emails without any app or request)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask_babel import force_locale
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.i18n import init_babel
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState
from matchmaker.notifications.alerts import alert_for_requirement
from matchmaker.notifications.reminders import send_reminders
from matchmaker.settings import NotificationSettings

from .conftest import make_buyer, make_producer
from .test_delivery import BUILDER

TODAY = date(2026, 3, 1)


def _certificate_email(db: Session, config: NotificationSettings, language: str) -> str:
    producer = make_producer(db, f"HTX Ong {language}", "Mật ong rừng", language=language)
    assert producer.offer is not None
    producer.offer.ocop_certified_until = TODAY + timedelta(days=30)
    db.flush()
    (notification,) = send_reminders(db, config, today=TODAY)
    email = BUILDER.build(db, notification)
    assert email is not None
    return f"{email.subject}\n{email.text}"


def test_a_reminder_to_a_vietnamese_reader_is_in_vietnamese_with_its_date(
    db: Session, config: NotificationSettings
) -> None:
    # The process runs in English: the recipient's language wins.
    app = Flask(__name__)
    init_babel(app, "UTC")
    with app.app_context(), force_locale("en"):
        text = _certificate_email(db, config, "vi")
    assert "Chứng nhận OCOP của “Mật ong rừng” hết hạn sau 30 ngày" in text
    assert "Xin chào HTX Ong vi," in text
    assert "31 thg 3, 2026" in text
    assert "Hủy nhận thư" in text and "Unsubscribe" not in text


def test_a_reminder_to_an_english_reader_is_in_english_with_its_date(
    db: Session, config: NotificationSettings
) -> None:
    text = _certificate_email(db, config, "en")
    assert "The OCOP certificate of “Mật ong rừng” expires in 30 days" in text
    assert "Hello HTX Ong en," in text
    assert "Mar 31, 2026" in text


def test_the_reasons_of_a_match_are_said_in_the_recipients_language(
    db: Session, config: NotificationSettings
) -> None:
    make_producer(db, "HTX Ong", "Mật ong rừng U Minh", language="en")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    (notification,) = alert_for_requirement(db, RankingState(), requirement.id, config)
    match = db.get(Match, notification.payload["match_ids"][0])
    assert match is not None and match.reasons
    # Stored as codes, never as prose.
    assert all(set(r) <= {"code", "params", "variant"} for r in match.reasons)
    email = BUILDER.build(db, notification)
    assert email is not None and email.language == "en"
    assert "Why it fits" in email.text and "Vì sao phù hợp" not in email.text
    assert "+ Product matches the request" in email.text
    assert "- No electronic traceability" in email.text

"""Quote emails: the buyer hears of quotes and revisions (those close together in one email,
each revision once, never when unsubscribed); the producer hears of the buyer's answer, the
buyer's contact only with an acceptance; the other producers that the buyer chose another."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.db import utcnow
from matchmaker.matching.models import Match
from matchmaker.notifications import preferences, quote_notices
from matchmaker.notifications.introductions import introduce
from matchmaker.notifications.mail import OutgoingEmail
from matchmaker.notifications.models import Notification, QuoteAlert
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteChanges, QuoteInput
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer

from .conftest import Side, make_buyer, make_producer, send
from .test_introductions import BUILDER, _received, _text


@pytest.fixture
def batched() -> NotificationSettings:
    return NotificationSettings(quote_batch_minutes=10, sending_lease_seconds=60)


def _requirement(db: Session, buyer: Side) -> int:
    requirement = services.create_requirement(
        db, buyer.organization, {"title": "Mật ong rừng", "unit": "kg"}
    )
    db.commit()
    return requirement.id


def _quote(db: Session, producer: Side, requirement_id: int, price: int) -> int:
    assert producer.offer is not None
    data = QuoteInput.model_validate(
        {"offer_id": producer.offer.id, "unit_price_vnd": price, "unit": "kg",
         "min_order_quantity": 20, "lead_time_days": 5}
    )  # fmt: skip
    return quotes.submit(db, producer.user, requirement_id, data).id


def _told(
    db: Session, quote_id: int, event: str, config: NotificationSettings
) -> list[Notification]:
    """Runs the task the use case queued (the latest for the quote), as the worker would."""
    message = db.scalars(
        select(outbox.OutboxMessage)
        .where(outbox.OutboxMessage.task == outbox.QUOTE_CHANGED)
        .order_by(outbox.OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.kwargs["quote_id"] == quote_id
    assert message.kwargs["event"] == event
    kwargs = {k: message.kwargs[k] for k in ("revision", "user_id")}
    return quote_notices.tell(db, quote_id, event, config=config, **kwargs)


def _send_now(
    db: Session,
    sessions: sessionmaker[Session],
    smtp_server: SmtpServer,
    notifications: list[Notification],
    config: NotificationSettings,
) -> None:
    for notification in notifications:  # the batching window has passed
        notification.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.commit()
    report = send(sessions, smtp_server, BUILDER, [n.id for n in notifications], config)
    assert sorted(report.sent) == sorted(n.id for n in notifications), report


def test_quotes_close_together_reach_the_buyer_in_one_email_each_revision_once(
    db: Session,
    sessions: sessionmaker[Session],
    batched: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    buyer = make_buyer(db)
    buyer.organization.preferred_language = "en"
    away = create_user(db, buyer.organization, email="lan@coop.vn", name="Lan",
                       password="correct horse battery", role="buyer")  # fmt: skip
    preferences.unsubscribe(db, away.id)
    requirement_id = _requirement(db, buyer)
    honey = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh")
    other = make_producer(db, "HTX Ong Nam Can", "Mật ong tràm")

    first = _quote(db, honey, requirement_id, 300_000)
    (email,) = _told(db, first, "submitted", batched)
    assert email.user_id == buyer.user.id and email.next_attempt_at > utcnow()
    second = _quote(db, other, requirement_id, 280_000)
    assert _told(db, second, "submitted", batched) == []  # joins the email waiting
    quotes.revise(db, honey.user, first, QuoteChanges.model_validate({"unit_price_vnd": 270_000}))
    assert _told(db, first, "revised", batched) == []
    assert _told(db, first, "revised", batched) == []  # a task run twice adds nothing
    alerts = db.scalars(select(QuoteAlert).where(QuoteAlert.notification_id == email.id)).all()
    assert len(alerts) == 3 and {a.user_id for a in alerts} == {buyer.user.id}
    assert db.scalar(select(func.count()).select_from(Notification)) == 1

    _send_now(db, sessions, smtp_server, [email], batched)
    (mail,) = _received(smtp_server).values()
    assert mail["Subject"] == "2 new or revised quotes on “Mật ong rừng”"
    text = _text(mail)
    # Each quote once, with its latest terms; in the buyer's language (English).
    assert "New quote: HTX Ong U Minh — Mật ong rừng U Minh" in text
    assert "₫270,000" in text and "₫300,000" not in text and "₫280,000" in text
    assert "Minimum order: 20 kilogram" in text and "Lead time: 5 days" in text
    assert f"https://matchmaker.example.vn/requirements/{requirement_id}/quotes" in text

    # Once that email went, the next revision makes an email of its own.
    smtp_server.received.clear()
    quotes.revise(db, other.user, second, QuoteChanges.model_validate({"unit_price_vnd": 260_000}))
    (later,) = _told(db, second, "revised", batched)
    _send_now(db, sessions, smtp_server, [later], batched)
    (mail,) = _received(smtp_server).values()
    assert mail["Subject"] == "HTX Ong Nam Can revised its quote on “Mật ong rừng”"
    assert "Revised quote: HTX Ong Nam Can — Mật ong tràm" in _text(mail)


def test_a_withdrawn_quote_is_left_out_and_an_email_with_nothing_left_is_not_sent(
    db: Session, config: NotificationSettings
) -> None:
    buyer = make_buyer(db)
    requirement_id = _requirement(db, buyer)
    honey = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh")
    quote_id = _quote(db, honey, requirement_id, 300_000)
    (email,) = _told(db, quote_id, "submitted", config)
    built = BUILDER.build(db, email)
    assert isinstance(built, OutgoingEmail)
    assert built.subject == "Báo giá mới từ HTX Ong U Minh cho “Mật ong rừng”"  # Vietnamese
    quotes.withdraw(db, honey.user, quote_id)
    assert BUILDER.build(db, email) is None


def test_the_producer_hears_the_buyer_s_answer_and_the_others_that_it_went_elsewhere(
    db: Session,
    sessions: sessionmaker[Session],
    config: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    buyer = make_buyer(db)
    requirement_id = _requirement(db, buyer)
    chosen = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh", language="en")
    passed = make_producer(db, "HTX Ong Nam Can", "Mật ong tràm")
    chosen_quote = _quote(db, chosen, requirement_id, 300_000)
    passed_quote = _quote(db, passed, requirement_id, 310_000)

    quotes.accept(db, buyer.user, chosen_quote)
    told = {n.kind: n for n in _told(db, chosen_quote, "accepted", config)}
    assert set(told) == {"quote_accepted", "quote_elsewhere"}
    assert told["quote_accepted"].user_id == chosen.user.id
    assert told["quote_elsewhere"].user_id == passed.user.id
    # The acceptance is the producer's introduction: the match's own goes to the buyer only.
    assert chosen.offer is not None
    match = db.scalar(select(Match).where(Match.offer_id == chosen.offer.id))
    assert match is not None
    assert [n.user_id for n in introduce(db, match.id, buyer.user.id, config)] == [buyer.user.id]
    _send_now(db, sessions, smtp_server, list(told.values()), config)
    mail = _received(smtp_server)

    accepted = mail[chosen.user.email]  # in the producer's language, English
    assert accepted["Subject"] == "Saigon Co.op accepted your quote for Mật ong rừng U Minh"
    assert "buyer@coop.vn" in _text(accepted) and "Both of you agreed" in _text(accepted)
    elsewhere = _text(mail[passed.user.email])
    assert "Saigon Co.op đã chấp nhận báo giá của một nhà sản xuất khác" in elsewhere
    # Neither whose quote nor its price, nor the buyer's contact.
    assert "U Minh" not in elsewhere and "300.000" not in elsewhere
    assert "buyer@coop.vn" not in elsewhere

    smtp_server.received.clear()
    quotes.decline(db, buyer.user, passed_quote, "Giá cao hơn nhà cung cấp hiện tại")
    (declined,) = _told(db, passed_quote, "declined", config)
    _send_now(db, sessions, smtp_server, [declined], config)
    text = _text(_received(smtp_server)[passed.user.email])
    assert "Saigon Co.op đã từ chối báo giá Mật ong tràm của bạn" in text
    assert "Lý do của họ: Giá cao hơn nhà cung cấp hiện tại" in text
    assert "buyer@coop.vn" not in text


def test_nothing_goes_to_the_unsubscribed_producer(
    db: Session, config: NotificationSettings
) -> None:
    buyer = make_buyer(db)
    requirement_id = _requirement(db, buyer)
    honey = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh")
    preferences.unsubscribe(db, honey.user.id)
    quote_id = _quote(db, honey, requirement_id, 300_000)
    quotes.decline(db, buyer.user, quote_id, "Giá cao")
    assert _told(db, quote_id, "declined", config) == []


def test_a_buyer_who_chose_a_digest_hears_of_quotes_the_next_morning(
    db: Session, batched: NotificationSettings
) -> None:
    buyer = make_buyer(db)
    preferences.set_frequency(db, buyer.user.id, "weekly")
    requirement_id = _requirement(db, buyer)
    quote_id = _quote(db, make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh"),
                      requirement_id, 300_000)  # fmt: skip
    (email,) = _told(db, quote_id, "submitted", batched)
    local = email.next_attempt_at.astimezone(ZoneInfo(batched.timezone))
    assert (local.hour, local.minute) == (batched.digest_hour, 0)
    assert timedelta(0) < email.next_attempt_at - utcnow() <= timedelta(days=1)
    (task,) = db.scalars(
        select(outbox.OutboxMessage).where(outbox.OutboxMessage.task == outbox.SEND_NOTIFICATIONS)
    )
    assert task.available_at == email.next_attempt_at  # not published before then

"""Order emails: an order recorded under a deal reaches the side that did not record it (both
sides when an officer did), once, in the reader's language, over real SMTP; never an
unsubscribed user; the other side's contact only once that side has said yes itself."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.db import utcnow
from matchmaker.inputs import parse
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match
from matchmaker.matching.orders import OrderInput, record_order
from matchmaker.notifications import order_notices, preferences
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer

from .conftest import Side, make_buyer, make_producer, send
from .test_introductions import BUILDER, _received, _text

ORDERED_ON = date(2026, 12, 3)


def _match(db: Session, producer: Side, buyer: Side) -> Match:
    """The buyer's honey requirement matched with the producer's offer."""
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    assert producer.offer is not None
    match = Match(requirement_id=requirement.id, offer_id=producer.offer.id, score=0.8, rank=1)
    db.add(match)
    db.flush()
    return match


def _deal(db: Session) -> tuple[Side, Side, Match]:
    """Both sides said yes to their match, and the buyer closed the deal; the producer reads
    English, the buyer Vietnamese."""
    producer = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh", language="en")
    producer.organization.phone = "0290 3838 123"
    buyer = make_buyer(db)
    match = _match(db, producer, buyer)
    record_feedback(db, buyer.user, match, "accepted")
    record_feedback(db, producer.user, match, "accepted")
    record_feedback(db, buyer.user, match, "deal")
    db.commit()
    return producer, buyer, match


def _officer(db: Session, role: str = "officer") -> User:
    agency = services.create_organization(
        db, {"kind": "agency", "name": "Sở Công Thương Cà Mau", "province": "Cà Mau"}
    )
    return create_user(db, agency, email=f"{role}@soct.camau.gov.vn", name="Chị Hoa",
                       password="correct horse battery", role=role)  # fmt: skip


def _record(db: Session, user: User, match: Match, **values: object) -> int:
    data = parse(OrderInput, {"value_vnd": 15_000_000, "ordered_on": ORDERED_ON, **values},
                 "order.invalid")  # fmt: skip
    return record_order(db, user, match.id, data, today=date(2026, 12, 5)).id


def _told(db: Session, order_id: int, config: NotificationSettings) -> list[Notification]:
    """Runs the task the use case queued, as the worker would."""
    message = db.scalars(
        select(outbox.OutboxMessage)
        .where(outbox.OutboxMessage.task == outbox.ORDER_RECORDED)
        .order_by(outbox.OutboxMessage.id.desc())
    ).first()
    assert message is not None and message.kwargs == {"order_id": order_id}
    return order_notices.tell(db, order_id, config)


def _send(
    db: Session,
    sessions: sessionmaker[Session],
    smtp_server: SmtpServer,
    notifications: list[Notification],
    config: NotificationSettings,
) -> None:
    db.commit()
    report = send(sessions, smtp_server, BUILDER, [n.id for n in notifications], config)
    assert sorted(report.sent) == sorted(n.id for n in notifications), report


def test_a_buyer_s_order_reaches_the_producer_once_in_its_language_with_the_buyer_s_contact(
    db: Session,
    sessions: sessionmaker[Session],
    config: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    producer, buyer, match = _deal(db)
    create_user(db, buyer.organization, email="lan@coop.vn", name="Lan",
                password="correct horse battery", role="buyer")  # fmt: skip
    order_id = _record(db, buyer.user, match, quantity=50, note="Giao trước Tết")
    (email,) = _told(db, order_id, config)  # the producer only: the buyer's side knows
    assert email.user_id == producer.user.id and email.kind == "match_order"
    assert order_notices.tell(db, order_id, config) == []  # a task run twice adds nothing
    _send(db, sessions, smtp_server, [email], config)

    mail = _received(smtp_server)[producer.user.email]
    assert mail["Subject"] == (
        "Minh (Saigon Co.op) recorded an order of Mật ong rừng U Minh worth ₫15,000,000"
    )
    text = _text(mail)
    assert "under the deal between Saigon Co.op and HTX Ong U Minh on “Mật ong rừng”" in text
    for line in ("Product: Mật ong rừng U Minh", "Quantity: 50 kilogram",
                 "Value: ₫15,000,000", "Ordered on: Dec 3, 2026", "Note: Giao trước Tết",
                 "Contact: Saigon Co.op — Minh", "Email: buyer@coop.vn",
                 f"Open the deal: https://matchmaker.example.vn/matches/{match.id}"):  # fmt: skip
        assert line in text
    assert mail["List-Unsubscribe"]  # one click away from no more emails, as every email


def test_a_producer_s_repeat_order_reaches_the_buyer_in_vietnamese(
    db: Session,
    sessions: sessionmaker[Session],
    config: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    producer, buyer, match = _deal(db)
    _record(db, buyer.user, match)
    order_id = _record(db, producer.user, match, value_vnd=8_000_000)
    (email,) = _told(db, order_id, config)
    assert email.user_id == buyer.user.id
    _send(db, sessions, smtp_server, [email], config)
    mail = _received(smtp_server)[buyer.user.email]
    assert mail["Subject"] == (
        "HTX Ong U Minh đã ghi nhận một đơn hàng lặp lại Mật ong rừng U Minh"
        " trị giá 8.000.000\u00a0₫"
    )
    text = _text(mail)
    assert "Giá trị: 8.000.000\u00a0₫" in text and "Ngày đặt hàng: 3 thg 12, 2026" in text
    assert "htx.ong.u.minh@htx.vn" in text and "0290 3838 123" in text


def test_an_officer_s_order_reaches_both_sides(db: Session, config: NotificationSettings) -> None:
    producer, buyer, match = _deal(db)
    officer = _officer(db)
    order_id = _record(db, officer, match)
    told = _told(db, order_id, config)
    assert sorted(n.user_id for n in told) == sorted([producer.user.id, buyer.user.id])
    built = BUILDER.build(db, next(n for n in told if n.user_id == buyer.user.id))
    assert built is not None
    assert built.subject.startswith("Chị Hoa (Sở Công Thương Cà Mau) đã ghi nhận một đơn hàng")
    assert "htx.ong.u.minh@htx.vn" in built.text  # the buyer may reach the producer
    built = BUILDER.build(db, next(n for n in told if n.user_id == producer.user.id))
    assert built is not None and "buyer@coop.vn" in built.text
    # Someone of neither side (here the officer) never reads either side's details.
    stray = Notification(user_id=officer.id, kind="match_order", idempotency_key="stray",
                         payload={"order_id": order_id})  # fmt: skip
    assert BUILDER.build(db, stray) is None


def test_no_email_to_the_unsubscribed_and_no_waiting_for_a_digest(
    db: Session,
    sessions: sessionmaker[Session],
    config: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    producer, buyer, match = _deal(db)
    preferences.unsubscribe(db, producer.user.id)
    assert _told(db, _record(db, buyer.user, match), config) == []
    preferences.set_frequency(db, producer.user.id, "weekly")  # subscribed again, weekly
    (email,) = _told(db, _record(db, buyer.user, match), config)
    assert email.next_attempt_at <= utcnow()  # news of its own deal: not held for the digest
    # Unsubscribed before it went out: it is cancelled, the sender sends nothing.
    preferences.unsubscribe(db, producer.user.id)
    db.commit()
    db.refresh(email)
    assert email.state == "cancelled"
    report = send(sessions, smtp_server, BUILDER, [email.id], config)
    assert report.sent == [] and smtp_server.received == []


def test_the_buyer_s_contact_stays_its_own_until_it_said_yes_itself(
    db: Session, config: NotificationSettings
) -> None:
    """An admin accepted for the buyer and the producer closed the deal: the buyer's details
    do not reach the producer by that."""
    producer = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh", language="en")
    buyer = make_buyer(db)
    match = _match(db, producer, buyer)
    record_feedback(db, _officer(db, "admin"), match, "accepted")
    record_feedback(db, producer.user, match, "deal")
    db.commit()
    order_id = _record(db, producer.user, match)
    (to_buyer,) = _told(db, order_id, config)
    built = BUILDER.build(db, to_buyer)
    assert built is not None and "htx.ong.u.minh@htx.vn" in built.text  # the producer's, yes
    order_id = _record(db, buyer.user, match)
    (to_producer,) = _told(db, order_id, config)
    built = BUILDER.build(db, to_producer)
    assert built is not None and "buyer@coop.vn" not in built.text
    assert "Saigon Co.op" in built.text and "Value: ₫15,000,000" in built.text

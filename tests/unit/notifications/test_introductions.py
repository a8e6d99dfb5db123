"""Accepting a match emails both sides the other's contact details, once, over real SMTP."""

from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers
from matchmaker.notifications import preferences
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.introductions import introduce
from matchmaker.notifications.links import Links
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer

from .conftest import Side, make_buyer, make_producer, send

LINKS = Links("secret", "https://matchmaker.example.vn", timedelta(days=60))
BUILDER = EmailBuilder(LINKS, "https://matchmaker.example.vn", "Asia/Ho_Chi_Minh")


def _matched(db: Session, ranking: RankingState) -> tuple[Side, Side, Match]:
    producer = make_producer(db, "HTX Ong U Minh", "Mật ong rừng U Minh", language="en")
    producer.organization.phone = "0290 3838 123"
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    (ranked,) = rank_offers(db, ranking, requirement, limit=5)
    return producer, buyer, ranked.match


def _received(smtp_server: SmtpServer) -> dict[str, EmailMessage]:
    messages = {}
    for envelope in smtp_server.received:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        messages[envelope.rcpt_tos[0]] = message
    return messages


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_a_buyer_accepting_emails_both_sides_the_other_s_contact_details_once(
    db: Session,
    sessions: sessionmaker[Session],
    ranking: RankingState,
    config: NotificationSettings,
    smtp_server: SmtpServer,
) -> None:
    producer, buyer, match = _matched(db, ranking)
    colleague = create_user(db, buyer.organization, email="lan@coop.vn", name="Lan",
                            password="correct horse battery", role="buyer")  # fmt: skip
    record_feedback(db, buyer.user, match, "accepted")
    (queued,) = db.scalars(
        select(outbox.OutboxMessage).where(outbox.OutboxMessage.task == outbox.MATCH_ACCEPTED)
    )
    assert queued.kwargs == {"match_id": match.id, "accepted_by_id": buyer.user.id}

    created = introduce(db, match.id, buyer.user.id, config)
    assert sorted(n.user_id for n in created) == sorted(
        [producer.user.id, buyer.user.id, colleague.id]
    )
    assert introduce(db, match.id, buyer.user.id, config) == []  # a retried task sends nothing
    db.commit()

    report = send(sessions, smtp_server, BUILDER, [n.id for n in created], config)
    assert len(report.sent) == 3
    mail = _received(smtp_server)

    to_producer = mail[producer.user.email]  # in the producer's language, English
    assert to_producer["Subject"] == (
        "Saigon Co.op is interested in “Mật ong rừng U Minh” — contact details"
    )
    assert "Minh (Saigon Co.op) accepted the match with you" in _text(to_producer)
    assert "buyer@coop.vn" in _text(to_producer)

    to_buyer = mail[buyer.user.email]  # in Vietnamese
    assert to_buyer["Subject"] == "Thông tin liên hệ của HTX Ong U Minh cho “Mật ong rừng”"
    assert "Bạn đã chấp nhận kết nối này" in _text(to_buyer)
    assert producer.user.email in _text(to_buyer) and "0290 3838 123" in _text(to_buyer)
    assert "Minh ở tổ chức của bạn đã chấp nhận" in _text(mail["lan@coop.vn"])

    db.expire_all()
    assert db.get(Match, match.id).status == "accepted"  # type: ignore[union-attr]


def test_a_producer_accepting_tells_the_buyer_who_is_interested(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer, buyer, match = _matched(db, ranking)
    record_feedback(db, producer.user, match, "accepted")
    created = {n.user_id: n for n in introduce(db, match.id, producer.user.id, config)}

    email = BUILDER.build(db, created[buyer.user.id])
    assert email is not None
    assert email.subject == "HTX Ong U Minh quan tâm đến “Mật ong rừng” — thông tin liên hệ"
    assert "\nHTX Ong U Minh đã chấp nhận kết nối với bạn" in email.text
    assert producer.user.email in email.text
    assert f'href="mailto:{producer.user.email}"' in email.html
    assert "<li>Sản phẩm khớp với mô tả nhu cầu</li>" in email.html  # the reasons, as sent


def test_nobody_is_introduced_once_the_match_is_declined_and_the_unsubscribed_never(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer, buyer, match = _matched(db, ranking)
    preferences.unsubscribe(db, producer.user.id)
    record_feedback(db, buyer.user, match, "accepted")
    (to_buyer,) = introduce(db, match.id, buyer.user.id, config)
    assert to_buyer.user_id == buyer.user.id

    record_feedback(db, buyer.user, match, "declined", "Giá cao hơn dự kiến")
    assert BUILDER.build(db, to_buyer) is None  # nothing in it is still true: not sent
    assert introduce(db, match.id, buyer.user.id, config) == []
    kinds = db.scalars(select(Notification.kind).where(Notification.user_id == producer.user.id))
    assert list(kinds) == []


def test_a_producer_accepting_first_gets_the_buyer_s_contact_only_once_the_buyer_says_yes(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer, buyer, match = _matched(db, ranking)
    buyer.organization.phone = "028 3832 5239"
    record_feedback(db, producer.user, match, "accepted")
    created = {n.user_id: n for n in introduce(db, match.id, producer.user.id, config)}
    assert set(created) == {buyer.user.id}  # the buyer learns who is interested, nothing more
    # Even an email queued to the producer some other way would not carry the buyer's details.
    payload = {"match_id": match.id, "accepted_by_id": producer.user.id}
    stray = Notification(
        user_id=producer.user.id, kind="match_accepted", idempotency_key="x", payload=payload
    )
    db.add(stray)
    db.flush()
    assert BUILDER.build(db, stray) is None

    record_feedback(db, buyer.user, match, "accepted")  # the buyer says yes too
    queued = db.scalars(
        select(outbox.OutboxMessage).where(outbox.OutboxMessage.task == outbox.MATCH_ACCEPTED)
    )
    assert [m.kwargs["accepted_by_id"] for m in queued] == [producer.user.id, buyer.user.id]
    later = {n.user_id: n for n in introduce(db, match.id, buyer.user.id, config)}
    assert set(later) == {producer.user.id}
    email = BUILDER.build(db, later[producer.user.id])
    assert email is not None
    assert "buyer@coop.vn" in email.text and "028 3832 5239" in email.text
    record_feedback(db, buyer.user, match, "accepted")  # said again: nothing new
    assert introduce(db, match.id, buyer.user.id, config) == []

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.catalog import services
from matchmaker.db import utcnow
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState
from matchmaker.notifications import preferences
from matchmaker.notifications.alerts import alert_for_requirement
from matchmaker.notifications.delivery import backoff, deliver, sweep
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import SmtpMailer
from matchmaker.notifications.models import Notification
from matchmaker.settings import NotificationSettings
from tests.unit.conftest import SmtpServer

from .conftest import make_buyer, make_producer

LINKS = Links("secret", "https://matchmaker.example.vn", timedelta(days=60))
BUILDER = EmailBuilder(LINKS, "https://matchmaker.example.vn", "Asia/Ho_Chi_Minh")


@pytest.fixture
def waiting(db: Session, ranking: RankingState, config: NotificationSettings) -> list[Notification]:
    for i in range(2):
        make_producer(db, f"HTX Ong {i}", f"Mật ong rừng {i}", language=("vi", "en")[i])
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    created = alert_for_requirement(db, ranking, requirement.id, config)
    db.commit()
    return created


def test_each_email_is_sent_once_and_its_matches_become_notified(
    db: Session,
    sessions: sessionmaker[Session],
    waiting: list[Notification],
    smtp_server: SmtpServer,
    config: NotificationSettings,
) -> None:
    mailer = SmtpMailer(smtp_server.settings)
    ids = [n.id for n in waiting]
    report = deliver(sessions, mailer, BUILDER, ids, config)
    assert sorted(report.sent) == sorted(ids)
    assert len(smtp_server.received) == 2

    again = deliver(sessions, mailer, BUILDER, ids, config)
    assert again.sent == [] and len(smtp_server.received) == 2
    mailer.close()

    db.expire_all()
    assert {db.get(Notification, i).state for i in ids} == {"sent"}  # type: ignore[union-attr]
    match_ids = [m for n in waiting for m in n.payload["match_ids"]]
    assert {db.get(Match, m).status for m in match_ids} == {"notified"}  # type: ignore[union-attr]
    languages = {db.get(Notification, i).language for i in ids}  # type: ignore[union-attr]
    assert languages == {"vi", "en"}


def test_a_refusing_server_means_a_retry_later_and_a_refused_mailbox_a_bounce(
    db: Session,
    sessions: sessionmaker[Session],
    waiting: list[Notification],
    smtp_server: SmtpServer,
    config: NotificationSettings,
) -> None:
    mailer = SmtpMailer(smtp_server.settings)
    smtp_server.reply = "451 4.3.0 Try again later"
    report = deliver(sessions, mailer, BUILDER, [waiting[0].id], config)
    assert report.retrying == [waiting[0].id]
    db.expire_all()
    retry = db.get(Notification, waiting[0].id)
    assert retry is not None and retry.state == "pending" and retry.enqueued_at is None
    assert retry.next_attempt_at > utcnow() + timedelta(seconds=50)

    smtp_server.reply = "550 5.1.1 No such mailbox"
    report = deliver(sessions, mailer, BUILDER, [waiting[1].id], config)
    assert report.failed == [waiting[1].id]
    db.expire_all()
    bounced = db.get(Notification, waiting[1].id)
    assert bounced is not None and bounced.state == "bounced"
    assert "550" in (bounced.last_error or "")
    mailer.close()


def test_the_sweep_takes_up_due_retries_and_emails_whose_sender_died(
    db: Session, waiting: list[Notification], config: NotificationSettings
) -> None:
    due, orphaned = waiting
    due.enqueued_at = None
    orphaned.state, orphaned.claimed_until = "sending", utcnow() - timedelta(seconds=1)
    db.flush()
    assert sorted(sweep(db, config)) == sorted([due.id, orphaned.id])
    assert orphaned.state == "pending"
    assert sweep(db, config) == []  # just queued: not again until the lease runs out


def test_unsubscribing_cancels_what_has_not_gone_out(
    db: Session,
    sessions: sessionmaker[Session],
    waiting: list[Notification],
    smtp_server: SmtpServer,
    config: NotificationSettings,
) -> None:
    preferences.unsubscribe(db, waiting[0].user_id)
    db.commit()
    report = deliver(sessions, SmtpMailer(smtp_server.settings), BUILDER,
                     [n.id for n in waiting], config)  # fmt: skip
    assert report.sent == [waiting[1].id] and report.cancelled == []
    db.expire_all()
    assert db.get(Notification, waiting[0].id).state == "cancelled"  # type: ignore[union-attr]


def test_backoff_doubles_up_to_the_cap(config: NotificationSettings) -> None:
    seconds = [backoff(n, config).total_seconds() for n in (1, 2, 3, 20)]
    assert 60 <= seconds[0] <= 66 and 120 <= seconds[1] <= 132 and 240 <= seconds[2] <= 264
    assert 3600 <= seconds[3] <= 3960


def test_an_email_about_a_pair_now_only_related_says_nothing(
    db: Session, waiting: list[Notification]
) -> None:
    notification = waiting[0]
    for match_id in notification.payload["match_ids"]:
        match = db.get(Match, match_id)
        assert match is not None
        match.related = True
    db.flush()
    assert BUILDER.build(db, notification) is None

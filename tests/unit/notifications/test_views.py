from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.app import create_app
from matchmaker.catalog import services
from matchmaker.extensions import get_database, get_notifier, get_settings
from matchmaker.matching.models import Match, MatchEvent
from matchmaker.matching.service import RankingState
from matchmaker.notifications.alerts import alert_for_requirement
from matchmaker.notifications.mail import DirectoryMailer, OutgoingEmail
from matchmaker.notifications.models import Notification, NotificationPreference
from matchmaker.outbox import OutboxMessage
from matchmaker.settings import NotificationSettings, Settings

from .conftest import Side, make_buyer, make_producer


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_decline_asks_why_then_records_it(
    app: Flask, client: FlaskClient, db: Session, config: NotificationSettings
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh", language="en")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    (notification,) = alert_for_requirement(db, RankingState(), requirement.id, config)
    (match_id,) = notification.payload["match_ids"]
    db.commit()
    url = _path(get_notifier(app).links.url("decline", producer.user.id, match_id))

    form = client.get(url)
    assert form.status_code == 200 and "Why is this match not a fit?" in form.get_data(True)
    assert client.post(url, data={"reason": " "}).status_code == 422
    assert client.post(url, data={"reason": "Too far to deliver"}).status_code == 200
    match = db.get(Match, match_id)
    assert match is not None
    db.refresh(match)
    assert (match.status, match.decline_reason) == ("declined", "Too far to deliver")

    other_user_link = _path(get_notifier(app).links.url("accept", buyer.user.id + 999, match_id))
    assert client.get(other_user_link).status_code == 400


def test_one_click_unsubscribe_cancels_waiting_email_and_preferences_resubscribe(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    waiting = Notification(user_id=producer.user.id, kind="match", idempotency_key="k",
                           payload={"match_ids": []})  # fmt: skip
    db.add(waiting)
    db.commit()
    links = get_notifier(app).links

    assert client.post(_path(links.url("unsubscribe", producer.user.id))).status_code == 200
    db.refresh(waiting)
    assert waiting.state == "cancelled"
    preference = db.get(NotificationPreference, producer.user.id)
    assert preference is not None and preference.unsubscribed_at is not None

    choose = _path(links.url("preferences", producer.user.id))
    assert client.post(choose, data={"frequency": "daily"}).status_code == 200
    db.refresh(preference)
    assert (preference.frequency, preference.unsubscribed_at) == ("daily", None)


def test_local_mail_is_readable_at_dev_mail(app: Flask, client: FlaskClient) -> None:
    folder = get_settings(app).mail_outbox_path
    DirectoryMailer(folder, "OCOP <no-reply@example.vn>").send(OutgoingEmail(
        to="lan@htx.vn", subject="Có người mua cần “Mật ong rừng nguyên chất”",
        text="Xin chào Lan", html="<p>Xin chào <b>Lan</b></p>", message_id="<1@example.vn>",
    ))  # fmt: skip
    index = client.get("/dev/mail").get_data(as_text=True)
    assert "Có người mua cần “Mật ong rừng nguyên chất”" in index
    (name,) = [p.name for p in folder.glob("*.eml")]
    assert client.get(f"/dev/mail/{name}").get_data(as_text=True) == "<p>Xin chào <b>Lan</b></p>"
    assert client.get("/dev/mail/..%2Fmatchmaker.sqlite").status_code == 404


def _alerted_match(db: Session, config: NotificationSettings) -> tuple[Side, Side, int]:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    (notification,) = alert_for_requirement(db, RankingState(), requirement.id, config)
    (match_id,) = notification.payload["match_ids"]
    db.commit()
    return producer, buyer, match_id


def _answers(db: Session, match_id: int) -> tuple[str, int, int]:
    match = db.get(Match, match_id)
    assert match is not None
    db.refresh(match)
    events = db.scalar(select(func.count()).where(MatchEvent.match_id == match_id))
    tasks = db.scalar(select(func.count()).select_from(OutboxMessage))
    return match.status, int(events or 0), int(tasks or 0)


def test_a_mail_scanner_fetching_the_links_changes_nothing(
    app: Flask, client: FlaskClient, db: Session, config: NotificationSettings
) -> None:
    producer, _buyer, match_id = _alerted_match(db, config)
    links = get_notifier(app).links
    before = _answers(db, match_id)
    for action in ("view", "accept", "decline"):
        url = _path(links.url(action, producer.user.id, match_id))
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    for action in ("unsubscribe", "preferences"):
        url = _path(links.url(action, producer.user.id))
        assert client.get(url).status_code == 200
        assert client.head(url).status_code == 200
    assert _answers(db, match_id) == before
    assert db.get(NotificationPreference, producer.user.id) is None

    response = client.get(_path(links.url("accept", producer.user.id, match_id)))
    page = response.get_data(True)
    assert '<form method="post">' in page and "Chấp nhận kết nối này" in page
    # The page is kept by no cache, and tells no other site its address (the token).
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_accepting_from_the_email_acts_on_post_once(
    app: Flask, client: FlaskClient, db: Session, config: NotificationSettings
) -> None:
    producer, _buyer, match_id = _alerted_match(db, config)
    url = _path(get_notifier(app).links.url("accept", producer.user.id, match_id))
    _status, events, tasks = _answers(db, match_id)
    assert client.post(url).status_code == 200
    assert _answers(db, match_id) == ("accepted", events + 1, tasks + 1)
    assert client.post(url).status_code == 200  # a second press, or a replay
    assert _answers(db, match_id) == ("accepted", events + 1, tasks + 1)


def test_unsubscribing_from_the_email_acts_on_post(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh", language="en")
    db.commit()
    url = _path(get_notifier(app).links.url("unsubscribe", producer.user.id))
    page = client.get(url).get_data(True)
    assert "Do you want to stop receiving email from us?" in page
    assert db.get(NotificationPreference, producer.user.id) is None
    assert "You are unsubscribed" in client.post(url).get_data(True)


def test_an_expired_preferences_link_says_to_sign_in(
    settings: Settings, sessions: sessionmaker[Session], db: Session
) -> None:
    # Every unsubscribe and preferences link is already older than this allows.
    notifications = settings.notifications.model_copy(update={"preferences_link_max_age_days": -1})
    app = create_app(settings.model_copy(update={"notifications": notifications}))
    get_database(app).sessions = sessions
    client = app.test_client()
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    db.commit()
    links = get_notifier(app).links
    for action in ("preferences", "unsubscribe"):
        expired = client.post(_path(links.url(action, producer.user.id)))
        assert expired.status_code == 400
        text = expired.get_data(True)
        assert "Liên kết này đã hết hạn" in text and "This link has expired. Sign in" in text
    assert db.get(NotificationPreference, producer.user.id) is None
    assert client.get(_path(links.url("view", producer.user.id, 1))).status_code == 400

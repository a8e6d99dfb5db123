from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.extensions import get_notifier, get_settings
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState
from matchmaker.notifications.alerts import alert_for_requirement
from matchmaker.notifications.mail import DirectoryMailer, OutgoingEmail
from matchmaker.notifications.models import Notification, NotificationPreference
from matchmaker.settings import NotificationSettings

from .conftest import make_buyer, make_producer


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

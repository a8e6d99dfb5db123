"""A match's fit is one figure: the page, the email and the email's link page agree."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.extensions import get_notifier
from matchmaker.matching.fit import fit_percent
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState
from matchmaker.notifications.alerts import alert_for_requirement
from matchmaker.settings import NotificationSettings

from .conftest import make_buyer, make_producer

_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.mark.parametrize(
    ("score", "shown"),
    [(0.0, 0), (0.515, 52), (0.625, 63), (0.62, 62), (0.994, 99), (0.995, 100), (1.2, 100)],
)
def test_fit_percent_rounds_halves_up_and_stays_within_0_to_100(score: float, shown: int) -> None:
    assert fit_percent(score) == shown


def _figures(text: str) -> set[str]:
    return set(re.findall(r"(\d+)%", text))


def test_page_and_email_show_the_same_fit_for_the_same_match(
    app: Flask, client: FlaskClient, db: Session, config: NotificationSettings
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    (notification,) = alert_for_requirement(db, RankingState(), requirement.id, config)
    (match_id,) = notification.payload["match_ids"]
    match = db.get(Match, match_id)
    assert match is not None
    # A half: rounding it two different ways gave 62% in one place and 63% in another.
    match.score = 0.625
    db.commit()

    notifier = get_notifier(app)
    email = notifier.builder.build(db, notification)
    assert email is not None
    assert "Mức phù hợp: 63%" in email.text
    assert _figures(email.text) == {"63"}
    assert "Mức phù hợp: 63%" in email.html

    link = notifier.links.url("view", producer.user.id, match_id)
    landing = client.get("/" + link.split("/", 3)[3]).get_data(as_text=True)
    assert "Mức phù hợp: 63%" in landing

    signin = client.get("/signin").get_data(as_text=True)
    token = _TOKEN.search(signin)
    assert token is not None
    form = {"csrf_token": token.group(1), "email": producer.user.email,
            "password": "correct horse battery"}  # fmt: skip
    signed_in = client.post("/signin", data=form)
    assert signed_in.status_code == 302
    page = client.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "phù hợp 63%" in page
    assert _figures(page) == {"63"}

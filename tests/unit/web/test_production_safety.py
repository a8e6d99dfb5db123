"""Production refuses unsafe settings, and answers with the headers production needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.accounts.tokens import issue_token
from matchmaker.app import create_app
from matchmaker.extensions import get_database
from matchmaker.settings import Settings, UnsafeSettings
from tests.unit.web.conftest import MakeUser, sign_in

GOOD_SECRET = "x" * 40


def _production(settings: Settings, **changes: object) -> Settings:
    values: dict[str, object] = {
        "environment": "production",
        "secret_key": GOOD_SECRET,
        "base_url": "https://matchmaker.example.vn",
    }
    values.update(changes)
    return settings.model_copy(update=values)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"secret_key": "dev-only-change-me"}, "MATCHMAKER_SECRET_KEY"),
        ({"secret_key": "set-a-long-random-secret"}, "MATCHMAKER_SECRET_KEY"),
        ({"secret_key": ""}, "MATCHMAKER_SECRET_KEY"),
        ({"secret_key": "short-but-not-default"}, "MATCHMAKER_SECRET_KEY"),
        ({"base_url": "http://matchmaker.example.vn"}, "MATCHMAKER_BASE_URL"),
        ({"health_token": "abc"}, "MATCHMAKER_HEALTH_TOKEN"),
    ],
)
def test_production_refuses_to_start_on_unsafe_settings(
    settings: Settings, changes: dict[str, object], named: str
) -> None:
    with pytest.raises(UnsafeSettings, match=named):
        create_app(_production(settings, **changes))


def test_the_default_settings_are_refused_in_production(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setenv("MATCHMAKER_ENVIRONMENT", "production")
    monkeypatch.delenv("MATCHMAKER_SECRET_KEY", raising=False)
    with pytest.raises(UnsafeSettings) as refused:
        create_app(Settings(instance_path=settings.instance_path))
    assert "MATCHMAKER_SECRET_KEY" in str(refused.value)
    assert "MATCHMAKER_BASE_URL" in str(refused.value)


def test_development_still_starts_on_the_development_key(settings: Settings) -> None:
    create_app(settings.model_copy(update={"secret_key": "dev-only-change-me"}))


@pytest.fixture
def production_app(settings: Settings, sessions: sessionmaker[Session]) -> Flask:
    app = create_app(_production(settings))
    app.config["TESTING"] = True
    get_database(app).sessions = sessions
    return app


def test_production_cookies_are_secure_and_hsts_is_always_sent(
    production_app: Flask, make_user: MakeUser
) -> None:
    client = production_app.test_client()
    # Behind a proxy that ends TLS, the app sees plain http.
    home = client.get("/", base_url="http://matchmaker.example.vn")
    assert "max-age=" in home.headers["Strict-Transport-Security"]
    user = make_user("buyer")
    sign_in(client, user)
    cookie = client.get_cookie("ocop_session")
    assert cookie is not None and cookie.secure


def test_signed_in_pages_and_the_api_are_not_stored(
    production_app: Flask, make_user: MakeUser, db: Session
) -> None:
    client = production_app.test_client()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    user = make_user("buyer")
    sign_in(client, user)
    assert client.get("/buyer/").headers["Cache-Control"] == "no-store"
    raw, _ = issue_token(db, user, ttl=timedelta(hours=1))
    db.commit()
    api = production_app.test_client()
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.headers["Cache-Control"] == "no-store"
    assert api.get("/api/v1/reference/units").headers["Cache-Control"] == "no-store"


def test_health_details_only_for_admins_or_the_health_token(
    settings: Settings, sessions: sessionmaker[Session], make_user: MakeUser, db: Session
) -> None:
    token = "h" * 40
    app = create_app(settings.model_copy(update={"health_token": token}))
    get_database(app).sessions = sessions
    client = app.test_client()
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200
    assert anonymous.get_json() == {"status": "ok"}
    buyer = make_user("buyer")
    raw, _ = issue_token(db, buyer, ttl=timedelta(hours=1))
    db.commit()
    as_buyer = client.get("/healthz", headers={"Authorization": f"Bearer {raw}"})
    assert as_buyer.get_json() == {"status": "ok"}
    for bearer in (token, _admin_token(db, make_user)):
        body = client.get("/healthz", headers={"Authorization": f"Bearer {bearer}"}).get_json()
        assert body["checks"]["database"]["ok"] is True
        assert "workers" in body and "queues" in body


def _admin_token(db: Session, make_user: MakeUser) -> str:
    raw, _ = issue_token(db, make_user("admin"), ttl=timedelta(hours=1))
    db.commit()
    return raw

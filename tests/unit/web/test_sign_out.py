"""Signing out ends the session on the server: a copy of the cookie taken before is worthless.
The same holds for a revoked API token."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import PageSession
from matchmaker.accounts.page_sessions import (
    end_page_session,
    page_session_user,
    purge_page_sessions,
    start_page_session,
)
from matchmaker.accounts.services import sign_out_everywhere
from matchmaker.accounts.tokens import issue_token
from matchmaker.db import utcnow
from tests.unit.web.conftest import MakeUser, post_form, sign_in


def _copy_of_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("ocop_session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    other = app.test_client()
    other.set_cookie("ocop_session", value)
    return other


def test_a_cookie_copied_before_signing_out_no_longer_signs_in(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    user = make_user("buyer")
    sign_in(client, user)
    stolen = _copy_of_cookie(client)
    assert _with_cookie(app, stolen).get("/buyer/").status_code == 200
    post_form(client, "/signout", {}, page="/buyer/")
    assert client.get("/buyer/").status_code == 302
    replayed = _with_cookie(app, stolen).get("/buyer/")
    assert replayed.status_code == 302 and "/signin" in replayed.headers["Location"]


def test_signing_out_one_browser_leaves_the_others_signed_in(
    app: Flask, make_user: MakeUser
) -> None:
    user = make_user("producer")
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, user)
    sign_in(laptop, user)
    post_form(phone, "/signout", {}, page="/producer/")
    assert phone.get("/producer/").status_code == 302
    assert laptop.get("/producer/").status_code == 200


def test_signed_out_everywhere_ends_every_page_session(
    app: Flask, client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    user = make_user("producer")
    sign_in(client, user)
    sign_out_everywhere(db, user)
    db.commit()
    assert client.get("/producer/").status_code == 302


def test_a_revoked_api_token_no_longer_works(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    raw, _ = issue_token(db, make_user("buyer"), ttl=timedelta(hours=1))
    db.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_ended_and_expired_page_sessions_are_purged(db: Session, make_user: MakeUser) -> None:
    user = make_user("buyer")
    live = start_page_session(db, user, lifetime=timedelta(days=14))
    ended = start_page_session(db, user, lifetime=timedelta(days=14))
    end_page_session(db, ended)
    expired = start_page_session(db, user, lifetime=timedelta(seconds=-1))
    assert purge_page_sessions(db, utcnow() + timedelta(seconds=1)) == 2
    assert page_session_user(db, live) is not None
    assert db.scalar(select(func.count()).select_from(PageSession)) == 1
    assert page_session_user(db, expired) is None

"""`matchmaker users set-password` and `users sign-out`: an administrator resets a password or
signs an account out everywhere (API tokens and page sessions)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog import services
from matchmaker.cli import matchmaker
from tests.unit.web.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a new long password"


def _producer(db: Session) -> tuple[User, str]:
    organization = services.create_organization(
        db, {"kind": "producer", "name": "HTX Mật ong", "province": "Tây Ninh"}
    )
    user = create_user(db, organization, email="mat-ong@example.vn", name="Chị Hoa",
                       password=PASSWORD, role="producer")  # fmt: skip
    raw, _ = issue_token(db, user, ttl=timedelta(hours=1))
    db.commit()
    return user, raw


def _api_token_works(client: FlaskClient, raw: str) -> bool:
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    return response.status_code == 200


def _page_works(client: FlaskClient) -> bool:
    return client.get("/producer/").status_code == 200


def test_a_new_password_signs_the_user_out_everywhere(app: Flask, db: Session) -> None:
    user, raw = _producer(db)
    browser = app.test_client()
    sign_in(browser, user)
    api = app.test_client()
    assert _api_token_works(api, raw) and _page_works(browser)

    result = app.test_cli_runner().invoke(
        matchmaker,
        args=["users", "set-password", "--email", "Mat-Ong@example.vn", "--password", NEW_PASSWORD],
    )
    assert result.exit_code == 0, result.output
    assert "signed out everywhere (1 API token(s) revoked, page sessions ended)" in result.output
    assert not _api_token_works(api, raw)
    assert not _page_works(browser)
    old = api.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = api.post("/api/v1/auth/token", json={"email": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 200 and _api_token_works(api, new.get_json()["token"])


def test_signing_out_everywhere_keeps_the_password_and_later_sign_ins_work(
    app: Flask, db: Session
) -> None:
    user, raw = _producer(db)
    browser = app.test_client()
    sign_in(browser, user)
    result = app.test_cli_runner().invoke(
        matchmaker, args=["users", "sign-out", "--email", user.email]
    )
    assert result.exit_code == 0, result.output
    assert "(1 API token(s) revoked, page sessions ended)" in result.output
    assert not _api_token_works(app.test_client(), raw) and not _page_works(browser)
    # Signing in again, on the page and for the API, works as before.
    sign_in(browser, user)
    assert _page_works(browser)
    again = app.test_client().post(
        "/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}
    )
    assert again.status_code == 200


def test_refusals_say_why_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "MATCHMAKER_INSTANCE_PATH": str(tmp_path),
           "MATCHMAKER_DATABASE_URL": f"sqlite:///{tmp_path / 'mm.sqlite'}"}  # fmt: skip

    def matchmaker(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "matchmaker.cli", *args],
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip

    assert matchmaker("db", "upgrade").returncode == 0
    unknown = matchmaker("users", "sign-out", "--email", "nobody@example.vn")
    assert unknown.returncode == 1
    assert "No account has the email nobody@example.vn." in unknown.stderr
    made = matchmaker("users", "create", "--role", "admin", "--email", "admin@example.vn",
                      "--name", "Admin", "--password", "long enough pass")  # fmt: skip
    assert made.returncode == 0, made.stderr
    short = matchmaker("users", "set-password", "--email", "admin@example.vn", "--password", "x")
    assert short.returncode == 1
    assert "The password is too short. (password: Use at least 8 characters.)" in short.stderr
    taken = matchmaker("users", "create", "--role", "admin", "--email", "admin@example.vn",
                       "--name", "Admin", "--password", "long enough pass")  # fmt: skip
    assert taken.returncode == 1
    assert "already exists" in taken.stderr
    assert "Traceback" not in unknown.stderr + short.stderr + taken.stderr

"""The sign-in page: others' failed attempts never lock out a browser the user signed in on."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.unit.web.conftest import PASSWORD, MakeUser, post_form, sign_in


def _try(client: FlaskClient, email: str, password: str) -> str:
    response = post_form(client, "/signin", {"email": email, "password": password})
    return "ok" if response.status_code == 302 else response.get_data(as_text=True)


def test_a_known_browser_signs_in_whatever_others_tried(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    user = make_user("buyer")
    sign_in(client, user)
    post_form(client, "/signout", {}, page="/buyer/")
    attacker = app.test_client()
    for _ in range(11):
        assert _try(attacker, user.email, "guess") != "ok"
    refused = _try(attacker, user.email, PASSWORD)
    assert "Quá nhiều lần thử" in refused
    assert _try(client, user.email, PASSWORD) == "ok"
    # A browser that never signed in to the account is still held back.
    assert "Quá nhiều lần thử" in _try(app.test_client(), user.email, PASSWORD)

"""The sign-in page: others' failed attempts never lock out a browser the user signed in on."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from matchmaker.ranking import reference
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


DONG_THAP = reference.resolve_province("Đồng Tháp").province.code  # type: ignore[union-attr]


def _sign_up(client: FlaskClient, email: str, password: str) -> str:
    response = post_form(client, "/signup", {
        "role": "producer", "person_name": "Phạm Thị Lan", "email": email,
        "password": password, "name": "HTX Tam Nông", "entity_type": "cooperative",
        "province": DONG_THAP, "buyer_type": "",
    })  # fmt: skip
    if response.status_code == 302:
        return "ok"
    page = response.get_data(as_text=True)
    return " ".join(re.findall(r'class="(?:field-)?errors?"[^>]*>(.*?)</', page, re.S)) or page


def test_sign_up_refuses_an_easy_password_and_names_no_existing_email(
    client: FlaskClient, make_user: MakeUser
) -> None:
    assert "Mật khẩu này quá dễ đoán" in _sign_up(client, "lan@htx.vn", "12345678")
    existing = make_user("producer")
    page = _sign_up(client, existing.email, "ca-sac-kho-2025")
    assert "Không thể dùng email này để đăng ký" in page
    assert "Đã có tài khoản" not in page

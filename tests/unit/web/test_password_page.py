"""A signed-in user changes their password on the page: other devices are signed out."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from .conftest import PASSWORD, MakeUser, post_form, sign_in

NEW = "mật khẩu mới dài"


def _change(client: FlaskClient, current: str, new: str, repeat: str) -> str:
    form = {"current_password": current, "new_password": new, "repeat": repeat}
    return post_form(client, "/password", form, follow_redirects=True).get_data(as_text=True)


def test_changing_the_password_keeps_this_browser_and_signs_out_the_others(
    app: Flask, make_user: MakeUser
) -> None:
    producer = make_user("producer")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, producer)
    sign_in(elsewhere, producer)
    assert 'href="/password"' in here.get("/producer/").get_data(as_text=True)

    assert "Đây không phải mật khẩu hiện tại của bạn." in _change(here, "wrong", NEW, NEW)
    assert "Hai mật khẩu mới không giống nhau." in _change(here, PASSWORD, NEW, "khác")
    assert elsewhere.get("/producer/").status_code == 200

    done = _change(here, PASSWORD, NEW, NEW)
    assert "Đã đổi mật khẩu. Các thiết bị khác đã được đăng xuất." in done
    assert here.get("/producer/").status_code == 200
    assert elsewhere.get("/producer/").status_code == 302  # to the sign-in page
    signed = post_form(app.test_client(), "/signin",
                       {"email": producer.email, "password": NEW})  # fmt: skip
    assert signed.status_code == 302


def test_the_page_needs_a_signed_in_user(app: Flask) -> None:
    response = app.test_client().get("/password")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]

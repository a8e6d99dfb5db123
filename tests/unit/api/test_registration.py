"""Registration: common passwords refused, an existing email not revealed, and the
organization's kind accepted when it agrees with the role."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.extensions import get_notifier
from matchmaker.notifications.models import Notification

from .conftest import Caller

REGISTER = "/api/v1/auth/register"
GOOD = "mật khẩu dài"


def _register(client: FlaskClient, email: str, password: str = GOOD, language: str = "en",
              **organization: Any) -> Any:  # fmt: skip
    new = {"name": "HTX Ong", "entity_type": "cooperative", **organization}
    body = {"email": email, "password": password, "name": "Lan", "role": "producer",
            "organization": new}  # fmt: skip
    return client.post(REGISTER, json=body, headers={"Accept-Language": language})


@pytest.mark.parametrize("password", ["12345678", "password", "matkhau123", "lan@htx.vn"])
def test_easy_passwords_are_refused_in_the_reader_s_language(
    client: FlaskClient, password: str
) -> None:
    english = _register(client, "lan@htx.vn", password)
    assert english.status_code == 422
    (problem,) = english.get_json()["errors"]
    assert (problem["field"], problem["code"]) == ("password", "account.weak_password")
    assert problem["message"].startswith("This password is too easy to guess")
    vietnamese = _register(client, "lan@htx.vn", password, language="vi")
    assert vietnamese.get_json()["errors"][0]["message"].startswith("Mật khẩu này quá dễ đoán")


def test_an_existing_email_is_not_named_and_nothing_is_made(
    client: FlaskClient, db: Session, producer: Caller
) -> None:
    email = producer.user.email
    response = _register(client, email.upper())
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "account.registration_refused"
    assert email not in response.get_data(as_text=True)
    assert email.upper() not in response.get_data(as_text=True)
    organizations = client.get("/api/v1/organizations?limit=100", headers=producer.headers)
    assert "HTX Ong" not in [o["name"] for o in organizations.get_json()["items"]]

    # The owner is told instead, once a day however often it is tried, in their language.
    assert _register(client, email).status_code == 409
    (notice,) = db.scalars(
        select(Notification).where(
            Notification.user_id == producer.user.id, Notification.kind == "registration_attempt"
        )
    )
    email_out = get_notifier(client.application).builder.build(db, notice)
    assert email_out is not None and email_out.to == email
    assert email_out.subject == "Có người thử đăng ký bằng email của bạn"
    assert "không có tài khoản nào được tạo" in email_out.text


def test_a_registration_with_a_new_email_tells_no_one(client: FlaskClient, db: Session) -> None:
    assert _register(client, "new@htx.vn").status_code == 201
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_organization_s_kind_is_accepted_when_it_agrees_with_the_role(
    client: FlaskClient,
) -> None:
    made = _register(client, "lan@htx.vn", kind="producer")
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["organization"]["kind"] == "producer"
    for kind in ("buyer", "agency"):
        refused = _register(client, f"{kind}@htx.vn", kind=kind)
        assert refused.status_code == 422, refused.get_json()
        (problem,) = refused.get_json()["errors"]
        assert (problem["field"], problem["code"]) == ("organization.kind", "account.kind_for_role")
    unknown = _register(client, "x@htx.vn", kind="cooperative")
    assert unknown.status_code == 422

"""Sign-in attempts are limited per client address and per account."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.app import create_app
from matchmaker.extensions import get_database
from matchmaker.settings import Settings

from .conftest import Caller

TOKEN = "/api/v1/auth/token"


def _attempt(
    client: FlaskClient, email: str, password: str, address: str
) -> tuple[int, dict, dict]:
    response = client.post(
        TOKEN, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code, response.get_json(), dict(response.headers)


def test_the_eleventh_attempt_in_a_minute_is_refused_with_when_to_retry(
    client: FlaskClient, buyer: Caller
) -> None:
    email = buyer.user.email
    for _ in range(10):
        status, _body, _headers = _attempt(client, email, "not the password", "10.0.0.1")
        assert status == 401
    # The right password does not get through either: the limit is no oracle.
    status, body, headers = _attempt(client, email, "correct horse battery", "10.0.0.1")
    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert body["code"] == "account.too_many_attempts"
    assert f"Try again in {headers['Retry-After']} seconds." in body["detail"]


def test_the_account_is_limited_from_any_address_and_others_are_not(
    client: FlaskClient, buyer: Caller, producer: Caller
) -> None:
    for n in range(10):
        status, _, _ = _attempt(client, buyer.user.email, "wrong", f"10.0.1.{n}")
        assert status == 401
    assert _attempt(client, buyer.user.email, "correct horse battery", "10.0.2.1")[0] == 429
    # Another account, from an address of its own, signs in as usual.
    status, body, _ = _attempt(client, producer.user.email, "correct horse battery", "10.0.3.1")
    assert status == 200 and body["token"]


def _through_proxy(client: FlaskClient, email: str, password: str, client_address: str) -> int:
    response = client.post(
        TOKEN,
        json={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},  # the load balancer
        headers={"X-Forwarded-For": client_address},
    )
    return response.status_code


@pytest.mark.parametrize("proxies", [0, 1])
def test_behind_a_trusted_proxy_clients_are_counted_apart(
    settings: Settings, sessions: sessionmaker[Session], producer: Caller, proxies: int
) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": proxies}))
    get_database(app).sessions = sessions
    client = app.test_client()
    for n in range(10):  # ten different unknown accounts from one client
        assert _through_proxy(client, f"nobody{n}@example.vn", "wrong", "203.0.113.7") == 401
    # Another client behind the same load balancer: apart when the proxy is trusted; with
    # no trusted proxy the header is ignored (anyone could send it) and the address is shared.
    status = _through_proxy(client, producer.user.email, "correct horse battery", "198.51.100.2")
    assert status == (200 if proxies else 429)


def test_changing_ones_password_ends_every_token_and_gives_a_new_one(
    client: FlaskClient, buyer: Caller
) -> None:
    change = "/api/v1/auth/password"
    attempt = {"current_password": "not it", "new_password": "a brand new one"}
    wrong = client.post(change, headers=buyer.headers, json=attempt)
    assert wrong.status_code == 422
    errors = wrong.get_json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("current_password", "account.wrong_password")
    ]
    same = client.post(change, headers=buyer.headers, json={
        "current_password": "correct horse battery", "new_password": "correct horse battery",
    })  # fmt: skip
    assert same.status_code == 422 and same.get_json()["errors"][0]["field"] == "new_password"
    assert client.get("/api/v1/auth/me", headers=buyer.headers).status_code == 200

    changed = client.post(change, headers=buyer.headers, json={
        "current_password": "correct horse battery", "new_password": "a brand new one",
    })  # fmt: skip
    assert changed.status_code == 200
    assert client.get("/api/v1/auth/me", headers=buyer.headers).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.get_json()['token']}"}
    assert client.get("/api/v1/auth/me", headers=fresh).status_code == 200
    old, new = (
        client.post(TOKEN, json={"email": buyer.user.email, "password": password}).status_code
        for password in ("correct horse battery", "a brand new one")
    )
    assert (old, new) == (401, 200)


def test_ten_bad_attempts_by_others_never_lock_out_a_known_device(
    client: FlaskClient, buyer: Caller
) -> None:
    email = buyer.user.email
    # The real user signed in on this client before: it keeps the known-device cookie.
    assert _attempt(client, email, "correct horse battery", "10.0.5.1")[0] == 200
    assert client.get_cookie("ocop_device") is not None
    attacker = client.application.test_client()  # the same app and counters, no cookie
    for n in range(12):
        status, _, _ = _attempt(attacker, email, "guess", f"10.0.6.{n}")
        assert status in (401, 429)
    assert _attempt(attacker, email, "correct horse battery", "10.0.6.99")[0] == 429
    # The known device still gets in, from any address, with the right password.
    status, body, _ = _attempt(client, email, "correct horse battery", "10.0.7.1")
    assert status == 200 and body["token"]


def test_a_known_device_cookie_is_bound_to_its_accounts_and_cannot_be_forged(
    client: FlaskClient, buyer: Caller, producer: Caller
) -> None:
    assert _attempt(client, producer.user.email, "correct horse battery", "10.0.8.1")[0] == 200
    for n in range(10):  # known to the producer's account, not to the buyer's
        assert _attempt(client, buyer.user.email, "guess", f"10.0.8.{n + 2}")[0] == 401
    assert _attempt(client, buyer.user.email, "correct horse battery", "10.0.8.50")[0] == 429
    forged = FlaskClient(client.application)
    forged.set_cookie("ocop_device", "eyJkIjoieCIsImEiOltdfQ.forged.signature")
    assert _attempt(forged, buyer.user.email, "correct horse battery", "10.0.8.51")[0] == 429

"""Every cause of a 500 the audit found (issue #17), each answered with a clear 4xx now, on
SQLite and on PostgreSQL (which refuses a NUL byte and ids beyond 32 bits outright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.app import create_app
from matchmaker.db import make_engine
from matchmaker.extensions import db_session, get_database
from matchmaker.settings import Settings
from tests.conftest import POSTGRES_URL, create_database, drop_database
from tests.unit.api.conftest import Caller, MakeCaller

NUL = "a\x00b"
EVENT = {"name": "Hội chợ OCOP", "venue": "Nhà văn hóa tỉnh",
         "days": [{"date": "2027-03-01", "start": "08:00", "end": "12:00"}],
         "table_count": 5, "registration_deadline": "2027-02-20T17:00:00+07:00"}  # fmt: skip


def _offer(client: FlaskClient, producer: Caller) -> dict[str, Any]:
    body = {"title": "Mật ong rừng U Minh", "category": "food", "unit": "kg"}
    response = client.post("/api/v1/offers", json=body, headers=producer.headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()  # type: ignore[no-any-return]


def test_a_nul_byte_in_the_email_of_a_sign_in_is_a_coded_refusal(client: FlaskClient) -> None:
    response = client.post("/api/v1/auth/token", json={"email": NUL, "password": "x" * 10})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "field.control_character"


def test_a_nul_byte_in_the_email_on_the_sign_in_page_is_no_error(client: FlaskClient) -> None:
    from tests.unit.web.conftest import post_form

    response = post_form(client, "/signin", {"email": NUL, "password": "x" * 10})
    assert response.status_code < 500


def test_a_non_ascii_invite_code_is_a_mismatch(client: FlaskClient, buyer: Caller) -> None:
    body = {"email": "moi@sieuthi.vn", "password": "a long enough passphrase", "name": "Lan",
            "role": "buyer", "organization": {"id": buyer.organization_id,
                                              "invite_code": "mã-mời-ß"}}  # fmt: skip
    response = client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 422
    assert response.get_json()["code"] == "account.invite_code_mismatch"


@pytest.mark.parametrize(
    "path",
    ["/products/2147483648", "/api/v1/offers/2147483648", "/api/v1/events/99999999999999999999",
     "/buyer/requirements/2147483648", "/matches/9223372036854775808"],
)  # fmt: skip
def test_an_id_beyond_what_a_record_can_have_is_not_found(
    client: FlaskClient, buyer: Caller, path: str
) -> None:
    assert client.get(path, headers=buyer.headers).status_code == 404


def test_a_nul_byte_in_any_text_field_or_filter_is_refused(
    client: FlaskClient, make_caller: MakeCaller, buyer: Caller, producer: Caller
) -> None:
    officer = make_caller("officer")
    offer = _offer(client, producer)
    calls: list[tuple[str, str, Caller, dict[str, Any] | None]] = [
        ("POST", "/api/v1/offers", producer, {"title": NUL, "category": "food", "unit": "kg"}),
        ("PATCH", f"/api/v1/offers/{offer['id']}", producer, {"description": NUL}),
        ("POST", "/api/v1/requirements", buyer, {"title": NUL}),
        ("POST", "/api/v1/requirements", buyer, {"title": "Mật ong", "description": NUL}),
        ("PATCH", f"/api/v1/organizations/{buyer.organization_id}", buyer, {"address": NUL}),
        ("POST", "/api/v1/events", officer, {**EVENT, "venue": NUL}),
        ("POST", f"/api/v1/shortlist/offers/{offer['id']}", buyer, {"note": NUL}),
        ("GET", "/api/v1/offers?category=a%00b", buyer, None),
        ("GET", "/api/v1/offers?cursor=a%00b", buyer, None),
        ("GET", "/api/v1/requirements?status=a%00b", buyer, None),
        ("GET", "/api/v1/organizations?kind=a%00b", officer, None),
        ("GET", "/api/v1/search/offers?q=a%00b", buyer, None),
        ("GET", "/api/v1/search/offers?province=a%00b", buyer, None),
    ]
    for method, path, caller, body in calls:
        response = client.open(path, method=method, json=body, headers=caller.headers)
        assert response.status_code in (400, 404, 422), (method, path, response.status_code)


def test_deeply_nested_json_is_refused_before_anything_reads_it(
    client: FlaskClient, buyer: Caller
) -> None:
    for depth in (100_000, 40):
        response = client.post(
            "/api/v1/requirements",
            data="[" * depth + "]" * depth,
            content_type="application/json",
            headers=buyer.headers,
        )
        assert response.status_code == 400
        assert "nested" in response.get_json()["detail"]


@pytest.mark.parametrize("moment", ["-1.1754943508222875e-38", "0", "1733300000", " 12.5 "])
@pytest.mark.parametrize("path", ["/api/v1/offers", "/api/v1/requirements"])
def test_a_moment_written_as_a_number_is_refused_not_read_as_seconds_since_1970(
    client: FlaskClient, buyer: Caller, moment: str, path: str
) -> None:
    response = client.get(path, query_string={"updated_since": moment}, headers=buyer.headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"][0]["code"] == "field.date"
    written = client.get(path, query_string={"updated_since": "2026-01-01T00:00:00+07:00"},
                         headers=buyer.headers)  # fmt: skip
    assert written.status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_changes_since_the_beginning_or_end_of_time_is_a_clear_refusal(
    client: FlaskClient, buyer: Caller, moment: str
) -> None:
    response = client.get(
        "/api/v1/offers", query_string={"updated_since": moment}, headers=buyer.headers
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0] == {
        "field": "updated_since", "code": "field.date", "message": "Enter a date."
    }  # fmt: skip


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_event_deadline_in_year_one_or_9999_is_a_clear_refusal(
    client: FlaskClient, make_caller: MakeCaller, moment: str
) -> None:
    officer = make_caller("officer")
    body = {**EVENT, "registration_deadline": moment}
    response = client.post("/api/v1/events", json=body, headers=officer.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "registration_deadline"


# --- two edits of one version at the same moment --------------------------------------------


def _edited_meanwhile(sessions: sessionmaker[Session], table: str, row_id: int) -> None:
    """The next flush of the app finds the row changed by another transaction that committed
    between its read and its write: what the loser of two simultaneous edits meets."""

    @event.listens_for(sessions, "before_flush", once=True)
    def _other_edit(session: Session, *_: Any) -> None:
        session.connection().execute(
            text(f"UPDATE {table} SET version = version + 1 WHERE id = :id"), {"id": row_id}
        )


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_the_loser_of_two_edits_with_one_if_match_hears_412(
    client: FlaskClient, sessions: sessionmaker[Session], producer: Caller, method: str
) -> None:
    offer = _offer(client, producer)
    _edited_meanwhile(sessions, "offers", offer["id"])
    response = client.open(
        f"/api/v1/offers/{offer['id']}",
        method=method,
        json={"title": "Mật ong rừng loại một"} if method == "PATCH" else None,
        headers={**producer.headers, "If-Match": f'"v{offer["version"]}"'},
    )
    assert response.status_code == 412, response.get_data(as_text=True)
    assert response.get_json()["code"] == "record.changed_meanwhile"
    after = client.get(f"/api/v1/offers/{offer['id']}", headers=producer.headers).get_json()
    assert after["title"] == "Mật ong rừng U Minh" and after["status"] == "active"


@pytest.mark.parametrize("if_match", ["cJ@K3\\RZibLR0", "v3", '"3"', "*"])
def test_an_if_match_that_is_no_etag_of_this_api_is_a_bad_request(
    client: FlaskClient, buyer: Caller, if_match: str
) -> None:
    need = client.post("/api/v1/requirements", json={"title": "Mật ong rừng", "unit": "kg"},
                       headers=buyer.headers).get_json()  # fmt: skip
    response = client.patch(
        f"/api/v1/requirements/{need['id']}",
        json={"version": need["version"], "title": "Mật ong bạc hà"},
        headers={**buyer.headers, "If-Match": if_match},
    )
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["code"] == "record.bad_if_match"
    after = client.get(f"/api/v1/requirements/{need['id']}", headers=buyer.headers).get_json()
    assert after["title"] == "Mật ong rừng"


def test_the_loser_without_if_match_hears_409(
    client: FlaskClient, sessions: sessionmaker[Session], producer: Caller
) -> None:
    offer = _offer(client, producer)
    _edited_meanwhile(sessions, "offers", offer["id"])
    response = client.patch(
        f"/api/v1/offers/{offer['id']}", json={"title": "Khác"}, headers=producer.headers
    )
    assert response.status_code == 409
    assert response.get_json()["code"] == "record.changed_meanwhile"


# --- Redis down -----------------------------------------------------------------------------


@pytest.fixture
def redis_down_client(settings: Settings, sessions: sessionmaker[Session]) -> FlaskClient:
    values = settings.model_dump()
    values |= {"redis_url": "redis://127.0.0.1:1/0", "login_rate_limit": "5/minute"}
    app = create_app(Settings(**values))
    get_database(app).sessions = sessions
    return app.test_client()


def test_with_redis_down_sign_in_answers_and_still_limits_attempts(
    redis_down_client: FlaskClient, buyer: Caller
) -> None:
    email = buyer.user.email
    answers = [
        redis_down_client.post(
            "/api/v1/auth/token", json={"email": email, "password": "not the password"}
        ).status_code
        for _ in range(6)
    ]
    assert answers == [401] * 5 + [429]
    # Another account from another address signs in as usual.
    other = redis_down_client.post(
        "/api/v1/auth/token",
        json={"email": "nobody@example.vn", "password": "whatever it is"},
        environ_base={"REMOTE_ADDR": "10.1.1.1"},
    )
    assert other.status_code == 401


def test_with_redis_down_registration_answers(redis_down_client: FlaskClient) -> None:
    body = {"email": "lan@sieuthi.vn", "password": "a long enough passphrase", "name": "Lan",
            "role": "buyer", "organization": {"name": "Siêu thị Lan", "buyer_type": "supermarket",
                                              "province": "Huế"}}  # fmt: skip
    response = redis_down_client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)


# --- a connection lost as the request ends --------------------------------------------------


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own (terminating a backend is PostgreSQL's)."""
    url = create_database(f"{make_url(POSTGRES_URL).database}_teardown")
    yield url
    drop_database(url)


@pytest.fixture
def own_app(pg_database: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own connections (not the test's transaction), which a test may kill."""
    app = create_app(
        Settings(
            environment="testing",
            instance_path=tmp_path / "instance",
            database_url=pg_database,
            secret_key="test-secret",
        )
    )
    yield app
    get_database(app).engine.dispose()


@pytest.mark.postgres
def test_a_connection_killed_as_the_request_ends_does_not_turn_the_answer_into_an_error(
    own_app: Flask, pg_database: str
) -> None:
    killer = make_engine(pg_database)

    def read_then_lose_the_connection() -> str:
        session = db_session()
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return "read"

    own_app.add_url_rule("/read-and-lose", view_func=read_then_lose_the_connection)
    response = own_app.test_client().get("/read-and-lose")
    killer.dispose()
    assert response.status_code == 200 and response.get_data(as_text=True) == "read"

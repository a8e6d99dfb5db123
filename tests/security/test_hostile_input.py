"""Hostile values in every field of every operation and of every page form: NUL and other
control characters, direction overrides and zero-width text, line breaks, numbers beyond any
column, dates at the ends of the calendar, and JSON nested deeper than anything reads. None
may bring a 5xx: each is refused with a clear 4xx, or taken when it is harmless."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from matchmaker.accounts.models import User
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from matchmaker.db import unit_of_work
from matchmaker.extensions import get_database

HOSTILE: list[Any] = [
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\u202egnp.exe",
    "\u200b\u2060\ufeff",
    "one\r\ntwo",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31",
    2**31,
    2**63,
    -(2**63),
    1e308,
    "99999999999999999999",
]
DEEP = "[" * 5000 + "]" * 5000
ROLES = ("buyer", "producer", "officer")
# Safe stand-ins for a path's ids: one that exists in the demo data, one that cannot.
IDS = ("1", "2147483648")


def _token(app: Flask, role: str) -> str:
    with unit_of_work(get_database(app).sessions) as session:
        user = session.query(User).filter_by(email=DEMO_LOGINS[role]).one()
        raw, _ = issue_token(session, user, ttl=timedelta(hours=1))
    return raw


def _operations(client: FlaskClient) -> Iterator[tuple[str, str, dict[str, Any]]]:
    document = client.get("/api/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, operation


def _fields(operation: dict[str, Any], document: dict[str, Any]) -> tuple[list[str], list[str]]:
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    body: list[str] = []
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content:
        schema = content["schema"]
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        body = list(schema.get("properties", {}))
    return query, body


def _failures(responses: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(what, status) for what, status in responses if status >= 500]


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_field_of_every_operation(demo_app: Flask, role: str) -> None:
    client = demo_app.test_client()
    document = client.get("/api/openapi.json").get_json()
    headers = {"Authorization": f"Bearer {_token(demo_app, role)}"}
    seen: list[tuple[str, int]] = []
    for method, template, operation in _operations(client):
        if (method, template) in (("DELETE", "/api/v1/auth/token"),
                                  ("POST", "/api/v1/auth/password")):  # fmt: skip
            continue  # they end the session the rest of the walk needs
        query, body = _fields(operation, document)
        for record_id in IDS if "{" in template else IDS[:1]:
            path = re.sub(r"\{[^}]+\}", record_id, template)
            for value in HOSTILE:
                for name in query:
                    what = f"{method} {path}?{name}={value!r}"
                    response = client.open(
                        path, method=method, query_string={name: str(value)}, headers=headers
                    )
                    seen.append((what, response.status_code))
                for name in body:
                    what = f"{method} {path} {name}={value!r}"
                    response = client.open(path, method=method, json={name: value},
                                           headers=headers)  # fmt: skip
                    seen.append((what, response.status_code))
            if body:
                response = client.open(path, method=method, data=DEEP, headers=headers,
                                       content_type="application/json")  # fmt: skip
                seen.append((f"{method} {path} deep JSON", response.status_code))
                assert response.status_code in (400, 404)  # 404: an id no record can have
    assert len(seen) > 1000
    assert _failures(seen) == []


# --- every page form ------------------------------------------------------------------------

_FIELD = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def _page_forms(app: Flask) -> list[str]:
    """Every page route that takes a POST, as a path (ids filled in)."""
    rules = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/"):
            rules.append(rule.rule)
    return sorted(rules)


_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _signed_in(app: Flask, role: str) -> tuple[FlaskClient, str]:
    """A browser signed in as ``role``, and the CSRF token of its session (good for any form
    of the session, as a page's own would be)."""
    client = app.test_client()
    found = _TOKEN.search(client.get("/signin").get_data(as_text=True))
    assert found
    token = found.group(1)
    response = client.post(
        "/signin",
        data={"email": DEMO_LOGINS[role], "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    found = _TOKEN.search(client.get("/signin").get_data(as_text=True))
    return client, found.group(1) if found else token


@pytest.mark.parametrize("role", ROLES)
def test_hostile_values_in_every_field_of_every_page_form(demo_app: Flask, role: str) -> None:
    client, token = _signed_in(demo_app, role)
    templates = _page_forms(demo_app)
    assert len(templates) >= 15, templates
    seen: list[tuple[str, int]] = []
    for template in templates:
        if template in ("/signout", "/password", "/officer/users/<int:user_id>/active"):
            continue  # they end the session (or the demo users' accounts) the walk needs
        for record_id in IDS if "<" in template else IDS[:1]:
            path = re.sub(r"<(?:int:)?[^>]+>", record_id, template)
            page = client.get(path)
            names = (
                set(_FIELD.findall(page.get_data(as_text=True)))
                if page.status_code == 200
                else set()
            )
            names |= {"title", "name", "description", "email", "reason", "note", "q", "version"}
            for value in HOSTILE:
                data = {**{name: str(value) for name in names}, "csrf_token": token}
                response = client.post(path, data=data)
                seen.append((f"POST {path} {value!r}", response.status_code))
    statuses = Counter(status for _, status in seen)
    # Forms took the values in and answered with their messages (the token was good).
    assert statuses[200] + statuses[302] > 20, statuses
    assert len(seen) > 100
    assert _failures(seen) == []

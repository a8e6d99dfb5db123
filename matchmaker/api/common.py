"""Helpers every API module uses: committing, ETags, province filters, JSON responses."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Response
from pydantic import BaseModel

from matchmaker.errors import DomainError, Invalid, field_error
from matchmaker.extensions import db_session
from matchmaker.ranking import reference

# The documented responses of a route, as flask-openapi3 takes them.
Responses = dict[str | int | HTTPStatus, type[BaseModel] | dict[Any, Any] | None]

_ETAG = re.compile(r'^(?:W/)?"v(\d+)"$')


def commit() -> None:
    db_session().commit()


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(header: str | None, body_version: int | None = None) -> int | None:
    """The version the client edited: from If-Match (preferred) or the body's ``version``."""
    if header is None:
        return body_version
    match = _ETAG.match(header.strip())
    if match is None:
        # Not an ETag this API gives out: a malformed request (400), not a failed condition.
        raise DomainError("record.bad_if_match", header=header)
    return int(match.group(1))


def json(model: BaseModel, status: int = 200, *, version: int | None = None) -> Response:
    # pydantic writes the JSON itself, in one pass, rather than hand Flask a dict to encode.
    response = Response(model.model_dump_json(), status=status, mimetype="application/json")
    if version is not None:
        response.headers["ETag"] = etag(version)
    return response


def province_code(value: str | None, field: str = "province") -> str | None:
    if not value:
        return None
    match = reference.resolve_province(value)
    if match is None:
        raise Invalid(
            "request.invalid",
            fields=[field],
            errors=[field_error(field, "field.province", value=value)],
        )
    return match.province.code


def changes(model: BaseModel, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The fields the client actually sent (PATCH semantics)."""
    return model.model_dump(exclude_unset=True, exclude=exclude or set())

"""One mapping from failures to HTTP: problem+json (RFC 9457) under /api, plain pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, json, make_response, request
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from matchmaker.accounts.throttle import TooManyRequests
from matchmaker.errors import DomainError, StaleVersion, Unauthorized
from matchmaker.i18n import say, say_error
from matchmaker.inputs import invalid
from matchmaker.redaction import redact

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "status": status, "title": title, "detail": detail, **extra}
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def validation_problem(error: ValidationError) -> Response:
    """A 422 naming each offending field with its code, from pydantic's validation error."""
    refusal = invalid(error)
    errors = [
        {"field": e.field, "code": e.code, "message": say(e.code, e.params), **e.params}
        for e in refusal.errors
    ]
    return problem(422, "Invalid input", say_error(refusal), code=refusal.code, errors=errors)


# The API operations that take a file (multipart/form-data) rather than JSON.
MULTIPART_ENDPOINTS = "matchmaker.multipart_endpoints"


def _wants_problem() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page(status: int, detail: str | None = None) -> Response:
    """The web's friendly page for an error (registered by the web package)."""
    render = current_app.extensions["matchmaker.error_page"]
    return make_response(render(status, detail))


def _reject_malformed_json() -> Response | None:
    """A body that is not JSON gets a 400 that says so, before any handler parses it."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
        return None
    if request.mimetype == "multipart/form-data" and request.endpoint in current_app.extensions.get(
        MULTIPART_ENDPOINTS, ()
    ):
        return None  # an upload: its operation reads the form within its own size limit
    data = request.get_data(cache=True)
    if not data:
        return None
    if not request.is_json:
        return problem(415, "Unsupported Media Type", "Send the body as application/json.")
    try:
        body = json.loads(data)
    except ValueError as exc:
        return problem(400, "Malformed JSON", f"The body is not valid JSON: {exc}.")
    except RecursionError:  # nested deeper than the parser goes
        body = _TOO_DEEP
    if body is _TOO_DEEP or _depth(body) > MAX_JSON_DEPTH:
        return problem(
            400, "Malformed JSON", f"The body is nested more than {MAX_JSON_DEPTH} levels deep."
        )
    return None


# No request body of the API is nested more than a few levels; a deeper one is an attack on
# the parser and on the validators that walk it.
MAX_JSON_DEPTH = 32
_TOO_DEEP = object()


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend(
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def _malformed_id() -> str | None:
    """The segment of a path no route matched that would match one as a number: the caller
    meant an id (``/api/v1/offers/abc``) rather than a path that does not exist."""
    adapter = current_app.url_map.bind("")
    segments = request.path.split("/")
    for i, segment in enumerate(segments):
        if not segment or segment.isdigit():
            continue
        try:
            adapter.match("/".join([*segments[:i], "1", *segments[i + 1 :]]), request.method)
        except HTTPException:
            continue
        return segment
    return None


def register_error_handlers(app: Flask) -> None:
    app.before_request(_reject_malformed_json)

    @app.errorhandler(DomainError)
    def _domain(error: DomainError) -> Response:
        if not _wants_problem():
            return _page(error.status)
        extra: dict[str, Any] = {"code": error.code}
        if error.errors:
            extra["errors"] = [
                {"field": e.field, "code": e.code, "message": say(e.code, e.params), **e.params}
                for e in error.errors
            ]
        status, title = error.status, error.title
        if isinstance(error, StaleVersion) and "If-Match" in request.headers:
            status, title = 412, "Precondition failed"
        response = problem(status, title, say_error(error), **extra)
        if isinstance(error, Unauthorized):
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        if isinstance(error, TooManyRequests):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(StaleDataError)
    def _changed_meanwhile(_error: StaleDataError) -> Response:
        # Two edits of one version at once: both read it, the other's UPDATE came first and
        # ours matched no row. The loser hears what a late If-Match hears (412, or 409).
        return _domain(StaleVersion("record.changed_meanwhile"))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        if not _wants_problem():
            return _page(error.code or 500)
        status = error.code or 500
        detail = error.description or error.name
        if status == 404 and (bad_id := _malformed_id()) is not None:
            detail = f"{bad_id!r} is not an id: ids are whole numbers."
        response = problem(status, error.name, detail)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, redact(request.path))
        if not _wants_problem():
            return _page(500)
        return problem(500, "Internal Server Error", "Something went wrong on our side.")

"""The domain's error hierarchy, mapped once to problem+json (API) and friendly pages (web)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Invalid(DomainError):
    """Input that breaks a rule; ``errors`` names each offending field."""

    status = 422
    title = "Invalid input"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class StaleVersion(Conflict):
    """The client edited an older version than the one stored."""


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


def field_error(field: str, message: str, **extra: Any) -> dict[str, Any]:
    """One entry of ``Invalid.errors``."""
    return {"field": field, "message": message, **extra}

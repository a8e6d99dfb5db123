"""The domain's error hierarchy: a code and its parameters, never prose.

A service raises ``Invalid("offer.invalid", errors=[field_error("price", "field.min", min=0)])``;
the edge (problem+json, a page, an email, an export) renders the code in the reader's language
through Babel (:mod:`matchmaker.texts` holds each code's English message, the message id of the
catalogs). Nothing matches on an error's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One field that broke a rule: which field, the rule's code and what it needs to say."""

    field: str
    code: str
    params: dict[str, Any] = _field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "params": dict(self.params)}


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(
        self, code: str, /, *, errors: list[FieldProblem] | None = None, **params: Any
    ) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.errors: list[FieldProblem] = list(errors or [])

    def __str__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        fields = ", ".join(f"{e.field}:{e.code}" for e in self.errors)
        return " ".join(part for part in (self.code, extra, fields and f"[{fields}]") if part)


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


def field_error(field: str, code: str, /, **params: Any) -> FieldProblem:
    """One entry of ``Invalid.errors``."""
    return FieldProblem(field, code, params)

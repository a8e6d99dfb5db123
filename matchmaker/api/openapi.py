"""The OpenAPI document as clients need it: errors documented as application/problem+json."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import OpenAPI

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Any operation may answer these: malformed or oversized bodies, unknown routes, throttling.
COMMON_ERRORS = {
    "400": "Malformed request (e.g. a body that is not JSON)",
    "413": "Request body too large",
    "415": "The body is not application/json",
}


def operation_id(*, bp_name: str = "", name: str = "", path: str = "", method: str = "") -> str:
    """An operation's id is its handler's name (``list_offers``, ``requirement_matches``), what
    a generated client names its methods after; ``check_operation_ids`` keeps them unique."""
    return name


def check_operation_ids(spec: dict[str, Any]) -> None:
    seen: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            where = f"{method.upper()} {path}"
            other = seen.setdefault(operation["operationId"], where)
            if other != where:
                raise RuntimeError(
                    f"{where} and {other} have the same handler name, "
                    f"{operation['operationId']!r}: rename one"
                )


class MatchmakerOpenAPI(OpenAPI):
    @property
    def api_doc(self) -> dict[str, Any]:
        spec: dict[str, Any] = super().api_doc
        check_operation_ids(spec)
        for path in spec.get("paths", {}).values():
            for method, operation in path.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                for status, response in responses.items():
                    if str(status).startswith(("4", "5")):
                        response["content"] = {PROBLEM_JSON: {"schema": PROBLEM_REF}}
                for status, description in COMMON_ERRORS.items():
                    if method in ("post", "put", "patch") or status == "400":
                        responses.setdefault(
                            status,
                            {"description": description,
                             "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}},
                        )  # fmt: skip
        return spec

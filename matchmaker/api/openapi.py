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


class MatchmakerOpenAPI(OpenAPI):
    @property
    def api_doc(self) -> dict[str, Any]:
        spec: dict[str, Any] = super().api_doc
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

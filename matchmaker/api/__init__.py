"""The JSON API, v1: thin handlers that parse, call one service and serialise."""

from __future__ import annotations

from flask_openapi3 import OpenAPI

from matchmaker.errors_http import MULTIPART_ENDPOINTS


def register(app: OpenAPI) -> None:
    from matchmaker.api import (
        auth,
        claims,
        conversations,
        events,
        imports,
        matches,
        offers,
        organizations,
        quotes,
        reference,
        requirements,
        search,
        shortlist,
    )

    for module in (
        auth,
        offers,
        requirements,
        matches,
        search,
        shortlist,
        quotes,
        conversations,
        organizations,
        claims,
        reference,
        events,
        imports,
    ):
        app.register_api(module.build())
    app.extensions[MULTIPART_ENDPOINTS] = frozenset(
        {"api_imports.start_import", *conversations.UPLOADS}
    )

"""The JSON API, v1: thin handlers that parse, call one service and serialise."""

from __future__ import annotations

from flask_openapi3 import OpenAPI


def register(app: OpenAPI) -> None:
    from matchmaker.api import (
        auth,
        claims,
        events,
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
        organizations,
        claims,
        reference,
        events,
    ):
        app.register_api(module.build())

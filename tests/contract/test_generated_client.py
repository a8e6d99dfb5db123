"""A client generated from /api/openapi.json (openapi-python-client) walks the journey: the
document is complete enough for client code nobody wrote by hand."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from flask import Flask

from matchmaker.app import create_app
from matchmaker.settings import Settings

PACKAGE = "ocop_matchmaker_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package, generated once from a fresh app's document and imported."""
    folder = tmp_path_factory.mktemp("client")
    spec_app = create_app(Settings(environment="testing", instance_path=folder / "instance"))
    document = folder / "openapi.json"
    document.write_bytes(spec_app.test_client().get("/api/openapi.json").data)
    config = folder / "config.yml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(document),
         "--config", str(config), "--meta", "none", "--output-path", str(folder / PACKAGE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # Anything it had to leave out would be a gap in the document.
    assert "Warning" not in run.stdout, run.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _call(generated: ModuleType, operation: str, client: Any, **arguments: Any) -> Any:
    """Calls ``api/<tag>/<operation>.py``'s ``sync_detailed`` and returns the parsed body,
    failing with the response when the status is not a 2xx."""
    tag, name = operation.split(".")
    module = importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")
    response = module.sync_detailed(client=client, **arguments)
    assert 200 <= response.status_code < 300, (operation, response.status_code, response.content)
    return response.parsed


def _model(generated: ModuleType, name: str, data: dict[str, Any]) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name).from_dict(data)


def test_a_generated_client_walks_the_journey(generated: ModuleType, app: Flask) -> None:
    transport = httpx.WSGITransport(app=app)
    anonymous = generated.Client(base_url="http://testserver", httpx_args={"transport": transport})

    def signed_in(token: str) -> Any:
        return generated.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": transport}
        )

    def register(role: str, email: str, organization: dict[str, Any]) -> Any:
        body = _model(generated, "Registration", {
            "email": email, "password": "mật khẩu dài", "name": email.split("@")[0],
            "role": role, "organization": organization,
        })  # fmt: skip
        registered = _call(generated, "auth.register_account", anonymous, body=body)
        assert registered.user.role == role
        return signed_in(registered.token)

    producer = register("producer", "htx@trangbang.vn", {
        "name": "HTX Bánh tráng Trảng Bàng", "entity_type": "cooperative", "province": "Tay Ninh",
    })  # fmt: skip
    buyer = register("buyer", "mua-hang@coopmart.vn", {
        "name": "Saigon Co.op", "buyer_type": "supermarket", "province": "Tp. HCM",
    })  # fmt: skip

    offer = _call(
        generated, "offers.create_offer", producer,
        body=_model(generated, "OfferCreate", {
            "title": "Bánh tráng phơi sương Trảng Bàng", "category": "food.processed",
            "unit": "kg", "ocop_stars": 4, "ocop_certified_on": "2025-03-01",
            "monthly_capacity": 3000, "unit_price_vnd": 85000,
        }),
    )  # fmt: skip
    assert offer.province.code == "80"
    requirement = _call(
        generated, "requirements.create_requirement", buyer,
        body=_model(generated, "RequirementCreate", {
            "title": "Cần mua banh trang phoi suong 1 tấn/tháng", "quantity_per_month": 1,
            "unit": "ton", "min_ocop_stars": 3, "delivery_provinces": ["Bình Dương"],
        }),
    )  # fmt: skip

    matches = _call(
        generated, "requirements.requirement_matches", buyer,
        requirement_id=requirement.id, limit=5,
    )  # fmt: skip
    match = next(m for m in matches if m.offer.id == offer.id)
    assert match.status == "suggested" and 0 < match.score <= 1
    assert match.reasons and all(r.code and r.vi and r.en for r in match.reasons)

    answered = _call(
        generated, "matches.match_feedback", buyer, match_id=match.id,
        body=_model(generated, "Feedback", {"action": "accepted"}),
    )  # fmt: skip
    assert answered.status == "accepted"

    seen = _call(generated, "offers.offer_matches", producer, offer_id=offer.id)
    assert [(m.id, m.status) for m in seen if m.requirement.id == requirement.id] == [
        (match.id, "accepted")
    ]

    found = _call(generated, "search.search_offers", buyer, q="banh trang phoi suong")
    assert offer.id in [hit.offer.id for hit in found.items]
    assert found.facets

    # An error comes back as the document's Problem model.
    update_offer = importlib.import_module(f"{PACKAGE}.api.offers.update_offer")
    refused = update_offer.sync_detailed(
        client=buyer, offer_id=offer.id, body=_model(generated, "OfferPatch", {"unit_price_vnd": 1})
    )
    assert refused.status_code == 403
    assert refused.parsed.status == 403 and refused.parsed.detail

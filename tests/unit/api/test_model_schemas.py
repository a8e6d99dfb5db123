"""API models hand out a JSON schema made once per model and arguments."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel

from matchmaker.api import event_schemas as e
from matchmaker.api import schemas as s

REF = "#/components/schemas/{model}"


def _made(model: type[BaseModel], **kwargs: str) -> dict:  # type: ignore[type-arg]
    """The schema as pydantic itself makes it, past the kept copies."""
    return BaseModel.model_json_schema.__func__(model, **kwargs)  # type: ignore[attr-defined, no-any-return]


def test_the_kept_schema_is_the_one_pydantic_makes_and_cannot_be_changed_by_a_caller() -> None:
    for model in (s.SearchQuery, s.MatchQuery, s.OfferQuery, e.EventQuery, e.AgendaQuery,
                  s.OfferOut, s.OfferMatchList, e.EventCreate):  # fmt: skip
        for kwargs in ({}, {"ref_template": REF}, {"ref_template": REF, "mode": "serialization"}):
            handed = model.model_json_schema(**kwargs)
            assert handed == _made(model, **kwargs)
            handed["properties"] = {}
            assert model.model_json_schema(**kwargs) == _made(model, **kwargs)


def test_each_model_keeps_its_own_schema() -> None:
    assert set(s.PageQuery.model_json_schema()["properties"]) == {"limit", "cursor", "page"}
    assert "updated_since" in s.OfferQuery.model_json_schema()["properties"]
    assert "updated_since" not in s.PageQuery.model_json_schema()["properties"]


def test_a_second_model_of_a_name_in_the_project_is_refused() -> None:
    """The document keeps one schema per class name: a second one would replace the first
    for every operation that uses it (two Registration models once did just that)."""
    namespace: dict[str, Any] = {"__module__": "matchmaker.somewhere", "__qualname__": "Problem"}
    with pytest.raises(TypeError, match=r"matchmaker\.somewhere\.Problem and matchmaker\.api"):
        type("Problem", (s.Schema,), namespace)
    # Outside the project (here, a test module) a name may repeat.
    assert type("Problem", (s.Schema,), {"__module__": __name__}).__name__ == "Problem"


def test_account_registration_documents_its_own_body(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    body = spec["paths"]["/api/v1/auth/register"]["post"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][name]["properties"]) == {
        "email", "password", "name", "role", "organization",
    }  # fmt: skip

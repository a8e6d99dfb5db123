"""API models hand out a JSON schema made once per model and arguments."""

from pydantic import BaseModel

from matchmaker.api import schemas as s
from matchmaker.events import schemas as e

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

"""Query-string models hand flask-openapi3 a schema made once per model."""

from matchmaker.api import schemas as s
from matchmaker.events import schemas as e


def test_the_kept_schema_is_the_one_pydantic_makes_and_cannot_be_changed_by_a_caller() -> None:
    for model in (s.SearchQuery, s.MatchQuery, s.OfferQuery, e.EventQuery, e.AgendaQuery):
        made = model.model_json_schema(mode="validation")  # an argument: not the kept one
        handed = model.model_json_schema()
        assert handed == made
        handed["properties"].clear()
        assert model.model_json_schema() == made


def test_each_model_keeps_its_own_schema() -> None:
    assert set(s.PageQuery.model_json_schema()["properties"]) == {"limit", "cursor", "page"}
    assert "updated_since" in s.OfferQuery.model_json_schema()["properties"]
    assert "updated_since" not in s.PageQuery.model_json_schema()["properties"]

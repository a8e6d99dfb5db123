"""The catalog's input models carry its rules: a broken one is named by field and code,
whoever sends the values (a page, the API, an imported row)."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.catalog.inputs import OfferChanges, OfferInput, OrganizationInput, RequirementInput
from matchmaker.errors import Invalid
from matchmaker.inputs import parse


def test_an_offer_breaking_field_rules_names_each_field_by_code() -> None:
    with pytest.raises(Invalid) as refused:
        parse(OfferInput, {
            "title": "  ", "category": "socks", "unit": "kg", "ocop_stars": 6,
            "unit_price_vnd": -1, "monthly_capacity": 0, "shelf_life_days": 1.5,
            "certifications": ["vietgap", "moon"], "export_markets": ["usa"],
            "traceability_url": "qr code", "province": "Atlantis", "colour": "red",
        }, "offer.invalid")  # fmt: skip
    assert refused.value.code == "offer.invalid"
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("title", "field.required"),
        ("category", "field.choice"),
        ("ocop_stars", "offer.stars"),
        ("unit_price_vnd", "field.not_negative"),
        ("monthly_capacity", "field.positive"),
        ("shelf_life_days", "field.whole_number"),
        ("certifications", "field.unknown_codes"),
        ("export_markets", "field.countries"),
        ("traceability_url", "field.url"),
        ("province", "field.province"),
        ("colour", "field.unknown"),
    }


def test_a_province_in_any_spelling_is_stored_as_its_code_with_the_text_typed() -> None:
    offer = OfferInput.model_validate(
        {"title": "Mật ong", "category": "food", "unit": "kg", "province": "Tay Ninh"}
    )
    values = offer.values()
    assert (values["province"], values["province_text"]) == ("80", "Tay Ninh")
    assert values["status"] == "active" and values["certifications"] == []


def test_a_change_holds_only_the_fields_given() -> None:
    changes = OfferChanges.model_validate({"ocop_stars": 4, "status": None})
    assert changes.values() == {"ocop_stars": 4, "status": "active"}
    with pytest.raises(Invalid) as refused:
        parse(OfferChanges, {"title": None, "category": ""})
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("title", "field.required"),
        ("category", "field.required"),
    }


def test_a_requirement_open_until_a_past_day_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        parse(RequirementInput, {"title": "Trà", "valid_until": date(2000, 1, 1)})
    assert [(e.field, e.code) for e in refused.value.errors] == [("valid_until", "field.past_date")]


def test_an_organization_needs_a_kind_and_a_good_email() -> None:
    with pytest.raises(Invalid) as refused:
        parse(OrganizationInput, {"name": "HTX", "contact_email": "not-an-address"})
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("kind", "field.required"),
        ("contact_email", "field.email"),
    }

"""One set of rules for every text typed into the application: the API's bodies and filters,
the pages' forms, whatever the field (issue #17, item 9)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from matchmaker.accounts.models import User
from matchmaker.catalog.inputs import OrganizationInput, RequirementInput
from matchmaker.errors import Invalid
from matchmaker.events.inputs import NewEvent, Outcome
from matchmaker.inputs import parse
from tests.unit.api.conftest import Caller
from tests.unit.web.conftest import MakeUser, post_form, sign_in

REFUSED = [
    ("a title\x00with a NUL byte", "field.control_character"),
    ("a bell\x07", "field.control_character"),
    ("\u200b", "field.invisible"),
    ("\u200b\u200c\u2060 \ufeff", "field.invisible"),
    ("\u3164", "field.invisible"),
    ("Mật ong \u202egnor", "field.direction_control"),
    ("\u2066isolated\u2069", "field.direction_control"),
    ("two\nlines", "field.line_break"),
    ("two\rlines", "field.line_break"),
    ("two\u2028lines", "field.line_break"),
]


@pytest.mark.parametrize(("title", "code"), REFUSED)
def test_a_title_no_one_could_have_meant_is_refused_with_its_code(title: str, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse(RequirementInput, {"title": title})
    assert [(e.field, e.code) for e in refused.value.errors] == [("title", code)]


@pytest.mark.parametrize(
    "title", ["Mật ong rừng U Minh", "Trà \u200dxanh", "Cà phê\tRobusta", "Nước mắm 40°N"]
)
def test_ordinary_text_is_kept_as_typed(title: str) -> None:
    assert parse(RequirementInput, {"title": title}).title == title


def test_a_description_may_have_several_lines_but_no_control_characters() -> None:
    text = "Dòng một\r\nDòng hai\n\nDòng bốn"
    assert parse(RequirementInput, {"title": "Mật ong", "description": text}).description == text
    with pytest.raises(Invalid) as refused:
        parse(RequirementInput, {"title": "Mật ong", "description": "a\x00b"})
    assert refused.value.errors[0].code == "field.control_character"


def test_every_text_of_a_list_is_checked() -> None:
    with pytest.raises(Invalid) as refused:
        parse(RequirementInput, {"title": "Mật ong", "delivery_provinces": ["Huế", "A\x00"]})
    assert refused.value.errors[0].code == "field.control_character"


@pytest.mark.parametrize(
    "name",
    ["https://evil.example", "Visit www.evil.vn", "Hợp tác xã mattong.vn", "HTX ftp://x.y"],
)
def test_a_web_address_in_an_organization_name_is_refused(name: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse(OrganizationInput, {"kind": "buyer", "name": name})
    assert refused.value.errors[0].code == "field.no_links"


def test_an_organization_name_with_dots_that_are_no_address_is_kept() -> None:
    name = "Công ty TNHH T.M.D. Co.Ltd"
    assert parse(OrganizationInput, {"kind": "buyer", "name": name}).name == name


def test_an_event_name_with_a_line_break_is_refused_and_notes_may_have_them() -> None:
    event = {"name": "Hội chợ\nOCOP", "venue": "Nhà văn hóa",
             "days": [{"date": "2027-03-01", "start": "08:00", "end": "12:00"}],
             "table_count": 5, "registration_deadline": "2027-02-20T17:00:00+07:00"}  # fmt: skip
    with pytest.raises(Invalid) as refused:
        parse(NewEvent, event)
    assert [(e.field, e.code) for e in refused.value.errors] == [("name", "field.line_break")]
    assert parse(Outcome, {"notes": "Ký MoU\nĐơn đầu: 2 tấn"}).notes == "Ký MoU\nĐơn đầu: 2 tấn"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_deadline_in_year_one_or_9999_is_refused(moment: str) -> None:
    event = {"name": "Hội chợ", "venue": "Nhà văn hóa",
             "days": [{"date": "2027-03-01", "start": "08:00", "end": "12:00"}],
             "table_count": 5, "registration_deadline": moment}  # fmt: skip
    with pytest.raises(Invalid) as refused:
        parse(NewEvent, event)
    assert refused.value.errors[0].field == "registration_deadline"


# --- through the API, in the reader's language -------------------------------------------------


def test_the_api_names_the_field_and_says_why_in_english_and_vietnamese(
    client: FlaskClient, buyer: Caller
) -> None:
    for language, said in (("en", "only invisible characters"), ("vi", "chỉ có ký tự vô hình")):
        response = client.post(
            "/api/v1/requirements",
            json={"title": "\u200b"},
            headers={**buyer.headers, "Accept-Language": language},
        )
        assert response.status_code == 422
        (error,) = response.get_json()["errors"]
        assert error["field"] == "title" and error["code"] == "field.invisible"
        assert said in error["message"]


@pytest.mark.parametrize(
    "query",
    ["/api/v1/offers?category=a%00b", "/api/v1/offers?province=%E2%80%AEx",
     "/api/v1/search/offers?q=a%00b", "/api/v1/requirements?status=open%0A"],
)  # fmt: skip
def test_a_filter_follows_the_same_rules(client: FlaskClient, buyer: Caller, query: str) -> None:
    response = client.get(query, headers=buyer.headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"][0]["code"].startswith("field.")


def test_an_organization_renamed_to_a_link_is_refused_and_keeps_its_name(
    client: FlaskClient, buyer: Caller
) -> None:
    path = f"/api/v1/organizations/{buyer.organization_id}"
    before = client.get(path, headers=buyer.headers).get_json()["name"]
    response = client.patch(path, json={"name": "Nhấn vào evil.com"}, headers=buyer.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["code"] == "field.no_links"
    assert client.get(path, headers=buyer.headers).get_json()["name"] == before


# --- through the pages ----------------------------------------------------------------------


def test_the_requirement_form_says_so_and_stores_nothing(
    client: FlaskClient, make_user: MakeUser
) -> None:
    buyer: User = make_user("buyer")
    sign_in(client, buyer)
    response = post_form(client, "/buyer/requirements/new", {"title": "\u200b"})
    assert response.status_code in (200, 422)
    assert "only invisible characters" in response.get_data(as_text=True) or (
        "chỉ có ký tự vô hình" in response.get_data(as_text=True)
    )

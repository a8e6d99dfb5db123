"""An organization's profile page keeps the catalog's rules on organizations."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User

from .conftest import MakeUser, post_form, sign_in


def test_the_profile_is_saved_and_a_bad_email_is_named_on_its_field(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    producer = make_user("producer")
    sign_in(client, producer)
    form = {"name": "HTX Mật ong", "province": "80", "preferred_language": "vi"}
    refused = post_form(client, "/organization", {**form, "contact_email": "not-an-address"})
    assert refused.status_code == 200
    assert "HTX Mật ong" in refused.get_data(as_text=True)
    saved = post_form(client, "/organization", {**form, "contact_email": "htx@example.vn"})
    assert saved.status_code == 302
    organization = db.get(User, producer.id).organization  # type: ignore[union-attr]
    db.refresh(organization)
    assert (organization.name, organization.contact_email) == ("HTX Mật ong", "htx@example.vn")

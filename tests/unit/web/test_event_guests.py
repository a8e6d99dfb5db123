"""An officer fills an event: invitations by email, firms picked from the catalogue or named in
a spreadsheet; an invitee's link leads to signing up and then to the registration."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services as catalog
from matchmaker.events.inputs import EventDay, NewEvent
from matchmaker.events.invitations import InvitationLinks
from matchmaker.events.models import Event, EventEmail, EventParticipant
from matchmaker.events.registration import create_event
from matchmaker.extensions import get_settings

from .conftest import PASSWORD, MakeUser, csrf_token, post_form, sign_in


def _event(db: Session, officer: object) -> Event:
    data = NewEvent(
        name="Kết nối cung cầu Tây Ninh", venue="Nhà văn hóa tỉnh",
        days=[EventDay.model_validate({"date": "2030-10-01", "start": "08:00", "end": "10:00"})],
        table_count=4, registration_deadline=datetime.now(UTC) + timedelta(days=7),
    )  # fmt: skip
    event = create_event(db, officer.organization, data, timezone="Asia/Ho_Chi_Minh")  # type: ignore[attr-defined]
    db.commit()
    return event


def test_invitations_and_the_invitees_way_in(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer = make_user("officer")
    event = _event(db, officer)
    sign_in(client, officer)
    page = client.get(f"/events/{event.id}/invite").get_data(as_text=True)
    assert "Mời đơn vị" in page
    bad = post_form(
        client,
        f"/events/{event.id}/invite",
        {"emails": "a@b.vn khong-phai-email", "language": "vi"},
    )
    assert bad.status_code == 200 and "ten@example.vn" in bad.get_data(as_text=True)
    done = post_form(
        client, f"/events/{event.id}/invite",
        {"emails": "htx1@example.vn, htx2@example.vn", "language": "en"},
    )  # fmt: skip
    assert done.status_code == 302
    sent = db.scalars(select(EventEmail).where(EventEmail.kind == "invitation")).all()
    assert sorted(e.to_email for e in sent) == ["htx1@example.vn", "htx2@example.vn"]  # type: ignore[type-var]
    assert {e.payload["language"] for e in sent} == {"en"}

    settings = get_settings(app)
    token = InvitationLinks(settings.secret_key, settings.base_url).token(
        event.id, "htx1@example.vn"
    )
    visitor = app.test_client()
    joined = visitor.get(f"/events/{event.id}/join/{token}")
    assert (
        joined.status_code == 302
        and "/signup?email=htx1@example.vn&next=/events/" in joined.location
    )
    signup = visitor.get(joined.location).get_data(as_text=True)
    assert 'value="htx1@example.vn"' in signup
    broken = visitor.get(f"/events/{event.id + 1}/join/{token}")
    assert broken.status_code == 302 and "/signup" not in broken.location


def test_firms_from_the_catalogue_and_from_a_spreadsheet(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer = make_user("officer")
    event = _event(db, officer)
    producers = [make_user("producer", name=f"HTX Số {n}") for n in range(3)]
    for p in producers:
        catalog.create_offer(db, p.organization, {"title": f"Mật ong {p.name}", "category": "food",
                                                  "unit": "kg", "ocop_stars": 4})  # fmt: skip
    buyer = make_user("buyer", name="Bách Hóa Xanh")
    db.commit()
    sign_in(client, officer)
    page = client.get(f"/events/{event.id}/add").get_data(as_text=True)
    assert all(p.organization.name in page for p in producers) and "Bách Hóa Xanh" in page
    assert "Mật ong" in page  # the products each firm would bring
    chosen = [str(p.organization_id) for p in producers[:2]]
    done = post_form(client, f"/events/{event.id}/add", {"organization_id": chosen})
    assert done.status_code == 302
    added = db.scalars(select(EventParticipant).where(EventParticipant.event_id == event.id)).all()
    assert sorted(str(p.organization_id) for p in added) == sorted(chosen)
    assert all(p.status == "approved" for p in added)

    listed = f"{buyer.email}\n{producers[2].organization.name.lower()}\nkhong@co.vn\n"
    upload = client.post(
        f"/events/{event.id}/add/list",
        data={"csrf_token": csrf_token(client, f"/events/{event.id}/add"),
              "spreadsheet": (io.BytesIO(listed.encode()), "firms.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    text = upload.get_data(as_text=True)
    assert upload.status_code == 200 and "khong@co.vn" in text
    assert "/invite?emails=khong@co.vn" in text
    assert len(db.scalars(select(EventParticipant)).all()) == 4
    manage = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert 'class="data stack"' in manage and "Mật ong" in manage


def test_an_invited_firm_signs_in_and_its_registration_is_approved_at_once(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer = make_user("officer")
    event = _event(db, officer)
    invited, other = make_user("producer"), make_user("producer")
    for firm in (invited, other):
        catalog.create_offer(db, firm.organization, {"title": "Mật ong rừng", "category": "food",
                                                     "unit": "kg"})  # fmt: skip
    db.commit()
    settings = get_settings(app)
    token = InvitationLinks(settings.secret_key, settings.base_url).token(event.id, invited.email)

    joined = client.get(f"/events/{event.id}/join/{token}")
    assert "/signin?next=" in joined.location
    signed = post_form(client, joined.location,
                       {"email": invited.email, "password": PASSWORD})  # fmt: skip
    assert f"/events/{event.id}/register?invitation=" in signed.location
    offer_id = invited.organization.offers[0].id
    done = post_form(client, signed.location, {"offer_ids": str(offer_id)})
    assert done.status_code == 302
    mine = db.scalars(select(EventParticipant).where(
        EventParticipant.organization_id == invited.organization_id)).one()  # fmt: skip
    assert mine.status == "approved"

    # Someone else's invitation approves nobody.
    other_client = app.test_client()
    sign_in(other_client, other)
    page = f"/events/{event.id}/register?invitation={token}"
    offer_id = other.organization.offers[0].id
    assert post_form(other_client, page, {"offer_ids": str(offer_id)}).status_code == 302
    theirs = db.scalars(select(EventParticipant).where(
        EventParticipant.organization_id == other.organization_id)).one()  # fmt: skip
    assert theirs.status == "pending"

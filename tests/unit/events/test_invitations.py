"""Officers bring firms to an event: invitations by email with a signed registration link in
the invitee's language, and firms added from the catalogue or from a spreadsheet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services as catalog
from matchmaker.errors import Conflict, Invalid
from matchmaker.events import agendas, invitations
from matchmaker.events.inputs import Invitations, parse
from matchmaker.events.models import Event, EventEmail, EventParticipant
from matchmaker.events.schedule import SEND_EVENT_EMAILS
from matchmaker.notifications.links import Links
from matchmaker.outbox import OutboxMessage

from .conftest import NOW

BASE_URL = "https://matchmaker.example.vn"
LINKS = invitations.InvitationLinks("secret", BASE_URL)
BUILDER = agendas.EventEmailBuilder(Links("secret", BASE_URL, timedelta(days=60)), BASE_URL, LINKS)


def _firm(db: Session, kind: str, name: str, **values: object) -> User:
    org = catalog.create_organization(
        db, {"kind": kind, "name": name, "province": "Tây Ninh", **values}
    )
    if kind == "producer":
        catalog.create_offer(
            db, org, {"title": f"Sản phẩm của {name}", "category": "food", "unit": "kg"}
        )
    else:
        catalog.create_requirement(db, org, {"title": f"Nhu cầu của {name}"})
    slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum())
    return create_user(db, org, email=f"{slug}@firm.vn", name=name,
                       password="correct horse battery", role=kind)  # fmt: skip


def test_invitations_go_once_per_address_in_the_invitees_language(
    db: Session, event: Event
) -> None:
    known = _firm(db, "buyer", "Export Co", preferred_language="en")
    data = parse(
        Invitations, {"emails": ["New@Firm.vn", known.email, "new@firm.vn"], "language": "vi"}
    )
    done = invitations.invite(db, event, data, now=NOW)
    assert done.sent == ["new@firm.vn", known.email] and done.already == []
    assert invitations.invite(db, event, data, now=NOW).already == ["new@firm.vn", known.email]
    rows = {
        e.to_email: e for e in db.scalars(select(EventEmail).where(EventEmail.kind == "invitation"))
    }
    assert rows["new@firm.vn"].user_id is None
    queued = db.scalars(select(OutboxMessage).where(OutboxMessage.task == SEND_EVENT_EMAILS)).all()
    assert len(queued) == 1 and sorted(queued[0].kwargs["email_ids"]) == sorted(
        e.id for e in rows.values()
    )

    english = BUILDER.build(db, rows[known.email])
    vietnamese = BUILDER.build(db, rows["new@firm.vn"])
    assert english is not None and vietnamese is not None
    assert english.subject == f"Invitation: {event.name}" and english.to == known.email
    assert vietnamese.subject == f"Thư mời: {event.name}" and "Đăng ký tham dự" in vietnamese.text
    link = next(w for w in vietnamese.text.split() if w.startswith(f"{BASE_URL}/events/"))
    assert LINKS.load(event.id, link.rsplit("/", 1)[1]) == "new@firm.vn"
    with pytest.raises(invitations.BadInvitation):
        LINKS.load(event.id + 1, link.rsplit("/", 1)[1])
    with pytest.raises(invitations.BadInvitation):
        invitations.InvitationLinks("other", BASE_URL).load(event.id, link.rsplit("/", 1)[1])


def test_the_officer_may_write_in_one_language_for_everybody(db: Session, event: Event) -> None:
    known = _firm(db, "buyer", "Siêu thị Tây Ninh", preferred_language="vi")
    data = parse(Invitations, {"emails": [known.email], "language": "en", "force_language": True})
    invitations.invite(db, event, data, now=NOW)
    (row,) = db.scalars(select(EventEmail).where(EventEmail.kind == "invitation"))
    email = BUILDER.build(db, row)
    assert email is not None and email.language == "en"


def test_bad_addresses_and_closed_events_are_refused(db: Session, event: Event) -> None:
    with pytest.raises(Invalid) as refused:
        parse(Invitations, {"emails": ["a@b.vn", "not an email"]}, "invitation.invalid")
    assert [e.code for e in refused.value.errors] == ["field.email"]
    with pytest.raises(Invalid) as empty:
        parse(Invitations, {"emails": [" "]}, "invitation.invalid")
    assert [e.code for e in empty.value.errors] == ["invitation.no_email"]
    data = parse(Invitations, {"emails": ["a@b.vn"]})
    with pytest.raises(Conflict):
        invitations.invite(db, event, data, now=NOW + timedelta(days=30))


def test_firms_added_from_the_catalogue_take_part_at_once_with_what_they_offer(
    db: Session, event: Event
) -> None:
    names = ["Hợp tác xã Huế", "HTX Hà Nội", "Cơ sở Cà Mau", "Công ty Cao Bằng"]
    firms = [_firm(db, "producer", n) for n in names] + [_firm(db, "buyer", "Đại lý Đà Nẵng")]
    found = invitations.firms_to_add(db, event)
    assert [o.name for o in found] == [
        "Công ty Cao Bằng", "Cơ sở Cà Mau", "Đại lý Đà Nẵng", "Hợp tác xã Huế", "HTX Hà Nội",
    ]  # fmt: skip
    assert [o.name for o in invitations.firms_to_add(db, event, q="hue")] == ["Hợp tác xã Huế"]
    assert [o.name for o in invitations.firms_to_add(db, event, side="buyer")] == ["Đại lý Đà Nẵng"]
    hanoi = catalog.create_organization(
        db, {"kind": "producer", "name": "Xưởng Hà Nội", "province": "Hà Nội"}
    )
    # The officer's own province first; the event may be for firms from further away.
    assert invitations.firms_to_add(db, event, home=hanoi.province)[0].id == hanoi.id
    assert invitations.firms_to_add(db, event, home="80")[-1].id == hanoi.id

    ids = [f.organization_id for f in firms]
    added = invitations.add_participants(db, event, ids, now=NOW)
    assert len(added) == 5 and all(p.status == "approved" for p in added)
    producer = next(p for p in added if p.side == "producer")
    assert len(producer.offer_ids) == 1
    assert next(p for p in added if p.side == "buyer").requirement_ids
    assert invitations.add_participants(db, event, ids, now=NOW) == []  # already in
    assert [o.id for o in invitations.firms_to_add(db, event)] == [hanoi.id]
    with pytest.raises(Invalid):
        invitations.add_participants(db, event, [event.organization_id], now=NOW)


def test_a_spreadsheet_names_firms_by_email_or_name_and_unknown_lines_are_reported(
    db: Session, event: Event
) -> None:
    a = _firm(db, "producer", "HTX Mật ong Tân Biên")
    b = _firm(db, "buyer", "Bách Hóa Xanh", contact_email="mua@bhx.vn")
    data = "Email hoặc tên\nhtx mat ong tan bien\nMUA@bhx.vn\nai@khong.vn\nCông ty Không Có\n"
    rows = invitations.spreadsheet_rows("list.csv", data.encode("utf-8-sig"))
    firms = invitations.read_firm_list(db, rows)
    assert [o.id for o in firms.organizations] == [a.organization_id, b.organization_id]
    assert firms.unknown_emails == ["ai@khong.vn"]
    assert firms.unknown_names == ["Email hoặc tên", "Công ty Không Có"]
    with pytest.raises(Invalid) as unreadable:
        invitations.spreadsheet_rows("list.xlsx", b"not a workbook")
    assert [e.code for e in unreadable.value.errors] == ["participant.unreadable"]
    assert db.scalars(select(EventParticipant)).all() == []

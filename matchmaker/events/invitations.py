"""Officers bring firms to an event: an invitation by email with a signed registration link,
and firms added straight from the catalogue (or from a spreadsheet of their emails and names).

Services take the session and never commit; the use cases in :mod:`.access` do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.catalog.inputs import EMAIL
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.collation import sort_key
from matchmaker.errors import Invalid, field_error
from matchmaker.events.inputs import Invitations
from matchmaker.events.models import Event, EventEmail, EventParticipant
from matchmaker.events.registration import ensure_open, participant_of
from matchmaker.events.schedule import SEND_EVENT_EMAILS
from matchmaker.ranking.text import fold_key

# The most firms one search shows an officer to pick from.
PICK_LIMIT = 200
# The most lines a spreadsheet of firms may have.
MAX_LINES = 2500


class BadInvitation(Exception):
    """The link was tampered with or made for another event."""


class InvitationLinks:
    """Signed registration links: the event and the address invited, nothing else."""

    def __init__(self, secret_key: str, base_url: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="matchmaker.events.invitation")
        self._base_url = base_url.rstrip("/")

    def token(self, event_id: int, email: str) -> str:
        return self._serializer.dumps({"e": event_id, "a": email})

    def url(self, event_id: int, email: str) -> str:
        return f"{self._base_url}/events/{event_id}/join/{self.token(event_id, email)}"

    def load(self, event_id: int, token: str) -> str:
        """The invited address, when ``token`` was made for ``event_id``."""
        try:
            data = self._serializer.loads(token)
            if int(data["e"]) != event_id:
                raise BadInvitation("made for another event")
            return str(data["a"])
        except (BadData, KeyError, TypeError, ValueError) as exc:
            raise BadInvitation(str(exc)) from None


@dataclass
class Invited:
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def invite(session: Session, event: Event, data: Invitations, *, now: datetime) -> Invited:
    """Queues one invitation per address, each address once per event. A known account's
    organization gets it in its own language unless the officer chose one for everybody."""
    ensure_open(event, now)
    result = Invited()
    emails = []
    for address in data.emails:
        key = f"invitation:{event.id}:{address}"
        if session.scalar(select(EventEmail.id).where(EventEmail.idempotency_key == key)):
            result.already.append(address)
            continue
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        language: str = data.language
        if user is not None and not data.force_language:
            language = user.organization.preferred_language
        email = EventEmail(
            event_id=event.id, user_id=user.id if user else None, to_email=address,
            kind="invitation", idempotency_key=key, payload={"language": language},
        )  # fmt: skip
        session.add(email)
        emails.append(email)
        result.sent.append(address)
    session.flush()
    if emails:
        outbox.enqueue(session, SEND_EVENT_EMAILS, email_ids=[e.id for e in emails])
    return result


# --- firms from the catalogue ---------------------------------------------------------------


def firms_to_add(
    session: Session, event: Event, *, q: str = "", side: str | None = None, home: str | None = None
) -> list[Organization]:
    """Producers and buyers of the catalogue not yet in the event (from the provinces it is
    for, if it names any), by name or email words (diacritics optional): the officer's own
    province (``home``) first, each group in alphabet order."""
    query = select(Organization).where(Organization.kind.in_(("producer", "buyer")))
    if side in ("producer", "buyer"):
        query = query.where(Organization.kind == side)
    if event.target_provinces:
        query = query.where(Organization.province.in_(event.target_provinces))
    taken = select(EventParticipant.organization_id).where(EventParticipant.event_id == event.id)
    query = query.where(Organization.id.not_in(taken))
    words = fold_key(q).split()
    found = []
    for organization in session.scalars(query):
        text = fold_key(f"{organization.name} {organization.contact_email or ''}")
        if all(word in text for word in words):
            found.append(organization)
    found.sort(key=lambda o: (o.province != home, sort_key(o.name)))
    return found[:PICK_LIMIT]


def add_participants(
    session: Session, event: Event, organization_ids: Sequence[int], *, now: datetime
) -> list[EventParticipant]:
    """Registers the firms with their active offers or open requirements, approved at once
    (the officer chose them); a firm already registered is left as it is."""
    ensure_open(event, now)
    organizations = list(
        session.scalars(
            select(Organization).where(
                Organization.id.in_(organization_ids),
                Organization.kind.in_(("producer", "buyer")),
            )
        )
    )
    missing = sorted(set(organization_ids) - {o.id for o in organizations})
    if missing:
        raise Invalid(
            "participant.invalid",
            errors=[field_error("organization_ids", "participant.unknown_firms", ids=missing)],
        )
    added = []
    for organization in organizations:
        if participant_of(session, event, organization.id) is not None:
            continue
        participant = EventParticipant(
            event_id=event.id, organization_id=organization.id, side=organization.kind,
            status="approved", decided_at=now,
        )  # fmt: skip
        if organization.kind == "producer":
            participant.offer_ids = list(
                session.scalars(
                    select(Offer.id)
                    .where(Offer.organization_id == organization.id, Offer.status == "active")
                    .order_by(Offer.id)
                )
            )
        else:
            participant.requirement_ids = list(
                session.scalars(
                    select(Requirement.id)
                    .where(
                        Requirement.organization_id == organization.id,
                        Requirement.status == "open",
                    )
                    .order_by(Requirement.id)
                )
            )
        session.add(participant)
        added.append(participant)
    session.flush()
    return added


@dataclass
class FirmList:
    """What a spreadsheet of firms names: the firms found, and the lines that name none."""

    organizations: list[Organization] = field(default_factory=list)
    unknown_emails: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)


def read_firm_list(session: Session, rows: Iterable[Sequence[object]]) -> FirmList:
    """Firms named in a spreadsheet's cells, one per line: an email (the firm's contact or a
    member's sign-in) or an organization's name (diacritics and case optional)."""
    cells = []
    for n, row in enumerate(rows):
        if n >= MAX_LINES:
            raise Invalid(
                "participant.invalid",
                errors=[field_error("file", "participant.list_too_long", limit=MAX_LINES)],
            )
        text = next((str(c).strip() for c in row if c is not None and str(c).strip()), "")
        if text:
            cells.append(text)
    emails = [c.lower() for c in cells if EMAIL.match(c)]
    names = [c for c in cells if not EMAIL.match(c)]
    result = FirmList()
    by_email: dict[str, Organization] = {}
    if emails:
        for organization in session.scalars(
            select(Organization).where(func.lower(Organization.contact_email).in_(emails))
        ):
            by_email[(organization.contact_email or "").lower()] = organization
        for user in session.scalars(select(User).where(func.lower(User.email).in_(emails))):
            by_email.setdefault(user.email.lower(), user.organization)
    keys = {fold_key(n): n for n in names}
    by_name: dict[str, Organization] = {}
    if keys:
        for organization in session.scalars(
            select(Organization).where(
                or_(Organization.kind == "producer", Organization.kind == "buyer")
            )
        ):
            key = fold_key(organization.name)
            if key in keys:
                by_name.setdefault(key, organization)
    seen: set[int] = set()
    for cell in cells:
        found = by_email.get(cell.lower()) if EMAIL.match(cell) else by_name.get(fold_key(cell))
        if found is None:
            target = result.unknown_emails if EMAIL.match(cell) else result.unknown_names
            target.append(cell)
        elif found.id not in seen and found.kind in ("producer", "buyer"):
            seen.add(found.id)
            result.organizations.append(found)
    # A header line ("Email", "Tên đơn vị") names no firm: it is not worth reporting.
    if result.unknown_names and fold_key(result.unknown_names[0]) in _HEADERS:
        result.unknown_names.pop(0)
    return result


_HEADERS = {fold_key(h) for h in ("email", "e-mail", "tên", "tên đơn vị", "tên doanh nghiệp",
                                  "name", "organization", "tổ chức", "đơn vị")}  # fmt: skip


def csv_rows(data: bytes) -> list[list[object]]:
    """The rows of a CSV file in UTF-8 (with or without BOM) or Windows-1258."""
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid("participant.invalid", errors=[field_error("file", "participant.unreadable")])
    return [list(row) for row in csv.reader(io.StringIO(text))]


def spreadsheet_rows(filename: str, data: bytes) -> list[list[object]]:
    """The rows of an uploaded list: the first sheet of an XLSX workbook, or a CSV file."""
    if not filename.lower().endswith(".xlsx"):
        return list(csv_rows(data))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return [list(row) for _, row in zip(range(MAX_LINES + 1), rows, strict=False)]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise Invalid(
            "participant.invalid", errors=[field_error("file", "participant.unreadable")]
        ) from None

"""Agendas: what each participant's day looks like, as lines, a calendar file and an email.

Emails go through the notifications package's mailer and layout; an agenda email carries an
``.ics`` attachment that calendar apps import as one event per meeting.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.accounts.models import User
from matchmaker.db import unit_of_work, utcnow
from matchmaker.events.models import Event, EventEmail, EventParticipant, Meeting
from matchmaker.events.services import agenda
from matchmaker.notifications.emails import speak
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import (
    Mailer,
    OutgoingEmail,
    PermanentMailError,
    TransientMailError,
)

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "subject_agenda": "Lịch gặp của bạn tại {event}",
        "intro_agenda": "Đây là lịch gặp của {org} tại {event} ({venue}). Tệp lịch đính kèm "
        "thêm các buổi gặp vào lịch của bạn.",
        "no_meetings": "Hiện bạn chưa có buổi gặp nào trong lịch.",
        "table": "Bàn {table}",
        "with": "Gặp {org}",
        "subject_follow_up": "{event}: kết quả hợp tác với {org}?",
        "body_follow_up_mou": "Sau biên bản ghi nhớ (MoU) với {org} tại {event}: hai bên đã ký "
        "hợp đồng hoặc có đơn hàng đầu tiên chưa? Hãy cập nhật kết quả trên OCOP Matchmaker.",
        "body_follow_up_contract": "Sau hợp đồng với {org} tại {event}: đơn hàng đầu tiên đã "
        "được giao chưa? Hãy cập nhật kết quả trên OCOP Matchmaker.",
        "body_follow_up_first_order": "Sau đơn hàng đầu tiên với {org} từ {event}: hai bên có "
        "đặt hàng lại không? Hãy cập nhật kết quả trên OCOP Matchmaker.",
        "meeting_summary": "Gặp {org} — {event}",
    },
    "en": {
        "subject_agenda": "Your meetings at {event}",
        "intro_agenda": "Here are the meetings of {org} at {event} ({venue}). The attached "
        "calendar file adds them to your calendar.",
        "no_meetings": "You have no meeting in the schedule yet.",
        "table": "Table {table}",
        "with": "Meet {org}",
        "subject_follow_up": "{event}: how is it going with {org}?",
        "body_follow_up_mou": "After the MoU with {org} at {event}: have you signed a contract "
        "or placed a first order? Please update the outcome on OCOP Matchmaker.",
        "body_follow_up_contract": "After the contract with {org} at {event}: has the first "
        "order been delivered? Please update the outcome on OCOP Matchmaker.",
        "body_follow_up_first_order": "After the first order with {org} from {event}: is "
        "there a repeat order? Please update the outcome on OCOP Matchmaker.",
        "meeting_summary": "Meet {org} — {event}",
    },
}


def translator(language: str) -> Any:
    """The event words, falling back on the notification emails' (greeting, footer)."""
    table = TEXT.get(language, TEXT["vi"])

    def t(key: str, **values: Any) -> str:
        if key in table:
            return table[key].format(**values)
        with force_locale(language):
            return speak(key if key.startswith("email.") else f"email.{key}", **values)

    return t


@cache
def templates() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("matchmaker.events", "templates"),
                PackageLoader("matchmaker.notifications", "templates"),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class AgendaLine:
    meeting_id: int
    starts_at: datetime
    ends_at: datetime
    table_no: int
    other: str
    other_side: str


def agenda_lines(session: Session, participant: EventParticipant) -> list[AgendaLine]:
    lines = []
    for meeting in agenda(session, participant):
        request = meeting.request
        other = request.buyer if request.producer_id == participant.id else request.producer
        lines.append(
            AgendaLine(
                meeting.id, meeting.starts_at, meeting.ends_at, meeting.table_no,
                other.organization.name, other.side,
            )
        )  # fmt: skip
    return lines


def agenda_fingerprint(session: Session, participant: EventParticipant) -> str:
    """Changes whenever anything in the participant's agenda does."""
    text = "|".join(
        f"{line.meeting_id}@{line.starts_at.isoformat()}#{line.table_no}"
        for line in agenda_lines(session, participant)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def participant_users(session: Session, participant: EventParticipant) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.organization_id == participant.organization_id, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def agenda_calendar(
    event: Event, participant: EventParticipant, lines: Sequence[AgendaLine], host: str
) -> bytes:
    """The participant's meetings as an iCalendar file (one VEVENT per meeting)."""
    t = translator(participant.organization.preferred_language or "vi")
    calendar = Calendar()
    calendar.add("prodid", "-//OCOP Matchmaker//Connection events//VI")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", event.name)
    stamp = utcnow()
    for line in lines:
        entry = CalendarEvent()
        # One UID per meeting and participant: a re-sent agenda updates the same entries.
        entry.add("uid", f"meeting-{line.meeting_id}-p{participant.id}@{host}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", line.starts_at)
        entry.add("dtend", line.ends_at)
        entry.add("summary", t("meeting_summary", org=line.other, event=event.name))
        entry.add("location", f"{event.venue} — {t('table', table=line.table_no)}")
        entry.add("sequence", int(stamp.timestamp()))
        calendar.add_component(entry)
    return calendar.to_ical()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class EmailWithAttachments(OutgoingEmail):
    """An email whose text and HTML come with files (multipart/mixed around them)."""

    attachments: tuple[Attachment, ...] = field(default=())

    def as_message(self, sender: str) -> Message:
        body = super().as_message(sender)
        if not self.attachments:
            return body
        message = MIMEMultipart("mixed")
        for name, value in body.items():
            if name.lower() not in ("content-type", "mime-version"):
                message[name] = value
        alternative = MIMEMultipart("alternative")
        for part in body.get_payload():  # type: ignore[union-attr]
            alternative.attach(part)
        message.attach(alternative)
        for attachment in self.attachments:
            maintype, subtype = attachment.content_type.split("/", 1)
            part = MIMEBase(maintype, subtype, charset="utf-8")
            part.set_payload(attachment.data)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment", filename=attachment.filename)
            message.attach(part)
        return message


class EventEmailBuilder:
    def __init__(self, links: Links, base_url: str) -> None:
        self._links = links
        self._base_url = base_url
        self._host = urlsplit(base_url).hostname or "ocop-matchmaker"

    def build(self, session: Session, email: EventEmail) -> OutgoingEmail | None:
        """The email for ``email``, or None when there is nothing to send any more."""
        user = session.get(User, email.user_id)
        event = session.get(Event, email.event_id)
        if user is None or not user.is_active or event is None or event.cancelled_at:
            return None
        language = user.organization.preferred_language or "vi"
        t = translator(language)
        zone = ZoneInfo(event.timezone)
        context: dict[str, Any] = {
            "t": t, "language": language, "name": user.name, "event": event, "zone": zone,
            "preferences_url": self._links.url("preferences", user.id),
            "unsubscribe_url": self._links.url("unsubscribe", user.id),
            "agenda_url": f"{self._base_url.rstrip('/')}/events/{event.id}/agenda",
        }  # fmt: skip
        attachments: tuple[Attachment, ...] = ()
        if email.kind == "agenda":
            participant = session.get(EventParticipant, email.payload["participant_id"])
            if participant is None or participant.status != "approved":
                return None
            lines = agenda_lines(session, participant)
            context.update(lines=lines, org=participant.organization.name)
            subject = t("subject_agenda", event=event.name)
            template = "agenda"
            attachments = (
                Attachment(
                    f"agenda-{event.id}.ics",
                    "text/calendar",
                    agenda_calendar(event, participant, lines, self._host),
                ),
            )
        else:
            meeting = session.get(Meeting, email.payload["meeting_id"])
            if meeting is None or meeting.stage not in ("mou", "contract", "first_order"):
                return None
            request = meeting.request
            mine = request.producer if request.producer.organization_id == user.organization_id \
                else request.buyer  # fmt: skip
            other = request.buyer if mine is request.producer else request.producer
            org = other.organization.name
            subject = t("subject_follow_up", event=event.name, org=org)
            context["body"] = t(f"body_follow_up_{meeting.stage}", org=org, event=event.name)
            template = "follow_up"
        env = templates()
        digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]
        return EmailWithAttachments(
            to=user.email,
            subject=subject,
            text=env.get_template(f"email/{template}.txt").render(context),
            html=env.get_template(f"email/{template}.html").render(context, subject=subject),
            message_id=f"<{digest}@{self._host}>",
            language=language,
            attachments=attachments,
        )


def deliver(
    sessions: sessionmaker[Session],
    mailer: Mailer,
    builder: EventEmailBuilder,
    email_ids: Sequence[int],
) -> dict[str, int]:
    """Sends the pending emails among ``email_ids``; safe to run twice (sent ones are skipped,
    and the Message-ID is fixed per email)."""
    counts = {"sent": 0, "retrying": 0, "failed": 0, "cancelled": 0}
    for email_id in email_ids:
        with unit_of_work(sessions) as session:
            email = session.get(EventEmail, email_id, with_for_update=True)
            if email is None or email.state != "pending":
                continue
            outgoing = builder.build(session, email)
            if outgoing is None:
                email.state = "cancelled"
                counts["cancelled"] += 1
                continue
            email.attempts += 1
            try:
                mailer.send(outgoing)
            except TransientMailError as exc:
                email.last_error = str(exc)[:500]
                if email.attempts >= MAX_ATTEMPTS:
                    email.state = "failed"
                    counts["failed"] += 1
                else:
                    counts["retrying"] += 1
            except PermanentMailError as exc:
                email.state, email.last_error = "failed", str(exc)[:500]
                counts["failed"] += 1
                log.warning("event email %s not delivered: %s", email_id, exc)
            else:
                email.state, email.sent_at, email.last_error = "sent", utcnow(), None
                counts["sent"] += 1
    return counts


def pending_emails(session: Session) -> list[int]:
    """Event emails still to go out (a retry after a transient failure)."""
    return list(
        session.scalars(
            select(EventEmail.id).where(EventEmail.state == "pending").order_by(EventEmail.id)
        )
    )

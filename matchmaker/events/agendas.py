"""Agendas: what each participant's day looks like, as lines, a calendar file and an email.

Emails go through the notifications package's mailer and layout; an agenda email carries an
``.ics`` attachment that calendar apps import as one event per meeting.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email import encoders
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.db import unit_of_work, utcnow
from matchmaker.events.models import Event, EventEmail, EventParticipant, Meeting
from matchmaker.events.schedule import SEND_EVENT_EMAILS, AgendaLine, agenda_lines
from matchmaker.notifications import delivery
from matchmaker.notifications.delivery import DeliveryReport
from matchmaker.notifications.emails import language_of
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import Mailer, OutgoingEmail
from matchmaker.settings import NotificationSettings
from matchmaker.texts import N_
from matchmaker.translations import Voice, gettext, language

log = logging.getLogger(__name__)

# The words of event emails and calendar entries: English message ids that Babel translates
# in the recipient's language; the templates call them through ``t``.
WORDS: dict[str, str] = {
    "subject_agenda": N_("Your meetings at %(event)s"),
    "intro_agenda": N_(
        "Here are the meetings of %(org)s at %(event)s (%(venue)s). The attached calendar file "
        "adds them to your calendar."
    ),
    "no_meetings": N_("You have no meeting in the schedule yet."),
    "table": N_("Table %(table)s"),
    "with": N_("Meet %(org)s"),
    "subject_follow_up": N_("%(event)s: how is it going with %(org)s?"),
    "body_follow_up_mou": N_(
        "After the MoU with %(org)s at %(event)s: have you signed a contract or placed a first "
        "order? Please update the outcome on OCOP Matchmaker."
    ),
    "body_follow_up_contract": N_(
        "After the contract with %(org)s at %(event)s: has the first order been delivered? "
        "Please update the outcome on OCOP Matchmaker."
    ),
    "body_follow_up_first_order": N_(
        "After the first order with %(org)s from %(event)s: is there a repeat order? Please "
        "update the outcome on OCOP Matchmaker."
    ),
    "meeting_summary": N_("Meet %(org)s — %(event)s"),
}


@dataclass(frozen=True)
class Words:
    """An event email's words in its recipient's language (templates call :meth:`say` as
    ``t``); the layout's greeting and footer are the notification emails' own (``email.*``)."""

    voice: Voice

    def say(self, key: str, /, **values: Any) -> str:
        if key.startswith("email."):
            return self.voice.say(key, **values)
        return gettext(WORDS[key], self.voice.locale, **values)


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


def agenda_calendar(
    event: Event, participant: EventParticipant, lines: Sequence[AgendaLine], host: str
) -> bytes:
    """The participant's meetings as an iCalendar file (one VEVENT per meeting), in the
    participant's language."""
    t = Words(Voice(language(participant.organization.preferred_language))).say
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
        """The email for ``email`` in its recipient's language, or None when there is nothing
        to send any more."""
        user = session.get(User, email.user_id)
        event = session.get(Event, email.event_id)
        if user is None or not user.is_active or event is None or event.cancelled_at:
            return None
        # Times are on the event's clock, where the meetings take place.
        voice = Voice(language_of(user), ZoneInfo(event.timezone))
        t = Words(voice).say
        context: dict[str, Any] = {
            "t": t, "language": voice.locale, "name": user.name, "event": event,
            "date": voice.date, "clock": voice.clock,
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
            language=voice.locale,
            attachments=attachments,
        )


def deliver(
    sessions: sessionmaker[Session],
    mailer: Mailer,
    builder: EventEmailBuilder,
    email_ids: Sequence[int],
    config: NotificationSettings,
) -> DeliveryReport:
    """Sends the due emails among ``email_ids`` through the notifications' delivery path:
    claimed with a lease and committed before SMTP is spoken to, a transient failure retried
    with backoff up to ``config.max_attempts``. Safe to run twice (the Message-ID is fixed per
    email)."""
    report = DeliveryReport()
    with unit_of_work(sessions) as session:
        claimed_until = utcnow() + timedelta(seconds=config.sending_lease_seconds)
        emails: dict[int, OutgoingEmail] = {}
        for email in delivery.claim(session, EventEmail, email_ids):
            outgoing = builder.build(session, email)
            if outgoing is None:
                email.state, email.claimed_until = "cancelled", None
                report.cancelled.append(email.id)
                continue
            delivery.hold(email, claimed_until)
            emails[email.id] = outgoing
    delivery.send_claimed(sessions, mailer, EventEmail, emails, claimed_until, config, report)
    return report


def sweep(session: Session, config: NotificationSettings, *, limit: int = 1000) -> list[int]:
    """Queues the event emails that are due and that no live task holds (a retry after a
    transient failure, a sender that died)."""
    ids = delivery.take_due(session, EventEmail, config, limit=limit)
    for start in range(0, len(ids), config.batch_size):
        outbox.enqueue(session, SEND_EVENT_EMAILS, email_ids=ids[start : start + config.batch_size])
    return ids

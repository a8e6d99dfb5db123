"""Agendas: what each participant's day looks like, as lines, a calendar file and an email.

Emails go through the notifications package's mailer and layout; an agenda email carries an
``.ics`` attachment that calendar apps import as one event per meeting.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
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
from matchmaker.events.invitations import InvitationLinks
from matchmaker.events.models import Event, EventEmail, EventParticipant, Meeting
from matchmaker.events.schedule import SEND_EVENT_EMAILS, AgendaLine, agenda_lines
from matchmaker.notifications import delivery
from matchmaker.notifications.delivery import DeliveryReport
from matchmaker.notifications.emails import language_of
from matchmaker.notifications.links import Links
from matchmaker.notifications.mail import Mailer, OutgoingEmail
from matchmaker.settings import NotificationSettings
from matchmaker.texts import N_
from matchmaker.translations import (
    Voice,
    day,
    gettext,
    language,
    moment,
    reference_name,
)

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
    "subject_invitation": N_("Invitation: %(event)s"),
    "hello_invitee": N_("Hello,"),
    "body_invitation": N_(
        "%(agency)s invites your firm to %(event)s, a supply-demand connection event at "
        "%(venue)s on %(days)s. Producers and buyers meet one to one at tables, on a schedule "
        "made for them."
    ),
    "how_to_register": N_(
        "Register by %(deadline)s with the link below (you can create an account on the way): "
        "say which products you bring or what you need to buy."
    ),
    "register": N_("Register for the event"),
    "footer_invitation": N_(
        "You receive this email because an officer of %(agency)s invited this address."
    ),
    "with_whom": N_("With %(org)s (%(side)s)"),
    "side_buyer": N_("buyer"),
    "side_producer": N_("producer"),
    "about_offer": N_("Product: %(offer)s"),
    "about_requirement": N_("Need: %(requirement)s"),
    "contact": N_("Contact: %(contact)s"),
    "details": N_("Agenda and details: %(url)s"),
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
    event: Event,
    participant: EventParticipant,
    lines: Sequence[AgendaLine],
    base_url: str,
    locale: str | None = None,
) -> bytes:
    """The participant's meetings as an iCalendar file (one VEVENT per meeting) in ``locale``
    (the reader's; the participant's language when not given). Each entry says whom to meet,
    at which table, about which product and need, how to reach them, and links to the agenda."""
    words = Words(Voice(language(locale or participant.organization.preferred_language)))
    t = words.say
    host = urlsplit(base_url).hostname or "ocop-matchmaker"
    agenda_url = f"{base_url.rstrip('/')}/events/{event.id}/agenda"
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
        entry.add(
            "description", _description(words, line, f"{agenda_url}#meeting-{line.meeting_id}")
        )
        entry.add("url", agenda_url)
        entry.add("sequence", int(stamp.timestamp()))
        calendar.add_component(entry)
    return calendar.to_ical()


def _description(words: Words, line: AgendaLine, url: str) -> str:
    t = words.say
    side = t("side_buyer") if line.other_side == "buyer" else t("side_producer")
    province = line.other_province
    where = f", {reference_name('province', province, words.voice.locale)}" if province else ""
    parts = [t("with_whom", org=line.other, side=side) + where, t("table", table=line.table_no)]
    if line.offer:
        parts.append(t("about_offer", offer=line.offer))
    if line.requirement:
        parts.append(t("about_requirement", requirement=line.requirement))
    if line.contact:
        parts.append(t("contact", contact=" · ".join(line.contact)))
    parts.append(t("details", url=url))
    return "\n".join(parts)


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
    def __init__(
        self, links: Links, base_url: str, invitations: InvitationLinks | None = None
    ) -> None:
        self._links = links
        self._base_url = base_url
        self._host = urlsplit(base_url).hostname or "ocop-matchmaker"
        self._invitations = invitations

    def build(self, session: Session, email: EventEmail) -> OutgoingEmail | None:
        """The email for ``email`` in its recipient's language, or None when there is nothing
        to send any more."""
        if email.kind == "invitation":
            return self._invitation(session, email)
        user = session.get(User, email.user_id) if email.user_id is not None else None
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
                    agenda_calendar(event, participant, lines, self._base_url, voice.locale),
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

    def _invitation(self, session: Session, email: EventEmail) -> OutgoingEmail | None:
        event = session.get(Event, email.event_id)
        if event is None or event.cancelled_at or self._invitations is None or not email.to_email:
            return None
        voice = Voice(language(email.payload.get("language")), ZoneInfo(event.timezone))
        t = Words(voice).say
        subject = t("subject_invitation", event=event.name)
        days = ", ".join(
            sorted({day(date.fromisoformat(d["date"]), voice.locale) for d in event.days})
        )
        context: dict[str, Any] = {
            "t": t, "language": voice.locale, "event": event, "subject": subject,
            "agency": event.organization.name, "days": days,
            "deadline": moment(event.registration_deadline, voice.locale, voice.zone),
            "register_url": self._invitations.url(event.id, email.to_email),
        }  # fmt: skip
        env = templates()
        digest = hashlib.sha256(email.idempotency_key.encode()).hexdigest()[:32]
        return EmailWithAttachments(
            to=email.to_email,
            subject=subject,
            text=env.get_template("email/invitation.txt").render(context),
            html=env.get_template("email/invitation.html").render(context),
            message_id=f"<{digest}@{self._host}>",
            language=voice.locale,
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

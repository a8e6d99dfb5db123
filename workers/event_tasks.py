"""Connection event tasks: sending agendas and follow-ups, and the event housekeeping. Thin:
ids in, one use case, follow-up work queued through the outbox; safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from celery import shared_task

from matchmaker.db import begin_writing, utcnow
from matchmaker.events import access, agendas
from matchmaker.events.invitations import InvitationLinks
from matchmaker.events.schedule import SEND_EVENT_EMAILS
from matchmaker.extensions import get_database, get_notifier, get_settings

log = logging.getLogger(__name__)


def _builder() -> agendas.EventEmailBuilder:
    settings = get_settings()
    invitations = InvitationLinks(settings.secret_key, settings.base_url)
    return agendas.EventEmailBuilder(get_notifier().links, settings.base_url, invitations)


@shared_task(name=SEND_EVENT_EMAILS)
def send_event_emails(email_ids: list[int]) -> dict[str, int]:
    report = agendas.deliver(
        get_database().sessions,
        get_notifier().mailer,
        _builder(),
        email_ids,
        get_settings().notifications,
    )
    counts = {name: len(ids) for name, ids in vars(report).items()}
    log.info("event emails: %s", counts)
    return counts


@shared_task(name="maintenance.event_housekeeping")
def event_housekeeping() -> int:
    """Expires unanswered meeting requests, asks about deals whose follow-up is due, and
    retries event emails a transient failure held back."""
    config = get_settings().notifications
    today = datetime.now(ZoneInfo(config.timezone)).date()
    with get_database().sessions() as session:
        begin_writing(session)
        done = access.housekeeping(session, config, now=utcnow(), today=today)
    log.info("events: %d request(s) expired, %d follow-up(s), %d email(s) queued again",
             done.expired, done.follow_ups, done.retried)  # fmt: skip
    return done.expired + done.follow_ups

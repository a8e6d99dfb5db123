"""Connection event tasks: sending agendas and follow-ups, expiring requests, planning
follow-up reminders. Thin: ids in, one unit of work, one service call; safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from celery import shared_task

from matchmaker.db import unit_of_work, utcnow
from matchmaker.events import agendas, services
from matchmaker.extensions import get_database, get_notifier, get_settings

log = logging.getLogger(__name__)


def _builder() -> agendas.EventEmailBuilder:
    settings = get_settings()
    return agendas.EventEmailBuilder(get_notifier().links, settings.base_url)


@shared_task(name=services.SEND_EVENT_EMAILS)
def send_event_emails(email_ids: list[int]) -> dict[str, int]:
    counts = agendas.deliver(get_database().sessions, get_notifier().mailer, _builder(), email_ids)
    log.info("event emails: %s", counts)
    return counts


@shared_task(name="maintenance.event_housekeeping")
def event_housekeeping() -> int:
    """Expires unanswered meeting requests, asks about deals whose follow-up is due, and
    retries event emails a transient failure held back."""
    today = datetime.now(ZoneInfo(get_settings().notifications.timezone)).date()
    with unit_of_work(get_database().sessions) as session:
        expired = services.expire_requests(session, now=utcnow())
        follow_ups = services.follow_ups_due(session, today=today)
        retry = [i for i in agendas.pending_emails(session) if i not in {e.id for e in follow_ups}]
    if retry:
        send_event_emails.delay(retry)
    log.info("events: %d request(s) expired, %d follow-up(s)", expired, len(follow_ups))
    return expired + len(follow_ups)

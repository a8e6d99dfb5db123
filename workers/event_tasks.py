"""Connection event tasks: sending agendas and follow-ups, expiring requests, planning
follow-up reminders. Thin: ids in, one unit of work, one service call; safe to run twice."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from celery import shared_task

from matchmaker.db import unit_of_work, utcnow
from matchmaker.events import agendas, services
from matchmaker.extensions import get_database, get_settings
from matchmaker.notifications import get_notifier

log = logging.getLogger(__name__)


def _builder() -> agendas.EventEmailBuilder:
    settings = get_settings()
    return agendas.EventEmailBuilder(get_notifier().links, settings.base_url)


@shared_task(name=services.SEND_EVENT_EMAILS)
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
    with unit_of_work(get_database().sessions) as session:
        expired = services.expire_requests(session, now=utcnow())
        # Before the follow-ups: those it creates are queued by the outbox already.
        retried = agendas.sweep(session, config)
        follow_ups = services.follow_ups_due(session, today=today)
    log.info("events: %d request(s) expired, %d follow-up(s), %d email(s) queued again",
             expired, len(follow_ups), len(retried))  # fmt: skip
    return expired + len(follow_ups)

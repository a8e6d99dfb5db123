"""Thin tasks: ids in, one unit of work, one service call. Each is safe to run twice."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from celery import chord, shared_task

from matchmaker import outbox
from matchmaker.accounts.page_sessions import purge_page_sessions
from matchmaker.catalog.services import open_requirement_ids
from matchmaker.db import unit_of_work, utcnow
from matchmaker.extensions import get_database, get_notifier, get_ranking, get_settings
from matchmaker.matching import training
from matchmaker.notifications import (
    alerts,
    delivery,
    digests,
    introductions,
    order_notices,
    quote_notices,
    reminders,
)

log = logging.getLogger(__name__)


def _today() -> date:
    """Today where the users are (digests and reminders follow the local calendar)."""
    return datetime.now(ZoneInfo(get_settings().notifications.timezone)).date()


@shared_task(name=outbox.REQUIREMENT_CHANGED)
def requirement_changed(requirement_id: int) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = alerts.alert_for_requirement(
            session, get_ranking(), requirement_id, get_settings().notifications, today=_today()
        )
    log.info("requirement %s matched: %d email(s) to send", requirement_id, len(created))
    return len(created)


@shared_task(name=outbox.OFFER_CHANGED)
def offer_changed(offer_id: int) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = alerts.alert_for_offer(
            session, get_ranking(), offer_id, get_settings().notifications, today=_today()
        )
    log.info("offer %s matched: %d email(s) to send", offer_id, len(created))
    return len(created)


@shared_task(name=outbox.OFFERS_CHANGED)
def offers_changed(offer_ids: list[int]) -> int:
    """The offers an import's batch changed: each matched in a unit of work of its own, so
    that on SQLite the write lock is held for one offer's matching at a time."""
    created = 0
    for offer_id in offer_ids:
        with unit_of_work(get_database().sessions) as session:
            created += len(
                alerts.alert_for_offer(
                    session, get_ranking(), offer_id, get_settings().notifications, today=_today()
                )
            )
    log.info("%d offers matched: %d email(s) to send", len(offer_ids), created)
    return created


@shared_task(name=outbox.SEND_NOTIFICATIONS)
def send_notifications(notification_ids: list[int]) -> dict[str, int]:
    notifier = get_notifier()
    report = delivery.deliver(
        get_database().sessions,
        notifier.mailer,
        notifier.builder,
        notification_ids,
        get_settings().notifications,
    )
    counts = {name: len(ids) for name, ids in vars(report).items()}
    log.info("sent %(sent)d, retrying %(retrying)d, failed %(failed)d, cancelled %(cancelled)d",
             counts)  # fmt: skip
    return counts


@shared_task(name=outbox.MATCH_ACCEPTED)
def match_accepted(match_id: int, accepted_by_id: int) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = introductions.introduce(
            session, match_id, accepted_by_id, get_settings().notifications
        )
    log.info("match %s accepted: %d introduction email(s) to send", match_id, len(created))
    return len(created)


@shared_task(name=outbox.QUOTE_CHANGED)
def quote_changed(quote_id: int, event: str, revision: int, user_id: int) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = quote_notices.tell(
            session, quote_id, event, revision, user_id, get_settings().notifications
        )
    log.info("quote %s %s: %d email(s) to send", quote_id, event, len(created))
    return len(created)


@shared_task(name=outbox.ORDER_RECORDED)
def order_recorded(order_id: int) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = order_notices.tell(session, order_id, get_settings().notifications)
    log.info("order %s recorded: %d email(s) to send", order_id, len(created))
    return len(created)


@shared_task(name="matching.rematch_all")
def rematch_all() -> int:
    """The nightly full re-match, split in chunks that run on any worker in parallel."""
    with get_database().sessions() as session:
        ids = open_requirement_ids(session, today=_today())
    size = get_settings().worker.rematch_chunk_size
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    if chunks:
        chord(rematch_chunk.s(chunk) for chunk in chunks)(rematch_done.s())
    log.info("re-matching %d requirement(s) in %d chunk(s)", len(ids), len(chunks))
    return len(chunks)


@shared_task(name="matching.rematch_chunk", ignore_result=False)
def rematch_chunk(requirement_ids: list[int]) -> int:
    created = 0
    config, today = get_settings().notifications, _today()
    for requirement_id in requirement_ids:
        # One transaction per requirement: one bad row does not undo the chunk.
        with unit_of_work(get_database().sessions) as session:
            new = alerts.alert_for_requirement(
                session, get_ranking(), requirement_id, config, today=today
            )
        created += len(new)
    return created


@shared_task(name="matching.rematch_done")
def rematch_done(created: list[int]) -> int:
    total = sum(created)
    log.info("nightly re-match done: %d new email(s) from %d chunk(s)", total, len(created))
    return total


@shared_task(name="maintenance.send_digests")
def send_digests(period: str) -> int:
    with unit_of_work(get_database().sessions) as session:
        created = digests.build_digests(
            session, period, get_settings().notifications, today=_today()
        )
    log.info("%s digests: %d", period, len(created))
    return len(created)


@shared_task(name="maintenance.send_reminders")
def send_reminders() -> int:
    with unit_of_work(get_database().sessions) as session:
        created = reminders.send_reminders(session, get_settings().notifications, today=_today())
    log.info("reminders: %d", len(created))
    return len(created)


@shared_task(name="maintenance.train_ranker")
def train_ranker() -> str:
    """The nightly training; a model is promoted only through the gate, and running
    processes rank with it within a minute."""
    with unit_of_work(get_database().sessions) as session:
        run = training.train_nightly(session, get_settings().effective_models_path)
    log.info("ranker trained on %d example(s): %s (%s)", run.examples, run.reason, run.version)
    return run.reason


@shared_task(name="maintenance.housekeeping")
def housekeeping() -> int:
    with unit_of_work(get_database().sessions) as session:
        purged = outbox.purge_completed(session, utcnow() - timedelta(days=7))
        sessions = purge_page_sessions(session, utcnow() - timedelta(days=1))
    log.info("housekeeping: %d finished outbox row(s), %d ended page session(s) purged",
             purged, sessions)  # fmt: skip
    return purged

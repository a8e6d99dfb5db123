"""The officer's list import, run as a job on the worker."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task

from matchmaker.db import unit_of_work, utcnow
from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports.jobs import RECOVER_STALLED, RUN_IMPORT, recover_stalled, run_job

log = logging.getLogger(__name__)


@shared_task(name=RUN_IMPORT)
def run_import(job_id: int) -> str | None:
    settings = get_settings()
    job = run_job(
        get_database().sessions,
        lambda session: open_store(settings, session),
        job_id,
        limits=settings.imports,
    )
    state = job.state if job is not None else None
    log.info("import job %s: %s", job_id, state)
    return state


@shared_task(name=RECOVER_STALLED)
def recover_stalled_imports() -> int:
    minutes = get_settings().imports.stalled_after_minutes
    with unit_of_work(get_database().sessions) as session:
        found = recover_stalled(session, now=utcnow(), stalled_after=timedelta(minutes=minutes))
    if found:
        log.info("stalled import jobs: %s", ", ".join(str(job.id) for job in found))
    return len(found)

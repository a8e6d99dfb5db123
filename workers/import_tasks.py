"""The officer's list import, run as a job on the worker."""

from __future__ import annotations

import logging

from celery import shared_task

from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports.jobs import RUN_IMPORT, run_job

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

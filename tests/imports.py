"""The worker's part of a list import, for tests that drive the import through the API or the
pages: every queued or interrupted job run as the ``imports.run`` task runs it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports.jobs import run_job
from matchmaker.imports.models import ImportJob


def run_queued_imports(app: Flask, db: Session) -> None:
    settings = get_settings(app)
    for job_id in db.scalars(
        select(ImportJob.id).where(ImportJob.state.in_(("queued", "importing")))
    ):
        with app.app_context():
            run_job(get_database(app).sessions, lambda s: open_store(settings, s), job_id)

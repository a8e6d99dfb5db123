"""A job whose worker died mid-run (killed, the machine restarted) does not stay "running"
for ever: the beat's look for stalled imports starts a preview again (once) and fails an
import with the reason, which the officer reads on the job's page. Each run is the scheduled
task as beat hands it to a worker; the tasks it queues run as the relay and a worker would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer
from matchmaker.db import utcnow
from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports import jobs
from matchmaker.imports.models import ImportJob
from matchmaker.outbox import Envelope, relay_once
from tests.unit.web.conftest import MakeUser, make_user, sign_in

__all__ = ["make_user"]

LIST = "Tên sản phẩm,Chủ thể,Tỉnh,Nhóm,Hạng sao\n" + "".join(
    f"Bánh tráng số {n},HTX Bánh tráng {n % 4},Tây Ninh,Thực phẩm chế biến,4\n" for n in range(12)
)


class WorkerKilled(BaseException):
    """The worker process dies: nothing of the task's own runs after this."""


def _killed(done: int, total: int) -> None:
    if done:
        raise WorkerKilled


def _run(app: Flask, job_id: int, *, dies: bool = False) -> None:
    settings = get_settings(app)
    with app.app_context():
        jobs.run_job(
            get_database(app).sessions,
            lambda s: open_store(settings, s),
            job_id,
            on_progress=_killed if dies else None,
        )


def _beat(app: Flask) -> None:
    """The schedule's entry run as beat runs it, then what it queued, as a worker does."""
    celery_app = app.extensions["celery"]
    celery_app.loader.import_default_modules()
    entry = celery_app.conf.beat_schedule["stalled-imports"]
    celery_app.tasks[entry["task"]].apply(kwargs=entry.get("kwargs", {})).get()
    queued: list[Envelope] = []
    relay_once(get_database(app).sessions, queued.extend, lease=timedelta(minutes=10),
               grace=timedelta(0))  # fmt: skip
    for envelope in queued:
        if envelope.task == jobs.RUN_IMPORT:
            _run(app, envelope.kwargs["job_id"])


def _silent_for(db: Session, job_id: int, minutes: float) -> None:
    """Time passes: the job's last sign of progress was this long ago."""
    then = utcnow() - timedelta(minutes=minutes)
    db.execute(
        update(ImportJob).where(ImportJob.id == job_id).values(heartbeat_at=then, started_at=then)
    )
    db.commit()


@pytest.fixture
def officer(make_user: MakeUser) -> User:
    return make_user("officer")


def _start(app: Flask, db: Session, officer: User, *, preview: bool = True) -> ImportJob:
    store = open_store(get_settings(app), db)
    job = jobs.start_import(db, store, officer, file_name="banh-trang.csv", data=LIST.encode(),
                            preview=preview, queue=False)  # fmt: skip
    db.commit()
    return job


def test_a_preview_whose_worker_died_is_started_again_and_finishes(
    app: Flask, db: Session, officer: User
) -> None:
    job = _start(app, db, officer)
    with pytest.raises(WorkerKilled):
        _run(app, job.id, dies=True)
    db.refresh(job)
    assert job.state == "previewing" and job.attempts == 1

    _silent_for(db, job.id, 5)
    _beat(app)  # five quiet minutes: it may still be working
    db.refresh(job)
    assert job.state == "previewing"

    _silent_for(db, job.id, 11)
    _beat(app)
    db.refresh(job)
    assert (job.state, job.attempts, job.rows_done) == ("previewed", 2, 12)
    assert job.report is not None and job.report["created"] == 12


def test_an_import_whose_worker_died_fails_with_the_reason_on_its_page(
    app: Flask, client: FlaskClient, db: Session, officer: User
) -> None:
    job = _start(app, db, officer, preview=False)
    with pytest.raises(WorkerKilled):
        _run(app, job.id, dies=True)
    _silent_for(db, job.id, 11)
    _beat(app)

    db.refresh(job)
    assert (job.state, job.error_code) == ("failed", "import.stalled_import")
    assert job.finished_at is not None
    sign_in(client, officer)
    page = client.get(f"/officer/imports/{job.id}").get_data(as_text=True)
    assert "không có tiến triển trong 10 phút" in page
    assert 'http-equiv="refresh"' not in page  # no longer shown as running
    # What it wrote before it died is kept; nothing was written twice.
    written = db.scalars(select(Offer.title).where(Offer.title.like("Bánh tráng số %"))).all()
    assert len(written) == len(set(written)) < 12

    _beat(app)  # a failed job is left alone
    db.refresh(job)
    assert job.state == "failed"


def test_a_preview_that_stalls_twice_fails_with_the_reason(
    app: Flask, db: Session, officer: User
) -> None:
    job = _start(app, db, officer)
    for _ in range(2):
        with pytest.raises(WorkerKilled):
            _run(app, job.id, dies=True)
        _silent_for(db, job.id, 11)
        celery_app = app.extensions["celery"]
        celery_app.loader.import_default_modules()
        celery_app.tasks[jobs.RECOVER_STALLED].apply().get()
        db.refresh(job)
    assert (job.state, job.error_code, job.attempts) == ("failed", "import.stalled_preview", 2)
    # (rows done of total as last written: which depends on when the worker died)
    assert job.error_params is not None and job.error_params["minutes"] == 10
    assert set(job.error_params) == {"done", "total", "minutes"}

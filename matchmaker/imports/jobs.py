"""Import jobs: start one, fix a row of its preview, confirm it, and run it.

The page, the API and the command line start a job with :func:`start_import` (the uploaded
file goes into the file store in the same unit of work as the job); the worker, or the
command line in its own process, runs it with :func:`run_job`. Progress is written in short
transactions of their own, and the rows' outcomes after the run, so that a reader in any
process sees rows done of total without waiting for the import.

On SQLite (the embedded default) two more things keep the database's single write lock free
for the pages and the worker: a preview runs on a snapshot of the database (SQLite's backup
API) rather than in one transaction over the whole list that it rolls back at the end, and a
progress write that would have to wait for the import's own lock is skipped, never waited for.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts import permissions as can
from matchmaker.accounts.models import User
from matchmaker.catalog.importer import (
    ImportReport,
    RowKey,
    RowOutcome,
    check_list,
    import_offers,
)
from matchmaker.db import make_engine, make_session_factory, transaction, unit_of_work, utcnow
from matchmaker.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, field_error
from matchmaker.files.store import FileStore
from matchmaker.imports.models import ImportJob, ImportRow
from matchmaker.ranking import reference
from matchmaker.settings import ImportSettings

log = logging.getLogger(__name__)

# The task that runs a job (on the maintenance queue: it is neither matching nor email).
RUN_IMPORT = "imports.run"
# The beat's look for jobs whose worker died (on the maintenance queue, as periodic tasks are).
RECOVER_STALLED = "maintenance.recover_stalled_imports"
KEY_PREFIX = "import-jobs/"
# Progress is written at most this often (and once at the end).
PROGRESS_EVERY_SECONDS = 0.5
# Row outcomes are stored this many to a transaction.
OUTCOMES_PER_TRANSACTION = 1000
ROWS_PER_PAGE = 50

OpenStore = Callable[[Session], FileStore]
Progress = Callable[[int, int], None]


# --- use cases --------------------------------------------------------------------------------


def _staff(user: User) -> None:
    if user.role not in ("officer", "admin"):
        raise Forbidden("import.staff_only")


def _scope(user: User | None) -> str | None:
    """The province an officer imports for; None for an admin or the command line."""
    return None if user is None or can.is_admin(user) else can.officer_scope(user)


def _file_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in base)
    return safe.strip("._")[:100] or "list.xlsx"


@transaction
def start_import(
    session: Session,
    store: FileStore,
    user: User | None,
    *,
    file_name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
    province: str | None = None,
    sheet: str | None = None,
    preview: bool = True,
    queue: bool = True,
    limits: ImportSettings | None = None,
) -> ImportJob:
    """Keeps the file and queues its preview (or, with ``preview=False``, its import).

    ``user`` None is the command line, which may name the ``province`` of rows that name
    none; an officer's province is their own, whatever they ask. A file the import could not
    read at all (over a limit, not a spreadsheet, no header with the required columns) is
    refused here, from its first rows, with the coded reason; nothing is kept then."""
    if user is not None:
        _staff(user)
        province = _scope(user)
    elif province:
        match = reference.resolve_province(province)
        if match is None:
            raise Invalid("import.unknown_default_province", value=province)
        province = match.province.code
    name = _file_name(file_name)
    with _local_copy(name, data) as path:
        check_list(path, sheet=sheet, limits=limits)
    key = f"{KEY_PREFIX}{secrets.token_hex(12)}/{name}"
    store.put(key, data, content_type)
    job = ImportJob(
        user_id=user.id if user else None,
        user_name=user.name if user else "",
        province=province,
        file_name=name,
        file_key=key,
        sheet=sheet,
        state="queued",
        writes=not preview,
        rows_done=0,
        rows_total=0,
        overrides={},
    )
    session.add(job)
    session.flush()
    if queue:
        outbox.enqueue(session, RUN_IMPORT, job_id=job.id)
    return job


def visible_job(session: Session, user: User, job_id: int) -> ImportJob:
    """A job the user may see: an officer's of their province, any for an admin."""
    _staff(user)
    job = session.get(ImportJob, job_id)
    if job is None or (not can.is_admin(user) and job.province != _scope(user)):
        raise NotFound("import.not_found", job_id=job_id)
    return job


def list_jobs(session: Session, user: User, *, limit: int = 100) -> list[ImportJob]:
    """Past and running imports, newest first: an officer's province's, or all for an admin."""
    return job_history(session, user, per_page=limit)[0]


def job_history(
    session: Session, user: User, *, page: int = 1, per_page: int = 100
) -> tuple[list[ImportJob], int]:
    """One page of :func:`list_jobs`, and how many there are in all."""
    _staff(user)
    query = select(ImportJob)
    if not can.is_admin(user):
        scope = _scope(user)
        query = query.where(
            ImportJob.province.is_(None) if scope is None else ImportJob.province == scope
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    found = session.scalars(
        query.order_by(ImportJob.id.desc()).offset((max(page, 1) - 1) * per_page).limit(per_page)
    )
    return list(found), total


def job_rows(
    session: Session, job: ImportJob, *, page: int = 1, per_page: int = ROWS_PER_PAGE,
    action: str | None = None,
) -> tuple[list[ImportRow], int]:  # fmt: skip
    """One page of the job's row outcomes in row order, and how many there are in all."""
    query = select(ImportRow).where(ImportRow.job_id == job.id)
    if action == "review":
        query = query.where(ImportRow.needs_review.is_(True))
    elif action:
        query = query.where(ImportRow.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(ImportRow.row).offset((max(page, 1) - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def all_rows(session: Session, job: ImportJob) -> list[ImportRow]:
    return list(
        session.scalars(select(ImportRow).where(ImportRow.job_id == job.id).order_by(ImportRow.row))
    )


def _previewed(job: ImportJob) -> None:
    if job.state != "previewed":
        raise Conflict("import.not_previewed", state=job.state)


def _category(value: str) -> str:
    found = reference.resolve_category(value)
    if found is None or "." not in found.code:
        raise Invalid(
            "import.invalid_choice",
            errors=[field_error("category", "import.unknown_group", value=value)],
        )
    return found.code


@transaction
def choose_group(
    session: Session, user: User, job_id: int, row_id: int, category: str
) -> ImportRow:
    """The officer's sub-group for a row of the preview (``row_id``: its :class:`ImportRow`);
    the import takes it."""
    job = visible_job(session, user, job_id)
    _previewed(job)
    code = _category(category)
    item = session.scalar(
        select(ImportRow).where(ImportRow.job_id == job.id, ImportRow.id == row_id)
    )
    if item is None or item.action == "rejected":
        raise NotFound("import.row_not_found", row=item.row if item else row_id)
    job.overrides = {**job.overrides, override_key(item.sheet, item.row): code}
    item.category = code
    item.needs_review = False
    item.details = {**item.details, "chosen": True}
    return item


@transaction
def confirm_import(
    session: Session,
    user: User,
    job_id: int,
    overrides: Mapping[int, str] | None = None,
    *,
    queue: bool = True,
) -> ImportJob:
    """Queues the import of a previewed list, with the officer's choices of groups."""
    job = visible_job(session, user, job_id)
    _previewed(job)
    chosen = {str(row): _category(value) for row, value in (overrides or {}).items()}
    job.overrides = {**job.overrides, **chosen}
    job.state, job.writes, job.started_at = "importing", True, None
    job.rows_done = 0
    if queue:
        outbox.enqueue(session, RUN_IMPORT, job_id=job.id)
    return job


def override_key(sheet: str | None, row: int) -> str:
    """How a job keeps the officer's choice for a row: "17", or "Huyện A:17" when the list
    had several sheets (Excel allows no ":" in a sheet's name)."""
    return f"{sheet}:{row}" if sheet else str(row)


def _row_key(key: str) -> RowKey:
    sheet, _, row = key.rpartition(":")
    return (sheet, int(row)) if sheet else int(row)


# --- running a job ----------------------------------------------------------------------------


def run_job(
    sessions: sessionmaker[Session],
    open_store: OpenStore,
    job_id: int,
    *,
    on_progress: Progress | None = None,
    today: date | None = None,
    limits: ImportSettings | None = None,
) -> ImportJob | None:
    """Runs a queued preview or import; safe to run twice (a job already taken is left)."""
    with unit_of_work(sessions) as session:
        now = utcnow()
        # Taken in one statement: of two workers handed the same job, one runs it.
        taken = session.execute(
            update(ImportJob)
            .where(
                ImportJob.id == job_id,
                ImportJob.state.in_(("queued", "importing")),
                ImportJob.started_at.is_(None),
            )
            .values(started_at=now, heartbeat_at=now, attempts=ImportJob.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        job = session.get(ImportJob, job_id, populate_existing=True)
        if job is None or not taken.rowcount:  # type: ignore[attr-defined]
            return job
        blob = open_store(session).get(job.file_key)
        job.state = "importing" if job.writes else "previewing"
        if blob is None:
            _fail(job, "import.file_gone")
            return job
        settings = (job.file_name, job.province, job.sheet, job.writes, dict(job.overrides),
                    job.user_id)  # fmt: skip
    file_name, province, sheet, writes, overrides, actor_id = settings
    progress = _ProgressWriter(sessions, job_id, on_progress)
    try:
        with _local_copy(file_name, blob.data) as path, _work_sessions(sessions, writes) as work:
            report = import_offers(
                work,
                path,
                default_province=province,
                sheet=sheet,
                dry_run=not writes,
                progress=progress,
                overrides={_row_key(key): code for key, code in overrides.items()},
                today=today,
                actor_id=actor_id,
                limits=limits,
                committed=progress.committed,
            )
    except DomainError as error:
        return _finish_failed(sessions, job_id, error.code, error.params)
    except Exception:
        log.exception("import job %s failed", job_id)
        return _finish_failed(sessions, job_id, "import.failed", {})
    finally:
        progress.close()
    _store_outcomes(sessions, job_id, report.outcomes)
    with unit_of_work(sessions) as session:
        job = session.get_one(ImportJob, job_id)
        job.rows_total = job.rows_done = len(report.outcomes)
        job.report = summary(report)
        if writes:
            job.state, job.finished_at = "done", utcnow()
        else:
            job.state, job.previewed_at = "previewed", utcnow()
    return job


# --- jobs whose worker died -------------------------------------------------------------------

# A stalled preview is started again this many times in all; an import is not (see below).
MAX_ATTEMPTS = 2


def recover_stalled(
    session: Session, *, now: datetime, stalled_after: timedelta
) -> list[ImportJob]:
    """Running jobs that showed no progress for ``stalled_after``: their worker died (the
    task's time limit, a killed process, a restarted machine). A preview writes nothing, so
    it is queued again, once; an import is failed with that reason: the rows it wrote are
    kept, and importing the file again finishes it (those rows then count as unchanged,
    which a report run again from the start would misstate as its own work)."""
    stalled = list(
        session.scalars(
            select(ImportJob)
            .where(
                ImportJob.state.in_(("previewing", "importing")),
                ImportJob.started_at.is_not(None),
                func.coalesce(ImportJob.heartbeat_at, ImportJob.started_at) < now - stalled_after,
            )
            .with_for_update(skip_locked=True)
        )
    )
    minutes = round(stalled_after.total_seconds() / 60)
    for job in stalled:
        if not job.writes and job.attempts < MAX_ATTEMPTS:
            job.state, job.started_at, job.heartbeat_at = "queued", None, None
            job.rows_done = 0
            outbox.enqueue(session, RUN_IMPORT, job_id=job.id)
            log.warning("import job %s: no progress for %s min; previewing it again", job.id,
                        minutes)  # fmt: skip
        else:
            code = "import.stalled_import" if job.writes else "import.stalled_preview"
            _fail(job, code, {"done": job.rows_done, "total": job.rows_total, "minutes": minutes})
            log.warning("import job %s: no progress for %s min; failed", job.id, minutes)
    return stalled


def _fail(job: ImportJob, code: str, params: Mapping[str, Any] | None = None) -> None:
    job.state, job.finished_at = "failed", utcnow()
    job.error_code, job.error_params = code, jsonable(dict(params or {}))


def _finish_failed(
    sessions: sessionmaker[Session], job_id: int, code: str, params: Mapping[str, Any]
) -> ImportJob:
    with unit_of_work(sessions) as session:
        job = session.get_one(ImportJob, job_id)
        _fail(job, code, params)
    return job


@contextmanager
def _local_copy(file_name: str, data: bytes) -> Iterator[Path]:
    """The stored file on this machine's disk, for the spreadsheet readers; gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="matchmaker-import-") as folder:
        path = Path(folder) / file_name
        path.write_bytes(data)
        yield path


def _sqlite_file(sessions: sessionmaker[Session]) -> Engine | None:
    """The engine when the sessions reach an SQLite file through an engine of their own."""
    bind = sessions.kw.get("bind")
    if (
        isinstance(bind, Engine)
        and bind.dialect.name == "sqlite"
        and bind.url.database not in (None, "", ":memory:")
    ):
        return bind
    return None


@contextmanager
def _work_sessions(
    sessions: sessionmaker[Session], writes: bool
) -> Iterator[sessionmaker[Session]]:
    """Where the import runs: the database itself, or for a preview on an SQLite file a
    snapshot of it, so that the preview (whose changes are rolled back at the end) never holds
    the database's write lock while it reads the whole list."""
    engine = _sqlite_file(sessions)
    if writes or engine is None:
        yield sessions
        return
    with tempfile.TemporaryDirectory(prefix="matchmaker-preview-") as folder:
        copy = Path(folder) / "preview.sqlite"
        source, target = sqlite3.connect(str(engine.url.database)), sqlite3.connect(copy)
        try:
            source.backup(target)  # one read transaction: a consistent copy; writers go on
        finally:
            source.close()
            target.close()
        snapshot = make_engine(f"sqlite:///{copy}")
        try:
            yield make_session_factory(snapshot)
        finally:
            snapshot.dispose()


class _ProgressWriter:
    """Writes rows done of total, at most every ``PROGRESS_EVERY_SECONDS``, in a transaction of
    its own. On SQLite it never waits for the lock (the import may be holding it between two
    of its commits): the write is skipped and the next one brings the figure up to date."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int, echo: Progress | None):
        self.job_id, self.echo = job_id, echo
        self.tried = self.last = 0.0  # when a write was last tried, and last done
        engine = _sqlite_file(sessions)
        self.engine = (
            make_engine(engine.url.render_as_string(hide_password=False),
                        connect_args={"timeout": 0}) if engine is not None else None
        )  # fmt: skip
        self.sessions = make_session_factory(self.engine) if self.engine else sessions

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.tried >= PROGRESS_EVERY_SECONDS:
            self.tried = now
            self._write(done, total)
        if self.echo:
            self.echo(done, total)

    def committed(self, done: int, total: int) -> None:
        """A batch was committed: on SQLite the moment the figure can be written (during a
        batch the import holds the write lock); also the job's sign of life."""
        if time.monotonic() - self.last >= PROGRESS_EVERY_SECONDS:
            self._write(done, total)

    def _write(self, done: int, total: int) -> None:
        try:
            with self.sessions() as session, session.begin():
                session.execute(
                    update(ImportJob)
                    .where(ImportJob.id == self.job_id)
                    .values(rows_done=done, rows_total=total, heartbeat_at=utcnow())
                )
            self.last = time.monotonic()
        except OperationalError:  # SQLite's lock is the import's own: the next write will do
            log.debug("import job %s: progress %d/%d not written now", self.job_id, done, total)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def _store_outcomes(
    sessions: sessionmaker[Session], job_id: int, outcomes: list[RowOutcome]
) -> None:
    with unit_of_work(sessions) as session:
        session.execute(delete(ImportRow).where(ImportRow.job_id == job_id))
    for start in range(0, len(outcomes), OUTCOMES_PER_TRANSACTION):
        with unit_of_work(sessions) as session:
            session.execute(
                ImportRow.__table__.insert(),  # type: ignore[attr-defined]
                [
                    _row_values(job_id, o)
                    for o in outcomes[start : start + OUTCOMES_PER_TRANSACTION]
                ],
            )


def _row_values(job_id: int, outcome: RowOutcome) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if outcome.changes:
        details["changes"] = {
            k: [jsonable(a), jsonable(b)] for k, (a, b) in outcome.changes.items()
        }
    if outcome.problems:
        details["problems"] = [jsonable(p.as_dict()) for p in outcome.problems]
    if outcome.suggestions:
        details["suggestions"] = [
            [s.category, round(s.probability, 3)] for s in outcome.suggestions
        ]
    return {
        "job_id": job_id,
        "row": outcome.row,
        "sheet": outcome.sheet,
        "action": outcome.action,
        "needs_review": outcome.needs_review,
        "title": (outcome.title or "")[:300] or None,
        "producer": (outcome.producer or "")[:300] or None,
        "category": outcome.category,
        "details": details,
    }


def summary(report: ImportReport) -> dict[str, Any]:
    """What a job keeps of the report besides its rows: counts, skipped rows and warnings."""
    return {
        "file": report.file,
        "encoding": report.encoding,
        "dry_run": report.dry_run,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
        "review": sum(1 for o in report.outcomes if o.needs_review),
        "producers_created": report.producers_created,
        "producers_notified": report.producers_notified,
        "warnings": [
            {
                "row": p.row,
                "product": p.product,
                "problems": [jsonable(x.as_dict()) for x in p.problems],
            }
            for p in report.warnings
        ],
        "skipped": [p.row for p in report.skipped],
    }


# Dates are kept as {"date": "2026-06-01"}, so that a message shows them as dates again.
def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def revived(value: Any) -> Any:
    if isinstance(value, Mapping):
        if set(value) == {"date"} and isinstance(value["date"], str):
            return date.fromisoformat(value["date"])
        return {k: revived(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revived(v) for v in value]
    return value

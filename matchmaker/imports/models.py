"""Import jobs and the outcome of each row of their last run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.db import Base, JSONType, UTCDateTime, utcnow

# queued -> previewing -> previewed -> importing -> done; any of them -> failed.
STATES = ("queued", "previewing", "previewed", "importing", "done", "failed")
RUNNING = ("queued", "previewing", "importing")
ACTIONS = ("new", "update", "unchanged", "rejected")


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES!r}", name="state"),
        Index("ix_import_jobs_province_created", "province", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Who imported (kept by name too: the history outlives an account).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(200))
    # The officer's province: rows naming no province get it. None: an admin or the command line.
    province: Mapped[str | None] = mapped_column(String(8))
    file_name: Mapped[str] = mapped_column(String(200))
    file_key: Mapped[str] = mapped_column(String(300))
    sheet: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    # Whether the run queued now writes (a confirmation, or an import without preview).
    writes: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    # The officer's choice of sub-group for rows to review: {"row number": "category code"}.
    overrides: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # The last run's summary: counts, rejected rows, warnings (codes, rendered at the edge).
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error_code: Mapped[str | None] = mapped_column(String(80))
    error_params: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a running job last showed progress: one silent for long lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many times a run of the job was started (a stalled preview is started again once).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def running(self) -> bool:
        return self.state in RUNNING


class ImportRow(Base):
    """What one row of the list does (after a preview) or did (after the import)."""

    __tablename__ = "import_rows"
    __table_args__ = (Index("ix_import_rows_job_row", "job_id", "row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)
    # The sheet the row is on, when the list had several (one per district).
    sheet: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str | None] = mapped_column(String(300))
    producer: Mapped[str | None] = mapped_column(String(300))
    category: Mapped[str | None] = mapped_column(String(40))
    # {"changes": {field: [old, new]}, "problems": [...], "suggestions": [[code, probability]]}
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

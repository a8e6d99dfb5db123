"""On the embedded default (an SQLite file) the command line's import of a list of new rows,
with the app's outbox publishing after each commit, finishes without "database is locked",
while another connection reads the database."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from matchmaker.app import create_app
from matchmaker.catalog.models import Offer
from matchmaker.cli import matchmaker
from matchmaker.extensions import get_database
from matchmaker.imports.models import ImportJob, ImportRow
from matchmaker.migrations import upgrade
from matchmaker.outbox import OutboxMessage
from matchmaker.settings import Settings

ROWS = 200


def _list(path: Path) -> Path:
    lines = ["Tên sản phẩm,Chủ thể,Tỉnh,Nhóm,Hạng sao"]
    lines += [f"Bánh tráng số {n},HTX Bánh tráng {n % 40},Tây Ninh,Thực phẩm chế biến,4"
              for n in range(ROWS)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_command_line_imports_new_rows_on_sqlite_without_waiting_for_a_lock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(environment="testing", instance_path=tmp_path / "instance",
                        secret_key="test-secret")  # fmt: skip
    app = create_app(settings)
    database = get_database(app)
    upgrade(database.engine)
    stop, reads, errors = threading.Event(), [], []

    def read() -> None:
        while not stop.is_set():
            try:
                with database.engine.connect() as conn:
                    reads.append(conn.execute(text("SELECT count(*) FROM offers")).scalar())
            except Exception as exc:
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    caplog.set_level(logging.DEBUG)
    try:
        result = CliRunner().invoke(
            matchmaker, ["import", "offers", str(_list(tmp_path / "list.csv"))], obj=_info(app)
        )
    finally:
        stop.set()
        reader.join()

    assert result.exit_code == 0, result.output
    assert "imported (new):    200" in result.output
    assert (
        "database is locked" not in caplog.text
        and "publishing after commit failed" not in caplog.text
    )
    assert errors == [] and reads
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Offer)) == ROWS
        job = session.scalars(select(ImportJob)).one()
        assert (job.state, job.rows_done, job.rows_total) == ("done", ROWS, ROWS)
        assert session.scalar(select(func.count()).select_from(ImportRow)) == ROWS
        # Every new offer's task was handed to the broker right after its batch committed.
        waiting = select(func.count()).where(OutboxMessage.published_at.is_(None))
        assert session.scalar(waiting) == 0


def _info(app: object) -> object:
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app, set_debug_flag=False)

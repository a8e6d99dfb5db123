"""On the embedded default (an SQLite file) the catalogue's pages and /healthz answer while an
import holds the database's write lock for a batch of rows: they read beside it, and do not
queue for the lock as a request that may write does."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from matchmaker.app import create_app
from matchmaker.extensions import get_database
from matchmaker.migrations import upgrade
from matchmaker.settings import Settings


def test_pages_that_only_read_answer_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    database = tmp_path / "matchmaker.sqlite"
    settings = Settings(environment="testing", instance_path=tmp_path / "instance",
                        database_url=f"sqlite:///{database}", secret_key="test-secret")  # fmt: skip
    app = create_app(settings)
    upgrade(get_database(app).engine)
    client = app.test_client()
    importer = sqlite3.connect(database, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # a batch of the import, in another process
    importer.execute("CREATE TABLE batch_marker (id INTEGER)")
    try:
        started = time.monotonic()
        for path in ("/", "/healthz"):
            response = client.get(path)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        assert time.monotonic() - started < 10  # not the 30 s a queued request waits
    finally:
        importer.execute("ROLLBACK")
        importer.close()
        get_database(app).engine.dispose()

"""The embedded SQLite database under several writers (the web app and its worker)."""

import contextlib
import threading
from pathlib import Path

from sqlalchemy import text

from matchmaker.db import make_engine, make_session_factory, unit_of_work


def test_units_of_work_that_read_then_write_wait_instead_of_failing(tmp_path: Path) -> None:
    engines = [make_engine(f"sqlite:///{tmp_path / 'shared.sqlite'}") for _ in range(2)]
    with engines[0].begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
        conn.execute(text("INSERT INTO counter VALUES (0)"))
    both_read = threading.Barrier(2, timeout=5)
    errors: list[Exception] = []

    def bump(engine_index: int) -> None:
        try:
            with unit_of_work(make_session_factory(engines[engine_index])) as session:
                n = session.execute(text("SELECT n FROM counter")).scalar_one()
                # Times out when the other one waits for the write lock: as intended.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait(timeout=0.5)
                session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=bump, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with engines[0].connect() as conn:
        # Serialised, not interleaved: no update is lost.
        assert conn.execute(text("SELECT n FROM counter")).scalar_one() == 2


def test_a_reader_does_not_block_a_unit_of_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    reader, writer = make_engine(url), make_engine(url)
    with writer.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    with reader.connect() as conn, conn.begin():
        conn.execute(text("SELECT count(*) FROM t")).scalar_one()
        with unit_of_work(make_session_factory(writer)) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))

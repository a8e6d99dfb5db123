"""Recording matches while another transaction (a worker) updates the same rows crosswise."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text, update

from matchmaker.catalog import services
from matchmaker.db import make_engine, make_session_factory, unit_of_work
from matchmaker.matching.models import Match
from matchmaker.matching.recording import record_matches
from matchmaker.migrations import upgrade
from matchmaker.ranking.records import MatchResult
from tests.conftest import create_database, drop_database


def _result(offer_id: int, rank: int) -> MatchResult:
    return MatchResult("r", str(offer_id), "p", 0.5, rank, (), ())


def test_a_deadlocked_upsert_is_retried_not_lost(tmp_path: Path) -> None:
    url = create_database(f"matchmaker_deadlock_{tmp_path.name[-12:]}".lower().replace("-", "_"))
    engine = make_engine(url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            producer = services.create_organization(
                session, {"kind": "producer", "name": "HTX A", "province": "01"}
            )
            buyer = services.create_organization(session, {"kind": "buyer", "name": "Mart"})
            requirement = services.create_requirement(session, buyer, {"title": "mật ong"})
            offers = [
                services.create_offer(
                    session, producer, {"title": f"Mật ong {i}", "category": "food", "unit": "kg"}
                )
                for i in range(2)
            ]
            pairs = [(requirement.id, o.id, _result(o.id, i + 1)) for i, o in enumerate(offers)]
            record_matches(session, pairs, "v1")
        first, second = sorted(o.id for o in offers)
        worker_has_second = threading.Event()
        errors: list[Exception] = []

        def worker() -> None:
            # Locks the second row, waits until the upsert holds the first, then wants it.
            try:
                with engine.begin() as conn:
                    # PostgreSQL looks for a deadlock once, when a wait passes this timeout:
                    # the upsert's check comes after the cycle is closed, the worker's later.
                    conn.execute(text("SET LOCAL deadlock_timeout = '5s'"))
                    conn.execute(update(Match).where(Match.offer_id == second).values(rank=9))
                    worker_has_second.set()
                    time.sleep(0.3)
                    conn.execute(update(Match).where(Match.offer_id == first).values(rank=9))
            except Exception as exc:  # the deadlock's victim may be this side
                errors.append(exc)

        thread = threading.Thread(target=worker)
        thread.start()
        worker_has_second.wait(5)
        with unit_of_work(sessions) as session:
            session.execute(text("SET LOCAL deadlock_timeout = '800ms'"))
            record_matches(session, pairs, "v2")
        thread.join(10)

        with unit_of_work(sessions) as session:
            versions = set(session.scalars(text("SELECT model_version FROM matches")))
        assert versions == {"v2"}
        assert errors == []  # the worker's update went through too
    finally:
        engine.dispose()
        drop_database(url)

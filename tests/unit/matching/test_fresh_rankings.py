"""A requirement asked for again is ranked as things are now, never as they were.

The process keeps the rankings it made; these tests change each thing a ranking depends on
between two calls on the same ranking state and expect the second call to show the change.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.matching import state as ranking_state
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.service import RankingState, rank_offers

HONEY = {"category": "food.raw_processed", "unit": "kg"}


def _producer(db: Session, name: str) -> Organization:
    return services.create_organization(db, {"kind": "producer", "name": name, "province": "01"})


def _offer(db: Session, producer: Organization, title: str, **values: object) -> Offer:
    return services.create_offer(db, producer, {**HONEY, "title": title, **values})


def _requirement(db: Session, **values: object) -> Requirement:
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket"}
    )
    return services.create_requirement(db, buyer, {"title": "mật ong", **values})


def _ranked(
    db: Session, state: RankingState, requirement: Requirement, on: date | None = None
) -> list[tuple[int, float]]:
    """(offer, score) of each match shown, best first."""
    return [(r.offer.id, r.match.score) for r in rank_offers(db, state, requirement, on=on)]


def test_an_offer_changed_or_archived_since_the_last_call_shows_as_it_is_now(db: Session) -> None:
    producer = _producer(db, "HTX Ong Mật")
    cheap = _offer(db, producer, "Mật ong hoa nhãn loại 1", unit_price_vnd=90_000)
    other = _offer(db, producer, "Mật ong hoa nhãn loại 2", unit_price_vnd=95_000)
    requirement = _requirement(db, unit="kg", max_unit_price_vnd=100_000)
    state = RankingState()
    first = _ranked(db, state, requirement)
    assert [o for o, _ in first] == [cheap.id, other.id]
    assert _ranked(db, state, requirement) == first

    services.update_offer(db, cheap, {"unit_price_vnd": 180_000})
    assert [o for o, _ in _ranked(db, state, requirement)] == [other.id, cheap.id]

    services.archive_offer(db, other)
    assert [o for o, _ in _ranked(db, state, requirement)] == [cheap.id]


def test_a_producer_changed_since_the_last_call_is_ranked_as_it_is_now(db: Session) -> None:
    north = _offer(db, _producer(db, "HTX Ong Mật Sóc Sơn"), "Mật ong hoa nhãn")
    south = _offer(db, _producer(db, "HTX Ong Mật Ba Vì"), "Mật ong hoa nhãn")
    requirement = _requirement(db, delivery_provinces=["01"])
    state = RankingState()
    before = dict(_ranked(db, state, requirement))
    assert before[north.id] == before[south.id]

    # A producer now serves only the south, without touching its offers: it fits this
    # buyer less.
    services.update_organization(db, south.producer, {"serves_provinces": ["79"]})
    after = dict(_ranked(db, state, requirement))
    assert after[south.id] < after[north.id] == before[north.id]


def test_a_changed_requirement_or_buyer_is_ranked_afresh(db: Session) -> None:
    producer = _producer(db, "HTX Ong Mật")
    starred = _offer(
        db, producer, "Mật ong hoa cà phê", ocop_stars=4,
        ocop_certified_until=date.today() + timedelta(days=400),
    )  # fmt: skip
    plain = _offer(db, producer, "Mật ong hoa điều")
    requirement = _requirement(db)
    state = RankingState()
    assert {o for o, _ in _ranked(db, state, requirement)} == {starred.id, plain.id}

    services.update_requirement(db, requirement, {"min_ocop_stars": 4})
    assert [o for o, _ in _ranked(db, state, requirement)] == [starred.id]

    services.update_requirement(db, requirement, {"min_ocop_stars": None})
    assert {o for o, _ in _ranked(db, state, requirement)} == {starred.id, plain.id}
    # OCOP introduction points only sell rated products: the buyer's kind counts too.
    services.update_organization(db, requirement.buyer, {"buyer_type": "introduction_point"})
    assert [o for o, _ in _ranked(db, state, requirement)] == [starred.id]


def test_a_later_day_is_ranked_for_that_day(db: Session) -> None:
    producer = _producer(db, "HTX Ong Mật")
    expiring = _offer(
        db, producer, "Mật ong hoa cà phê", ocop_stars=4,
        ocop_certified_until=date.today() + timedelta(days=10),
    )  # fmt: skip
    requirement = _requirement(db, min_ocop_stars=3)
    state = RankingState()
    assert [o for o, _ in _ranked(db, state, requirement)] == [expiring.id]
    # Its certificate has lapsed by then: an expired rating must not count.
    assert _ranked(db, state, requirement, on=date.today() + timedelta(days=20)) == []


def test_producers_answering_their_matches_show_in_the_scores_once_statistics_refresh(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick = _offer(db, _producer(db, "HTX Trả Lời Nhanh"), "Mật ong hoa nhãn")
    slow = _offer(db, _producer(db, "HTX Im Lặng"), "Mật ong hoa nhãn")
    requirement = _requirement(db)
    producer = create_user(db, quick.producer, email="ong@htx.vn", name="Lan",
                           password="correct horse battery", role="producer")  # fmt: skip
    state = RankingState()
    before = dict(_ranked(db, state, requirement))
    assert before[quick.id] == before[slow.id]

    # The producer's own answer: a buyer's would say nothing of how the producer answers.
    (match,) = [r.match for r in rank_offers(db, state, requirement) if r.offer.id == quick.id]
    record_feedback(db, producer, match, "accepted")
    monkeypatch.setattr(ranking_state, "STATS_TTL", timedelta(0))  # the minute has passed

    after = dict(_ranked(db, state, requirement))
    assert after[quick.id] > before[quick.id]
    assert after[slow.id] == before[slow.id]


def test_threads_waiting_for_one_reading_of_changes_do_not_repeat_it(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offer(db, _producer(db, "HTX Ong Mật"), "Mật ong hoa nhãn")
    state = RankingState()
    with state.reading(db):
        pass  # built
    readings: list[str] = []

    def slow_catch_up(session: Session) -> None:
        readings.append(threading.current_thread().name)
        time.sleep(0.3)

    monkeypatch.setattr(state, "_catch_up", slow_catch_up)

    def look() -> None:
        with state.reading(db) as index:
            assert len(index) == 1

    first = threading.Thread(target=look, name="first")
    first.start()
    time.sleep(0.1)  # the first is reading the changes now
    waiting = [threading.Thread(target=look, name=f"waiting-{i}") for i in range(3)]
    for thread in waiting:
        thread.start()
    for thread in (first, *waiting):
        thread.join()
    # One of those that arrived during the first reading reads again (changes committed
    # after the first began must show); the others were there before that second reading
    # began, so it covers them.
    assert len(readings) == 2 and readings[0] == "first"
    # A call after all that reads again.
    look()
    assert len(readings) == 3

"""The meeting scheduler: the rules an officer relies on, on random events, and its optimality.

Every schedule is checked against the event itself (not the scheduler's own bookkeeping): no
firm double-booked, only slots both firms attend, one meeting per table per slot, caps kept.
Small events are also solved by trying every assignment, to confirm CP-SAT's optimum.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.errors import Invalid
from matchmaker.events.scheduling import (
    MeetingRequest,
    Participant,
    Placement,
    Schedule,
    Side,
    Slot,
    SolveStatus,
    Table,
    UnplacedReason,
    Weights,
    schedule_meetings,
)
from matchmaker.events.scheduling.cpsat import solve_cpsat
from matchmaker.events.scheduling.instance import build_instance

DAY = datetime(2025, 10, 16, 8, 30)
WEIGHTS = Weights()
SCORES = [0.0, 0.25, 0.5, 0.8, 1.0]
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip


@dataclass(frozen=True)
class Event:
    slots: list[Slot]
    tables: list[Table]
    participants: list[Participant]
    requests: list[MeetingRequest]

    def solve(
        self, published: Mapping[str, Placement] | None = None, method: str = "cp-sat"
    ) -> Schedule:
        return schedule_meetings(
            self.slots, self.tables, self.participants, self.requests, published,
            time_limit=10.0, method=method, workers=2,
        )  # fmt: skip


def make_slots(count: int) -> list[Slot]:
    return [
        Slot(f"s{t}", DAY + timedelta(minutes=30 * t), DAY + timedelta(minutes=30 * t + 20))
        for t in range(count)
    ]


@st.composite
def events(
    draw: st.DrawFn,
    max_slots: int = 5,
    max_firms_a_side: int = 4,
    max_requests: int = 12,
    max_tables: int = 3,
) -> Event:
    slots = make_slots(draw(st.integers(1, max_slots)))
    slot_ids = [s.id for s in slots]
    some_slots = st.frozensets(st.sampled_from(slot_ids))
    # Firms that stay all day are common, and they are the ones whose gaps can be closed.
    attendance = st.just(frozenset(slot_ids)) | some_slots
    tables = [
        Table(f"T{k}", draw(st.none() | some_slots))
        for k in range(draw(st.integers(1, max_tables)))
    ]
    caps = st.none() | st.integers(0, 3)
    participants = [
        Participant(f"{side.value[0]}{i}", side, draw(attendance), draw(caps))
        for side in Side
        for i in range(draw(st.integers(1, max_firms_a_side)))
    ]  # fmt: skip
    producers = [p.id for p in participants if p.side is Side.PRODUCER]
    buyers = [p.id for p in participants if p.side is Side.BUYER]
    requests = []
    for i in range(draw(st.integers(0, max_requests))):
        # Either side may have asked first: the producer is not always participant_a.
        pair = [draw(st.sampled_from(producers)), draw(st.sampled_from(buyers))]
        pair = draw(st.permutations(pair))
        requests.append(
            MeetingRequest(
                f"r{i}", *pair, must_meet=draw(st.integers(0, 5)) == 0,
                mutual=draw(st.booleans()), score=draw(st.sampled_from(SCORES)),
            )
        )  # fmt: skip
    return Event(slots, tables, participants, requests)


@st.composite
def late_changes(draw: st.DrawFn, event: Event) -> Event:
    """What happens after the agenda went out: withdrawals, shorter days, new requests."""
    participants = list(event.participants)
    for _ in range(draw(st.integers(0, 2))):
        i = draw(st.integers(0, len(participants) - 1))
        attended = sorted(participants[i].available_slot_ids)
        kept = draw(st.frozensets(st.sampled_from(attended))) if attended else frozenset()
        participants[i] = replace(participants[i], available_slot_ids=kept)
    producers = [p.id for p in participants if p.side is Side.PRODUCER]
    buyers = [p.id for p in participants if p.side is Side.BUYER]
    new = [
        MeetingRequest(f"late{i}", draw(st.sampled_from(producers)), draw(st.sampled_from(buyers)),
                       mutual=draw(st.booleans()), score=draw(st.sampled_from(SCORES)))
        for i in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    return replace(event, participants=participants, requests=event.requests + new)


def assert_keeps_the_rules(
    event: Event, schedule: Schedule, published: Mapping[str, Placement] | None = None
) -> None:
    slots = {s.id for s in event.slots}
    tables = {t.id: slots if t.slot_ids is None else t.slot_ids for t in event.tables}
    firms = {p.id: p for p in event.participants}
    requests = {q.id: q for q in event.requests}
    booked: Counter[tuple[str, str]] = Counter()
    for request_id, placement in schedule.placements.items():
        request = requests[request_id]
        assert placement.slot_id in tables[placement.table_id], "table not set up in that slot"
        for firm in (request.participant_a, request.participant_b):
            assert placement.slot_id in firms[firm].available_slot_ids, "firm not there"
            booked[firm, placement.slot_id] += 1
    assert max(booked.values(), default=0) <= 1, "a firm is double-booked"
    at_table = Counter((p.slot_id, p.table_id) for p in schedule.placements.values())
    assert max(at_table.values(), default=0) <= 1, "two meetings at one table in one slot"
    meetings = Counter(firm for firm, _ in booked.elements())
    for firm, count in meetings.items():
        cap = firms[firm].max_meetings
        assert cap is None or count <= cap, "over the firm's cap"
    unplaced = [u.request_id for u in schedule.unplaced]
    assert sorted(unplaced + list(schedule.placements)) == sorted(requests), "lost a request"
    assert schedule.upper_bound >= schedule.placed
    stated = objective(event, schedule.placements, published or {}, slot_level=False)[0]
    assert schedule.objective == stated


def value(request: MeetingRequest) -> int:
    return (
        100 + 10_000 * request.must_meet + 50 * request.mutual + round(50 * request.score)
    )  # fmt: skip


def gaps(event: Event, slot_of: Mapping[str, str]) -> int:
    order = {s.id: t for t, s in enumerate(event.slots)}
    requests = {q.id: q for q in event.requests}
    days: dict[str, list[int]] = {}
    for request_id, slot_id in slot_of.items():
        for firm in (requests[request_id].participant_a, requests[request_id].participant_b):
            days.setdefault(firm, []).append(order[slot_id])
    return sum(
        sum(1 for x, y in itertools.pairwise(sorted(day)) if y > x + 1) for day in days.values()
    )


def objective(
    event: Event,
    placements: Mapping[str, Placement | str],
    published: Mapping[str, Placement],
    *,
    slot_level: bool,
) -> tuple[int, int]:
    """The stated objective, and the weighted count alone, computed from scratch.

    ``slot_level`` compares published meetings by slot only: tables are laid out afterwards,
    and a meeting that stays in its slot keeps its table.
    """
    slot_of = {
        r: p if isinstance(p, str) else p.slot_id for r, p in placements.items()
    }  # fmt: skip
    live = {r: p for r, p in published.items() if r in {q.id for q in event.requests}}
    moved = sum(
        1
        for r, p in live.items()
        if r in placements and (slot_of[r] != p.slot_id if slot_level else placements[r] != p)
    )
    dropped = sum(1 for r in live if r not in placements)
    weighted = sum(value(q) for q in event.requests if q.id in placements)
    total = weighted - 10 * gaps(event, slot_of) - 1_000 * moved - 1_200 * dropped
    return total, weighted


def brute_force(event: Event, published: Mapping[str, Placement]) -> tuple[int, int, int]:
    """Best objective, best weighted count and most meetings, over every slot assignment."""
    firms = {p.id: p for p in event.participants}
    per_slot = Counter(
        s.id for t in event.tables for s in event.slots if t.slot_ids is None or s.id in t.slot_ids
    )  # fmt: skip
    choices = []
    for q in event.requests:
        both = firms[q.participant_a].available_slot_ids & firms[q.participant_b].available_slot_ids
        choices.append([None, *sorted(s for s in both if per_slot[s])])
    best = (-(10**9), 0, 0)
    for assignment in itertools.product(*choices):
        slot_of = {q.id: s for q, s in zip(event.requests, assignment, strict=True) if s}
        booked = Counter(
            (firm, s)
            for r, s in slot_of.items()
            for q in [next(q for q in event.requests if q.id == r)]
            for firm in (q.participant_a, q.participant_b)
        )
        if max(booked.values(), default=0) > 1:
            continue
        if any(n > per_slot[s] for s, n in Counter(slot_of.values()).items()):
            continue
        meetings = Counter(firm for firm, _ in booked.elements())
        if any(
            firms[f].max_meetings is not None and n > firms[f].max_meetings
            for f, n in meetings.items()
        ):
            continue
        total, weighted = objective(event, slot_of, published, slot_level=True)
        best = (max(best[0], total), max(best[1], weighted), max(best[2], len(slot_of)))
    return best


@pytest.mark.parametrize("method", ["auto", "cp-sat", "mip", "greedy"])
@PROPERTY
@given(event=events())
def test_every_schedule_keeps_the_rules(method: str, event: Event) -> None:
    schedule = event.solve(method=method)
    assert_keeps_the_rules(event, schedule)
    expected = SolveStatus.FALLBACK if method == "greedy" else None
    assert expected is None or schedule.status is expected


@pytest.mark.parametrize("method", ["auto", "cp-sat", "mip", "greedy"])
@PROPERTY
@given(data=st.data())
def test_rescheduling_keeps_every_published_meeting_that_still_fits(
    method: str, data: st.DataObject
) -> None:
    event = data.draw(events())
    first = event.solve(method=method)
    changed = data.draw(late_changes(event))
    again = changed.solve(published=first.placements, method=method)

    assert_keeps_the_rules(changed, again, first.placements)
    firms = {p.id: p.available_slot_ids for p in changed.participants}
    requests = {q.id: q for q in changed.requests}

    def still_fits(request_id: str) -> bool:
        request, placement = requests[request_id], first.placements.get(request_id)
        attending = firms[request.participant_a] & firms[request.participant_b]
        return placement is not None and placement.slot_id in attending

    # A must-meet request that lost its place (or never had one) may take a published
    # meeting's slot: the officer ranks it above a stable agenda. Otherwise nothing moves.
    if all(still_fits(q.id) for q in changed.requests if q.must_meet):
        for request_id, placement in first.placements.items():
            if still_fits(request_id):
                assert again.placements.get(request_id) == placement, request_id
    assert again.moved_published == sum(
        1 for r, p in first.placements.items() if again.placements.get(r, p) != p
    )
    assert again.dropped_published == sum(1 for r in first.placements if r not in again.placements)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cp_sat_reaches_the_optimum_found_by_trying_every_assignment(data: st.DataObject) -> None:
    small = events(max_slots=4, max_firms_a_side=2, max_requests=6, max_tables=2)
    event = data.draw(small)
    published: Mapping[str, Placement] = {}
    if data.draw(st.booleans()):
        published = event.solve(method="greedy").placements
        event = data.draw(late_changes(event))
    schedule = event.solve(published=published)

    best, best_weighted, most = brute_force(event, published)
    assert schedule.status is SolveStatus.OPTIMAL
    assert schedule.objective == best
    assert objective(event, schedule.placements, published, slot_level=True)[0] == best
    assert best_weighted >= objective(event, schedule.placements, published, slot_level=True)[1]
    assert schedule.upper_bound >= most

    # The model on its own, without the greedy schedule to start from or to fall back on.
    instance = build_instance(
        event.slots, event.tables, event.participants, event.requests, published, WEIGHTS
    )
    alone = solve_cpsat(instance, {}, deadline=time.perf_counter() + 10, workers=2, seed=1)
    assert alone is not None and alone.optimal
    slot_ids = {r: instance.slots[t].id for r, t in alone.slot_of.items()}
    by_id = {event.requests[r].id: slot_id for r, slot_id in slot_ids.items()}
    assert objective(event, by_id, published, slot_level=True)[0] == best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=events(max_slots=3, max_firms_a_side=3, max_requests=6, max_tables=2))
def test_highs_places_the_best_weighted_set_of_meetings(event: Event) -> None:
    schedule = event.solve(method="mip")
    _, best_weighted, most = brute_force(event, {})
    placed = objective(event, schedule.placements, {}, slot_level=True)[1]
    assert placed == best_weighted or schedule.status is SolveStatus.FALLBACK
    assert schedule.upper_bound >= most


def test_without_or_tools_the_greedy_schedule_stands_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matchmaker.events.scheduling.cpsat", None)
    event = small_event()
    schedule = event.solve(method="cp-sat")
    assert schedule.status is SolveStatus.FALLBACK
    assert schedule.placed == 2
    assert_keeps_the_rules(event, schedule)


def firm(id: str, slots: str, cap: int | None = None) -> Participant:
    side = Side.PRODUCER if id.startswith("p") else Side.BUYER
    return Participant(id, side, frozenset(f"s{t}" for t in slots), cap)


def small_event() -> Event:
    return Event(
        make_slots(3),
        [Table("T1")],
        [firm("p1", "012"), firm("p2", "012"), firm("b1", "012")],
        [MeetingRequest("r1", "p1", "b1"), MeetingRequest("r2", "p2", "b1")],
    )


def test_a_must_meet_request_wins_the_last_table() -> None:
    event = Event(
        make_slots(1),
        [Table("T1")],
        [firm("p1", "0"), firm("p2", "0"), firm("b1", "0"), firm("b2", "0")],
        [
            MeetingRequest("ordinary", "p1", "b1", mutual=True, score=1.0),
            MeetingRequest("vip", "p2", "b2", must_meet=True),
        ],
    )
    for method in ("cp-sat", "mip", "greedy"):
        schedule = event.solve(method=method)
        assert list(schedule.placements) == ["vip"]
        assert schedule.unplaced[0].reason is UnplacedReason.TABLES_FULL


def test_a_buyers_meetings_come_back_to_back() -> None:
    event = Event(
        make_slots(4),
        [Table("T1"), Table("T2")],
        [firm("p1", "0123"), firm("p2", "0123"), firm("b1", "0123")],
        [MeetingRequest("r1", "p1", "b1"), MeetingRequest("r2", "p2", "b1")],
    )
    for method in ("cp-sat", "greedy"):
        schedule = event.solve(method=method)
        slots = sorted(int(p.slot_id[1:]) for p in schedule.placements.values())
        assert schedule.gaps == 0 and slots[1] == slots[0] + 1


def test_unplaced_requests_say_why() -> None:
    event = Event(
        make_slots(2),
        [Table("T1")],
        [
            firm("p1", ""),  # withdrew
            firm("p2", "0"),
            firm("p3", "01"),
            firm("p4", "01", cap=0),
            firm("b1", "01"),
            firm("b2", "1"),
        ],
        [
            MeetingRequest("gone", "p1", "b1"),
            MeetingRequest("never-together", "p2", "b2"),
            MeetingRequest("capped", "p4", "b1"),
            MeetingRequest("kept", "p3", "b1", must_meet=True),
            MeetingRequest("kept-too", "p3", "b2", must_meet=True),
            MeetingRequest("busy", "p2", "b1"),
        ],
    )
    schedule = event.solve()
    reasons = {u.request_id: (u.reason, u.participant_id) for u in schedule.unplaced}
    assert set(schedule.placements) == {"kept", "kept-too"}
    assert reasons == {
        "gone": (UnplacedReason.PARTICIPANT_UNAVAILABLE, "p1"),
        "never-together": (UnplacedReason.NO_COMMON_SLOT, None),
        "capped": (UnplacedReason.AT_CAP, "p4"),
        "busy": (UnplacedReason.PARTICIPANT_BUSY, "b1"),
    }


def test_a_published_meeting_whose_table_is_gone_counts_as_moved() -> None:
    event = small_event()
    published = {"r1": Placement("s0", "T9"), "r2": Placement("s1", "T1")}
    event = replace(event, tables=[Table("T1"), Table("T9", frozenset({"s2"}))])
    schedule = event.solve(published=published)
    assert schedule.placements["r2"] == Placement("s1", "T1")
    assert schedule.placements["r1"] != published["r1"]
    assert (schedule.moved_published, schedule.dropped_published) == (1, 0)


@pytest.mark.parametrize("method", ["auto", "cp-sat", "mip", "greedy"])
def test_a_meeting_that_lost_its_slot_does_not_move_meetings_that_still_fit(method: str) -> None:
    # b1 now only comes for the first slot, where p0 meets b0: re-seating p0-b1 there would move
    # two meetings that still fit (p0-b0 to the last slot, p1-b0 to the first).
    event = Event(
        make_slots(3),
        [Table("T0"), Table("T1")],
        [firm("p0", "012"), firm("p1", "012"), firm("b0", "012"), firm("b1", "0")],
        [
            MeetingRequest("r0", "p0", "b0", must_meet=True),
            MeetingRequest("r1", "p0", "b0", must_meet=True),
            MeetingRequest("r2", "p1", "b0", must_meet=True),
            MeetingRequest("r3", "p0", "b1"),
        ],
    )
    published = {
        "r0": Placement("s0", "T0"),
        "r1": Placement("s1", "T0"),
        "r2": Placement("s2", "T0"),
        "r3": Placement("s2", "T1"),
    }
    schedule = event.solve(published=published, method=method)
    assert dict(schedule.placements) == {r: published[r] for r in ("r0", "r1", "r2")}
    assert (schedule.moved_published, schedule.dropped_published) == (0, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda e: replace(e, slots=e.slots + e.slots[:1]), "slots"),
        (lambda e: replace(e, requests=[MeetingRequest("x", "p1", "p2")]), "requests"),
        (lambda e: replace(e, requests=[MeetingRequest("x", "p1", "nobody")]), "requests"),
        (lambda e: replace(e, requests=[MeetingRequest("x", "p1", "b1", score=2.0)]), "requests"),
        (lambda e: replace(e, participants=[firm("p1", "7"), firm("b1", "0")]), "participants"),
    ],
)
def test_inconsistent_events_are_refused(change: Callable[[Event], Event], field: str) -> None:
    with pytest.raises(Invalid) as raised:
        change(small_event()).solve()
    assert raised.value.errors[0].field == field


def test_a_published_double_booking_is_refused() -> None:
    published = {"r1": Placement("s0", "T1"), "r2": Placement("s0", "T2")}
    event = replace(small_event(), tables=[Table("T1"), Table("T2")])
    with pytest.raises(Invalid, match="inconsistent"):
        event.solve(published=published)


def test_no_requests_is_an_empty_schedule() -> None:
    schedule = replace(small_event(), requests=[]).solve()
    assert (schedule.placed, schedule.upper_bound, schedule.unplaced) == (0, 0, ())


def test_slots_given_out_of_order_are_refused() -> None:
    slots: Sequence[Slot] = list(reversed(make_slots(2)))
    with pytest.raises(Invalid):
        replace(small_event(), slots=slots).solve()


def test_cp_sat_alone_puts_meetings_next_to_each_other() -> None:
    """p2 comes only for the last slot, so b1's meeting with p1 belongs just before it."""
    event = Event(
        make_slots(6),
        [Table("T1"), Table("T2")],
        [firm("p1", "012345"), firm("p2", "5"), firm("p3", "012345"), firm("b1", "012345")],
        [
            MeetingRequest("any-time", "p1", "b1"),
            MeetingRequest("last-slot", "p2", "b1"),
            MeetingRequest("also-any-time", "p3", "b1"),
        ],
    )
    instance = build_instance(
        event.slots, event.tables, event.participants, event.requests, {}, WEIGHTS
    )
    alone = solve_cpsat(instance, {}, deadline=time.perf_counter() + 10, workers=2, seed=1)
    assert alone is not None and alone.optimal
    assert sorted(alone.slot_of.values()) == [3, 4, 5] and alone.slot_of[1] == 5

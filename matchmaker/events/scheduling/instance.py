"""Validation, the indexed form every solver works on, scoring, table layout and reasons.

Solvers decide only which slot each request goes to: tables are interchangeable, so any set of
meetings that fits a slot's table count can be laid out afterwards. Slots, participants and
requests become list indices and availability becomes bit masks (bit ``t`` = slot ``t``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matchmaker.errors import FieldProblem, Invalid, field_error
from matchmaker.events.scheduling.types import (
    MeetingRequest,
    Participant,
    Placement,
    Slot,
    Table,
    UnplacedReason,
    UnplacedRequest,
    Weights,
)


@dataclass(frozen=True)
class Instance:
    slots: tuple[Slot, ...]
    participants: tuple[Participant, ...]
    requests: tuple[MeetingRequest, ...]
    weights: Weights
    tables_by_slot: tuple[tuple[str, ...], ...]  # table ids set up in each slot, in given order
    available: tuple[int, ...]  # per participant: mask of slots they attend
    cap: tuple[int, ...]  # per participant: most meetings they can have
    req_a: tuple[int, ...]
    req_b: tuple[int, ...]
    req_mask: tuple[int, ...]  # per request: slots where both attend and a table is set up
    value: tuple[int, ...]  # per request: objective gained by placing it
    requests_of: tuple[tuple[int, ...], ...]  # per participant: their request indices
    published: Mapping[int, Placement]  # request index -> where it was published
    keep_slot: Mapping[int, int]  # published requests that can stay: request -> slot index

    @property
    def capacity(self) -> tuple[int, ...]:
        return tuple(len(ids) for ids in self.tables_by_slot)

    def schedulable(self, r: int) -> bool:
        return self.req_mask[r] != 0 and self.cap[self.req_a[r]] > 0 and self.cap[self.req_b[r]] > 0


def mask_slots(mask: int) -> list[int]:
    """The slot indices whose bits are set, in order."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def _duplicates(ids: Sequence[str]) -> list[str]:
    return [key for key, count in Counter(ids).items() if count > 1]


def build_instance(
    slots: Sequence[Slot],
    tables: Sequence[Table],
    participants: Sequence[Participant],
    requests: Sequence[MeetingRequest],
    published: Mapping[str, Placement],
    weights: Weights,
) -> Instance:
    """Check the input and index it; raises ``Invalid`` naming every problem found.

    Published meetings of requests that are no longer in ``requests`` are ignored: the meeting
    was cancelled. A published meeting whose slot, table or participants are no longer usable is
    kept in ``published`` (so placing it elsewhere counts as a move) but not in ``keep_slot``.
    """
    errors: list[FieldProblem] = []
    for name, items in (
        ("slots", slots),
        ("tables", tables),
        ("participants", participants),
        ("requests", requests),
    ):
        duplicates = _duplicates([item.id for item in items])
        errors += [field_error(name, "schedule.duplicate_id", id=d) for d in duplicates]
    slot_index = {s.id: t for t, s in enumerate(slots)}
    for t, slot in enumerate(slots):
        if slot.start >= slot.end:
            errors.append(field_error("slots", "schedule.slot_order", id=slot.id))
        if t and slot.start < slots[t - 1].end:
            errors.append(field_error("slots", "schedule.slots_overlap", id=slot.id))

    tables_by_slot: list[list[str]] = [[] for _ in slots]
    for table in tables:
        set_up = slot_index.keys() if table.slot_ids is None else table.slot_ids
        for slot_id in set_up:
            if slot_id not in slot_index:
                errors.append(
                    field_error("tables", "schedule.unknown_slot", id=table.id, slot=slot_id)
                )
            else:
                tables_by_slot[slot_index[slot_id]].append(table.id)

    participant_index = {p.id: i for i, p in enumerate(participants)}
    available, cap = [], []
    for p in participants:
        mask = 0
        for slot_id in p.available_slot_ids:
            if slot_id not in slot_index:
                errors.append(
                    field_error("participants", "schedule.unknown_slot", id=p.id, slot=slot_id)
                )
            else:
                mask |= 1 << slot_index[slot_id]
        if p.max_meetings is not None and p.max_meetings < 0:
            errors.append(field_error("participants", "schedule.negative_cap", id=p.id))
        available.append(mask)
        limit = mask.bit_count()
        cap.append(limit if p.max_meetings is None else max(min(p.max_meetings, limit), 0))

    table_mask = sum(1 << t for t, ids in enumerate(tables_by_slot) if ids)
    req_a, req_b, req_mask, value = [], [], [], []
    requests_of: list[list[int]] = [[] for _ in participants]
    for r, request in enumerate(requests):
        a = participant_index.get(request.participant_a)
        b = participant_index.get(request.participant_b)
        if a is None or b is None:
            errors.append(field_error("requests", "schedule.unknown_participant", id=request.id))
            continue
        if a == b:
            errors.append(field_error("requests", "schedule.self_meeting", id=request.id))
        elif participants[a].side == participants[b].side:
            errors.append(field_error("requests", "schedule.same_side", id=request.id))
        if not 0.0 <= request.score <= 1.0:
            errors.append(field_error("requests", "schedule.score_range", id=request.id))
        req_a.append(a)
        req_b.append(b)
        req_mask.append(available[a] & available[b] & table_mask)
        value.append(weights.request_value(request))
        requests_of[a].append(r)
        requests_of[b].append(r)

    request_index = {q.id: r for r, q in enumerate(requests)}
    published_by_index: dict[int, Placement] = {}
    keep_slot: dict[int, int] = {}
    claimed: dict[tuple[str, str, str], str] = {}
    for request_id, placement in published.items():
        if request_id not in request_index:
            continue
        r = request_index[request_id]
        published_by_index[r] = placement
        request = requests[r]
        for key, problem in (
            (("table", placement.slot_id, placement.table_id), "schedule.table_taken"),
            (("firm", placement.slot_id, request.participant_a), "schedule.double_booked"),
            (("firm", placement.slot_id, request.participant_b), "schedule.double_booked"),
        ):
            if key in claimed:
                errors.append(field_error("published", problem, id=request_id, other=claimed[key]))
            claimed[key] = request_id
        where = slot_index.get(placement.slot_id)
        if (
            where is not None
            and placement.table_id in tables_by_slot[where]
            and req_mask[r] >> where & 1
        ):
            keep_slot[r] = where

    if errors:
        raise Invalid("schedule.inconsistent", errors=errors)
    return Instance(
        slots=tuple(slots),
        participants=tuple(participants),
        requests=tuple(requests),
        weights=weights,
        tables_by_slot=tuple(tuple(ids) for ids in tables_by_slot),
        available=tuple(available),
        cap=tuple(cap),
        req_a=tuple(req_a),
        req_b=tuple(req_b),
        req_mask=tuple(req_mask),
        value=tuple(value),
        requests_of=tuple(tuple(rs) for rs in requests_of),
        published=published_by_index,
        keep_slot=keep_slot,
    )


def is_valid(instance: Instance, slot_of: Mapping[int, int]) -> bool:
    """Whether a slot assignment keeps every hard rule (a check on solvers' answers)."""
    busy = [0] * len(instance.participants)
    meetings = [0] * len(instance.participants)
    used = [0] * len(instance.slots)
    for r, t in slot_of.items():
        if not instance.schedulable(r) or not instance.req_mask[r] >> t & 1:
            return False
        for p in {instance.req_a[r], instance.req_b[r]}:
            if busy[p] >> t & 1:
                return False
            busy[p] |= 1 << t
            meetings[p] += 1
        used[t] += 1
    return all(n <= cap for n, cap in zip(meetings, instance.cap, strict=True)) and all(
        n <= cap for n, cap in zip(used, instance.capacity, strict=True)
    )


def count_gaps(instance: Instance, slot_of: Mapping[int, int]) -> int:
    """Idle stretches inside participants' days: breaks in each one's run of meetings."""
    busy = [0] * len(instance.participants)
    for r, t in slot_of.items():
        busy[instance.req_a[r]] |= 1 << t
        busy[instance.req_b[r]] |= 1 << t
    # A run starts wherever a busy slot follows an idle one; every run after the first is a gap.
    return sum((mask & ~(mask << 1)).bit_count() - 1 for mask in busy if mask)


def evaluate(instance: Instance, placements: Mapping[int, Placement]) -> tuple[int, int, int, int]:
    """Objective, gaps, moved and dropped published meetings of a laid-out schedule."""
    index = {s.id: t for t, s in enumerate(instance.slots)}
    slot_of = {r: index[p.slot_id] for r, p in placements.items()}
    gaps = count_gaps(instance, slot_of)
    moved = sum(1 for r, p in instance.published.items() if r in placements and placements[r] != p)
    dropped = sum(1 for r in instance.published if r not in placements)
    w = instance.weights
    objective = (
        sum(instance.value[r] for r in placements)
        - w.gap * gaps
        - w.move * moved
        - w.drop * dropped
    )
    return objective, gaps, moved, dropped


def lay_out_tables(instance: Instance, slot_of: Mapping[int, int]) -> dict[int, Placement]:
    """Give each meeting a table; published meetings staying in their slot keep their table."""
    placements: dict[int, Placement] = {}
    taken: list[set[str]] = [set() for _ in instance.slots]
    for r, t in slot_of.items():
        if instance.keep_slot.get(r) == t:
            table_id = instance.published[r].table_id
            placements[r] = Placement(instance.slots[t].id, table_id)
            taken[t].add(table_id)
    free = [
        iter([table for table in ids if table not in taken[t]])
        for t, ids in enumerate(instance.tables_by_slot)
    ]
    for r, t in sorted(slot_of.items()):
        if r not in placements:
            placements[r] = Placement(instance.slots[t].id, next(free[t]))
    return placements


def _max_meetings(participant: Participant) -> float:
    cap = participant.max_meetings
    return float("inf") if cap is None else cap


def explain_unplaced(instance: Instance, slot_of: Mapping[int, int]) -> list[UnplacedRequest]:
    """Why each request without a slot was left out, as specifically as can be said."""
    busy = [0] * len(instance.participants)
    meetings = [0] * len(instance.participants)
    used = [0] * len(instance.slots)
    for r, t in slot_of.items():
        for p in (instance.req_a[r], instance.req_b[r]):
            busy[p] |= 1 << t
            meetings[p] += 1
        used[t] += 1
    capacity = instance.capacity
    full = sum(1 << t for t, n in enumerate(used) if n >= capacity[t])
    out = []
    for r, request in enumerate(instance.requests):
        if r in slot_of:
            continue
        a, b = instance.req_a[r], instance.req_b[r]
        pair = (a, b)
        silent = [p for p in pair if not instance.available[p]]
        maxed = [p for p in pair if meetings[p] >= _max_meetings(instance.participants[p])]
        mask = instance.req_mask[r]
        blocked_by = [p for p in pair if mask & ~busy[p] == 0]
        if silent:
            reason, who = UnplacedReason.PARTICIPANT_UNAVAILABLE, silent[0]
        elif not instance.available[a] & instance.available[b]:
            reason, who = UnplacedReason.NO_COMMON_SLOT, None
        elif not mask:
            reason, who = UnplacedReason.NO_TABLE_SLOT, None
        elif maxed:
            reason, who = UnplacedReason.AT_CAP, maxed[0]
        elif mask & ~busy[a] & ~busy[b] == 0:
            reason = UnplacedReason.PARTICIPANT_BUSY
            who = blocked_by[0] if blocked_by else None
        elif mask & ~busy[a] & ~busy[b] & ~full == 0:
            reason, who = UnplacedReason.TABLES_FULL, None
        else:
            reason, who = UnplacedReason.NOT_CHOSEN, None
        participant_id = None if who is None else instance.participants[who].id
        out.append(UnplacedRequest(request.id, reason, participant_id))
    return out

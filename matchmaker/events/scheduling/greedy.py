"""A fast greedy scheduler: the fallback when CP-SAT cannot run, and CP-SAT's starting hint.

Published meetings that can stay are placed first, where they were. The other requests follow
in priority order (value, then the fewest usable slots first), each into the free slot that
best extends both participants' runs of meetings. A repair pass then places left-out requests
by moving at most two unpublished meetings that block them to another free slot, and a last
pass moves or swaps meetings to close gaps in participants' days.
"""

from __future__ import annotations

from matchmaker.events.scheduling.instance import Instance, mask_slots


class _State:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.busy = [0] * len(instance.participants)
        self.meetings = [0] * len(instance.participants)
        self.free_tables = list(instance.capacity)
        self.slot_of: dict[int, int] = {}
        self.at: dict[tuple[int, int], int] = {}  # (participant, slot) -> request
        self.in_slot: list[set[int]] = [set() for _ in instance.slots]

    def open_slots(self) -> int:
        return sum(1 << t for t, n in enumerate(self.free_tables) if n > 0)

    def has_room(self, r: int) -> bool:
        inst = self.instance
        a, b = inst.req_a[r], inst.req_b[r]
        return self.meetings[a] < inst.cap[a] and self.meetings[b] < inst.cap[b]

    def candidates(self, r: int) -> int:
        inst = self.instance
        free = ~self.busy[inst.req_a[r]] & ~self.busy[inst.req_b[r]]
        return inst.req_mask[r] & free & self.open_slots()

    def place(self, r: int, t: int) -> None:
        inst = self.instance
        for p in (inst.req_a[r], inst.req_b[r]):
            self.busy[p] |= 1 << t
            self.meetings[p] += 1
            self.at[p, t] = r
        self.free_tables[t] -= 1
        self.slot_of[r] = t
        self.in_slot[t].add(r)

    def remove(self, r: int) -> int:
        inst = self.instance
        t = self.slot_of.pop(r)
        for p in (inst.req_a[r], inst.req_b[r]):
            self.busy[p] &= ~(1 << t)
            self.meetings[p] -= 1
            del self.at[p, t]
        self.free_tables[t] += 1
        self.in_slot[t].discard(r)
        return t

    def best_slot(self, r: int, mask: int) -> int:
        """The slot next to most of both participants' meetings; ties go to emptier slots."""
        inst = self.instance
        near = [self.busy[inst.req_a[r]], self.busy[inst.req_b[r]]]

        def key(t: int) -> tuple[int, int, int]:
            adjacent = sum((m >> (t - 1) & 1 if t else 0) + (m >> (t + 1) & 1) for m in near)
            return (adjacent, self.free_tables[t], -t)

        return max(mask_slots(mask), key=key)


def greedy_schedule(instance: Instance) -> dict[int, int]:
    """A valid slot for as many requests as the greedy order finds; request -> slot index."""
    state = _State(instance)
    published = sorted(instance.keep_slot, key=lambda r: (-instance.value[r], r))
    for r in published:
        t = instance.keep_slot[r]
        if state.has_room(r) and state.candidates(r) >> t & 1:
            state.place(r, t)

    order = sorted(
        (r for r in range(len(instance.requests)) if instance.schedulable(r)),
        key=lambda r: (-instance.value[r], instance.req_mask[r].bit_count(), r),
    )
    for r in order:
        if r not in state.slot_of and state.has_room(r):
            mask = state.candidates(r)
            if mask:
                state.place(r, state.best_slot(r, mask))

    for r in order:
        if r not in state.slot_of and state.has_room(r):
            _repair(state, r)
    _close_gaps(state)
    return state.slot_of


def close_gaps(instance: Instance, slot_of: dict[int, int]) -> dict[int, int]:
    """``slot_of`` with meetings moved or swapped to shorten idle stretches; same requests."""
    state = _State(instance)
    for r, t in slot_of.items():
        state.place(r, t)
    _close_gaps(state)
    return state.slot_of


def _gaps(mask: int) -> int:
    return (mask & ~(mask << 1)).bit_count() - 1 if mask else 0


def _close_gaps(state: _State, passes: int = 30) -> None:
    """Move or swap unpublished meetings into slots that shorten participants' idle stretches.

    Only moves that strictly reduce the gap count are taken, so this stops. When every table
    is taken a meeting can only trade slots with another one, hence the swaps.
    """
    inst = state.instance
    for _ in range(passes):
        improved = False
        for m, t in sorted(state.slot_of.items()):
            if inst.keep_slot.get(m) == t or state.slot_of.get(m) != t:
                continue
            pair = (inst.req_a[m], inst.req_b[m])
            if not any(_gaps(state.busy[p]) for p in pair):
                continue
            # Slots next to either participant's other meetings are the only ones that can help.
            near = 0
            for p in pair:
                others = state.busy[p] & ~(1 << t)
                near |= others << 1 | others >> 1
            for target in mask_slots(near & inst.req_mask[m] & ~(1 << t)):
                partners = _swap_partners(state, m, target)
                if _try_move(state, m, t, target) or any(
                    _try_swap(state, m, t, other, target) for other in partners
                ):
                    improved = True
                    break
        if not improved:
            return


def _swap_partners(state: _State, m: int, target: int) -> list[int]:
    """Meetings in ``target`` that ``m`` could trade slots with, by a quick first check."""
    inst = state.instance
    pair = (inst.req_a[m], inst.req_b[m])
    # A participant of m already meeting in `target` leaves that meeting as the only partner.
    blocking = {state.at[p, target] for p in pair if state.busy[p] >> target & 1}
    if blocking:
        return list(blocking) if len(blocking) == 1 else []
    t = state.slot_of[m]
    return [
        other
        for other in sorted(state.in_slot[target])
        if inst.req_mask[other] >> t & 1
        and not (state.busy[inst.req_a[other]] | state.busy[inst.req_b[other]]) >> t & 1
    ]


def _try_move(state: _State, m: int, t: int, target: int) -> bool:
    inst = state.instance
    pair = (inst.req_a[m], inst.req_b[m])
    if state.free_tables[target] == 0 or any(state.busy[p] >> target & 1 for p in pair):
        return False
    before = sum(_gaps(state.busy[p]) for p in pair)
    after = sum(_gaps(state.busy[p] & ~(1 << t) | 1 << target) for p in pair)
    if after >= before:
        return False
    state.remove(m)
    state.place(m, target)
    return True


def _try_swap(state: _State, m: int, t: int, other: int, target: int) -> bool:
    """Trade slots between ``m`` (in ``t``) and ``other`` (in ``target``) if gaps shrink."""
    inst = state.instance
    if inst.keep_slot.get(other) == target or not inst.req_mask[other] >> t & 1:
        return False
    mine = {inst.req_a[m], inst.req_b[m]}
    theirs = {inst.req_a[other], inst.req_b[other]}
    new = {}
    for p in mine | theirs:
        mask = state.busy[p]
        if p in mine and p not in theirs:
            if mask >> target & 1:
                return False
            mask = mask & ~(1 << t) | 1 << target
        elif p in theirs and p not in mine:
            if mask >> t & 1:
                return False
            mask = mask & ~(1 << target) | 1 << t
        new[p] = mask
    if sum(_gaps(mask) for mask in new.values()) >= sum(_gaps(state.busy[p]) for p in new):
        return False
    state.remove(m)
    state.remove(other)
    state.place(m, target)
    state.place(other, t)
    return True


def _repair(state: _State, r: int) -> None:
    """Place ``r`` by moving the meetings that block it in one of its slots, if they can move."""
    inst = state.instance
    a, b = inst.req_a[r], inst.req_b[r]
    for t in mask_slots(inst.req_mask[r]):
        blockers = list(dict.fromkeys(state.at[p, t] for p in (a, b) if (p, t) in state.at))
        if blockers:
            if _relocate(state, blockers, t):
                state.place(r, t)
                return
        elif state.free_tables[t] == 0:
            # Both are free but every table is taken: move any one meeting out of the slot.
            for m in sorted(state.in_slot[t]):
                if _relocate(state, [m], t):
                    state.place(r, t)
                    return


def _relocate(state: _State, meetings: list[int], t: int) -> bool:
    """Move ``meetings`` out of slot ``t`` into other free slots, or change nothing."""
    inst = state.instance
    if any(inst.keep_slot.get(m) == t for m in meetings):
        return False  # published meetings stay put; moving one costs more than a request gains
    old = {m: state.remove(m) for m in meetings}
    new: list[int] = []
    for m in meetings:
        mask = state.candidates(m) & ~(1 << t)
        if not mask:
            break
        state.place(m, state.best_slot(m, mask))
        new.append(m)
    if len(new) == len(meetings):
        return True
    for m in new:
        state.remove(m)
    for m, slot in old.items():
        state.place(m, slot)
    return False

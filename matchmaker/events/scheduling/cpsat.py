"""The slot-assignment model for OR-Tools CP-SAT.

One Boolean ``x[r, t]`` per request and usable slot. Tables are not modelled one by one: a
slot's table count caps how many meetings it holds, and tables are laid out afterwards.

Gaps are counted as runs minus one per participant who meets at all: ``start[p, t]`` marks a
slot where ``p`` meets and did not meet in the slot before, and ``active[p]`` is rewarded back.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from matchmaker.events.scheduling.instance import Instance, mask_slots


@dataclass(frozen=True)
class CpSatResult:
    slot_of: dict[int, int]
    optimal: bool
    objective_bound: int


def solve_cpsat(
    instance: Instance,
    hint: Mapping[int, int],
    *,
    deadline: float,
    workers: int,
    seed: int,
) -> CpSatResult | None:
    """The best slot assignment CP-SAT finds by ``deadline`` (a ``time.perf_counter()``
    reading); ``None`` if it found none."""
    w = instance.weights
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_firm_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    objective: list[cp_model.LinearExprT] = []
    constant = 0

    for r in range(len(instance.requests)):
        slots = mask_slots(instance.req_mask[r]) if instance.schedulable(r) else []
        mine = []
        for t in slots:
            var = model.new_bool_var(f"x{r}_{t}")
            x[r, t] = var
            mine.append(var)
            by_slot[t].append(var)
            by_firm_slot[instance.req_a[r], t].append(var)
            by_firm_slot[instance.req_b[r], t].append(var)
        if len(mine) > 1:
            model.add_at_most_one(mine)
        placed = sum(mine)
        value = instance.value[r]
        if r in instance.published:
            # Dropping costs `drop`; placing anywhere but the kept slot costs `move`.
            constant -= w.drop
            value += w.drop - w.move
            if r in instance.keep_slot:
                objective.append(w.move * x[r, instance.keep_slot[r]])
        if mine:
            objective.append(value * placed)

    for group in by_firm_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for t, group in by_slot.items():
        if len(group) > instance.capacity[t]:
            model.add(sum(group) <= instance.capacity[t])

    hint_busy: dict[int, int] = defaultdict(int)
    for r, t in hint.items():
        hint_busy[instance.req_a[r]] |= 1 << t
        hint_busy[instance.req_b[r]] |= 1 << t
    hint_vars: list[tuple[cp_model.IntVar, int]] = []

    reach = [0] * len(instance.participants)
    for r, t in x:
        reach[instance.req_a[r]] |= 1 << t
        reach[instance.req_b[r]] |= 1 << t
    for p in range(len(instance.participants)):
        slots = mask_slots(reach[p])
        mine = [v for t in slots for v in by_firm_slot[p, t]]
        if not mine:
            continue
        if instance.cap[p] < min(len(slots), len(instance.requests_of[p])):
            model.add(sum(mine) <= instance.cap[p])
        if w.gap == 0 or instance.cap[p] < 2 or len(slots) < 2 or len(instance.requests_of[p]) < 2:
            continue  # at most one meeting: no gap is possible
        active = model.new_bool_var(f"active{p}")
        model.add(active <= sum(mine))
        objective.append(w.gap * active)
        hint_vars.append((active, int(hint_busy[p] != 0)))
        for t in slots:
            start = model.new_bool_var(f"start{p}_{t}")
            before = by_firm_slot.get((p, t - 1), [])
            model.add(start >= sum(by_firm_slot[p, t]) - sum(before))
            objective.append(-w.gap * start)
            busy = hint_busy[p]
            hint_vars.append((start, int(busy >> t & 1 and not (t and busy >> (t - 1) & 1))))

    model.maximize(sum(objective) + constant)
    for (r, t), var in x.items():
        model.add_hint(var, int(hint.get(r) == t))
    for var, value in hint_vars:
        model.add_hint(var, value)

    solver = cp_model.CpSolver()
    # Building the model above takes a noticeable part of the budget on large events.
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    slot_of = {r: t for (r, t), var in x.items() if solver.boolean_value(var)}
    return CpSatResult(
        slot_of=slot_of,
        optimal=status == cp_model.OPTIMAL,
        objective_bound=math.floor(solver.best_objective_bound + 1e-6),
    )

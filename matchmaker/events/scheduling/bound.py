"""Upper bounds on how many requests can be placed, whatever the objective.

Two relaxations, the smaller wins:

- counting: every placed meeting uses one request, one table-slot, and one meeting of a
  producer and of a buyer, each of whom has at most ``min(cap, usable slots, requests)``;
- the linear relaxation of the slot-assignment model (each request in at most one slot, each
  participant in at most one meeting per slot and within their cap, each slot within its
  tables), solved by HiGHS and rounded down, which is safe because the true count is whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from matchmaker.events.scheduling.instance import Instance, mask_slots
from matchmaker.events.scheduling.types import Side


def counting_bound(instance: Instance) -> int:
    usable = [r for r in range(len(instance.requests)) if instance.schedulable(r)]
    reach = [0] * len(instance.participants)
    degree = [0] * len(instance.participants)
    for r in usable:
        for p in (instance.req_a[r], instance.req_b[r]):
            reach[p] |= instance.req_mask[r]
            degree[p] += 1
    union = 0
    for r in usable:
        union |= instance.req_mask[r]
    tables = sum(instance.capacity[t] for t in mask_slots(union))
    per_side = {side: 0 for side in Side}
    for p, participant in enumerate(instance.participants):
        per_side[participant.side] += min(instance.cap[p], reach[p].bit_count(), degree[p])
    return min(len(usable), tables, *per_side.values())


@dataclass(frozen=True)
class AssignmentMatrix:
    """The slot-assignment constraints as ``matrix @ x <= limits``, one column per choice."""

    columns: list[tuple[int, int]]  # (request, slot)
    matrix: csr_array
    limits: np.ndarray


def assignment_matrix(instance: Instance) -> AssignmentMatrix:
    columns = [
        (r, t)
        for r in range(len(instance.requests))
        if instance.schedulable(r)
        for t in mask_slots(instance.req_mask[r])
    ]
    rows: dict[tuple[str, int, int], int] = {}
    limits: list[float] = []
    entries_row: list[int] = []
    entries_col: list[int] = []

    def add(key: tuple[str, int, int], limit: float, column: int) -> None:
        if key not in rows:
            rows[key] = len(limits)
            limits.append(limit)
        entries_row.append(rows[key])
        entries_col.append(column)

    capacity = instance.capacity
    for j, (r, t) in enumerate(columns):
        add(("request", r, 0), 1, j)
        add(("slot", t, 0), capacity[t], j)
        for p in (instance.req_a[r], instance.req_b[r]):
            add(("firm-slot", p, t), 1, j)
            add(("firm", p, 0), instance.cap[p], j)
    matrix = csr_array(
        (np.ones(len(entries_row)), (entries_row, entries_col)),
        shape=(len(limits), len(columns)),
    )
    return AssignmentMatrix(columns, matrix, np.array(limits))


def lp_bound(instance: Instance, time_limit: float) -> int | None:
    """The rounded-down LP relaxation, or ``None`` if HiGHS did not prove it in time."""
    lp = assignment_matrix(instance)
    if not lp.columns:
        return 0
    result = linprog(
        -np.ones(len(lp.columns)),
        A_ub=lp.matrix,
        b_ub=lp.limits,
        bounds=(0, 1),
        method="highs",
        options={"time_limit": max(time_limit, 0.1)},
    )
    if result.status != 0:
        return None
    # Weak duality turns any non-negative row prices into a bound, however accurately HiGHS
    # solved: count <= b·y + sum over columns of max(0, 1 - (Aᵀy)_j). With HiGHS's prices this
    # equals the LP optimum, without trusting its tolerances.
    prices = np.maximum(-result.ineqlin.marginals, 0.0)
    reduced = np.maximum(1.0 - lp.matrix.T @ prices, 0.0)
    return math.floor(float(lp.limits @ prices + reduced.sum()) + 1e-9)


def upper_bound(instance: Instance, time_limit: float) -> int:
    bound = counting_bound(instance)
    lp = lp_bound(instance, time_limit)
    return bound if lp is None else min(bound, lp)

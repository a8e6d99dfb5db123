"""Schedule an event's requested meetings into slots and tables."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Literal

from matchmaker.events.scheduling.bound import upper_bound
from matchmaker.events.scheduling.greedy import close_gaps, greedy_schedule
from matchmaker.events.scheduling.instance import (
    Instance,
    build_instance,
    evaluate,
    explain_unplaced,
    is_valid,
    lay_out_tables,
)
from matchmaker.events.scheduling.mip import mip_schedule
from matchmaker.events.scheduling.types import (
    MeetingRequest,
    Participant,
    Placement,
    Schedule,
    Slot,
    SolveStatus,
    Table,
    Weights,
)

Method = Literal["auto", "cp-sat", "mip", "greedy"]

# CP-SAT polishes HiGHS's schedule (mostly gaps) and proves small events optimal; on two cores
# it stops improving on anything larger within seconds (measured: 400 to 20,000 choices), so
# "auto" leaves events with more (request, slot) choices than this to HiGHS and local search.
CP_SAT_CHOICES = 2_000

# Seconds kept back from the solvers to lay out tables and explain what was left out.
FINISHING = 0.3


def default_workers() -> int:
    """CP-SAT search workers: one per core, at least two, at most eight."""
    return min(max(os.cpu_count() or 1, 2), 8)


def schedule_meetings(
    slots: Sequence[Slot],
    tables: Sequence[Table],
    participants: Sequence[Participant],
    requests: Sequence[MeetingRequest],
    published: Mapping[str, Placement] | None = None,
    *,
    time_limit: float = 10.0,
    method: Method = "auto",
    weights: Weights | None = None,
    workers: int | None = None,
    seed: int = 0,
) -> Schedule:
    """Place requests into (slot, table) pairs, best first by ``weights``.

    Never double-books a participant, never uses a slot either side does not attend, never puts
    two meetings at one table in one slot, never exceeds a participant's ``max_meetings``.
    ``published`` is the agenda participants already received (request id -> placement); its
    meetings stay where they are unless they no longer can or a must-meet request needs room.

    The greedy schedule always comes first. ``method="mip"`` then has HiGHS choose requests
    and slots by value and closes gaps by local search; ``"cp-sat"`` runs CP-SAT on the whole
    objective, hinted with the greedy schedule; ``"auto"`` runs HiGHS, then, on events with at
    most ``CP_SAT_CHOICES`` (request, slot) choices, CP-SAT hinted with HiGHS's schedule;
    ``"greedy"`` stops at once. The greedy schedule is returned (status ``fallback``) when
    nothing better is found. OR-Tools is optional: without it CP-SAT is skipped.
    ``time_limit`` seconds bound the whole call. Raises ``Invalid`` on inconsistent
    input (unknown ids, overlapping slots, a published double booking, …).
    """
    started = time.perf_counter()
    deadline = started + time_limit - FINISHING
    instance = build_instance(
        slots, tables, participants, requests, published or {}, weights or Weights()
    )
    slot_of = greedy_schedule(instance)
    status = SolveStatus.FALLBACK
    objective_bound = None
    bound = upper_bound(instance, time_limit=max(deadline - time.perf_counter(), 0.0) / 4)

    choices = sum(m.bit_count() for m in instance.req_mask)
    if method == "auto":
        steps = ["mip", "cp-sat"] if choices <= CP_SAT_CHOICES else ["mip"]
    else:
        steps = [] if method == "greedy" else [method]
    if "mip" in steps:
        chosen = mip_schedule(instance, time_limit=(deadline - time.perf_counter()) / 2)
        if chosen is not None and is_valid(instance, chosen):
            chosen = close_gaps(instance, chosen)
            if _objective(instance, chosen) >= _objective(instance, slot_of):
                slot_of, status = chosen, SolveStatus.FEASIBLE
    if "cp-sat" in steps:
        try:
            from matchmaker.events.scheduling.cpsat import solve_cpsat
        except ImportError:
            result = None  # OR-Tools is optional: the schedule found so far stands
        else:
            result = solve_cpsat(
                instance,
                slot_of,
                deadline=deadline,
                workers=workers or default_workers(),
                seed=seed,
            )
        if result is not None:
            objective_bound = result.objective_bound
            if _objective(instance, result.slot_of) >= _objective(instance, slot_of):
                slot_of = result.slot_of
                status = SolveStatus.OPTIMAL if result.optimal else SolveStatus.FEASIBLE

    placements = lay_out_tables(instance, slot_of)
    objective, gaps, moved, dropped = evaluate(instance, placements)
    return Schedule(
        placements={instance.requests[r].id: p for r, p in sorted(placements.items())},
        unplaced=tuple(explain_unplaced(instance, slot_of)),
        objective=objective,
        upper_bound=bound,
        status=status,
        moved_published=moved,
        dropped_published=dropped,
        solve_seconds=time.perf_counter() - started,
        gaps=gaps,
        objective_bound=objective_bound,
    )


def _objective(instance: Instance, slot_of: Mapping[int, int]) -> int:
    return evaluate(instance, lay_out_tables(instance, slot_of))[0]

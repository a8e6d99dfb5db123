"""Which requests go in which slot, by value, as a mixed-integer programme for HiGHS.

On large events CP-SAT spends a ten-second budget presolving and barely moves from its hint,
while this relaxation is almost integral and HiGHS closes it in a second or two. Gaps are left
out (their linear relaxation is weak); the local search in ``greedy`` shortens them afterwards.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from matchmaker.events.scheduling.bound import assignment_matrix
from matchmaker.events.scheduling.instance import Instance


def mip_schedule(instance: Instance, time_limit: float) -> dict[int, int] | None:
    """The best slot assignment HiGHS finds in ``time_limit``, or ``None`` if it found none."""
    w = instance.weights
    lp = assignment_matrix(instance)
    if not lp.columns:
        return {}
    gain = np.array(
        [
            instance.value[r]
            + (w.drop - w.move if r in instance.published else 0)
            + (w.move if instance.keep_slot.get(r) == t else 0)
            for r, t in lp.columns
        ],
        dtype=float,
    )
    result = milp(
        -gain,
        constraints=LinearConstraint(lp.matrix, ub=lp.limits),
        integrality=np.ones(len(lp.columns)),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit, 0.1)},
    )
    if result.x is None:
        return None
    return {r: t for (r, t), chosen in zip(lp.columns, result.x, strict=True) if chosen > 0.5}

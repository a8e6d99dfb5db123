"""Graded labels: how far one side's answers took a shown result.

declined (with a reason) < shown and ignored < viewed < contacted < accepted < MoU < contract <
order < repeat order. A deal reported in the app with no stage is taken as a contract; at
events the MoU, the contract and the orders stay apart. A meeting nobody came to is no answer
at all: neither side said anything about the offer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

GRADES: dict[str, int] = {
    "declined": 0,
    "shown": 1,
    "viewed": 2,
    "contacted": 3,
    "accepted": 4,
    "mou": 5,
    "contract": 6,
    "deal": 6,
    "order": 7,
    "repeat": 8,
}
# The gain a grade is worth when an order of results is judged (NDCG): nothing for a result
# declined or passed over, a little for a look, most for what became trade.
GAINS: dict[str, float] = {
    "declined": 0.0,
    "shown": 0.0,
    "viewed": 0.25,
    "contacted": 0.5,
    "accepted": 1.0,
    "mou": 1.5,
    "contract": 2.0,
    "deal": 2.0,
    "order": 2.5,
    "repeat": 3.0,
}
# An event meeting's stage as an answer.
STAGE_ACTIONS = {
    "mou": "mou",
    "contract": "contract",
    "first_order": "order",
    "repeat_order": "repeat",
}
POSITIVE_FROM = GRADES["contacted"]


def best_answer(actions: Sequence[str]) -> str:
    """The furthest a side went; ``shown`` when it said nothing. A decline after an earlier
    yes is the side's last word and counts as a decline."""
    if not actions:
        return "shown"
    if actions[-1] == "declined":
        return "declined"
    return max(actions, key=lambda a: GRADES.get(a, 1))


def capped_weights(
    weights: Sequence[float], organizations: Sequence[str], share: float = 0.05, floor: float = 10.0
) -> list[float]:
    """Each organization's examples together weigh at most ``share`` of all (and never less
    than ``floor`` examples' worth may be kept): a few busy or self-interested accounts cannot
    steer the model."""
    total = float(sum(weights))
    cap = max(floor, share * total)
    by_org: dict[str, float] = defaultdict(float)
    for w, org in zip(weights, organizations, strict=True):
        by_org[org] += w
    return [
        w * min(1.0, cap / by_org[org]) if by_org[org] > 0 else w
        for w, org in zip(weights, organizations, strict=True)
    ]

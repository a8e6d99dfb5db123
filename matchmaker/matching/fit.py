"""How a match's score is shown to people: one figure on pages, in emails and in the API."""

from __future__ import annotations

import math


def fit_percent(score: float) -> int:
    """The whole percentage shown for a match score (0..1): 0.515 is 52%, halves round up.

    Every place that shows a match's fit calls this with the score stored on the Match row,
    so a page and an email about the same match always show the same figure.
    """
    return math.floor(min(max(score, 0.0), 1.0) * 100 + 0.5)

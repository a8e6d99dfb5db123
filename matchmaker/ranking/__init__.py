"""The ranking engine: a library that needs neither Flask nor a database.

The public names are loaded on first use, so code that only needs ``ranking.text`` (address
and name lookups) does not pay for importing numpy, scipy and scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "OfferRecord": "records",
    "RequirementRecord": "records",
    "MatchResult": "records",
    "Explanation": "records",
    "PooledMatch": "records",
    "OfferIndex": "index",
    "HandScorer": "scoring",
    "violations": "constraints",
    "propose_pools": "pooling",
}

__all__ = [
    "Explanation",
    "HandScorer",
    "MatchResult",
    "OfferIndex",
    "OfferRecord",
    "PooledMatch",
    "RequirementRecord",
    "propose_pools",
    "violations",
]

if TYPE_CHECKING:
    from matchmaker.ranking.constraints import violations
    from matchmaker.ranking.index import OfferIndex
    from matchmaker.ranking.pooling import propose_pools
    from matchmaker.ranking.records import (
        Explanation,
        MatchResult,
        OfferRecord,
        PooledMatch,
        RequirementRecord,
    )
    from matchmaker.ranking.scoring import HandScorer


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"matchmaker.ranking.{module}"), name)

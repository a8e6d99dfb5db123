"""Meeting scheduling for connection events: requested 1:1 meetings into slots and tables.

A pure library (no database, no web): the events service turns its records into these inputs
and stores the returned placements.
"""

from matchmaker.events.scheduling.solve import default_workers, schedule_meetings
from matchmaker.events.scheduling.types import (
    MeetingRequest,
    Participant,
    Placement,
    Schedule,
    Side,
    Slot,
    SolveStatus,
    Table,
    UnplacedReason,
    UnplacedRequest,
    Weights,
)

__all__ = [
    "MeetingRequest",
    "Participant",
    "Placement",
    "Schedule",
    "Side",
    "Slot",
    "SolveStatus",
    "Table",
    "UnplacedReason",
    "UnplacedRequest",
    "Weights",
    "default_workers",
    "schedule_meetings",
]

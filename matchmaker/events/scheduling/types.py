"""What the meeting scheduler takes and gives back: plain frozen records, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Side(StrEnum):
    PRODUCER = "producer"
    BUYER = "buyer"


@dataclass(frozen=True)
class Slot:
    """A meeting slot; slots are given in time order and breaks are the gaps between them."""

    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Table:
    """A meeting table; it holds one meeting per slot.

    ``slot_ids`` limits the slots in which the table is set up (``None``: all of them), for
    venues where a hall is only available for part of the day.
    """

    id: str
    slot_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class Participant:
    """A firm taking part in the event; ``max_meetings`` of ``None`` means no cap."""

    id: str
    side: Side
    available_slot_ids: frozenset[str]
    max_meetings: int | None = None


@dataclass(frozen=True)
class MeetingRequest:
    """A requested 1:1 meeting between a producer and a buyer.

    ``must_meet`` is set by the officer, ``mutual`` when both sides asked for the meeting, and
    ``score`` is the match score (0..1) from the ranking.
    """

    id: str
    participant_a: str
    participant_b: str
    must_meet: bool = False
    mutual: bool = False
    score: float = 0.0


@dataclass(frozen=True)
class Placement:
    slot_id: str
    table_id: str


@dataclass(frozen=True)
class Weights:
    """Objective weights; larger is better for values, penalties are subtracted.

    A placed request is worth ``placed + must_meet·[must] + mutual·[mutual] + score·score``.
    Each gap in a participant's day (a run of meetings interrupted by idle slots) costs ``gap``.
    A published meeting placed elsewhere costs ``move``; one left unplaced costs ``drop``.

    The defaults keep the preferences in order: a must-meet outweighs any handful of ordinary
    meetings; moving a published meeting costs more than the two ordinary meetings it could free
    room for, so published agendas only change for must-meet requests or when they must; and a
    placed meeting always outweighs the gaps it can open (at most one per participant).

    ``drop`` sits just above ``move``: a published meeting that has to give way is moved rather
    than dropped, and one whose slot is gone is re-seated before any new ordinary request. It
    stays below ``1.5·move`` less an ordinary meeting's worth, because re-seating a published
    meeting gains ``value + drop - move``, and a meeting that still fits must not be moved to
    re-seat the two such meetings it could free room for (with ``drop = 3·move`` re-seating one
    paid for moving two that still fit).
    """

    placed: int = 100
    must_meet: int = 10_000
    mutual: int = 50
    score: int = 50
    gap: int = 10
    move: int = 1_000
    drop: int = 1_200

    def request_value(self, request: MeetingRequest) -> int:
        """The objective gained by placing ``request`` anywhere."""
        return (
            self.placed
            + (self.must_meet if request.must_meet else 0)
            + (self.mutual if request.mutual else 0)
            + round(self.score * request.score)
        )


class UnplacedReason(StrEnum):
    """Why a request was left out, in the order they are checked."""

    PARTICIPANT_UNAVAILABLE = "participant_unavailable"  # no slot at all (e.g. withdrew)
    NO_COMMON_SLOT = "no_common_slot"  # both attend, but never at the same time
    NO_TABLE_SLOT = "no_table_slot"  # every common slot has no table set up
    AT_CAP = "at_cap"  # a participant already has their maximum number of meetings
    PARTICIPANT_BUSY = "participant_busy"  # in every common slot one side has another meeting
    TABLES_FULL = "tables_full"  # both free in some common slot, but every table is taken
    NOT_CHOSEN = "not_chosen"  # room existed; the time limit ran out before it was used


@dataclass(frozen=True)
class UnplacedRequest:
    request_id: str
    reason: UnplacedReason
    participant_id: str | None = None  # the participant the reason is about, when it is one


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven best for the objective
    FEASIBLE = "feasible"  # valid, from CP-SAT or HiGHS, not proven best for the objective
    FALLBACK = "fallback"  # valid, from the greedy scheduler


@dataclass(frozen=True)
class Schedule:
    """The scheduler's answer.

    ``upper_bound`` is a proven bound on how many of the requests can be placed at all (for any
    objective), so ``len(placements) / upper_bound`` says how close the schedule is to the best
    possible count.
    """

    placements: Mapping[str, Placement]
    unplaced: tuple[UnplacedRequest, ...]
    objective: int
    upper_bound: int
    status: SolveStatus
    moved_published: int
    dropped_published: int
    solve_seconds: float
    gaps: int
    objective_bound: int | None = None  # CP-SAT's proven bound on ``objective``, when it ran

    @property
    def placed(self) -> int:
        return len(self.placements)

"""An event's meeting slots, cut from its sessions in the event's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from matchmaker.events import scheduling as sched
from matchmaker.events.models import Event


def event_slots(event: Event) -> list[sched.Slot]:
    """The meeting slots cut from the event's sessions, in time order; a slot's id is its
    start time, so that a slot keeps its id when other sessions change."""
    zone = ZoneInfo(event.timezone)
    length = timedelta(minutes=event.slot_minutes)
    step = length + timedelta(minutes=event.break_minutes)
    slots = []
    for day in sorted(event.days, key=lambda d: (d["date"], d["start"])):
        on = date.fromisoformat(day["date"])
        start = datetime.combine(on, time.fromisoformat(day["start"]), zone)
        end = datetime.combine(on, time.fromisoformat(day["end"]), zone)
        while start + length <= end:
            slots.append(sched.Slot(slot_id(start), start, start + length))
            start += step
    return slots


def slot_id(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def local_today(event: Event, now: datetime) -> date:
    """The day it is at the event's venue."""
    return now.astimezone(ZoneInfo(event.timezone)).date()

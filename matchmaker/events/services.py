"""The events services, by area: one import for callers that use several of them.

Events and registration live in :mod:`.registration`, meeting requests in :mod:`.requests`,
scheduling and agendas in :mod:`.schedule`, outcomes and follow-ups in :mod:`.outcomes`.
Services take the session and never commit; the use cases in :mod:`.access` check permissions
and hold the unit of work.
"""

from __future__ import annotations

from matchmaker.events.outcomes import FOLLOW_UP_DAYS, follow_ups_due, record_outcome
from matchmaker.events.registration import (
    cancel_event,
    create_event,
    decide,
    list_events,
    list_participants,
    participant_of,
    register,
    update_event,
    withdraw,
)
from matchmaker.events.requests import (
    Suggestion,
    answer_request,
    change_request,
    expire_requests,
    list_requests,
    request_meeting,
    suggestions,
)
from matchmaker.events.schedule import (
    SEND_EVENT_EMAILS,
    agenda,
    latest_run,
    meetings,
    publish_schedule,
    run_schedule,
)
from matchmaker.events.slots import event_slots, slot_id

__all__ = [
    "FOLLOW_UP_DAYS", "SEND_EVENT_EMAILS", "Suggestion", "agenda", "answer_request",
    "cancel_event", "change_request", "create_event", "decide", "event_slots", "expire_requests",
    "follow_ups_due", "latest_run", "list_events", "list_participants", "list_requests",
    "meetings", "participant_of", "publish_schedule", "record_outcome", "register",
    "request_meeting", "run_schedule", "slot_id", "suggestions", "update_event", "withdraw",
]  # fmt: skip

"""A connection event with one scheduled 1:1 meeting between two organizations, for the tests
that need a meeting to exist (its conversation, its API) without scheduling one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from matchmaker.db import utcnow
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest


def scheduled_meeting(
    db: Session, organizer_id: int, producer_id: int, buyer_id: int, name: str = "Hội chợ OCOP"
) -> tuple[Event, Meeting]:
    """An event ``organizer_id`` runs, both organizations approved participants, a meeting
    they agreed on at table 1 starting now; committed."""
    now = utcnow()
    event = Event(
        organization_id=organizer_id,
        name=name,
        venue="Nhà văn hoá",
        timezone="Asia/Ho_Chi_Minh",
        table_count=5,
        registration_deadline=now + timedelta(days=3),
    )
    db.add(event)
    db.flush()
    sides = [
        EventParticipant(
            event_id=event.id, organization_id=organization_id, side=side, status="approved"
        )
        for organization_id, side in ((producer_id, "producer"), (buyer_id, "buyer"))
    ]
    db.add_all(sides)
    db.flush()
    request = MeetingRequest(
        event_id=event.id,
        producer_id=sides[0].id,
        buyer_id=sides[1].id,
        requested_by="buyer",
        status="accepted",
        expires_at=now + timedelta(days=1),
    )
    db.add(request)
    db.flush()
    meeting = Meeting(
        event_id=event.id,
        request_id=request.id,
        starts_at=now,
        table_no=1,
        ends_at=now + timedelta(minutes=20),
    )
    db.add(meeting)
    db.commit()
    return event, meeting

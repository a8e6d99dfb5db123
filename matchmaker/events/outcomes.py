"""What came of the meetings: outcomes, deals that only move forward, the ranker taught by
them, and the follow-up questions each step plans."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker import outbox
from matchmaker.accounts.models import User
from matchmaker.db import utcnow
from matchmaker.errors import Conflict, Invalid, field_error
from matchmaker.events.inputs import Outcome
from matchmaker.events.models import STAGES, EventEmail, Meeting
from matchmaker.events.schedule import SEND_EVENT_EMAILS, participant_users
from matchmaker.matching.answers import record_answer
from matchmaker.matching.models import MatchEvent
from matchmaker.ranking.learning.labels import STAGE_ACTIONS

# Days between follow-up questions once a meeting led to an MoU, a contract or an order.
FOLLOW_UP_DAYS = {"mou": 14, "contract": 21, "first_order": 30}


def record_outcome(
    session: Session, meeting: Meeting, user: User, data: Outcome, *, today: date
) -> Meeting:
    """Records what came of a meeting. A deal only moves forward (MoU, contract, first order,
    repeat order); each step plans the next follow-up question to both sides. The underlying
    match learns from it: a deal or interest is positive feedback, a no-show or "not
    interested" negative."""
    stage = data.stage
    if stage is not None and STAGES.index(stage) < STAGES.index(meeting.stage):
        raise Conflict("deal.stage_backwards", stage=meeting.stage, to=stage)
    for key, value in data.model_dump(exclude_none=True, exclude={"stage"}).items():
        setattr(meeting, key, value)
    if stage is not None and stage != "none":
        meeting.attendance = meeting.attendance or "held"
    if meeting.attendance == "no_show" and (stage or meeting.stage) != "none":
        raise Invalid("deal.invalid", errors=[field_error("attendance", "deal.no_show")])
    if stage is not None and stage != meeting.stage:
        meeting.stage = stage
        days = FOLLOW_UP_DAYS.get(stage)
        meeting.follow_up_on = today + timedelta(days=days) if days else None
    meeting.outcome_at = utcnow()
    _teach_ranker(session, meeting, user)
    session.flush()
    return meeting


def _teach_ranker(session: Session, meeting: Meeting, user: User) -> None:
    """Moves the meeting's match to where its outcome says, so the ranker trains on it."""
    match = meeting.request.match
    if match is None:
        return
    # A meeting nobody came to says nothing about the offer: no answer, no decline.
    if meeting.stage != "none":
        target, reason = "deal", f"event meeting: {meeting.stage}"
        answer = STAGE_ACTIONS[meeting.stage]  # MoU, contract and orders stay apart
    elif meeting.interest == "interested":
        target, reason = "accepted", "event meeting: interested"
        answer = "accepted"
    elif meeting.interest == "not_interested" and meeting.attendance != "no_show":
        target, reason = "declined", "event meeting: not interested"
        answer = "declined"
    else:
        return
    record_answer(session, match, "officer", answer, user=user, reason=reason)
    order = ("suggested", "notified", "viewed", "accepted", "contacted", "deal")
    if match.status == target or match.status == "deal":
        return
    if target == "accepted" and match.status in order and order.index(match.status) > 3:
        return
    session.add(
        MatchEvent(
            match_id=match.id, user_id=user.id, from_status=match.status, to_status=target,
            reason=reason,
        )
    )  # fmt: skip
    match.status = target
    if target == "declined":
        match.decline_reason = reason


def follow_ups_due(session: Session, *, today: date) -> list[EventEmail]:
    """Asks both sides of each deal in progress how it goes, once per step and due date."""

    due = session.scalars(
        select(Meeting).where(Meeting.follow_up_on.is_not(None), Meeting.follow_up_on <= today)
    ).all()
    emails = []
    for meeting in due:
        request = meeting.request
        for participant in (request.producer, request.buyer):
            for user in participant_users(session, participant):
                key = (
                    f"follow-up:{meeting.id}:{meeting.stage}:{meeting.follow_up_on}:user:{user.id}"
                )
                if session.scalar(select(EventEmail.id).where(EventEmail.idempotency_key == key)):
                    continue
                email = EventEmail(
                    event_id=meeting.event_id, user_id=user.id, kind="follow_up",
                    idempotency_key=key, payload={"meeting_id": meeting.id},
                )  # fmt: skip
                session.add(email)
                emails.append(email)
        days = FOLLOW_UP_DAYS.get(meeting.stage)
        meeting.follow_up_on = today + timedelta(days=days) if days else None
    session.flush()
    if emails:
        outbox.enqueue(session, SEND_EVENT_EMAILS, email_ids=[e.id for e in emails])
    return emails

"""Meeting requests between the producers and buyers of an event: suggestions from the
ranking engine, asking, answering, changing and expiring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Requirement
from matchmaker.catalog.services import Page, PageRequest, paginate
from matchmaker.errors import Conflict, Invalid, field_error
from matchmaker.events.models import Event, EventParticipant, Meeting, MeetingRequest
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers


@dataclass(frozen=True)
class Suggestion:
    """A participant of the other side worth meeting, and the match behind it."""

    participant: EventParticipant
    match: Match
    score: float


def suggestions(
    session: Session, state: RankingState, participant: EventParticipant, *, limit: int = 20
) -> list[Suggestion]:
    """The approved participants of the other side that the ranking engine puts first.

    Every (requirement, offer) pair between the two sides is ranked from the buyers'
    requirements; a participant's score is their best pair's.
    """
    others = {
        p.id: p
        for p in session.scalars(
            select(EventParticipant).where(
                EventParticipant.event_id == participant.event_id,
                EventParticipant.status == "approved",
                EventParticipant.side != participant.side,
            )
        )
    }
    asked = _requested_pairs(session, participant)
    if participant.side == "buyer":
        requirement_ids = participant.requirement_ids
        offer_owner = {o: p for p in others.values() for o in p.offer_ids}
    else:
        requirement_ids = [r for p in others.values() for r in p.requirement_ids]
        offer_owner = {o: participant for o in participant.offer_ids}
    requirement_owner = (
        {r: participant for r in participant.requirement_ids}
        if participant.side == "buyer"
        else {r: p for p in others.values() for r in p.requirement_ids}
    )
    best: dict[int, Suggestion] = {}
    requirements = session.scalars(select(Requirement).where(Requirement.id.in_(requirement_ids)))
    for requirement in requirements:
        for ranked in rank_offers(session, state, requirement, limit=200):
            if ranked.offer.id not in offer_owner:
                continue
            other = (
                offer_owner[ranked.offer.id]
                if participant.side == "buyer"
                else requirement_owner[requirement.id]
            )
            if other.id in asked:
                continue
            score = ranked.match.score
            if other.id not in best or score > best[other.id].score:
                best[other.id] = Suggestion(other, ranked.match, score)
    return sorted(best.values(), key=lambda s: (-s.score, s.participant.id))[:limit]


def _requested_pairs(session: Session, participant: EventParticipant) -> set[int]:
    column = (
        MeetingRequest.buyer_id if participant.side == "producer" else MeetingRequest.producer_id
    )
    own = MeetingRequest.producer_id if participant.side == "producer" else MeetingRequest.buyer_id
    return set(session.scalars(select(column).where(own == participant.id)))


def _best_match(
    session: Session, producer: EventParticipant, buyer: EventParticipant
) -> Match | None:
    if not producer.offer_ids or not buyer.requirement_ids:
        return None
    return session.scalars(
        select(Match)
        .where(
            Match.offer_id.in_(producer.offer_ids),
            Match.requirement_id.in_(buyer.requirement_ids),
        )
        .order_by(Match.score.desc(), Match.id)
    ).first()


def request_meeting(
    session: Session,
    requester: EventParticipant,
    other: EventParticipant,
    *,
    must_meet: bool = False,
    message: str = "",
    now: datetime,
) -> MeetingRequest:
    """Asks for a meeting. When the other side already asked for the same one, this answers
    it: the meeting is accepted and mutual."""
    event = requester.event
    if event.cancelled_at is not None:
        raise Conflict("event.cancelled", event_id=event.id)
    if requester.status != "approved" or other.status != "approved":
        raise Conflict("meeting.not_approved")
    if other.event_id != requester.event_id or other.side == requester.side:
        raise Invalid(
            "meeting.invalid", errors=[field_error("participant_id", "meeting.other_side")]
        )
    producer, buyer = (requester, other) if requester.side == "producer" else (other, requester)
    existing = session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.producer_id == producer.id,
            MeetingRequest.buyer_id == buyer.id,
        )
    ).first()
    if existing is not None:
        if existing.requested_by != requester.side and existing.status == "pending":
            existing.status, existing.mutual, existing.answered_at = "accepted", True, now
            existing.must_meet = existing.must_meet or must_meet
            session.flush()
            return existing
        if existing.status in ("pending", "accepted"):
            return existing
        raise Conflict("meeting.asked_before", status=existing.status)
    match = _best_match(session, producer, buyer)
    request = MeetingRequest(
        event_id=event.id,
        producer_id=producer.id,
        buyer_id=buyer.id,
        requested_by=requester.side,
        must_meet=must_meet,
        message=message,
        match_id=match.id if match else None,
        score=match.score if match else 0.0,
        expires_at=min(
            now + timedelta(hours=event.request_ttl_hours),
            max(event.registration_deadline, now + timedelta(hours=1)),
        ),
    )
    session.add(request)
    session.flush()
    return request


def answer_request(
    session: Session, request: MeetingRequest, accept: bool, *, now: datetime
) -> MeetingRequest:
    if request.status == "pending" and request.expires_at <= now:
        request.status = "expired"
    if request.status != "pending":
        raise Conflict("meeting.already_answered", status=request.status)
    request.status = "accepted" if accept else "declined"
    request.answered_at = now
    session.flush()
    return request


def change_request(
    session: Session, request: MeetingRequest, *, must_meet: bool | None, withdraw: bool
) -> MeetingRequest:
    if withdraw:
        if request.status not in ("pending", "accepted"):
            raise Conflict("meeting.already_answered", status=request.status)
        request.status = "withdrawn"
        session.execute(delete(Meeting).where(Meeting.request_id == request.id))
    if must_meet is not None:
        request.must_meet = must_meet
    session.flush()
    return request


def expire_requests(session: Session, *, now: datetime) -> int:
    """Pending requests nobody answered in time expire."""
    result = session.execute(
        update(MeetingRequest)
        .where(MeetingRequest.status == "pending", MeetingRequest.expires_at <= now)
        .values(status="expired", updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def list_requests(
    session: Session,
    event: Event,
    page: PageRequest,
    *,
    participant: EventParticipant | None = None,
    status: str | None = None,
) -> Page[MeetingRequest]:
    query = select(MeetingRequest).where(MeetingRequest.event_id == event.id)
    if participant is not None:
        query = query.where(
            or_(
                MeetingRequest.producer_id == participant.id,
                MeetingRequest.buyer_id == participant.id,
            )
        )
    if status:
        query = query.where(MeetingRequest.status == status)
    return paginate(session, query, MeetingRequest.id, page)

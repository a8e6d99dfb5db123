"""Each side's own answers to a match, kept apart, and the labels training reads from them.

Only the buyer's answers label the buyer's side (how good the offer was for the buyer) and only
the producer's the producer's; an officer's record of an event outcome counts for both. A
producer cannot say it contacted the buyer or closed a deal before the buyer said yes, and a
deal needs both sides (or an officer); a buyer may contact a producer it accepted. Answers
are appended, never rewritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column

from matchmaker.accounts.models import User
from matchmaker.catalog.models import Offer, Requirement
from matchmaker.db import Base, UTCDateTime, utcnow
from matchmaker.errors import Conflict
from matchmaker.matching.impressions import Impression, side_of
from matchmaker.matching.models import Match
from matchmaker.matching.records import offer_record, requirement_record
from matchmaker.ranking.learning.labels import GRADES, best_answer
from matchmaker.ranking.model import FeedbackExample

ANSWER_SIDES = ("buyer", "producer", "officer")
# Actions a side may take only once the other side has said yes: a buyer's details reach a
# producer only after the buyer's yes, and a deal takes two.
AFTER_THE_OTHER_SIDE = {"buyer": ("deal",), "producer": ("contacted", "deal")}
YES = ("accepted", "contacted", "deal", "mou", "contract", "order", "repeat")


class MatchAnswer(Base):
    """One side's answer to a match, with the impression it answered."""

    __tablename__ = "match_answers"
    __table_args__ = (CheckConstraint("side IN ('buyer', 'producer', 'officer')", name="side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    impression_id: Mapped[int | None] = mapped_column(
        ForeignKey("impressions.id", ondelete="SET NULL")
    )
    side: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(16))
    grade: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def answering_side(user: User, match: Match) -> str:
    return (
        side_of(user, match.requirement.organization_id, match.offer.organization_id) or "officer"
    )


def check_answer(session: Session, user: User, match: Match, action: str) -> str:
    """The side the user answers for, once the rules across sides allow the action."""
    side = answering_side(user, match)
    if side == "officer" or action not in AFTER_THE_OTHER_SIDE[side]:
        return side
    other = "producer" if side == "buyer" else "buyer"
    said_yes = session.scalar(
        select(MatchAnswer.id).where(
            MatchAnswer.match_id == match.id,
            MatchAnswer.side.in_((other, "officer")),
            MatchAnswer.action.in_(YES),
        )
    )
    if said_yes is None:
        raise Conflict(f"match.needs_{other}_yes", action=action)
    return side


def record_answer(
    session: Session,
    match: Match,
    side: str,
    action: str,
    *,
    user: User | None = None,
    reason: str | None = None,
) -> MatchAnswer | None:
    """Appends a side's answer, tied to the latest impression that side was shown; None when
    the side's last answer already said the same."""
    last = session.scalar(
        select(MatchAnswer.action)
        .where(MatchAnswer.match_id == match.id, MatchAnswer.side == side)
        .order_by(MatchAnswer.id.desc())
        .limit(1)
    )
    if last == action:
        return None
    impression_id = session.scalar(
        select(Impression.id)
        .where(Impression.match_id == match.id, Impression.side == side)
        .order_by(Impression.id.desc())
        .limit(1)
    )
    answer = MatchAnswer(
        match_id=match.id,
        impression_id=impression_id,
        side=side,
        organization_id=user.organization_id if user is not None else None,
        user_id=user.id if user is not None else None,
        action=action,
        grade=GRADES.get(action, GRADES["shown"]),
        reason=reason,
    )
    session.add(answer)
    session.flush()
    return answer


def training_examples(session: Session, side: str = "buyer") -> Iterator[FeedbackExample]:
    """One example per match shown to ``side``: the features, rank and model of the impression
    the side answered (the first one when it never answered), labelled by that side's own
    answers and an officer's alone; the time is that of the last answer (or of the showing)."""
    answers: dict[int, list[MatchAnswer]] = defaultdict(list)
    for answer in session.scalars(
        select(MatchAnswer).where(MatchAnswer.side.in_((side, "officer"))).order_by(MatchAnswer.id)
    ):
        answers[answer.match_id].append(answer)
    shown: dict[int, Impression] = {}
    by_id: dict[int, Impression] = {}
    for impression in session.scalars(
        select(Impression).where(Impression.side == side).order_by(Impression.id)
    ):
        shown.setdefault(impression.match_id, impression)
        by_id[impression.id] = impression
    matches = session.scalars(
        select(Match)
        .where(Match.id.in_(list(shown)))
        .options(
            joinedload(Match.requirement).joinedload(Requirement.buyer),
            joinedload(Match.offer).joinedload(Offer.producer),
        )
        .order_by(Match.id)
    ).unique()
    for match in matches:
        said = answers.get(match.id, [])
        impression = shown[match.id]
        answered = [a for a in said if a.impression_id in by_id]
        if answered:
            impression = by_id[answered[0].impression_id or impression.id]
        action = best_answer([a.action for a in said])
        last = said[-1].created_at if said else impression.shown_at
        organization = (
            match.requirement.organization_id if side == "buyer" else match.offer.organization_id
        )
        reason = next((a.reason for a in reversed(said) if a.action == "declined"), None)
        yield FeedbackExample(
            requirement=requirement_record(match.requirement),
            offer=offer_record(match.offer),
            action=action,
            reason=reason,
            on=impression.shown_at.date(),
            features=dict(impression.features) or None,
            rank=impression.rank,
            at=last,
            organization=str(organization),
            shown_at=impression.shown_at,
        )

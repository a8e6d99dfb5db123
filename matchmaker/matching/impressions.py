"""The impression log: what each side was shown, as it was shown, appended and never rewritten.

A ranking of the same pair later (the page asked again, the nightly re-match, a new model) adds
an impression when what the side sees changed; the ones before stay as they were, so that
feedback is learned from what the user actually saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from matchmaker.accounts.models import User
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow
from matchmaker.matching.models import Match

SIDES = ("buyer", "producer")


class Impression(Base):
    """One result shown to one side: the rank, the score, the model and its features then."""

    __tablename__ = "impressions"
    __table_args__ = (CheckConstraint("side IN ('buyer', 'producer')", name="side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(16))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(64))
    features: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@event.listens_for(Impression, "before_update")
def _never_rewritten(mapper: Any, connection: Any, target: Impression) -> None:
    raise RuntimeError("an impression is never rewritten")


def side_of(user: User, requirement_org: int, offer_org: int) -> str | None:
    """Which side of a match the user speaks for; None for an officer or an admin."""
    if user.organization_id == requirement_org:
        return "buyer"
    if user.organization_id == offer_org:
        return "producer"
    return None


def record_impressions(
    session: Session, user: User, side: str | None, matches: Sequence[Match]
) -> list[Impression]:
    """Logs the matches as one side saw them; an officer's or an admin's look is not logged.
    A match already logged for that side with the same rank, score and model is not logged
    again."""
    if side is None or not matches:
        return []
    last: dict[int, Impression] = {}
    for shown in session.scalars(
        select(Impression)
        .where(Impression.match_id.in_([m.id for m in matches]), Impression.side == side)
        .order_by(Impression.id)
    ):
        last[shown.match_id] = shown
    added = []
    now = utcnow()
    for match in matches:
        before = last.get(match.id)
        if (
            before is not None
            and before.rank == match.rank
            and before.model_version == match.model_version
            and abs(before.score - match.score) < 1e-9
        ):
            continue
        impression = Impression(
            match_id=match.id,
            side=side,
            organization_id=user.organization_id,
            user_id=user.id,
            rank=match.rank,
            score=match.score,
            model_version=match.model_version,
            features=dict(match.features),
            shown_at=now,
        )
        session.add(impression)
        added.append(impression)
    session.flush()
    return added

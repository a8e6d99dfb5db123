"""Match rows: one per (requirement, offer) pair ever suggested, with its status history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.catalog.models import Offer, Requirement, TimestampMixin
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow

MATCH_STATUSES = ("suggested", "notified", "viewed", "accepted", "declined", "contacted", "deal")


class Match(TimestampMixin, Base):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("requirement_id", "offer_id"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in MATCH_STATUSES) + ")", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Found by requirement through the unique (requirement_id, offer_id) index.
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id", ondelete="CASCADE"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    gaps: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Features as ranked, so that feedback can train the model on what the user actually saw.
    features: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    model_version: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default="suggested")
    # Only a product related to the one asked for, shown apart on the buyer's page when few
    # fit: never a match to notify either side about. Each ranking of the pair says it again.
    related: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    # Its date is the day of the latest ranking, which training recomputes features on; a
    # pair ranked again the same day with the same outcome keeps the time of the first.
    last_ranked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requirement: Mapped[Requirement] = relationship()
    offer: Mapped[Offer] = relationship()
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", order_by="MatchEvent.id", cascade="all, delete-orphan"
    )

    @property
    def suggested(self) -> bool:
        """Whether the ranking put the pair forward: a quote on a pair it never ranked
        makes a match of rank 0, whose score says nothing of its fit."""
        return self.rank > 0


class MatchEvent(Base):
    """One status change of a match: who, when, from what to what, and why."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    match: Mapped[Match] = relationship(back_populates="events")

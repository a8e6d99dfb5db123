"""Quote tables: one quote per (requirement, offer), and every revision of its terms."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.catalog.models import Offer, Requirement, TimestampMixin
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow

QUOTE_STATUSES = ("open", "withdrawn", "accepted", "declined")
DELIVERY_TERMS = ("ex_works", "delivered")


class Quote(TimestampMixin, Base):
    """A producer's answer to a requirement with one of its offers; its terms are those of
    its latest revision."""

    __tablename__ = "quotes"
    __table_args__ = (
        UniqueConstraint("requirement_id", "offer_id"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in QUOTE_STATUSES) + ")", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requirement_id: Mapped[int] = mapped_column(
        ForeignKey("requirements.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    # The producer: who may change the quote.
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="open")
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    # The month's value of the deal once the buyer accepted: the price (in the quote's unit)
    # times the volume the producer committed to, or the minimum order when none was stated.
    deal_value_vnd: Mapped[int | None] = mapped_column(BigInteger)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requirement: Mapped[Requirement] = relationship()
    offer: Mapped[Offer] = relationship()
    revisions: Mapped[list[QuoteRevision]] = relationship(
        back_populates="quote", order_by="QuoteRevision.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> QuoteRevision:
        return self.revisions[-1]


class QuoteRevision(Base):
    """One version of a quote's terms, never rewritten: a change is a new revision."""

    __tablename__ = "quote_revisions"
    __table_args__ = (
        UniqueConstraint("quote_id", "number"),
        CheckConstraint("unit_price_vnd >= 0", name="price"),
        CheckConstraint("min_order_quantity IS NULL OR min_order_quantity > 0", name="moq"),
        CheckConstraint("monthly_volume IS NULL OR monthly_volume > 0", name="volume"),
        CheckConstraint("lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time"),
        CheckConstraint(
            "delivery_terms IN (" + ", ".join(f"'{t}'" for t in DELIVERY_TERMS) + ")",
            name="terms",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quotes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Who wrote it; kept when that account is removed.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    unit_price_vnd: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(16))
    min_order_quantity: Mapped[float | None] = mapped_column(Float)
    monthly_volume: Mapped[float | None] = mapped_column(Float)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    delivery_terms: Mapped[str] = mapped_column(String(16), default="ex_works")
    # Current province codes it delivers to when ``delivered``; empty means nationwide.
    delivery_provinces: Mapped[list[str]] = mapped_column(JSONType, default=list)
    valid_until: Mapped[date | None] = mapped_column(Date)
    samples_available: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quote: Mapped[Quote] = relationship(back_populates="revisions")

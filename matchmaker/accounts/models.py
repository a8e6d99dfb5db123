"""User accounts. Every user belongs to exactly one organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.catalog.models import Organization, TimestampMixin
from matchmaker.db import Base, JSONType, UTCDateTime, utcnow

ROLES = ("producer", "buyer", "officer", "admin")


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('producer', 'buyer', 'officer', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Stored lower-cased so that sign-in is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signed out everywhere at this time (a password reset, say): page sessions begun before
    # it no longer count; the API tokens of the time were revoked with it.
    signed_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()


class ApiToken(Base):
    """A bearer token. Only its SHA-256 digest is stored, so a database leak leaks no token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PageSession(Base):
    """A signed-in browser. The session cookie carries a random id; only its SHA-256 digest is
    kept, and signing out revokes the row, so a copy of the cookie taken before no longer
    signs anyone in."""

    __tablename__ = "page_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


# pending: an officer of the producer's province (or an admin) decides; the account waits.
CLAIM_STATES = ("pending", "approved", "refused")
# How an automatic claim showed it is the listed producer: the listing's email or phone.
CLAIM_PROOFS = ("email", "phone")


class ProducerClaim(Base):
    """Someone registering as a producer the province already lists (by name and province),
    taking over that listing with their new account."""

    __tablename__ = "producer_claims"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'refused')", name="status"),
        CheckConstraint("matched_by IS NULL OR matched_by IN ('email', 'phone')", name="proof"),
        # One request at a time per producer: a second registration is told one is waiting.
        Index(
            "uq_producer_claims_pending_organization_id",
            "organization_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # The claimant's account: inactive until the claim is approved (and after a refusal).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(8))
    matched_by: Mapped[str | None] = mapped_column(String(8))
    # What the claimant gave about the producer (phone, address, email), for the officer.
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

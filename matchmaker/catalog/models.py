"""Catalog tables: organizations, offers (producers' products), requirements (buyers' needs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.db import Base, JSONType, UTCDateTime, utcnow

ORGANIZATION_KINDS = ("producer", "buyer", "agency")
ENTITY_TYPES = ("enterprise", "cooperative", "cooperative_group", "household")
BUYER_TYPES = ("supermarket", "ecommerce", "introduction_point", "exporter", "wholesaler", "horeca")
LANGUAGES = ("vi", "en")
OFFER_STATUSES = ("active", "paused", "archived")
REQUIREMENT_STATUSES = ("open", "paused", "closed")
# Who changed an offer: its producer (or an admin) editing it, or an officer's list import.
OFFER_CHANGE_SOURCES = ("edit", "import")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ChangeTrackedMixin(TimestampMixin):
    """Rows that each process's offer index and pipelines catch up on by ``updated_at``."""

    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )


class Organization(ChangeTrackedMixin, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint(_in("kind", ORGANIZATION_KINDS), name="kind"),
        CheckConstraint(
            f"entity_type IS NULL OR {_in('entity_type', ENTITY_TYPES)}", name="entity"
        ),
        CheckConstraint(f"buyer_type IS NULL OR {_in('buyer_type', BUYER_TYPES)}", name="buyer"),
        CheckConstraint(_in("preferred_language", LANGUAGES), name="language"),
        Index("ix_organizations_kind_name_key", "kind", "name_key"),
        # One producer per name (in any spelling) and province: imports find it, never repeat it.
        Index(
            "uq_organizations_producer_name_key_province",
            "name_key",
            "province",
            unique=True,
            sqlite_where=text("kind = 'producer'"),
            postgresql_where=text("kind = 'producer'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    # Diacritic-folded name: how imports recognise a producer typed in another spelling.
    name_key: Mapped[str] = mapped_column(String(300))
    entity_type: Mapped[str | None] = mapped_column(String(32))
    buyer_type: Mapped[str | None] = mapped_column(String(32))
    province: Mapped[str | None] = mapped_column(String(8), index=True)
    # The province as the user or the source file wrote it (often a pre-2025 name).
    province_text: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    preferred_language: Mapped[str] = mapped_column(String(2), default="vi")
    # A producer's own terms, for the match to be good for both sides: where it delivers
    # (current province codes) and which kinds of buyer it wants; empty means any.
    serves_provinces: Mapped[list[str]] = mapped_column(JSONType, default=list)
    wanted_buyer_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offers: Mapped[list[Offer]] = relationship(back_populates="producer")
    requirements: Mapped[list[Requirement]] = relationship(back_populates="buyer")


class Offer(ChangeTrackedMixin, Base):
    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(_in("status", OFFER_STATUSES), name="status"),
        CheckConstraint("ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="stars"),
        CheckConstraint("monthly_capacity IS NULL OR monthly_capacity > 0", name="capacity"),
        CheckConstraint("min_order_quantity IS NULL OR min_order_quantity > 0", name="moq"),
        CheckConstraint("unit_price_vnd IS NULL OR unit_price_vnd >= 0", name="price"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days > 0", name="shelf_life"),
        Index("ix_offers_producer_title_key", "organization_id", "title_key"),
        Index("ix_offers_status_updated_at", "status", "updated_at"),
        # One live offer per product name (in any spelling) and producer; archived ones may repeat.
        Index(
            "uq_offers_producer_title_key",
            "organization_id",
            "title_key",
            unique=True,
            sqlite_where=text("status != 'archived'"),
            postgresql_where=text("status != 'archived'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    title_key: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(64), index=True)
    ocop_stars: Mapped[int | None] = mapped_column(Integer)
    ocop_potential_five_star: Mapped[bool] = mapped_column(Boolean, default=False)
    ocop_certified_on: Mapped[date | None] = mapped_column(Date)
    ocop_certified_until: Mapped[date | None] = mapped_column(Date)
    ocop_decision_number: Mapped[str | None] = mapped_column(String(120))
    certifications: Mapped[list[str]] = mapped_column(JSONType, default=list)
    province: Mapped[str] = mapped_column(String(8), index=True)
    province_text: Mapped[str | None] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(16))
    monthly_capacity: Mapped[float | None] = mapped_column(Float)
    min_order_quantity: Mapped[float | None] = mapped_column(Float)
    unit_price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    export_markets: Mapped[list[str]] = mapped_column(JSONType, default=list)
    traceability_url: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), default="active")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    producer: Mapped[Organization] = relationship(back_populates="offers")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


class Requirement(ChangeTrackedMixin, Base):
    __tablename__ = "requirements"
    __table_args__ = (
        CheckConstraint(_in("status", REQUIREMENT_STATUSES), name="status"),
        CheckConstraint("min_ocop_stars IS NULL OR min_ocop_stars BETWEEN 3 AND 5", name="stars"),
        CheckConstraint("quantity_per_month IS NULL OR quantity_per_month > 0", name="quantity"),
        CheckConstraint("max_unit_price_vnd IS NULL OR max_unit_price_vnd >= 0", name="price"),
        CheckConstraint("min_shelf_life_days IS NULL OR min_shelf_life_days > 0", name="shelf"),
        Index("ix_requirements_status_updated_at", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    min_ocop_stars: Mapped[int | None] = mapped_column(Integer)
    required_certifications: Mapped[list[str]] = mapped_column(JSONType, default=list)
    unit: Mapped[str | None] = mapped_column(String(16))
    quantity_per_month: Mapped[float | None] = mapped_column(Float)
    max_unit_price_vnd: Mapped[int | None] = mapped_column(BigInteger)
    # Current province codes; empty means nationwide.
    delivery_provinces: Mapped[list[str]] = mapped_column(JSONType, default=list)
    min_shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    needed_by: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    buyer: Mapped[Organization] = relationship(back_populates="requirements")

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012


def requirement_concerns(
    province: str, buyer_province: str | None, delivery_provinces: Sequence[str]
) -> bool:
    """Whether a requirement is a province's business (an officer's scope): its buyer is there
    or it names the province among those it delivers to. A nationwide requirement (no
    delivery provinces) of a buyer elsewhere is not: it is the buyer's province's."""
    return buyer_province == province or province in delivery_provinces


class ShortlistEntry(Base):
    """An offer a buyer saved while comparing suppliers; shared by the buyer's colleagues."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (UniqueConstraint("organization_id", "offer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    # Who saved it; kept when that colleague's account is removed.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    offer: Mapped[Offer] = relationship()


class OfferChange(Base):
    """One field of an offer changed: when, by whom (a user, an import of a file, or both) and
    from what to what. Values are kept as JSON (dates as ISO text)."""

    __tablename__ = "offer_changes"
    __table_args__ = (
        CheckConstraint(_in("source", OFFER_CHANGE_SOURCES), name="source"),
        Index("ix_offer_changes_offer_id_changed_at", "offer_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept when the account is removed: the import's file still says where it came from.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(8))
    import_file: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(64))
    old: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new: Mapped[Any] = mapped_column(JSONType, nullable=True)

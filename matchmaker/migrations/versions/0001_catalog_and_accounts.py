"""catalog and accounts

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import matchmaker.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "organizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=True),
        sa.Column("buyer_type", sa.String(length=32), nullable=True),
        sa.Column("province", sa.String(length=8), nullable=True),
        sa.Column("province_text", sa.String(length=120), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("preferred_language", sa.String(length=2), nullable=False),
        sa.Column("archived_at", matchmaker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "buyer_type IS NULL OR buyer_type IN ('supermarket', 'ecommerce', 'introduction_point', 'exporter', 'wholesaler', 'horeca')",
            name=op.f("ck_organizations_buyer"),
        ),
        sa.CheckConstraint(
            "entity_type IS NULL OR entity_type IN ('enterprise', 'cooperative', 'cooperative_group', 'household')",
            name=op.f("ck_organizations_entity"),
        ),
        sa.CheckConstraint(
            "kind IN ('producer', 'buyer', 'agency')", name=op.f("ck_organizations_kind")
        ),
        sa.CheckConstraint(
            "preferred_language IN ('vi', 'en')", name=op.f("ck_organizations_language")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
    )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index("ix_organizations_kind_name_key", ["kind", "name_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_organizations_province"), ["province"], unique=False)

    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("title_key", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("ocop_stars", sa.Integer(), nullable=True),
        sa.Column("ocop_potential_five_star", sa.Boolean(), nullable=False),
        sa.Column("ocop_certified_on", sa.Date(), nullable=True),
        sa.Column("ocop_certified_until", sa.Date(), nullable=True),
        sa.Column("ocop_decision_number", sa.String(length=120), nullable=True),
        sa.Column(
            "certifications",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("province", sa.String(length=8), nullable=False),
        sa.Column("province_text", sa.String(length=120), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("monthly_capacity", sa.Float(), nullable=True),
        sa.Column("min_order_quantity", sa.Float(), nullable=True),
        sa.Column("unit_price_vnd", sa.BigInteger(), nullable=True),
        sa.Column("shelf_life_days", sa.Integer(), nullable=True),
        sa.Column(
            "export_markets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("traceability_url", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("archived_at", matchmaker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'paused', 'archived')", name=op.f("ck_offers_status")
        ),
        sa.CheckConstraint(
            "min_order_quantity IS NULL OR min_order_quantity > 0", name=op.f("ck_offers_moq")
        ),
        sa.CheckConstraint(
            "monthly_capacity IS NULL OR monthly_capacity > 0", name=op.f("ck_offers_capacity")
        ),
        sa.CheckConstraint(
            "ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name=op.f("ck_offers_stars")
        ),
        sa.CheckConstraint(
            "shelf_life_days IS NULL OR shelf_life_days > 0", name=op.f("ck_offers_shelf_life")
        ),
        sa.CheckConstraint(
            "unit_price_vnd IS NULL OR unit_price_vnd >= 0", name=op.f("ck_offers_price")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_offers_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_offers_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_offers_producer_title_key", ["organization_id", "title_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_offers_province"), ["province"], unique=False)
        batch_op.create_index("ix_offers_status_updated_at", ["status", "updated_at"], unique=False)

    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("min_ocop_stars", sa.Integer(), nullable=True),
        sa.Column(
            "required_certifications",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("quantity_per_month", sa.Float(), nullable=True),
        sa.Column("max_unit_price_vnd", sa.BigInteger(), nullable=True),
        sa.Column(
            "delivery_provinces",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("min_shelf_life_days", sa.Integer(), nullable=True),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("archived_at", matchmaker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'paused', 'closed')", name=op.f("ck_requirements_status")
        ),
        sa.CheckConstraint(
            "max_unit_price_vnd IS NULL OR max_unit_price_vnd >= 0",
            name=op.f("ck_requirements_price"),
        ),
        sa.CheckConstraint(
            "min_ocop_stars IS NULL OR min_ocop_stars BETWEEN 3 AND 5",
            name=op.f("ck_requirements_stars"),
        ),
        sa.CheckConstraint(
            "min_shelf_life_days IS NULL OR min_shelf_life_days > 0",
            name=op.f("ck_requirements_shelf"),
        ),
        sa.CheckConstraint(
            "quantity_per_month IS NULL OR quantity_per_month > 0",
            name=op.f("ck_requirements_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_requirements_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
    )
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_requirements_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_requirements_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            "ix_requirements_status_updated_at", ["status", "updated_at"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", matchmaker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", matchmaker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('producer', 'buyer', 'officer', 'admin')", name=op.f("ck_users_role")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_users_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_users_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organization_id"))

    op.drop_table("users")
    with op.batch_alter_table("requirements", schema=None) as batch_op:
        batch_op.drop_index("ix_requirements_status_updated_at")
        batch_op.drop_index(batch_op.f("ix_requirements_organization_id"))
        batch_op.drop_index(batch_op.f("ix_requirements_category"))

    op.drop_table("requirements")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index("ix_offers_status_updated_at")
        batch_op.drop_index(batch_op.f("ix_offers_province"))
        batch_op.drop_index("ix_offers_producer_title_key")
        batch_op.drop_index(batch_op.f("ix_offers_organization_id"))
        batch_op.drop_index(batch_op.f("ix_offers_category"))

    op.drop_table("offers")
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organizations_province"))
        batch_op.drop_index("ix_organizations_kind_name_key")

    op.drop_table("organizations")

"""quotes: a producer's priced answer to a requirement, with every revision of its terms

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import JSONType, UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.String(length=500), nullable=True),
        sa.Column("deal_value_vnd", sa.BigInteger(), nullable=True),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'withdrawn', 'accepted', 'declined')",
            name=op.f("ck_quotes_status"),
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"], ["requirements.id"],
            name=op.f("fk_quotes_requirement_id_requirements"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_quotes_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_quotes_organization_id_organizations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint(
            "requirement_id", "offer_id", name=op.f("uq_quotes_requirement_id_offer_id")
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_quotes_requirement_id"), "quotes", ["requirement_id"])
    op.create_index(op.f("ix_quotes_offer_id"), "quotes", ["offer_id"])
    op.create_index(op.f("ix_quotes_organization_id"), "quotes", ["organization_id"])
    op.create_table(
        "quote_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("unit_price_vnd", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("min_order_quantity", sa.Float(), nullable=True),
        sa.Column("monthly_volume", sa.Float(), nullable=True),
        sa.Column("lead_time_days", sa.Integer(), nullable=True),
        sa.Column("delivery_terms", sa.String(length=16), nullable=False),
        sa.Column("delivery_provinces", JSONType, nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("samples_available", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("unit_price_vnd >= 0", name=op.f("ck_quote_revisions_price")),
        sa.CheckConstraint(
            "min_order_quantity IS NULL OR min_order_quantity > 0",
            name=op.f("ck_quote_revisions_moq"),
        ),
        sa.CheckConstraint(
            "monthly_volume IS NULL OR monthly_volume > 0", name=op.f("ck_quote_revisions_volume")
        ),
        sa.CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0",
            name=op.f("ck_quote_revisions_lead_time"),
        ),
        sa.CheckConstraint(
            "delivery_terms IN ('ex_works', 'delivered')", name=op.f("ck_quote_revisions_terms")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_quote_revisions_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quote_revisions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_revisions")),
        sa.UniqueConstraint(
            "quote_id", "number", name=op.f("uq_quote_revisions_quote_id_number")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("quote_revisions")
    op.drop_table("quotes")

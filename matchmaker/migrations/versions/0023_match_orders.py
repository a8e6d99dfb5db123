"""match orders: the orders either side records under a match's deal

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value_vnd", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('buyer', 'producer', 'officer')", name=op.f("ck_match_orders_side")),
        sa.CheckConstraint("kind IN ('order', 'repeat')", name=op.f("ck_match_orders_kind")),
        sa.CheckConstraint("value_vnd > 0", name=op.f("ck_match_orders_value")),
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name=op.f("ck_match_orders_quantity")),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_match_orders_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_match_orders_organization_id_organizations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_match_orders_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_orders")),
    )  # fmt: skip
    op.create_index(op.f("ix_match_orders_match_id"), "match_orders", ["match_id"])
    op.create_index(op.f("ix_match_orders_ordered_on"), "match_orders", ["ordered_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_match_orders_ordered_on"), table_name="match_orders")
    op.drop_index(op.f("ix_match_orders_match_id"), table_name="match_orders")
    op.drop_table("match_orders")

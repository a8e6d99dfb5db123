"""producer claims: a household registering as a producer the province lists takes it over

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import JSONType, UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted",
    "ocop_changes", "registration_attempt",
)  # fmt: skip
KINDS_AFTER = (*KINDS_BEFORE, "claim_request", "claim_decision")
PENDING = "status = 'pending'"


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    op.create_table(
        "producer_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("matched_by", sa.String(8), nullable=True),
        sa.Column("details", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused')", name=op.f("ck_producer_claims_status")
        ),
        sa.CheckConstraint(
            "matched_by IS NULL OR matched_by IN ('email', 'phone')",
            name=op.f("ck_producer_claims_proof"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_producer_claims_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_producer_claims_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_producer_claims_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_producer_claims")),
    )
    op.create_index(
        op.f("ix_producer_claims_organization_id"), "producer_claims", ["organization_id"]
    )
    op.create_index(op.f("ix_producer_claims_user_id"), "producer_claims", ["user_id"])
    op.create_index(
        "uq_producer_claims_pending_organization_id",
        "producer_claims",
        ["organization_id"],
        unique=True,
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind IN ('claim_request', 'claim_decision')")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))
    op.drop_index("uq_producer_claims_pending_organization_id", table_name="producer_claims")
    op.drop_index(op.f("ix_producer_claims_user_id"), table_name="producer_claims")
    op.drop_index(op.f("ix_producer_claims_organization_id"), table_name="producer_claims")
    op.drop_table("producer_claims")

"""quote emails: buyers hear of quotes and revisions, producers of the buyer's answer

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted",
    "ocop_changes", "registration_attempt", "claim_request", "claim_decision", "messages",
)  # fmt: skip
NEW_KINDS = ("quotes", "quote_accepted", "quote_declined", "quote_elsewhere")
KINDS_AFTER = (*KINDS_BEFORE, *NEW_KINDS)


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    op.create_table(
        "quote_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quote_alerts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["quote_revisions.id"],
            name=op.f("fk_quote_alerts_revision_id_quote_revisions"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"], ["notifications.id"],
            name=op.f("fk_quote_alerts_notification_id_notifications"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_alerts")),
        sa.UniqueConstraint("user_id", "revision_id", name=op.f("uq_quote_alerts_user_id_revision_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_quote_alerts_revision_id"), "quote_alerts", ["revision_id"])
    op.create_index(op.f("ix_quote_alerts_notification_id"), "quote_alerts", ["notification_id"])
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))


def downgrade() -> None:
    kinds = ", ".join(repr(k) for k in NEW_KINDS)
    op.execute(f"DELETE FROM notifications WHERE kind IN ({kinds})")  # noqa: S608
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))
    op.drop_index(op.f("ix_quote_alerts_notification_id"), table_name="quote_alerts")
    op.drop_index(op.f("ix_quote_alerts_revision_id"), table_name="quote_alerts")
    op.drop_table("quote_alerts")

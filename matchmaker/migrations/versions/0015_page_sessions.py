"""page sessions: a signed-in browser's session kept server-side, so that signing out ends it;
and the email that tells an account's owner someone tried to register with their address

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted",
    "ocop_changes",
)  # fmt: skip
KINDS_AFTER = (*KINDS_BEFORE, "registration_attempt")


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))
    op.create_table(
        "page_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_page_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_sessions")),
        sa.UniqueConstraint("digest", name=op.f("uq_page_sessions_digest")),
    )
    with op.batch_alter_table("page_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_page_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("page_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_sessions_user_id"))
    op.drop_table("page_sessions")
    op.execute("DELETE FROM notifications WHERE kind = 'registration_attempt'")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))

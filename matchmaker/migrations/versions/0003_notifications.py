"""notifications, outbox and worker heartbeats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import matchmaker.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = matchmaker.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=120), nullable=False),
        sa.Column("kwargs", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("available_at", UTC, nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("publish_count", sa.Integer(), nullable=False),
        sa.Column("completed_at", UTC, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_open", ["completed_at", "available_at"], unique=False
        )

    op.create_table(
        "worker_heartbeats",
        sa.Column("hostname", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("queues", JSON, nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("seen_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("hostname", name=op.f("pk_worker_heartbeats")),
    )

    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("unsubscribed_at", UTC, nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "frequency IN ('instant', 'daily', 'weekly')",
            name=op.f("ck_notification_preferences_frequency"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("enqueued_at", UTC, nullable=True),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "kind IN ('match', 'digest', 'certificate_expiry', 'requirement_expiry')",
            name=op.f("ck_notifications_kind"),
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'bounced', 'cancelled')",
            name=op.f("ck_notifications_state"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notifications_idempotency_key")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_state_next_attempt_at", ["state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_notifications_user_id_created_at", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "match_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["matches.id"],
            name=op.f("fk_match_alerts_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_match_alerts_notification_id_notifications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_match_alerts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_alerts")),
        sa.UniqueConstraint("user_id", "match_id", name=op.f("uq_match_alerts_user_id_match_id")),
    )
    with op.batch_alter_table("match_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_alerts_match_id"), ["match_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_match_alerts_notification_id"), ["notification_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("match_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_alerts_notification_id"))
        batch_op.drop_index(batch_op.f("ix_match_alerts_match_id"))
    op.drop_table("match_alerts")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_created_at")
        batch_op.drop_index("ix_notifications_state_next_attempt_at")
    op.drop_table("notifications")
    op.drop_table("notification_preferences")
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_open")
    op.drop_table("outbox_messages")

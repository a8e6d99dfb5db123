"""connection events: participants, meeting requests, meetings, schedule runs, emails

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import matchmaker.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = matchmaker.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("venue", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("days", JSON, nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("table_count", sa.Integer(), nullable=False),
        sa.Column("registration_deadline", UTC, nullable=False),
        sa.Column("target_provinces", JSON, nullable=False),
        sa.Column("target_categories", JSON, nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("request_ttl_hours", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("break_minutes BETWEEN 0 AND 120", name=op.f("ck_events_break_minutes")),
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 240", name=op.f("ck_events_slot_minutes")),
        sa.CheckConstraint("table_count BETWEEN 1 AND 2000", name=op.f("ck_events_table_count")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_events_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_events_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "event_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint("kind IN ('agenda', 'follow_up')", name=op.f("ck_event_emails_kind")),
        sa.CheckConstraint(
            "state IN ('pending', 'sent', 'failed', 'cancelled')",
            name=op.f("ck_event_emails_state"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_emails_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_emails_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_emails")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_event_emails_idempotency_key")),
    )
    with op.batch_alter_table("event_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_emails_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_event_emails_state", ["state"], unique=False)

    op.create_table(
        "event_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("offer_ids", JSON, nullable=False),
        sa.Column("requirement_ids", JSON, nullable=False),
        sa.Column("availability", JSON, nullable=False),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "side IN ('producer', 'buyer')", name=op.f("ck_event_participants_side")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_event_participants_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_event_participants_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_participants")),
        sa.UniqueConstraint(
            "event_id",
            "organization_id",
            name=op.f("uq_event_participants_event_id_organization_id"),
        ),
    )
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_participants_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "schedule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("upper_bound", sa.Integer(), nullable=False),
        sa.Column("moved_published", sa.Integer(), nullable=False),
        sa.Column("dropped_published", sa.Integer(), nullable=False),
        sa.Column("solve_seconds", sa.Float(), nullable=False),
        sa.Column("unplaced", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_schedule_runs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_schedule_runs_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_runs")),
    )
    with op.batch_alter_table("schedule_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_runs_event_id"), ["event_id"], unique=False)

    op.create_table(
        "meeting_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("must_meet", sa.Boolean(), nullable=False),
        sa.Column("mutual", sa.Boolean(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("published_start", UTC, nullable=True),
        sa.Column("published_table", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "requested_by IN ('producer', 'buyer')", name=op.f("ck_meeting_requests_requested_by")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')",
            name=op.f("ck_meeting_requests_status"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["event_participants.id"],
            name=op.f("fk_meeting_requests_buyer_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meeting_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["matches.id"],
            name=op.f("fk_meeting_requests_match_id_matches"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["event_participants.id"],
            name=op.f("fk_meeting_requests_producer_id_event_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_requests")),
        sa.UniqueConstraint(
            "event_id",
            "producer_id",
            "buyer_id",
            name=op.f("uq_meeting_requests_event_id_producer_id_buyer_id"),
        ),
    )
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_buyer_id"), ["buyer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_requests_producer_id"), ["producer_id"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_requests_status_expires_at", ["status", "expires_at"], unique=False
        )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=8), nullable=True),
        sa.Column("interest", sa.String(length=16), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("order_value_vnd", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("outcome_at", UTC, nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "attendance IS NULL OR attendance IN ('held', 'no_show')",
            name=op.f("ck_meetings_attend"),
        ),
        sa.CheckConstraint(
            "interest IS NULL OR interest IN ('interested', 'not_interested')",
            name=op.f("ck_meetings_interest"),
        ),
        sa.CheckConstraint(
            "stage IN ('none', 'mou', 'contract', 'first_order', 'repeat_order')",
            name=op.f("ck_meetings_stage"),
        ),
        sa.CheckConstraint(
            "order_value_vnd IS NULL OR order_value_vnd >= 0", name=op.f("ck_meetings_value")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_meetings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["meeting_requests.id"],
            name=op.f("fk_meetings_request_id_meeting_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("request_id", name=op.f("uq_meetings_request_id")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_meetings_follow_up_on", ["follow_up_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_follow_up_on")
        batch_op.drop_index(batch_op.f("ix_meetings_event_id"))

    op.drop_table("meetings")
    with op.batch_alter_table("meeting_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_requests_status_expires_at")
        batch_op.drop_index(batch_op.f("ix_meeting_requests_producer_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_event_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_requests_buyer_id"))

    op.drop_table("meeting_requests")
    with op.batch_alter_table("schedule_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_runs_event_id"))

    op.drop_table("schedule_runs")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_participants_organization_id"))

    op.drop_table("event_participants")
    with op.batch_alter_table("event_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_event_emails_state")
        batch_op.drop_index(batch_op.f("ix_event_emails_event_id"))

    op.drop_table("event_emails")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_organization_id"))

    op.drop_table("events")

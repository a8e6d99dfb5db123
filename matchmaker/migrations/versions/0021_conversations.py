"""conversations: a thread per match or event meeting, its messages, attachments (on messages
and on quotes), each reader's place, and the email notice of new messages

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import UTCDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted",
    "ocop_changes", "registration_attempt", "claim_request", "claim_decision",
)  # fmt: skip
KINDS_AFTER = (*KINDS_BEFORE, "messages")


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_message_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(match_id IS NULL) <> (meeting_id IS NULL)", name=op.f("ck_conversations_subject")
        ),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"],
                                name=op.f("fk_conversations_match_id_matches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"],
                                name=op.f("fk_conversations_meeting_id_meetings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["buyer_id"], ["organizations.id"],
                                name=op.f("fk_conversations_buyer_id_organizations")),
        sa.ForeignKeyConstraint(["producer_id"], ["organizations.id"],
                                name=op.f("fk_conversations_producer_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("match_id", name=op.f("uq_conversations_match_id")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_conversations_meeting_id")),
    )  # fmt: skip
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.create_index(batch_op.f("ix_conversations_buyer_id"), ["buyer_id"])
        batch_op.create_index(batch_op.f("ix_conversations_producer_id"), ["producer_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_messages_conversation_id_conversations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_messages_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_messages_organization_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )  # fmt: skip
    with op.batch_alter_table("messages") as batch_op:
        batch_op.create_index("ix_messages_conversation_id_id", ["conversation_id", "id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(message_id IS NULL) <> (quote_id IS NULL)", name=op.f("ck_attachments_parent")
        ),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"],
                                name=op.f("fk_attachments_message_id_messages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["quote_id"], ["quotes.id"],
                                name=op.f("fk_attachments_quote_id_quotes"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_attachments_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )  # fmt: skip
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_message_id"), ["message_id"])
        batch_op.create_index(batch_op.f("ix_attachments_quote_id"), ["quote_id"])
    op.create_table(
        "thread_readers",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.Column("muted_at", UTCDateTime(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"],
                                name=op.f("fk_thread_readers_conversation_id_conversations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_thread_readers_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["notice_id"], ["notifications.id"],
                                name=op.f("fk_thread_readers_notice_id_notifications"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("conversation_id", "user_id", name=op.f("pk_thread_readers")),
    )  # fmt: skip
    with op.batch_alter_table("thread_readers") as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_readers_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("thread_readers")
    op.drop_table("attachments")
    op.drop_table("messages")
    op.drop_table("conversations")
    op.execute("DELETE FROM notifications WHERE kind = 'messages'")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))

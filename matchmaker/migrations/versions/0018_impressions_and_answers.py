"""impressions and each side's answers: what was shown, and who answered what

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import JSONType, UTCDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRADES = {
    "declined": 0,
    "viewed": 2,
    "contacted": 3,
    "accepted": 4,
    "deal": 6,
}


def upgrade() -> None:
    op.create_table(
        "impressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("features", JSONType, nullable=False),
        sa.Column("shown_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("side IN ('buyer', 'producer')", name=op.f("ck_impressions_side")),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_impressions_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_impressions_organization_id_organizations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_impressions_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impressions")),
    )  # fmt: skip
    op.create_index(op.f("ix_impressions_match_id"), "impressions", ["match_id"])
    op.create_index(op.f("ix_impressions_shown_at"), "impressions", ["shown_at"])
    op.create_table(
        "match_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("impression_id", sa.Integer(), nullable=True),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "side IN ('buyer', 'producer', 'officer')", name=op.f("ck_match_answers_side")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_match_answers_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["impression_id"], ["impressions.id"],
            name=op.f("fk_match_answers_impression_id_impressions"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_match_answers_organization_id_organizations"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_match_answers_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_answers")),
    )  # fmt: skip
    op.create_index(op.f("ix_match_answers_match_id"), "match_answers", ["match_id"])
    op.create_index(op.f("ix_match_answers_created_at"), "match_answers", ["created_at"])
    # What is known of the past: each answered match as last ranked (shown to its buyer), and
    # every recorded status change as the answer of the side its user belongs to.
    op.execute(
        "INSERT INTO impressions (match_id, side, organization_id, rank, score, model_version,"
        " features, shown_at)"
        " SELECT m.id, 'buyer', r.organization_id, m.rank, m.score, m.model_version, m.features,"
        " m.last_ranked_at FROM matches m JOIN requirements r ON r.id = m.requirement_id"
        " WHERE m.status <> 'suggested'"
    )
    grade = " ".join(f"WHEN '{a}' THEN {g}" for a, g in GRADES.items())
    op.execute(
        "INSERT INTO match_answers (match_id, side, organization_id, user_id, action, grade,"
        " reason, created_at)"
        " SELECT e.match_id,"
        " CASE WHEN u.organization_id = r.organization_id THEN 'buyer'"
        " WHEN u.organization_id = o.organization_id THEN 'producer' ELSE 'officer' END,"
        f" u.organization_id, e.user_id, e.to_status, CASE e.to_status {grade} ELSE 1 END,"
        " e.reason, e.created_at"
        " FROM match_events e JOIN matches m ON m.id = e.match_id"
        " JOIN requirements r ON r.id = m.requirement_id JOIN offers o ON o.id = m.offer_id"
        " LEFT JOIN users u ON u.id = e.user_id"
        " WHERE e.to_status IN ('viewed', 'accepted', 'declined', 'contacted', 'deal')"
        " AND COALESCE(e.reason, '') <> 'event meeting: no-show'"
        " ORDER BY e.id"
    )


def downgrade() -> None:
    op.drop_table("match_answers")
    op.drop_table("impressions")

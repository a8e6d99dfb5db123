"""import jobs: an officer's list import as a job with progress, row outcomes and its report

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import JSONType, UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "state IN ('queued', 'previewing', 'previewed', 'importing', 'done', 'failed')"


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("province", sa.String(8), nullable=True),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("file_key", sa.String(300), nullable=False),
        sa.Column("sheet", sa.String(100), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("writes", sa.Boolean(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("overrides", JSONType, nullable=False),
        sa.Column("report", JSONType, nullable=True),
        sa.Column("error_code", sa.String(80), nullable=True),
        sa.Column("error_params", JSONType, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("previewed_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(STATES, name=op.f("ck_import_jobs_state")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_import_jobs_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index("ix_import_jobs_province_created", "import_jobs", ["province", "created_at"])
    op.create_table(
        "import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.String(100), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("producer", sa.String(300), nullable=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("details", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.id"],
            name=op.f("fk_import_rows_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
    )
    op.create_index("ix_import_rows_job_row", "import_rows", ["job_id", "row"])


def downgrade() -> None:
    op.drop_index("ix_import_rows_job_row", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index("ix_import_jobs_province_created", table_name="import_jobs")
    op.drop_table("import_jobs")

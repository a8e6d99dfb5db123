"""event invitations: an event email may go to an address with no account yet

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('agenda', 'follow_up')"
NEW_KINDS = "kind IN ('agenda', 'follow_up', 'invitation')"


def upgrade() -> None:
    with op.batch_alter_table("event_emails") as batch:
        batch.add_column(sa.Column("to_email", sa.String(length=320), nullable=True))
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f("ck_event_emails_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_event_emails_kind"), NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM event_emails WHERE kind = 'invitation' OR user_id IS NULL")
    with op.batch_alter_table("event_emails") as batch:
        batch.drop_constraint(op.f("ck_event_emails_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_event_emails_kind"), OLD_KINDS)
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("to_email")

"""event email delivery: agendas and follow-ups leased, backed off and swept as notifications are

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from matchmaker.db import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATES = "state IN ('pending', 'sent', 'failed', 'cancelled')"
NEW_STATES = "state IN ('pending', 'sending', 'sent', 'failed', 'bounced', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("event_emails") as batch:
        batch.add_column(sa.Column("next_attempt_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("enqueued_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_until", UTCDateTime(), nullable=True))
        batch.drop_constraint(op.f("ck_event_emails_state"), type_="check")
        batch.create_check_constraint(op.f("ck_event_emails_state"), NEW_STATES)
    # Emails waiting for a retry are due at once: the next sweep takes them up.
    op.execute("UPDATE event_emails SET next_attempt_at = created_at")
    with op.batch_alter_table("event_emails") as batch:
        batch.alter_column("next_attempt_at", existing_type=UTCDateTime(), nullable=False)


def downgrade() -> None:
    op.execute(
        "UPDATE event_emails SET state = CASE state WHEN 'sending' THEN 'pending' "
        "WHEN 'bounced' THEN 'failed' ELSE state END"
    )
    with op.batch_alter_table("event_emails") as batch:
        batch.drop_constraint(op.f("ck_event_emails_state"), type_="check")
        batch.create_check_constraint(op.f("ck_event_emails_state"), OLD_STATES)
        batch.drop_column("claimed_until")
        batch.drop_column("enqueued_at")
        batch.drop_column("next_attempt_at")

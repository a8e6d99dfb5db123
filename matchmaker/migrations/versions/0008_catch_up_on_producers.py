"""catch up on producers; one index fewer on matches

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Offer indexes re-read the offers of producers changed since their last look.
    op.create_index(op.f("ix_organizations_updated_at"), "organizations", ["updated_at"])
    # The (requirement_id, offer_id) unique index serves lookups by requirement as well; a
    # second index only made every recorded match slower to write.
    op.drop_index(op.f("ix_matches_requirement_id"), table_name="matches")


def downgrade() -> None:
    op.create_index(op.f("ix_matches_requirement_id"), "matches", ["requirement_id"])
    op.drop_index(op.f("ix_organizations_updated_at"), table_name="organizations")

"""order emails: an order recorded under a match's deal reaches the other side

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = (
    "match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted",
    "ocop_changes", "registration_attempt", "claim_request", "claim_decision", "messages",
    "quotes", "quote_accepted", "quote_declined", "quote_elsewhere",
)  # fmt: skip
NEW_KINDS = ("match_order",)
KINDS_AFTER = (*KINDS_BEFORE, *NEW_KINDS)


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))


def downgrade() -> None:
    kinds = ", ".join(repr(k) for k in NEW_KINDS)
    op.execute(f"DELETE FROM notifications WHERE kind IN ({kinds})")  # noqa: S608
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))

"""no duplicate producers or offers; offer history; emails about OCOP facts an import changed

Producers that share a folded name and a province, and live offers of one producer that share a
folded title, are merged first: the oldest row is kept, and everything that pointed at a
duplicate (offers, users, requirements, events, event registrations, matches, shortlists, photos
in the database or in the storage directory) points at it instead; then the duplicates are
deleted and the unique indexes made. Merging cannot be undone: the downgrade keeps the merged rows.

A merged offer's photos are keyed by its id: left behind, they would show on the next offer
that SQLite gives the freed id. In a storage directory (``matchmaker db upgrade`` passes it when
the directory backend is set) they are copied to the kept offer during the merge and the
originals removed only once every other step of the upgrade has succeeded.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

import shutil
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from matchmaker.db import JSONType, UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = ("match", "digest", "certificate_expiry", "requirement_expiry", "match_accepted")
KINDS_AFTER = (*KINDS_BEFORE, "ocop_changes")
PRODUCER = "kind = 'producer'"
LIVE = "status != 'archived'"
# A kept producer takes a duplicate's details where it has none.
DETAILS = ("address", "contact_email", "phone", "entity_type", "province_text")

organizations = sa.table(
    "organizations",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("name_key", sa.String),
    sa.column("province", sa.String),
    *(sa.column(name, sa.String) for name in DETAILS),
)
offers = sa.table(
    "offers",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("title_key", sa.String),
    sa.column("status", sa.String),
)
participants = sa.table(
    "event_participants",
    sa.column("id", sa.Integer),
    sa.column("event_id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("offer_ids", JSONType),
)
matches = sa.table(
    "matches",
    sa.column("id", sa.Integer),
    sa.column("requirement_id", sa.Integer),
    sa.column("offer_id", sa.Integer),
)
shortlist = sa.table(
    "shortlist_entries",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("offer_id", sa.Integer),
)
stored_files = sa.table("stored_files", sa.column("key", sa.String))
# Tables whose organization_id has no unique key to respect.
PLAIN_ORGANIZATION_REFERENCES = ("offers", "requirements", "users", "events")


def _kinds(kinds: tuple[str, ...]) -> str:
    return f"kind IN ({', '.join(repr(k) for k in kinds)})"


def _duplicates(bind: sa.Connection, query: sa.Select[Any]) -> list[tuple[int, list[int]]]:
    """(kept id, duplicate ids) for each key of ``query`` (id, *key), oldest row kept."""
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row_id, *key in bind.execute(query):
        groups[tuple(key)].append(row_id)
    return [(min(ids), sorted(ids)[1:]) for ids in groups.values() if len(ids) > 1]


def _move_unique(
    bind: sa.Connection, table: sa.TableClause, column: str, other: str, old: int, new: int
) -> None:
    """Points ``table.column`` from ``old`` to ``new`` where (column, other) is unique: rows
    the kept one already has a twin of are deleted (their dependants with them)."""
    col, pair = table.c[column], table.c[other]
    taken = sa.select(pair).where(col == new).scalar_subquery()
    bind.execute(sa.delete(table).where(col == old, pair.in_(taken)))
    bind.execute(sa.update(table).where(col == old).values({column: new}))


def _merge_producers(bind: sa.Connection) -> None:
    query = (
        sa.select(organizations.c.id, organizations.c.name_key, organizations.c.province)
        .where(organizations.c.kind == "producer", organizations.c.province.is_not(None))
        .order_by(organizations.c.id)
    )
    for keep, duplicates in _duplicates(bind, query):
        kept = bind.execute(sa.select(organizations).where(organizations.c.id == keep)).one()
        for duplicate in duplicates:
            row = bind.execute(
                sa.select(organizations).where(organizations.c.id == duplicate)
            ).one()
            details = {
                name: getattr(row, name)
                for name in DETAILS
                if getattr(kept, name) is None and getattr(row, name) is not None
            }
            if details:
                bind.execute(
                    sa.update(organizations).where(organizations.c.id == keep).values(details)
                )
                kept = bind.execute(
                    sa.select(organizations).where(organizations.c.id == keep)
                ).one()
            for name in PLAIN_ORGANIZATION_REFERENCES:
                table = sa.table(name, sa.column("organization_id", sa.Integer))
                bind.execute(
                    sa.update(table)
                    .where(table.c.organization_id == duplicate)
                    .values(organization_id=keep)
                )
            _move_unique(bind, participants, "organization_id", "event_id", duplicate, keep)
            _move_unique(bind, shortlist, "organization_id", "offer_id", duplicate, keep)
            bind.execute(sa.delete(organizations).where(organizations.c.id == duplicate))


def _merge_offers(bind: sa.Connection, moved_folders: list[Path]) -> None:
    query = (
        sa.select(offers.c.id, offers.c.organization_id, offers.c.title_key)
        .where(offers.c.status != "archived")
        .order_by(offers.c.id)
    )
    renamed: dict[int, int] = {}
    for keep, duplicates in _duplicates(bind, query):
        for duplicate in duplicates:
            renamed[duplicate] = keep
            _move_unique(bind, matches, "offer_id", "requirement_id", duplicate, keep)
            _move_unique(bind, shortlist, "offer_id", "organization_id", duplicate, keep)
            _move_photos(bind, duplicate, keep)
            moved_folders.extend(_copy_photo_folder(duplicate, keep))
            bind.execute(sa.delete(offers).where(offers.c.id == duplicate))
    if renamed:
        for participant_id, offer_ids in bind.execute(
            sa.select(participants.c.id, participants.c.offer_ids)
        ):
            if offer_ids and set(offer_ids) & set(renamed):
                merged = list(dict.fromkeys(renamed.get(i, i) for i in offer_ids))
                bind.execute(
                    sa.update(participants)
                    .where(participants.c.id == participant_id)
                    .values(offer_ids=merged)
                )


def _move_photos(bind: sa.Connection, old: int, new: int) -> None:
    """Photos kept in the database follow their offer (a shared directory is left as it is)."""
    prefix, target = f"photos/offers/{old}/", f"photos/offers/{new}/"
    keys = bind.scalars(
        sa.select(stored_files.c.key).where(stored_files.c.key.startswith(prefix, autoescape=True))
    ).all()
    for key in keys:
        moved = target + key[len(prefix) :]
        exists = bind.scalar(sa.select(stored_files.c.key).where(stored_files.c.key == moved))
        if exists is None:
            bind.execute(sa.update(stored_files).where(stored_files.c.key == key).values(key=moved))
        else:  # a photo's name is its content's digest: the kept offer has this one already
            bind.execute(sa.delete(stored_files).where(stored_files.c.key == key))


def _copy_photo_folder(old: int, new: int) -> list[Path]:
    """Copies a merged offer's photos in the storage directory (if the directory backend is
    used) to the kept offer's folder; the folder to remove once the upgrade has succeeded."""
    root = context.config.attributes.get("files_directory")
    if root is None:
        return []
    folders = Path(root) / "photos" / "offers"
    source, target = folders / str(old), folders / str(new)
    if not source.is_dir():
        return []
    target.mkdir(parents=True, exist_ok=True)
    for photo in source.iterdir():
        kept = target / photo.name
        # Written aside under a dot name by the store: a half-written file is not a photo.
        if photo.is_file() and not photo.name.startswith(".") and not kept.exists():
            shutil.copy2(photo, kept)
    return [source]


def upgrade() -> None:
    bind = op.get_bind()
    _merge_producers(bind)
    moved_folders: list[Path] = []
    _merge_offers(bind, moved_folders)
    op.create_index(
        "uq_organizations_producer_name_key_province",
        "organizations",
        ["name_key", "province"],
        unique=True,
        sqlite_where=sa.text(PRODUCER),
        postgresql_where=sa.text(PRODUCER),
    )
    op.create_index(
        "uq_offers_producer_title_key",
        "offers",
        ["organization_id", "title_key"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_table(
        "offer_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("import_file", sa.String(length=300), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old", JSONType, nullable=True),
        sa.Column("new", JSONType, nullable=True),
        sa.CheckConstraint("source IN ('edit', 'import')", name=op.f("ck_offer_changes_source")),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_changes_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_offer_changes_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_changes")),
    )
    op.create_index(
        "ix_offer_changes_offer_id_changed_at", "offer_changes", ["offer_id", "changed_at"]
    )
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_AFTER))
    for folder in moved_folders:
        shutil.rmtree(folder, ignore_errors=True)


def downgrade() -> None:
    op.execute("DELETE FROM notifications WHERE kind = 'ocop_changes'")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("ck_notifications_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notifications_kind"), _kinds(KINDS_BEFORE))
    op.drop_index("ix_offer_changes_offer_id_changed_at", table_name="offer_changes")
    op.drop_table("offer_changes")
    op.drop_index("uq_offers_producer_title_key", table_name="offers")
    op.drop_index("uq_organizations_producer_name_key_province", table_name="organizations")

import importlib.util
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from matchmaker import migrations
from matchmaker.db import make_engine
from matchmaker.files.store import DirectoryStore
from matchmaker.migrations import downgrade, upgrade
from matchmaker.models import Base
from matchmaker.notifications.models import KINDS
from tests.conftest import POSTGRES_URL, create_database, drop_database


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "a model changed without a migration: run alembic revision"


def test_migrations_build_every_table_from_empty(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    downgrade(engine, "base")
    assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (the migrations are run on it from the start)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
        yield engine
        engine.dispose()
        return
    url = create_database(f"{make_url(POSTGRES_URL).database}_merge")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def test_duplicate_producers_and_offers_are_merged_on_upgrade(
    old_engine: Engine, tmp_path: Path
) -> None:
    engine = old_engine
    upgrade(engine, "0012")
    now = datetime(2025, 1, 1, tzinfo=UTC)
    org = ("INSERT INTO organizations (id, kind, name, name_key, province, phone, "
           "preferred_language, serves_provinces, wanted_buyer_types, created_at, updated_at) "
           "VALUES (:id, :kind, :name, :key, '80', :phone, 'vi', '[]', '[]', :now, :now)"
           )  # fmt: skip
    offer = ("INSERT INTO offers (id, organization_id, title, title_key, description, category, "
             "ocop_potential_five_star, certifications, province, unit, export_markets, status, "
             "version, created_at, updated_at) VALUES (:id, :org, :title, :key, '', "
             "'food.processed', false, '[]', '80', 'kg', '[]', :status, 1, :now, :now)"
             )  # fmt: skip
    photo = ("INSERT INTO stored_files (key, content_type, size, digest, data, created_at) "
             "VALUES (:key, 'image/jpeg', 3, :digest, :data, :now)")  # fmt: skip
    with engine.begin() as conn:
        for id_, kind, name, phone in ((1, "producer", "HTX Bánh tráng", None),
                                       (2, "producer", "HTX Banh trang", "0276 123"),
                                       (3, "buyer", "Co.op", None)):  # fmt: skip
            conn.execute(text(org), {"id": id_, "kind": kind, "name": name, "now": now,
                                     "key": "htx banh trang", "phone": phone})  # fmt: skip
        for id_, org_id, status in ((10, 1, "active"), (11, 2, "active"), (12, 2, "archived")):
            values = {"id": id_, "org": org_id, "title": "Bánh tráng", "key": "banh trang",
                      "status": status, "now": now}  # fmt: skip
            conn.execute(text(offer), values)
        conn.execute(text(
            "INSERT INTO requirements (id, organization_id, title, description, "
            "required_certifications, delivery_provinces, status, version, created_at, "
            "updated_at) VALUES (1, 3, 'Bánh tráng', '', '[]', '[]', 'open', 1, :now, :now)"
        ), {"now": now})  # fmt: skip
        for match_id, offer_id in ((100, 11),):
            conn.execute(text(
                "INSERT INTO matches (id, requirement_id, offer_id, score, rank, reasons, gaps, "
                "features, model_version, status, related, created_at, updated_at, "
                "last_ranked_at) VALUES (:id, 1, :offer, 0.9, 1, '[]', '[]', '{}', '', "
                "'accepted', false, :now, :now, :now)"
            ), {"id": match_id, "offer": offer_id, "now": now})  # fmt: skip
        # Photos kept in the database: one only the duplicate has, one both have.
        for key, data in (("photos/offers/11/aa.jpg", b"aaa"), ("photos/offers/11/bb.jpg", b"bbb"),
                          ("photos/offers/10/bb.jpg", b"bbb")):  # fmt: skip
            conn.execute(text(photo), {"key": key, "digest": key[-6:-4], "data": data, "now": now})
    # Photos kept in a storage directory, the same way.
    files = tmp_path / "files"
    for offer_id, name in ((11, "cc.jpg"), (11, "bb.jpg"), (10, "bb.jpg"), (12, "dd.jpg")):
        folder = files / "photos" / "offers" / str(offer_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(name.encode())

    upgrade(engine, files_directory=files)

    with engine.connect() as conn:
        producers = conn.execute(text(
            "SELECT id, phone FROM organizations WHERE kind = 'producer'")).all()  # fmt: skip
        offers = conn.execute(text("SELECT id, organization_id, status FROM offers")).all()
        matches = conn.execute(text("SELECT id, offer_id FROM matches")).all()
        photos = conn.scalars(text("SELECT key FROM stored_files ORDER BY key")).all()
    assert [tuple(p) for p in producers] == [(1, "0276 123")]
    assert sorted(tuple(o) for o in offers) == [(10, 1, "active"), (12, 1, "archived")]
    assert [tuple(m) for m in matches] == [(100, 10)], "the accepted match follows its offer"
    assert photos == ["photos/offers/10/aa.jpg", "photos/offers/10/bb.jpg"]
    kept = {str(p.relative_to(files)) for p in files.rglob("*") if p.is_file()}
    # Nothing is left under 11 to show on a later offer that SQLite gives the freed id.
    assert kept == {"photos/offers/10/bb.jpg", "photos/offers/10/cc.jpg",
                    "photos/offers/12/dd.jpg"}  # fmt: skip
    store = DirectoryStore(files)
    assert [f.key for f in store.list("photos/offers/10/")] == [
        "photos/offers/10/bb.jpg", "photos/offers/10/cc.jpg"]  # fmt: skip


def _migration(name: str) -> ModuleType:
    """A revision's module, by its file name (they start with a digit: no import statement)."""
    path = Path(migrations.__file__).parent / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_order_emails_revision_adds_its_kind_to_those_the_model_allows() -> None:
    order_emails = _migration("0024_order_emails")
    assert order_emails.KINDS_AFTER == KINDS
    assert order_emails.KINDS_BEFORE == _migration("0022_quote_emails").KINDS_AFTER


def test_order_emails_are_allowed_from_0024_and_removed_going_back(old_engine: Engine) -> None:
    engine = old_engine
    upgrade(engine, "0023")
    now = datetime(2026, 12, 5, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO organizations (id, kind, name, name_key, province, preferred_language, "
            "serves_provinces, wanted_buyer_types, created_at, updated_at) VALUES "
            "(1, 'buyer', 'Co.op', 'co.op', '79', 'vi', '[]', '[]', :now, :now)"
        ), {"now": now})  # fmt: skip
        conn.execute(text(
            "INSERT INTO users (id, organization_id, email, name, password_hash, role, "
            "is_active, created_at, updated_at) VALUES "
            "(1, 1, 'buyer@coop.vn', 'Minh', 'x', 'buyer', true, :now, :now)"
        ), {"now": now})  # fmt: skip
    email = ("INSERT INTO notifications (user_id, kind, idempotency_key, payload, state, "
             "attempts, next_attempt_at, created_at, updated_at) VALUES "
             "(1, :kind, :key, '{}', 'pending', 0, :now, :now, :now)")  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(email), {"kind": "match_order", "key": "order:1:user:1", "now": now})
    upgrade(engine, "0024")
    with engine.begin() as conn:
        conn.execute(text(email), {"kind": "match_order", "key": "order:1:user:1", "now": now})
        conn.execute(text(email), {"kind": "quotes", "key": "quotes:1", "now": now})
    downgrade(engine, "0023")
    with engine.connect() as conn:
        kinds = conn.scalars(text("SELECT kind FROM notifications")).all()
    assert kinds == ["quotes"]

"""What an import may write: the officer's province only, OCOP facts over a producer's own
fields, one producer and one offer per key even when two imports run at once, with history."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from matchmaker import outbox
from matchmaker.accounts import claims
from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_staff_user, create_user, register
from matchmaker.catalog import access, importer, services
from matchmaker.catalog.history import offer_history
from matchmaker.catalog.importer import ImportReport, import_offers
from matchmaker.catalog.models import Offer, OfferChange, Organization
from matchmaker.db import make_engine, make_session_factory
from matchmaker.errors import Conflict, Forbidden
from matchmaker.migrations import upgrade
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.models import Notification
from matchmaker.outbox import OutboxMessage
from matchmaker.ranking import reference
from tests.conftest import POSTGRES_URL, create_database, drop_database
from tests.unit.catalog.test_importer import GOOD, HEADER, write_csv

TAY_NINH = reference.resolve_province("Tây Ninh").province.code  # type: ignore[union-attr]
AN_GIANG = reference.resolve_province("Kiên Giang").province.code  # type: ignore[union-attr]
EXTRA = ["Giá bán", "Link truy xuất"]


def officer(db: Session, province: str | None, email: str = "officer@sct.vn") -> User:
    return create_staff_user(
        db, email=email, name="Cán bộ OCOP", password="correct horse battery",
        role="officer", agency_name="Sở Công Thương", province=province,
    )  # fmt: skip


def producer_with_account(db: Session, *, language: str = "vi") -> tuple[Organization, Offer]:
    """The Trảng Bàng cooperative of GOOD's first row, keeping its own listing."""
    org = services.create_organization(db, {
        "kind": "producer", "name": "HTX Bánh tráng Trảng Bàng", "province": TAY_NINH,
        "entity_type": "cooperative", "preferred_language": language,
    })  # fmt: skip
    create_user(db, org, email="htx@trangbang.vn", name="Chị Lan",
                password="correct horse battery", role="producer")  # fmt: skip
    offer = services.create_offer(db, org, {
        "title": "Bánh tráng phơi sương Trảng Bàng", "category": "food.processed", "unit": "kg",
        "ocop_stars": 4, "ocop_certified_on": date(2024, 3, 15), "unit_price_vnd": 250_000,
        "traceability_url": "https://truyxuat.trangbang.vn/bt-01",
        "description": "Bánh tráng phơi sương làm tay",
    })  # fmt: skip
    db.commit()
    return org, offer


def test_an_officer_imports_only_the_rows_of_their_province(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    user = officer(db, TAY_NINH)
    db.commit()
    path = write_csv(tmp_path / "ocop.csv", [HEADER, *GOOD])

    report = import_offers(sessions, path, actor_id=user.id, today=date(2025, 6, 1))

    assert report.created == 1
    outside = {p.row: [(e.code, e.params) for e in p.problems] for p in report.rejected}
    assert outside == {
        3: [("import.outside_province", {"province": AN_GIANG, "scope_province": TAY_NINH})],
        4: [("import.outside_province", {"province": "19", "scope_province": TAY_NINH})],
    }
    assert [o.province for o in db.scalars(select(Offer))] == [TAY_NINH]
    assert db.scalar(select(func.count()).select_from(Organization).where(
        Organization.kind == "producer")) == 1  # fmt: skip


def test_an_admin_and_a_national_officer_import_anywhere(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    national = officer(db, None)
    admin = create_staff_user(
        db, email="admin@ocop.vn", name="Admin", role="admin",
        password="correct horse battery", agency_name="Bộ", province=None,
    )  # fmt: skip
    db.commit()
    first = import_offers(sessions, write_csv(tmp_path / "a.csv", [HEADER, *GOOD[:2]]),
                          actor_id=national.id)  # fmt: skip
    second = import_offers(sessions, write_csv(tmp_path / "b.csv", [HEADER, GOOD[2]]),
                           actor_id=admin.id)  # fmt: skip
    assert (first.created, first.rejected, second.created, second.rejected) == (2, [], 1, [])


def test_a_producer_cannot_import(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    producer_with_account(db)
    user = db.scalars(select(User).where(User.role == "producer")).one()
    with pytest.raises(Forbidden) as raised:
        import_offers(sessions, write_csv(tmp_path / "a.csv", [HEADER, *GOOD]), actor_id=user.id)
    assert raised.value.code == "import.staff_only"


def with_extra(row: list[str], price: str, link: str) -> list[str]:
    return [*row, price, link]


def test_a_producer_with_an_account_keeps_its_fields_and_is_emailed_the_ocop_changes(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    org, offer = producer_with_account(db)
    user = officer(db, TAY_NINH)
    db.commit()
    row = GOOD[0][:]
    row[7] = "5 sao"  # the province re-rated it
    path = write_csv(tmp_path / "tay-ninh.csv", [
        [*HEADER, *EXTRA],
        with_extra(row, "1", "https://elsewhere.example/x"),
        with_extra(["2", "Bánh tráng me Trảng Bàng", *row[2:]], "", ""),
    ])  # fmt: skip

    report = import_offers(sessions, path, actor_id=user.id)

    assert (report.created, report.updated, report.rejected) == (1, 1, [])
    assert report.producers_notified == 1
    kept = [(p.row, e.code, e.params) for p in report.warnings for e in p.problems
            if e.code == "import.kept_producer_fields"]  # fmt: skip
    assert kept == [(2, "import.kept_producer_fields", {"columns": ["price", "traceability"]})]
    db.expire_all()
    stored = db.get(Offer, offer.id)
    assert stored is not None
    assert (stored.ocop_stars, stored.unit_price_vnd, stored.traceability_url) == (
        5, 250_000, "https://truyxuat.trangbang.vn/bt-01")  # fmt: skip
    assert stored.description == "Bánh tráng phơi sương làm tay"
    assert db.scalar(select(func.count()).select_from(Offer).where(
        Offer.organization_id == org.id)) == 2  # fmt: skip

    emails = list(db.scalars(select(Notification).where(Notification.kind == "ocop_changes")))
    assert len(emails) == 1, "one email per producer and import"
    assert db.scalar(select(OutboxMessage.id).where(
        OutboxMessage.task == "email.send_notifications")) is not None  # fmt: skip
    built = EmailBuilder(Links("s", "https://ocop.example", timedelta(days=30)), "https://ocop.example",
                         "Asia/Ho_Chi_Minh").build(db, emails[0])  # type: ignore[arg-type]  # fmt: skip
    assert built is not None and built.to == "htx@trangbang.vn"
    assert built.language == "vi"
    assert "tay-ninh.csv" in built.text
    assert "Hạng sao OCOP: 4 → 5" in built.text
    assert "Bánh tráng me Trảng Bàng" in built.text
    assert f"https://ocop.example/products/{offer.id}" in built.text
    assert "250" not in built.text, "the producer's own price is none of the province's news"


def test_a_producer_without_an_account_gets_every_field_from_the_list(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    row = GOOD[0]
    first = [[*HEADER, *EXTRA], with_extra(row, "20000", "")]
    import_offers(sessions, write_csv(tmp_path / "a.csv", first))
    second = [[*HEADER, *EXTRA], with_extra(row, "25000", "https://qr.example/1")]
    report = import_offers(sessions, write_csv(tmp_path / "b.csv", second))
    assert (report.updated, report.producers_notified) == (1, 0)
    assert not [p for p in report.warnings if p.problems[0].code == "import.kept_producer_fields"]
    offer = db.scalars(select(Offer)).one()
    assert (offer.unit_price_vnd, offer.traceability_url) == (25_000, "https://qr.example/1")
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_claim_keeps_the_producers_fields_only_once_approved(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    """Until an officer approves that the claimant represents it, the list stays the listing's
    only source; then the household keeps its own fields."""
    user = officer(db, TAY_NINH)
    db.commit()

    def import_price(price: str) -> Offer:
        rows = [[*HEADER, *EXTRA], with_extra(GOOD[0], price, "")]
        import_offers(sessions, write_csv(tmp_path / f"{price}.csv", rows), actor_id=user.id)
        db.expire_all()
        return db.scalars(select(Offer)).one()

    import_price("20000")
    listed = db.scalars(select(Organization).where(Organization.kind == "producer")).one()
    claimant = register(
        db, email="lan@example.vn", password="bánh tráng phơi sương 2025", name="Chị Lan",
        role="producer", secret="s",
        organization={"name": "HTX Banh trang Trang Bang", "province": "Tây Ninh"},
    )  # fmt: skip
    db.commit()
    assert (claimant.organization_id, claimant.is_active) == (listed.id, False)
    assert import_price("25000").unit_price_vnd == 25_000, "a waiting claim keeps nothing yet"

    (waiting,) = claims.claims_for(db, user)[0]
    claims.decide(db, user, waiting.id, approve=True)
    db.commit()
    assert import_price("30000").unit_price_vnd == 25_000, "now the household keeps its price"


def test_the_history_names_the_import_and_the_producers_own_edit(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session
) -> None:
    org, offer = producer_with_account(db)
    user = officer(db, TAY_NINH)
    db.commit()
    row = GOOD[0][:]
    row[7] = "5"
    import_offers(sessions, write_csv(tmp_path / "list.csv", [HEADER, row]), actor_id=user.id)
    producer = db.scalars(select(User).where(User.organization_id == org.id)).one()
    db.expire_all()  # the import wrote through sessions of its own
    access.update_offer(db, producer, offer.id, {"unit_price_vnd": 260_000}, None)

    changes = [(c.field, c.old, c.new, c.source, c.user_id, c.import_file)
               for c in offer_history(db, offer.id)]  # fmt: skip
    assert changes[0] == ("unit_price_vnd", 250_000, 260_000, "edit", producer.id, None)
    assert ("ocop_stars", 4, 5, "import", user.id, "list.csv") in changes
    assert access.offer_history(db, user, offer.id)[0].field == "unit_price_vnd"
    edit, imported = access.describe_offer_history(db, user, offer.id, "vi")[:2]
    assert edit.author == (
        f"{producer.name} của HTX Bánh tráng Trảng Bàng, do chính nhà sản xuất sửa"
    )
    assert imported.author == "Sở Công Thương, nhập danh sách list.csv"
    assert ("Hạng sao OCOP", "4", "5") in [(x.field_name, x.old_text, x.new_text)
                                           for x in imported.lines]  # fmt: skip
    stranger = officer(db, AN_GIANG, email="other@sct.vn")
    with pytest.raises(Forbidden):
        access.offer_history(db, stranger, offer.id)


def test_one_producer_per_name_and_province_and_one_live_offer_per_title(db: Session) -> None:
    org, _offer = producer_with_account(db)
    with pytest.raises(Conflict) as raised:
        services.create_organization(db, {"kind": "producer", "province": TAY_NINH,
                                          "name": "htx banh trang trang bang"})  # fmt: skip
    assert raised.value.code == "organization.producer_exists"
    with pytest.raises(Conflict) as raised:
        services.create_offer(db, org, {"title": "BÁNH TRÁNG PHƠI SƯƠNG TRẢNG BÀNG",
                                        "category": "food.processed", "unit": "kg"})  # fmt: skip
    assert raised.value.code == "offer.duplicate_title"


# --- two imports of one file at the same time -----------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: the imports commit for real, from two connections."""
    if request.param == "sqlite":
        own = make_engine(f"sqlite:///{tmp_path / 'race.sqlite'}")
    else:
        url = create_database(f"{make_url(POSTGRES_URL).database}_race")
        own = make_engine(url)
    upgrade(own)
    yield own
    own.dispose()
    if request.param == "postgresql":
        drop_database(url)


def test_two_imports_of_one_file_at_once_leave_no_duplicate(
    tmp_path: Path, own_engine: Engine
) -> None:
    rows = [[str(i), f"Sản phẩm số {i}", f"HTX số {i % 7}", "", "Tây Ninh", "Thực phẩm",
             "Thực phẩm chế biến", "4", "", "", ""] for i in range(1, 61)]  # fmt: skip
    path = write_csv(tmp_path / "same.csv", [HEADER, *rows])
    sessions = make_session_factory(own_engine)
    reports: list[ImportReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            reports.append(import_offers(sessions, path))
        except BaseException as exc:  # the test reports it below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 7
        assert db.scalar(select(func.count()).select_from(Offer)) == 60
        assert db.scalar(select(func.count()).select_from(OfferChange).where(
            OfferChange.field == "ocop_stars")) == 60  # fmt: skip
    outcomes = sorted((r.created, r.unchanged, len(r.rejected)) for r in reports)
    assert outcomes == [(0, 60, 0), (60, 0, 0)]


def test_an_import_queues_the_matching_of_its_offers_once_a_batch_not_once_a_row(
    tmp_path: Path, sessions: sessionmaker[Session], db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    _, kept = producer_with_account(db)
    db.execute(delete(OutboxMessage))
    db.commit()
    changed = with_extra(GOOD[0], "", "")
    changed[7] = "5 sao"  # the province's new rating of the producer's offer: an update
    path = write_csv(
        tmp_path / "ocop.csv", [HEADER + EXTRA, changed, *[[*r, "", ""] for r in GOOD[1:]]]
    )

    report = import_offers(sessions, path, today=date(2025, 6, 1))

    assert (report.created, report.updated) == (2, 1)
    query = select(OutboxMessage).where(OutboxMessage.task.like("matching.%"))
    matching = [(m.task, m.kwargs) for m in db.scalars(query.order_by(OutboxMessage.id))]
    offers = {o.title: o.id for o in db.scalars(select(Offer))}
    assert matching == [
        (outbox.OFFERS_CHANGED, {"offer_ids": sorted([kept.id, offers[GOOD[1][1]]])}),
        (outbox.OFFERS_CHANGED, {"offer_ids": [offers[GOOD[2][1]]]}),
    ]

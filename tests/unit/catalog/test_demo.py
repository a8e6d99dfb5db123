from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog.demo import DEMO_LOGINS, load_demo
from matchmaker.catalog.models import BUYER_TYPES, Offer, Organization, Requirement
from matchmaker.ranking import reference


def test_demo_data_looks_like_the_programme(db: Session) -> None:
    report = load_demo(db, seed=2025, today=date(2026, 11, 1))
    assert report is not None
    producers = db.scalar(
        select(func.count()).select_from(Organization).where(Organization.kind == "producer")
    )
    assert producers >= 100
    assert db.scalar(select(func.count()).select_from(Offer)) >= 300
    assert len(set(db.scalars(select(Offer.province)))) >= 12
    groups = {reference.group_of(c) for c in db.scalars(select(Offer.category))}
    assert groups == {c.code for c in reference.categories() if c.is_group}
    assert db.scalar(select(func.count()).select_from(Requirement)) >= 40
    buyer_types = set(
        db.scalars(
            select(Organization.buyer_type)
            .join(Requirement, Requirement.organization_id == Organization.id)
            .distinct()
        )
    )
    assert buyer_types == set(BUYER_TYPES)
    titles = list(db.scalars(select(Offer.title)))
    assert sum(any(ch in t for ch in "ăâđêôơưáàảãạ") for t in titles) > len(titles) * 0.8
    assert {u.email for u in db.scalars(select(User))} == set(DEMO_LOGINS.values())


def test_demo_load_skips_a_database_that_has_offers(db: Session) -> None:
    first = load_demo(db, seed=7, today=date(2026, 11, 1))
    assert first is not None
    titles = list(db.scalars(select(Offer.title).order_by(Offer.id)))
    assert load_demo(db, seed=7, if_empty=True) is None
    assert list(db.scalars(select(Offer.title).order_by(Offer.id))) == titles

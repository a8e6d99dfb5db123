from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState
from matchmaker.notifications import preferences
from matchmaker.notifications.alerts import alert_for_offer, alert_for_requirement
from matchmaker.notifications.digests import build_digests
from matchmaker.notifications.models import MatchAlert, NotificationPreference
from matchmaker.settings import NotificationSettings

from .conftest import make_buyer, make_producer

TODAY = date(2026, 3, 1)


def test_a_new_requirement_alerts_each_matching_producer_once(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    honey = [make_producer(db, f"HTX Ong {i}", f"Mật ong rừng {i}") for i in range(2)]
    make_producer(db, "HTX Che", "Chè Shan tuyết")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})

    created = alert_for_requirement(db, ranking, requirement.id, config, today=TODAY)
    assert sorted(n.user_id for n in created) == sorted(p.user.id for p in honey)
    assert all(n.kind == "match" and n.state == "pending" for n in created)

    assert alert_for_requirement(db, ranking, requirement.id, config, today=TODAY) == []


def test_declined_pairs_and_unsubscribed_users_hear_nothing(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    declining = make_producer(db, "HTX Mot", "Mật ong rừng U Minh")
    leaving = make_producer(db, "HTX Hai", "Mật ong rừng Cà Mau")
    buyer = make_buyer(db)
    preferences.unsubscribe(db, leaving.user.id)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    assert declining.offer is not None
    db.add(Match(requirement_id=requirement.id, offer_id=declining.offer.id, score=0.9, rank=1,
                 status="declined", decline_reason="too far"))  # fmt: skip
    db.flush()

    assert alert_for_requirement(db, ranking, requirement.id, config, today=TODAY) == []


def test_over_the_daily_cap_matches_wait_for_the_digest(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    db.add(NotificationPreference(user_id=producer.user.id, frequency="instant", daily_cap=1))
    buyer = make_buyer(db)
    first = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    second = services.create_requirement(db, buyer.organization, {"title": "Mật ong U Minh"})

    assert len(alert_for_requirement(db, ranking, first.id, config, today=TODAY)) == 1
    assert alert_for_requirement(db, ranking, second.id, config, today=TODAY) == []
    held = db.scalars(select(MatchAlert).where(MatchAlert.notification_id.is_(None))).all()
    assert [a.match.requirement_id for a in held] == [second.id]

    (digest,) = build_digests(db, "daily", config, today=TODAY)
    assert (digest.kind, digest.user_id) == ("digest", producer.user.id)
    assert digest.payload["match_ids"] == [held[0].match_id]
    assert build_digests(db, "daily", config, today=TODAY) == []


def test_digest_users_get_one_email_for_the_period(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    preferences.set_frequency(db, producer.user.id, "weekly")
    buyer = make_buyer(db)
    for title in ("Mật ong rừng", "Mật ong U Minh"):
        requirement = services.create_requirement(db, buyer.organization, {"title": title})
        assert alert_for_requirement(db, ranking, requirement.id, config, today=TODAY) == []

    assert build_digests(db, "daily", config, today=TODAY) == []
    (digest,) = build_digests(db, "weekly", config, today=TODAY)
    assert len(digest.payload["match_ids"]) == 2


def test_a_new_offer_alerts_the_buyers_whose_requirements_it_fits(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    buyer = make_buyer(db)
    services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    assert producer.offer is not None

    created = alert_for_offer(db, ranking, producer.offer.id, config, today=TODAY)
    assert [n.user_id for n in created] == [buyer.user.id]


def test_related_products_are_shown_but_never_alerted(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    fitting = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    related = make_producer(db, "HTX Nhan", "Mật ong hoa nhãn")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})

    created = alert_for_requirement(db, ranking, requirement.id, config, today=TODAY)
    assert [n.user_id for n in created] == [fitting.user.id]
    shown = {m.offer_id: m.related for m in db.scalars(select(Match))}
    assert related.offer is not None and shown[related.offer.id] is True
    # The nightly re-match ranks it again: still nothing for the related producer.
    assert alert_for_requirement(db, ranking, requirement.id, config, today=TODAY) == []
    assert db.scalars(select(MatchAlert.user_id)).all() == [fitting.user.id]
    assert alert_for_offer(db, ranking, related.offer.id, config, today=TODAY) == []


def test_a_waiting_alert_whose_pair_became_related_stays_out_of_the_digest(
    db: Session, ranking: RankingState, config: NotificationSettings
) -> None:
    producer = make_producer(db, "HTX Ong", "Mật ong rừng U Minh")
    preferences.set_frequency(db, producer.user.id, "daily")
    buyer = make_buyer(db)
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong rừng"})
    assert alert_for_requirement(db, ranking, requirement.id, config, today=TODAY) == []
    (alert,) = db.scalars(select(MatchAlert)).all()

    # Ranked again before the digest, the pair is now only a related product.
    alert.match.related = True
    db.flush()
    assert build_digests(db, "daily", config, today=TODAY) == []

    alert.match.related = False
    db.flush()
    (digest,) = build_digests(db, "daily", config, today=TODAY)
    assert digest.payload["match_ids"] == [alert.match_id]

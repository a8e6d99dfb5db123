"""A buyer's decline is for good, and its reason changes the buyer's next ranking at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.matching import access
from matchmaker.matching.feedback import feedback_examples, record_feedback
from matchmaker.matching.models import Match
from matchmaker.matching.service import RankingState, rank_offers, rank_requirements
from matchmaker.ranking.learning.personal import BuyerProfile, Decline
from matchmaker.ranking.learning.reasons import decline_reason_code
from matchmaker.ranking.model import train

HONEY = {"category": "food.raw_processed", "unit": "kg"}


def _producer(db: Session, name: str) -> Organization:
    return services.create_organization(db, {"kind": "producer", "name": name, "province": "01"})


def _offer(db: Session, producer: Organization, title: str, **values: object) -> Offer:
    return services.create_offer(db, producer, {**HONEY, "title": title, **values})


def _buyer(db: Session) -> tuple[Organization, User]:
    buyer = services.create_organization(
        db, {"kind": "buyer", "name": "Co.op Mart", "buyer_type": "supermarket"}
    )
    user = create_user(
        db, buyer, email="minh@coop.vn", name="Minh", password="mật khẩu dài", role="buyer"
    )
    return buyer, user


def _user(db: Session, organization: Organization, email: str) -> User:
    role = "producer" if organization.kind == "producer" else "buyer"
    return create_user(db, organization, email=email, name="X", password="mật khẩu dài", role=role)


def _requirement(db: Session, buyer: Organization, **values: object) -> Requirement:
    return services.create_requirement(db, buyer, {"title": "mật ong", **values})


def _shown(db: Session, state: RankingState, requirement: Requirement) -> dict[int, Match]:
    return {r.offer.id: r.match for r in rank_offers(db, state, requirement)}


def test_a_declined_pair_never_returns_after_a_rerank_a_retrain_and_a_restart(
    db: Session, tmp_path: Path
) -> None:
    buyer, user = _buyer(db)
    offers = [_offer(db, _producer(db, f"HTX Ong {i}"), f"Mật ong hoa nhãn {i}") for i in range(14)]
    requirement = _requirement(db, buyer)
    state = RankingState()
    first = {
        r.offer.id: r.match
        for r in access.offers_for_requirement(db, state, user, requirement.id, 10)
    }
    assert len(first) == 10
    for match in first.values():
        record_feedback(db, user, match, "declined", "product: not what we sell")

    again = _shown(db, state, requirement)
    assert again and not set(again) & set(first)
    assert set(again) == {o.id for o in offers} - set(first)

    # Trained on these answers (and some accepted elsewhere), and a fresh process.
    other = _requirement(db, buyer, title="mật ong hoa nhãn")
    for ranked in access.offers_for_requirement(db, state, user, other.id, 10)[:3]:
        record_feedback(db, user, ranked.match, "accepted")
    models = tmp_path / "models"
    report = train(list(feedback_examples(db)), models, promote="always")
    assert report.promoted
    restarted = RankingState(models)
    assert not set(_shown(db, restarted, requirement)) & set(first)
    assert restarted.model_version == report.version
    # The producer's own view no longer offers it that buyer's request.
    declined_offer = db.get(Offer, next(iter(first)))
    assert declined_offer is not None
    assert requirement.id not in {
        r.requirement.id for r in rank_requirements(db, restarted, declined_offer)
    }


def test_a_decline_sinks_the_producers_similar_offers_for_that_buyer_only(db: Session) -> None:
    buyer, user = _buyer(db)
    producer = _producer(db, "HTX Ong Mật")
    declined = _offer(db, producer, "Mật ong hoa nhãn")
    sibling = _offer(db, producer, "Mật ong hoa cà phê")
    stranger = _offer(db, _producer(db, "HTX Ba Vì"), "Mật ong rừng")
    requirement = _requirement(db, buyer)
    later = _requirement(db, buyer, title="mật ong nguyên chất")
    other_buyer = services.create_organization(db, {"kind": "buyer", "name": "Lotte"})
    theirs = _requirement(db, other_buyer, title="mật ong nguyên chất")
    state = RankingState()
    before = {o: m.score for o, m in _shown(db, state, later).items()}
    before_theirs = {o: m.score for o, m in _shown(db, state, theirs).items()}

    record_feedback(db, user, _shown(db, state, requirement)[declined.id], "declined", "other")

    after = {o: m.score for o, m in _shown(db, state, later).items()}
    assert after[sibling.id] < 0.7 * before[sibling.id]
    assert after[declined.id] < 0.7 * before[declined.id]
    assert after[stranger.id] == before[stranger.id]
    # Another buyer's ranking is its own.
    assert {o: m.score for o, m in _shown(db, state, theirs).items()} == before_theirs


def test_a_decline_reason_weighs_the_feature_it_names_at_once(db: Session) -> None:
    buyer, user = _buyer(db)
    cheap = _offer(db, _producer(db, "HTX A"), "Mật ong hoa nhãn", unit_price_vnd=90_000)
    dear = _offer(db, _producer(db, "HTX B"), "Mật ong hoa vải", unit_price_vnd=130_000)
    dearest = _offer(db, _producer(db, "HTX C"), "Mật ong rừng", unit_price_vnd=160_000)
    asked = {"unit": "kg", "max_unit_price_vnd": 100_000}
    first = _requirement(db, buyer, **asked)
    second = _requirement(db, buyer, title="mật ong nguyên chất", **asked)
    state = RankingState()
    before = {o: m.score for o, m in _shown(db, state, second).items()}

    # The web form's code, with the buyer's own words after it.
    record_feedback(db, user, _shown(db, state, first)[dearest.id], "declined", "price: too dear")

    after = {o: m.score for o, m in _shown(db, state, second).items()}
    assert after[cheap.id] == before[cheap.id]  # within the ceiling: untouched
    assert after[dear.id] < before[dear.id]
    assert after[dear.id] / after[cheap.id] < before[dear.id] / before[cheap.id]


def test_a_decline_for_price_lowers_the_dearer_offers_even_without_a_ceiling(
    db: Session,
) -> None:
    # Most buyers set no price ceiling: the reason then weighs where each price stands among
    # the offers listed, not a ceiling the buyer never gave.
    buyer, user = _buyer(db)
    cheap = _offer(db, _producer(db, "HTX A"), "Mật ong hoa nhãn", unit_price_vnd=90_000)
    dear = _offer(db, _producer(db, "HTX B"), "Mật ong hoa vải", unit_price_vnd=130_000)
    dearest = _offer(db, _producer(db, "HTX C"), "Mật ong rừng", unit_price_vnd=160_000)
    first = _requirement(db, buyer, unit="kg")
    second = _requirement(db, buyer, title="mật ong nguyên chất", unit="kg")
    state = RankingState()
    before = {o: m.score for o, m in _shown(db, state, second).items()}

    record_feedback(db, user, _shown(db, state, first)[dearest.id], "declined", "price")

    after = {o: m.score for o, m in _shown(db, state, second).items()}
    for other in (dear, dearest):  # each sinks against the cheapest listed
        assert after[other.id] / after[cheap.id] < before[other.id] / before[cheap.id]
    assert after[dearest.id] / after[dear.id] < before[dearest.id] / before[dear.id]


def test_a_producers_decline_is_not_the_buyers(db: Session) -> None:
    buyer, _ = _buyer(db)
    producer = _producer(db, "HTX Ong Mật")
    offer = _offer(db, producer, "Mật ong hoa nhãn", unit_price_vnd=150_000)
    _offer(db, _producer(db, "HTX Ba Vì"), "Mật ong rừng", unit_price_vnd=150_000)
    requirement = _requirement(db, buyer, unit="kg", max_unit_price_vnd=100_000)
    state = RankingState()
    before = {o: m.score for o, m in _shown(db, state, requirement).items()}

    record_feedback(db, _user(db, producer, "ong@htx.vn"), _shown(db, state, requirement)[offer.id],
                    "declined", "price")  # fmt: skip

    assert {o: m.score for o, m in _shown(db, state, requirement).items()} == before


def test_the_forms_reasons_and_the_older_codes_name_the_same_features() -> None:
    assert decline_reason_code("price") == "price"
    assert decline_reason_code("volume: only 20 kg a month") == "volume"
    assert decline_reason_code("capacity") == "volume"
    assert decline_reason_code("wrong_product") == "product"
    assert decline_reason_code("certification") == "quality"
    assert decline_reason_code("we found someone else") is None
    weights = BuyerProfile(
        (
            Decline("1", "2", "3", "food", "volume"),
            Decline("1", "4", "5", "food", "capacity: too small"),
        )
    ).feature_weights()
    assert weights["capacity"] == weights["min_order"] == 0.5
    assert "price" not in weights


def test_the_offers_a_buyer_said_yes_to_lift_offers_like_them_for_that_buyer(
    db: Session,
) -> None:
    buyer, user = _buyer(db)

    def offer(name: str, kind: str, title: str, **values: object) -> Offer:
        producer = services.create_organization(
            db, {"kind": "producer", "name": name, "province": "01", "entity_type": kind}
        )
        return _offer(db, producer, title, **values)

    liked = [offer(f"HTX {i}", "cooperative", f"Mật ong hoa nhãn {i}", certifications=["vietgap"])
             for i in range(2)]  # fmt: skip
    coop = offer("HTX Ba Vì", "cooperative", "Mật ong rừng", certifications=["vietgap"])
    firm = offer("Công ty Ong Việt", "enterprise", "Mật ong rừng")
    first = _requirement(db, buyer)
    later = _requirement(db, buyer, title="mật ong rừng")
    state = RankingState()
    before = {o: m.score for o, m in _shown(db, state, later).items()}
    assert before[coop.id] == before[firm.id]

    shown = _shown(db, state, first)
    record_feedback(db, user, shown[liked[0].id], "accepted")
    assert {o: m.score for o, m in _shown(db, state, later).items()} == before  # one yes: no taste
    record_feedback(db, user, shown[liked[1].id], "accepted")

    after = {o: m.score for o, m in _shown(db, state, later).items()}
    assert after[coop.id] > after[firm.id] == before[firm.id]
    assert after[coop.id] <= 1.2 * before[coop.id] + 1e-5  # bounded

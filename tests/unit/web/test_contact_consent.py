"""Pages show a buyer's contact details to a producer only once the buyer has said yes; a
producer's go to a buyer once either side has."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog import services
from matchmaker.matching.feedback import record_feedback
from matchmaker.matching.models import Match
from tests.unit.web.conftest import MakeUser, post_form, sign_in


def _pair(db: Session, make_user: MakeUser) -> tuple[User, User, Match]:
    producer = make_user("producer", contact_email="ban@htx.vn", phone="0290 111 222")
    buyer = make_user("buyer", contact_email="mua@coop.vn", phone="028 333 444")
    offer = services.create_offer(db, producer.organization,
                                  {"title": "Mật ong rừng", "category": "food.raw_processed",
                                   "unit": "kg"})  # fmt: skip
    requirement = services.create_requirement(db, buyer.organization, {"title": "Mật ong"})
    match = Match(requirement_id=requirement.id, offer_id=offer.id, score=0.8, rank=1)
    db.add(match)
    db.commit()
    return producer, buyer, match


def _pages(client: FlaskClient, match: Match, offer_page: str) -> str:
    return client.get(f"/matches/{match.id}").get_data(True) + client.get(offer_page).get_data(True)


def test_a_producer_sees_the_buyer_s_contact_only_after_the_buyer_says_yes(
    db: Session, client: FlaskClient, make_user: MakeUser
) -> None:
    producer, buyer, match = _pair(db, make_user)
    record_feedback(db, producer, match, "accepted")
    db.commit()
    sign_in(client, producer)
    offer_page = f"/producer/products/{match.offer_id}"
    assert "mua@coop.vn" not in _pages(client, match, offer_page)
    assert "028 333 444" not in _pages(client, match, offer_page)

    record_feedback(db, buyer, match, "accepted")
    db.commit()
    shown = _pages(client, match, offer_page)
    assert "mua@coop.vn" in shown and "028 333 444" in shown


def test_a_buyer_who_accepts_sees_the_producer_s_contact(
    db: Session, client: FlaskClient, make_user: MakeUser
) -> None:
    _producer, buyer, match = _pair(db, make_user)
    sign_in(client, buyer)
    assert "ban@htx.vn" not in client.get(f"/matches/{match.id}").get_data(True)
    record_feedback(db, buyer, match, "accepted")
    db.commit()
    assert "ban@htx.vn" in client.get(f"/matches/{match.id}").get_data(True)


def test_a_buyer_can_still_say_yes_after_the_producer_accepted(
    db: Session, client: FlaskClient, make_user: MakeUser
) -> None:
    producer, buyer, match = _pair(db, make_user)
    record_feedback(db, producer, match, "accepted")
    db.commit()
    sign_in(client, buyer)
    page = client.get(f"/matches/{match.id}").get_data(True)
    assert 'name="action" value="accepted"' in page
    post_form(client, f"/matches/{match.id}/feedback", {"action": "accepted"},
              page=f"/matches/{match.id}")  # fmt: skip
    client.get("/signout")
    other = FlaskClient(client.application)
    sign_in(other, producer)
    assert "mua@coop.vn" in other.get(f"/matches/{match.id}").get_data(True)
    assert 'name="action" value="accepted"' not in other.get(f"/matches/{match.id}").get_data(True)

"""A household registering as a producer its province already lists takes over that listing:
at once with the listing's own email or phone, otherwise once an officer of the province
approves; a listing with an account is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts import claims, people
from matchmaker.accounts.models import ProducerClaim, User
from matchmaker.accounts.services import create_staff_user, create_user
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog import services
from matchmaker.catalog.models import Organization
from matchmaker.errors import Conflict, Forbidden
from matchmaker.notifications.emails import EmailBuilder
from matchmaker.notifications.links import Links
from matchmaker.notifications.models import Notification

BUILDER = EmailBuilder(Links("s", "https://ocop.example", timedelta(days=30)),
                       "https://ocop.example", "Asia/Ho_Chi_Minh")  # fmt: skip
PASSWORD = "bánh tráng phơi sương 2025"
HTX = "HTX Bánh tráng Trảng Bàng"


@pytest.fixture
def listed(db: Session) -> Organization:
    """A producer the Tây Ninh office imported from its list: no account yet."""
    org = services.create_organization(db, {
        "kind": "producer", "name": "HTX Bánh tráng Trảng Bàng", "province": "Tây Ninh",
        "contact_email": "htx.trangbang@gmail.com", "phone": "0276 3881 234",
        "address": "Trảng Bàng, Tây Ninh",
    })  # fmt: skip
    db.commit()
    return org


def officer(db: Session, province: str | None, email: str) -> User:
    user = create_staff_user(db, email=email, name="Cán bộ OCOP", password=PASSWORD,
                             role="officer", agency_name=f"Sở Công Thương {province}",
                             province=province)  # fmt: skip
    db.commit()
    return user


def register(client: FlaskClient, email: str, *, language: str = "en", **org: Any) -> Any:
    organization = {"name": "htx banh trang trang bang", "province": "Tay Ninh",
                    "entity_type": "cooperative", **org}  # fmt: skip
    return client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "name": "Chị Lan", "role": "producer",
              "organization": organization},
        headers={"Accept-Language": language},
    )  # fmt: skip


def producers(db: Session) -> int:
    query = select(func.count()).select_from(Organization).where(Organization.kind == "producer")
    return int(db.scalar(query) or 0)


def emails(db: Session, kind: str) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.kind == kind)))


@pytest.mark.parametrize(
    ("email", "phone", "proof"),
    [("HTX.TrangBang@gmail.com", None, "email"), ("lan@example.vn", "+84 276 3881 234", "phone")],
)
def test_the_listings_own_email_or_phone_takes_it_over_at_once(
    client: FlaskClient,
    db: Session,
    listed: Organization,
    email: str,
    phone: str | None,
    proof: str,
) -> None:
    tay_ninh = officer(db, "Tây Ninh", "sct@tayninh.gov.vn")
    response = register(client, email, **({"phone": phone} if phone else {}))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["organization"]["id"] == listed.id and body["token"]
    assert producers(db) == 1, "no second producer of one name and province"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    claim = db.scalars(select(ProducerClaim)).one()
    assert (claim.status, claim.matched_by) == ("approved", proof)
    # The province's officers hear of it, so that a wrong one can be stopped.
    (told,) = emails(db, "claim_request")
    assert told.user_id == tay_ninh.id
    built = BUILDER.build(db, told)
    assert built is not None and built.subject == f"Chị Lan đã nhận quản lý {HTX}"


def test_otherwise_the_account_waits_for_an_officer_of_the_province(
    client: FlaskClient, db: Session, listed: Organization
) -> None:
    tay_ninh = officer(db, "Tây Ninh", "sct@tayninh.gov.vn")
    other = officer(db, "Hà Nội", "sct@hanoi.gov.vn")

    response = register(client, "lan@example.vn", phone="0909 000 111", language="vi")

    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert "token" not in body and body["status"] == "waiting_for_approval"
    assert body["organization_id"] == listed.id and body["province"]["name"] == "Tây Ninh"
    assert body["detail"].startswith(f"{HTX} có trong danh sách OCOP của Tây Ninh.")
    signed = client.post("/api/v1/auth/token", json={"email": "lan@example.vn",
                                                     "password": PASSWORD})  # fmt: skip
    assert signed.status_code == 401, "the account waits"
    (request,) = emails(db, "claim_request")
    assert request.user_id == tay_ninh.id, "the officers of the producer's province decide"
    built = BUILDER.build(db, request)
    assert built is not None and built.subject == f"Chị Lan xin nhận quản lý {HTX}"
    assert "0909 000 111" in built.text and "htx.trangbang@gmail.com" in built.text
    assert "https://ocop.example/officer/claims" in built.text

    # A second registration meanwhile is told one waits.
    again = register(client, "someone@example.vn")
    assert again.status_code == 409
    assert again.get_json()["code"] == "organization.claim_waiting"
    assert "already asked to take over HTX Bánh tráng Trảng Bàng" in again.get_json()["detail"]

    claim = db.scalars(select(ProducerClaim)).one()
    with pytest.raises(Conflict) as raised:  # not by restoring the account: by deciding
        people.set_active(db, tay_ninh, claim.user_id, True)
    assert raised.value.code == "account.claim_pending"
    with pytest.raises(Forbidden):
        claims.decide(db, other, claim.id, approve=True)
    claims.decide(db, tay_ninh, claim.id, approve=True)
    db.commit()
    signed = client.post("/api/v1/auth/token", json={"email": "lan@example.vn",
                                                     "password": PASSWORD})  # fmt: skip
    assert signed.status_code == 200
    db.refresh(listed)
    assert listed.address == "Trảng Bàng, Tây Ninh", "the province's details stay"
    assert listed.preferred_language == "vi"
    (decision,) = emails(db, "claim_decision")
    built = BUILDER.build(db, decision)
    assert built is not None and built.to == "lan@example.vn"
    assert built.subject == "Tài khoản của bạn cho HTX Bánh tráng Trảng Bàng đã sẵn sàng"
    assert "https://ocop.example/signin" in built.text


def test_a_refused_claimant_is_told_in_their_language_and_the_listing_stays_claimable(
    client: FlaskClient, db: Session, listed: Organization
) -> None:
    tay_ninh = officer(db, "Tây Ninh", "sct@tayninh.gov.vn")
    assert register(client, "lan@example.vn", preferred_language="en").status_code == 202
    claim = db.scalars(select(ProducerClaim)).one()
    claims.decide(db, tay_ninh, claim.id, approve=False)
    db.commit()

    (decision,) = emails(db, "claim_decision")
    built = BUILDER.build(db, decision)
    assert built is not None and built.language == "en"
    assert built.subject == "Your request to take over HTX Bánh tráng Trảng Bàng was not approved"
    assert "could not confirm that you represent HTX Bánh tráng Trảng Bàng" in built.text
    signed = client.post("/api/v1/auth/token", json={"email": "lan@example.vn",
                                                     "password": PASSWORD})  # fmt: skip
    assert signed.status_code == 401
    # The real household can still claim it.
    assert register(client, "htx.trangbang@gmail.com").status_code == 201


def test_a_listed_producer_that_has_an_account_is_refused_with_who_to_ask(
    client: FlaskClient, db: Session, listed: Organization
) -> None:
    create_user(db, listed, email="member@trangbang.vn", name="Anh Tư", password=PASSWORD,
                role="producer")  # fmt: skip
    db.commit()
    for email in ("htx.trangbang@gmail.com", "lan@example.vn"):
        response = register(client, email)
        assert response.status_code == 409
        problem = response.get_json()
        assert response.mimetype == "application/problem+json"
        assert problem["code"] == "organization.claimed"
        assert problem["detail"] == (
            "HTX Bánh tráng Trảng Bàng in Tay Ninh already has an account. Ask its members for "
            "their invitation code, or contact the OCOP office of Tay Ninh."
        )
    assert db.scalar(select(func.count()).select_from(User)) == 1
    assert db.scalars(select(ProducerClaim)).all() == []


def test_a_producer_of_another_province_or_name_registers_as_before(
    client: FlaskClient, db: Session, listed: Organization
) -> None:
    response = register(client, "lan@example.vn", province="Hà Nội")
    assert response.status_code == 201
    assert response.get_json()["organization"]["id"] != listed.id
    assert producers(db) == 2 and db.scalars(select(ProducerClaim)).all() == []


def test_only_the_officers_and_admins_decide(db: Session, listed: Organization) -> None:
    member = create_user(db, listed, email="x@example.vn", name="X", password=PASSWORD,
                         role="producer")  # fmt: skip
    with pytest.raises(Forbidden) as raised:
        claims.claims_for(db, member)
    assert raised.value.code == "claim.staff_only"


def test_an_officer_answers_through_the_api(
    client: FlaskClient, db: Session, listed: Organization
) -> None:
    assert register(client, "lan@example.vn", phone="0909 000 111").status_code == 202
    mine, theirs = officer(db, "Tây Ninh", "sct@tayninh.gov.vn"), officer(db, "Hà Nội", "x@hn.vn")
    headers = {}
    for who in (mine, theirs):
        raw, _token = issue_token(db, who, ttl=timedelta(hours=1))
        headers[who.id] = {"Authorization": f"Bearer {raw}"}
    db.commit()

    assert client.get("/api/v1/claims", headers=headers[theirs.id]).get_json()["waiting"] == []
    (waiting,) = client.get("/api/v1/claims", headers=headers[mine.id]).get_json()["waiting"]
    assert (waiting["organization_id"], waiting["claimant_email"], waiting["claimant_phone"]) == (
        listed.id, "lan@example.vn", "0909 000 111")  # fmt: skip
    url = f"/api/v1/claims/{waiting['id']}/decision"
    refused = client.post(url, json={"approve": True}, headers=headers[theirs.id])
    assert refused.status_code == 403 and refused.get_json()["code"] == "claim.forbidden"

    answered = client.post(url, json={"approve": True}, headers=headers[mine.id])
    assert answered.status_code == 200
    assert (answered.get_json()["status"], answered.get_json()["matched_by"]) == ("approved", None)
    again = client.post(url, json={"approve": False}, headers=headers[mine.id])
    assert again.status_code == 409 and again.get_json()["code"] == "claim.decided"
    signed = client.post("/api/v1/auth/token", json={"email": "lan@example.vn",
                                                     "password": PASSWORD})  # fmt: skip
    assert signed.status_code == 200


def test_two_claims_at_once_leave_one_waiting(db: Session, listed: Organization) -> None:
    """The second of two registrations that both passed the check before either wrote."""
    first = create_user(db, listed, email="a@example.vn", name="A", password=PASSWORD,
                        role="producer")  # fmt: skip
    claims.claim(db, listed, first, {"phone": "0909 000 111"})
    second = create_user(db, listed, email="b@example.vn", name="B", password=PASSWORD,
                         role="producer")  # fmt: skip
    with pytest.raises(claims.ClaimRefused) as raised:
        claims.claim(db, listed, second, {"phone": "0909 000 222"})
    assert raised.value.code == "organization.claim_waiting"
    assert [c.user_id for c in db.scalars(select(ProducerClaim))] == [first.id]

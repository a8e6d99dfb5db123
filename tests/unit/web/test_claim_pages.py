"""Claiming a listed producer through the pages: the sign-up says the account waits, the
province's officer approves on the requests page, and the household signs in."""

from __future__ import annotations

import html

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import ProducerClaim
from matchmaker.accounts.services import create_user
from matchmaker.catalog import services
from matchmaker.catalog.models import Organization
from matchmaker.ranking import reference

from .conftest import PASSWORD, MakeUser, post_form, sign_in

DONG_THAP = reference.resolve_province("Đồng Tháp").province.code  # type: ignore[union-attr]
SIGN_UP = {"role": "producer", "person_name": "Phạm Thị Lan", "email": "lan@htx.vn",
           "password": "ca-sac-kho-tam-nong-2025", "name": "htx ca sac tam nong",
           "entity_type": "cooperative", "province": DONG_THAP, "phone": "0909 000 111",
           "buyer_type": ""}  # fmt: skip


def _listed(db: Session) -> Organization:
    org = services.create_organization(db, {
        "kind": "producer", "name": "HTX Cá sặc Tam Nông", "province": "Đồng Tháp",
        "contact_email": "tamnong@gmail.com", "phone": "0277 111 222",
    })  # fmt: skip
    db.commit()
    return org


def _text(response: object) -> str:
    return html.unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def test_a_waiting_claim_is_approved_by_the_provinces_officer(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    listed = _listed(db)
    response = post_form(client, "/signup", SIGN_UP)
    page = _text(response)
    assert response.status_code == 200
    assert "Tài khoản của bạn đang chờ duyệt" in page
    assert "HTX Cá sặc Tam Nông có trong danh sách OCOP của Đồng Tháp." in page
    signed = post_form(client, "/signin", {"email": "lan@htx.vn", "password": SIGN_UP["password"]})
    assert signed.status_code == 200 and "Email hoặc mật khẩu không đúng" in _text(signed)

    # An officer of another province sees nothing of it, and may not decide it.
    other = make_user("officer", province="Hà Nội")
    sign_in(client, other)
    assert "Phạm Thị Lan" not in _text(client.get("/officer/claims/"))
    claim = db.scalars(select(ProducerClaim)).one()
    refused = post_form(client, f"/officer/claims/{claim.id}/approve", {}, page="/officer/claims/")
    assert refused.status_code == 403

    with client.session_transaction() as session:
        session.clear()
    sign_in(client, make_user("officer", province="Đồng Tháp"))
    page = _text(client.get("/officer/claims/"))
    assert "Đang chờ bạn trả lời" in page and "Phạm Thị Lan" in page
    assert "0909 000 111" in page and "tamnong@gmail.com" in page
    approved = post_form(client, f"/officer/claims/{claim.id}/approve", {},
                         page="/officer/claims/", follow_redirects=True)  # fmt: skip
    assert "Phạm Thị Lan nay quản lý HTX Cá sặc Tam Nông và có thể đăng nhập." in _text(approved)
    again = post_form(client, f"/officer/claims/{claim.id}/refuse", {},
                      page="/officer/claims/", follow_redirects=True)  # fmt: skip
    assert "Yêu cầu này đã được quyết định." in _text(again)

    with client.session_transaction() as session:
        session.clear()
    signed = post_form(client, "/signin", {"email": "lan@htx.vn", "password": SIGN_UP["password"]})
    assert signed.status_code == 302 and signed.headers["Location"] == "/producer/"
    db.refresh(claim)
    assert (claim.status, claim.user.organization_id) == ("approved", listed.id)


def test_the_listings_own_email_signs_in_at_once_in_english(
    client: FlaskClient, db: Session
) -> None:
    listed = _listed(db)
    client.get("/lang/en")
    response = post_form(client, "/signup", {**SIGN_UP, "email": "TamNong@gmail.com"})
    assert response.status_code == 302 and response.headers["Location"] == "/producer/"
    claim = db.scalars(select(ProducerClaim)).one()
    assert (claim.organization_id, claim.matched_by) == (listed.id, "email")


def test_a_listing_with_an_account_is_refused_on_the_form(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    listed = _listed(db)
    create_user(db, listed, email="member@tamnong.vn", name="Anh Tư", password=PASSWORD,
                role="producer")  # fmt: skip
    db.commit()
    client.get("/lang/en")
    page = _text(post_form(client, "/signup", SIGN_UP))
    assert (
        "HTX Cá sặc Tam Nông in Dong Thap already has an account. Ask its members for their "
        "invitation code, or contact the OCOP office of Dong Thap."
    ) in page
    assert 'value="htx ca sac tam nong"' in page, "what was typed stays"


def test_a_buyer_cannot_open_the_requests_page(client: FlaskClient, make_user: MakeUser) -> None:
    sign_in(client, make_user("buyer"))
    assert client.get("/officer/claims/").status_code == 403

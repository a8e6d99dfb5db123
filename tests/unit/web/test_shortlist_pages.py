"""The buyer's shortlist page: kept across devices and shared with colleagues."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from matchmaker.accounts.services import create_user
from matchmaker.catalog import services

from .conftest import PASSWORD, MakeUser, post_form, sign_in


def _offer(db: Session, make_user: MakeUser, title: str) -> int:
    producer = make_user("producer")
    offer = services.create_offer(
        db, producer.organization, {"title": title, "category": "food.condiment", "unit": "bottle"}
    )
    db.commit()
    return offer.id


def test_a_saved_offer_is_there_on_another_device_and_for_a_colleague(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    offer_id = _offer(db, make_user, "Nước mắm cá cơm Phú Quốc")
    buyer = make_user("buyer")
    colleague = create_user(db, buyer.organization, email="lan@coop.vn", name="Lan",
                            password=PASSWORD, role="buyer")  # fmt: skip
    db.commit()

    phone = app.test_client()
    sign_in(phone, buyer)
    saved = post_form(phone, "/buyer/shortlist", {"offer_id": str(offer_id),
                      "note": "Hỏi giá thùng 24 chai"}, page="/buyer/search",
                      follow_redirects=True)  # fmt: skip
    assert "Đã lưu vào danh sách chọn." in saved.get_data(as_text=True)

    desktop = app.test_client()
    sign_in(desktop, colleague)
    page = desktop.get("/buyer/shortlist").get_data(as_text=True)
    assert "Nước mắm cá cơm Phú Quốc" in page and "Hỏi giá thùng 24 chai" in page

    post_form(desktop, "/buyer/shortlist", {"offer_id": str(offer_id), "remove": "1"},
              page="/buyer/shortlist")  # fmt: skip
    assert "Nước mắm cá cơm Phú Quốc" not in phone.get("/buyer/shortlist").get_data(as_text=True)


def test_a_too_long_note_is_refused_and_the_saved_note_kept(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    offer_id = _offer(db, make_user, "Mật ong bạc hà Hà Giang")
    buyer = make_user("buyer")
    client = app.test_client()
    sign_in(client, buyer)
    post_form(client, "/buyer/shortlist", {"offer_id": str(offer_id), "note": "Mẫu tốt"},
              page="/buyer/search")  # fmt: skip

    refused = post_form(client, "/buyer/shortlist", {"offer_id": str(offer_id),
                        "note": "x" * 501}, page="/buyer/shortlist",
                        follow_redirects=True)  # fmt: skip
    text = refused.get_data(as_text=True)
    assert "Không lưu được: Dùng tối đa 500 ký tự." in text
    assert 'value="Mẫu tốt"' in text

    tampered = post_form(client, "/buyer/shortlist", {"offer_id": "abc"}, page="/buyer/shortlist",
                         follow_redirects=True)  # fmt: skip
    assert "Không lưu được: không có sản phẩm này." in tampered.get_data(as_text=True)


def test_offers_saved_in_the_browser_before_are_moved_to_the_shared_list(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    offer_id = _offer(db, make_user, "Bánh tráng phơi sương Trảng Bàng")
    buyer = make_user("buyer")
    client = app.test_client()
    sign_in(client, buyer)
    with client.session_transaction() as cookie:
        cookie["shortlist"] = [offer_id, 999_999]  # the second no longer exists

    assert "Bánh tráng phơi sương Trảng Bàng" in client.get("/buyer/shortlist").get_data(
        as_text=True
    )
    with client.session_transaction() as cookie:
        assert "shortlist" not in cookie
    other_device = app.test_client()
    sign_in(other_device, buyer)
    assert "Bánh tráng phơi sương" in other_device.get("/buyer/shortlist").get_data(as_text=True)

"""An offer's history on its pages: the producer and the province's officers see who changed
what (the province's list import or the producer's own edit), in their language."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from matchmaker.catalog import access
from matchmaker.catalog.history import ChangedBy, record_changes
from matchmaker.catalog.inputs import OfferInput
from matchmaker.catalog.models import Offer
from matchmaker.catalog.validation import read

from .conftest import MakeUser, post_form, sign_in


def _offer_with_history(db: Session, make_user: MakeUser) -> tuple[Offer, MakeUser]:
    producer = make_user("producer", name="HTX Bánh tráng Trảng Bàng")
    officer = make_user("officer", name="Sở Công Thương Tây Ninh")
    offer = access.create_offer(
        db, producer, read(OfferInput, {"title": "Bánh tráng phơi sương", "category": "food",
                                        "unit": "kg", "ocop_stars": 3})
    )  # fmt: skip
    db.commit()
    offer.ocop_stars, offer.ocop_potential_five_star = 4, True
    record_changes(db, offer.id, {"ocop_stars": 3, "ocop_potential_five_star": False},
                   {"ocop_stars": 4, "ocop_potential_five_star": True},
                   ChangedBy(officer.id, "danh-sach-2025.xlsx"))  # fmt: skip
    db.commit()
    return offer, producer


def _history(page: str) -> str:
    start = page.index('id="history-title"')
    return html.unescape(page[start : page.index("</section>", start)])


def test_the_producer_sees_the_import_and_its_own_edit_in_vietnamese_and_english(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    offer, producer = _offer_with_history(db, make_user)
    sign_in(client, producer)
    edit = f"/producer/products/{offer.id}/edit"
    form = {"title": "Bánh tráng phơi sương", "category": "food", "unit": "kg",
            "province": "80", "ocop_stars": "4", "ocop_potential_five_star": "y",
            "unit_price_vnd": "260000", "status": "active",
            "version": str(offer.version)}  # fmt: skip
    response = post_form(client, edit, form)
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)', response.text)

    page = _history(client.get(f"/producer/products/{offer.id}").get_data(as_text=True))
    assert "Lịch sử thay đổi" in page
    assert "Sở Công Thương Tây Ninh, nhập danh sách danh-sach-2025.xlsx" in page
    assert f"{producer.name} của HTX Bánh tráng Trảng Bàng, do chính nhà sản xuất sửa" in page
    assert "Hạng sao OCOP" in page and "Tiềm năng 5 sao" in page and "Có" in page
    assert "Giá" in page and "260.000" in page
    # Newest first: the producer's edit above the import.
    assert page.index("do chính nhà sản xuất sửa") < page.index("nhập danh sách")

    client.get("/lang/en")
    page = _history(client.get(f"/producer/products/{offer.id}").get_data(as_text=True))
    assert "History of changes" in page
    assert "Sở Công Thương Tây Ninh, import of danh-sach-2025.xlsx" in page
    assert "the producer's own edit" in page
    assert "OCOP stars" in page and "Potential 5-star" in page and "₫260,000" in page


def test_the_provinces_officer_sees_it_on_the_product_page_and_a_buyer_does_not(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    offer, _producer = _offer_with_history(db, make_user)
    path = f"/products/{offer.id}"
    assert 'id="history-title"' not in client.get(path).get_data(as_text=True)

    sign_in(client, make_user("buyer"))
    assert 'id="history-title"' not in client.get(path).get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    sign_in(client, make_user("officer", province="Hà Nội"))
    assert 'id="history-title"' not in client.get(path).get_data(as_text=True)
    with client.session_transaction() as session:
        session.clear()
    sign_in(client, make_user("officer"))
    page = _history(client.get(path).get_data(as_text=True))
    assert "nhập danh sách danh-sach-2025.xlsx" in page and "Hạng sao OCOP" in page


def test_a_paused_listing_is_named_in_the_history_not_coded(
    client: FlaskClient, db: Session, make_user: MakeUser
) -> None:
    offer, producer = _offer_with_history(db, make_user)
    sign_in(client, producer)
    form = {"title": "Bánh tráng phơi sương", "category": "food", "unit": "kg",
            "province": "80", "ocop_stars": "4", "ocop_potential_five_star": "y",
            "status": "paused", "version": str(offer.version)}  # fmt: skip
    response = post_form(client, f"/producer/products/{offer.id}/edit", form)
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]+)', response.text)

    page = _history(client.get(f"/producer/products/{offer.id}").get_data(as_text=True))
    line = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Trạng thái Đang đăng → đổi thành Tạm dừng" in line
    assert "active" not in line and "paused" not in line

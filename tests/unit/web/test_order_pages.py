"""The orders under a deal on the match page: each side records one on a phone, in Vietnamese
and English; a day in the future is refused in the reader's language, never with a code."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.matching.models import Match
from matchmaker.matching.orders import MatchOrder
from matchmaker.quotes import services as quotes
from matchmaker.quotes.inputs import QuoteInput

from .conftest import MakeUser, buyer_and_producer, post_form, sign_in


def test_both_sides_record_orders_on_the_match_page(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    pair = buyer_and_producer(
        db,
        make_user,
        "Cần mua muối",
        {"title": "Muối tôm Tây Ninh", "category": "food", "unit": "kg"},
    )
    producer, buyer, requirement, salt = pair.producer, pair.buyer, pair.requirement, pair.offer
    quote = quotes.submit(db, producer, requirement.id, QuoteInput.model_validate(
        {"offer_id": salt.id, "unit_price_vnd": 80_000, "unit": "kg"}))  # fmt: skip
    quotes.accept(db, buyer, quote.id)
    match = db.scalars(select(Match).where(Match.offer_id == salt.id)).one()
    page = f"/matches/{match.id}"

    phone = app.test_client()
    sign_in(phone, producer)
    shown = phone.get(page).get_data(as_text=True)
    assert "Đơn hàng theo giao dịch này" in shown and "Chưa ghi nhận đơn hàng nào." in shown
    sent = post_form(phone, f"{page}/orders",
                     {"value_vnd": "4.000.000", "quantity": "50", "unit": "kg", "note": "Lô đầu"},
                     follow_redirects=True)  # fmt: skip
    text = sent.get_data(as_text=True)
    assert "Đã ghi nhận đơn hàng đầu tiên." in text and "Đơn hàng đầu tiên" in text

    other = app.test_client()
    sign_in(other, buyer)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused = post_form(other, f"{page}/orders", {"value_vnd": "1000000", "ordered_on": tomorrow})
    assert refused.status_code == 200
    assert "Không được là ngày trong tương lai." in refused.get_data(as_text=True)
    assert "field." not in refused.get_data(as_text=True)
    other.get(f"/lang/en?next={page}")
    again = post_form(other, f"{page}/orders", {"value_vnd": "2 500 000"}, follow_redirects=True)
    text = again.get_data(as_text=True)
    assert "The repeat order is recorded." in text and "Repeat order" in text
    assert "Orders under this deal" in text
    kinds = db.scalars(select(MatchOrder.kind).order_by(MatchOrder.id)).all()
    assert kinds == ["order", "repeat"]
    values = db.scalars(select(MatchOrder.value_vnd).order_by(MatchOrder.id)).all()
    assert values == [4_000_000, 2_500_000]

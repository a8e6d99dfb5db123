"""The producer's quote form and the buyer's comparison page, in Vietnamese and English."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from flask import Flask
from openpyxl import load_workbook
from openpyxl.styles.numbers import FORMAT_DATE_XLSX14
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog import services
from matchmaker.matching.models import Match
from matchmaker.quotes.models import Quote

from .conftest import MakeUser, buyer_and_producer, post_form, sign_in

NOTE = '=HYPERLINK("http://example.com")'


def test_a_producer_quotes_revises_and_the_buyer_compares_and_accepts(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    producer, buyer = make_user("producer"), make_user("buyer")
    other = make_user("producer", province="Hà Nội")  # far from the buyer's Tây Ninh
    requirement = services.create_requirement(
        db,
        buyer.organization,
        {
            "title": "Cần mua mật ong rừng",
            "unit": "kg",
            "quantity_per_month": 200,
        },
    )
    honey = services.create_offer(
        db,
        producer.organization,
        {"title": "Mật ong bạc hà", "category": "food.raw_processed", "unit": "liter"},
    )
    rival = services.create_offer(
        db,
        other.organization,
        {"title": "Mật ong U Minh", "category": "food.raw_processed", "unit": "ton"},
    )
    db.commit()

    phone = app.test_client()
    sign_in(phone, producer)
    form = f"/requirements/{requirement.id}/quote?offer_id={honey.id}"
    refused = post_form(phone, form, {"unit_price_vnd": "", "unit": "liter"})
    assert refused.status_code == 200
    assert db.scalar(select(Quote).where(Quote.offer_id == honey.id)) is None
    sent = post_form(
        phone,
        form,
        {
            "unit_price_vnd": "250.000",
            "unit": "liter",
            "min_order_quantity": "20",
            "delivery_terms": "ex_works",
            "note": NOTE,
        },
        follow_redirects=True,
    )
    assert "Đã gửi báo giá cho bên mua." in sent.get_data(as_text=True)
    revised = post_form(
        phone,
        form,
        {"unit_price_vnd": "240.000", "unit": "liter", "delivery_terms": "ex_works", "note": NOTE},
        follow_redirects=True,
    )
    page = revised.get_data(as_text=True)
    assert "Đã sửa báo giá" in page and "Các lần sửa trước" in page

    rival_phone = app.test_client()
    sign_in(rival_phone, other)
    post_form(
        rival_phone,
        f"/requirements/{requirement.id}/quote?offer_id={rival.id}",
        {"unit_price_vnd": "300000000", "unit": "ton", "delivery_terms": "ex_works"},
    )
    # A producer never opens the buyer's comparison.
    assert rival_phone.get(f"/requirements/{requirement.id}/quotes").status_code == 403

    desk = app.test_client()
    sign_in(desk, buyer)
    compared = desk.get(f"/requirements/{requirement.id}/quotes").get_data(as_text=True)
    assert "Mật ong U Minh" in compared and "Mật ong bạc hà" in compared
    assert "Không so sánh được" in compared  # litres do not convert to kilograms
    assert compared.index("Mật ong U Minh") < compared.index("Mật ong bạc hà")
    # Collected in Hà Nội, brought to Tây Ninh: an estimate, with the distance and the rate.
    assert "Giá giao tận nơi (ước tính)" in compared and "trong đó cước khoảng" in compared
    assert "đồng mỗi tấn-km" in compared and "giá giao tận nơi</a>" in compared
    assert desk.get(f"/requirements/{requirement.id}/quotes?sort=delivered").status_code == 200
    desk.get("/lang/en")
    english = desk.get(f"/requirements/{requirement.id}/quotes").get_data(as_text=True)
    assert "Not comparable" in english and "Accept this quote" in english
    assert "Delivered (estimate)" in english and "VND per tonne-km" in english
    desk.get("/lang/vi")

    sheet = desk.get(f"/requirements/{requirement.id}/quotes.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert "'" + NOTE in [row[-1] for row in rows[2:]]  # a text, never a formula
    assert len(rows) == 2 + 2 + 2  # the title, the headings, two quotes, how freight is estimated

    quote = db.scalar(select(Quote).where(Quote.offer_id == rival.id))
    assert quote is not None
    accepted = post_form(
        desk,
        f"/quotes/{quote.id}/answer",
        {"action": "accept"},
        page=f"/requirements/{requirement.id}/quotes",
        follow_redirects=True,
    )
    assert "Đã chấp nhận báo giá" in accepted.get_data(as_text=True)
    db.expire_all()
    assert db.get(Quote, quote.id).status == "accepted"  # type: ignore[union-attr]
    # The pair was never ranked: its deal is no suggestion "0 % fit".
    deal = db.scalar(
        select(Match).where(Match.requirement_id == requirement.id, Match.offer_id == rival.id)
    )
    assert deal is not None and not deal.suggested
    for reader in (desk, rival_phone):
        shown = reader.get(f"/matches/{deal.id}").get_data(as_text=True)
        assert "Thỏa thuận qua báo giá" in shown and "phù hợp 0%" not in shown
        assert "Gợi ý</h1>" not in shown
    listed = desk.get(f"/requirements/{requirement.id}").get_data(as_text=True)
    # Nor is it among the suppliers the ranking suggests, at "0%".
    assert f'id="match-{deal.id}"' not in listed and "0%</span>" not in listed


def test_officers_open_the_comparison_of_their_province_only_and_producers_never(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    producer, buyer = make_user("producer"), make_user("buyer", province="Hồ Chí Minh")
    requirement = services.create_requirement(
        db, buyer.organization, {"title": "Cần mua mật ong", "delivery_provinces": ["Tây Ninh"]}
    )
    offer = services.create_offer(
        db, producer.organization,
        {"title": "Mật ong bạc hà", "category": "food.raw_processed", "unit": "kg"},
    )  # fmt: skip
    db.commit()
    phone = app.test_client()
    sign_in(phone, producer)
    post_form(phone, f"/requirements/{requirement.id}/quote?offer_id={offer.id}",
              {"unit_price_vnd": "250000", "unit": "kg", "delivery_terms": "ex_works"})  # fmt: skip
    paths = (
        f"/requirements/{requirement.id}/quotes",
        f"/requirements/{requirement.id}/quotes.xlsx",
    )
    for who, status in (
        (make_user("officer"), 200),  # Tây Ninh: the delivery province
        (make_user("officer", province="Hồ Chí Minh"), 200),  # the buyer's province
        (make_user("officer", province="Hà Nội"), 404),
        (make_user("buyer"), 404),
        (make_user("producer"), 403),
        (producer, 403),  # its own quote is on its quote page, not in the comparison
    ):
        client = app.test_client()
        sign_in(client, who)
        for path in paths:
            assert client.get(path).status_code == status, (who.role, path)


def test_the_buyer_reads_an_expired_quotes_date_and_its_unit_in_vietnamese(
    app: Flask, db: Session, make_user: MakeUser
) -> None:
    pair = buyer_and_producer(
        db, make_user, "Cần mua trà", {"title": "Trà atiso", "category": "food.tea", "unit": "box"}
    )
    producer, buyer, requirement, offer = pair.producer, pair.buyer, pair.requirement, pair.offer
    phone = app.test_client()
    sign_in(phone, producer)
    post_form(phone, f"/requirements/{requirement.id}/quote?offer_id={offer.id}",
              {"unit_price_vnd": "85000", "unit": "box", "delivery_terms": "ex_works",
               "valid_until": (date.today() + timedelta(days=7)).isoformat()})  # fmt: skip
    quote = db.scalar(select(Quote).where(Quote.offer_id == offer.id))
    assert quote is not None
    quote.latest.valid_until = date(2025, 11, 30)  # the price held until then
    db.commit()

    desk = app.test_client()
    sign_in(desk, buyer)
    comparison = f"/requirements/{requirement.id}/quotes"
    sheet = desk.get(f"{comparison}.xlsx")
    book = load_workbook(io.BytesIO(sheet.data)).active
    rows = list(book.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[2][4] == "hộp"  # the unit by its name, not its code
    # The day the price holds until is a date, which the spreadsheet writes as its reader does.
    valid_until = book.cell(row=3, column=13)  # type: ignore[union-attr]
    assert valid_until.value == datetime(2025, 11, 30) and valid_until.is_date
    assert valid_until.number_format == FORMAT_DATE_XLSX14
    refused = post_form(desk, f"/quotes/{quote.id}/answer", {"action": "accept"},
                        page=comparison, follow_redirects=True)  # fmt: skip
    page = refused.get_data(as_text=True)
    assert "hiệu lực đến 30 thg 11, 2025" in page and "2025-11-30" not in page

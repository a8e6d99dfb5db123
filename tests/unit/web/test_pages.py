"""What a visitor notices on the pages: language, safety, permissions, forms that keep input."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.catalog import services
from matchmaker.catalog.models import Offer
from matchmaker.notifications.preferences import get_preference
from matchmaker.ranking import reference

from .conftest import PASSWORD, MakeUser, edit_honey_offer, post_form, sign_in

DONG_THAP = reference.resolve_province("Đồng Tháp").province.code  # type: ignore[union-attr]


def _png(size: tuple[int, int] = (2, 1)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 150, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def test_pages_are_vietnamese_until_the_visitor_picks_english(client: FlaskClient) -> None:
    home = client.get("/")
    assert '<html lang="vi">' in home.get_data(as_text=True)
    assert "Tạo tài khoản" in home.get_data(as_text=True)

    client.get("/lang/en?next=/signin")
    page = client.get("/signin").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page


def test_language_switch_never_sends_the_visitor_to_another_site(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_pages_carry_security_headers_and_a_protected_session_cookie(
    client: FlaskClient, make_user: MakeUser
) -> None:
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    # Other packages' pages keep their own inline styles (the API documentation, email links).
    assert "Content-Security-Policy" not in client.get("/api/openapi.json").headers
    assert "Content-Security-Policy" not in client.get("/notifications/unsubscribe/x").headers
    user = make_user("buyer")
    response = post_form(client, "/signin", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_form_posted_without_its_token_is_refused_with_a_page(
    client: FlaskClient, make_user: MakeUser
) -> None:
    user = make_user("buyer")
    response = client.post("/signin", data={"email": user.email, "password": "whatever"})
    assert response.status_code == 400
    assert "text/html" in response.content_type
    assert "Hãy tải lại trang và gửi lại." in response.get_data(as_text=True)


def test_wrong_password_is_said_plainly_and_the_email_is_kept(
    client: FlaskClient, make_user: MakeUser
) -> None:
    user = make_user("producer")
    response = post_form(client, "/signin", {"email": user.email, "password": "nope-nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in page
    assert f'value="{user.email}"' in page


def test_signed_out_visitors_go_to_sign_in_and_other_roles_get_a_403_page(
    client: FlaskClient, make_user: MakeUser
) -> None:
    assert client.get("/producer/").headers["Location"].startswith("/signin?next=/producer/")
    sign_in(client, make_user("buyer"))
    response = client.get("/producer/")
    assert response.status_code == 403
    assert "Bạn không thể mở trang này" in response.get_data(as_text=True)


def test_unknown_pages_are_friendly_but_the_api_keeps_problem_json(client: FlaskClient) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.content_type == "application/problem+json"


def test_sign_up_creates_the_organization_and_signs_in(client: FlaskClient, db: Session) -> None:
    response = post_form(client, "/signup", {
        "role": "producer", "person_name": "Phạm Thị Lan", "email": "lan@htx.vn",
        "password": "ca-sac-kho-2025", "name": "HTX Tam Nông", "entity_type": "cooperative",
        "province": DONG_THAP, "buyer_type": "",
    })  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"] == "/producer/"
    user = db.scalars(select(User).where(User.email == "lan@htx.vn")).one()
    assert user.organization.name == "HTX Tam Nông"
    assert user.organization.entity_type == "cooperative"


def test_a_product_with_mistakes_is_not_saved_and_keeps_what_was_typed(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    producer = make_user("producer")
    sign_in(client, producer)
    response = post_form(client, "/producer/products/new", {
        "title": "Khô cá sặc", "category": "food.processed", "unit": "kg", "province": "80",
        "ocop_stars": "", "ocop_certified_on": "2025-03-01", "unit_price_vnd": "85.000",
        "traceability_url": "not a link", "monthly_capacity": "nhiều",
    })  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nhập một số, ví dụ 1500" in page
    assert 'value="Khô cá sặc"' in page and 'value="85.000"' in page
    mine = select(Offer).where(Offer.organization_id == producer.organization_id)
    assert db.scalars(mine).all() == []

    response = post_form(client, "/producer/products/new", {
        "title": "Khô cá sặc", "category": "food.processed", "unit": "kg", "province": "80",
        "ocop_stars": "", "ocop_certified_on": "2025-03-01", "unit_price_vnd": "85.000",
        "traceability_url": "not a link", "monthly_capacity": "800",
    })  # fmt: skip
    page = response.get_data(as_text=True)
    assert "Nhập địa chỉ web bắt đầu bằng http:// hoặc https://." in page
    assert "Chọn hạng sao ghi trên giấy chứng nhận." in page


def test_prices_are_read_and_shown_the_local_way(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    producer = make_user("producer")
    sign_in(client, producer)
    response = post_form(client, "/producer/products/new", {
        "title": "Bánh tráng phơi sương", "category": "food.processed", "unit": "kg",
        "province": "80", "unit_price_vnd": "85.000", "monthly_capacity": "1.500,5",
        "traceability_url": "https://truyxuat.vn/bt",
    })  # fmt: skip
    assert response.status_code == 302
    offer = db.scalars(select(Offer).where(Offer.organization_id == producer.organization_id)).one()
    assert (offer.unit_price_vnd, offer.monthly_capacity) == (85000, 1500.5)

    public = client.get(f"/products/{offer.id}").get_data(as_text=True)
    assert "85.000" in public and "₫" in public
    edit = f"/producer/products/{offer.id}/edit"
    unclear = post_form(client, edit, {
        "title": "Bánh tráng phơi sương", "category": "food.processed", "unit": "kg",
        "province": "80", "monthly_capacity": "1.5", "version": str(offer.version),
    })  # fmt: skip
    assert "Ý bạn là 15 hay 1,5?" in unclear.get_data(as_text=True)
    assert "<svg" in public  # the traceability QR code
    client.get("/lang/en")
    assert "85,000" in client.get(f"/products/{offer.id}").get_data(as_text=True)


def test_photos_must_be_images_and_show_on_the_public_page(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    edited = edit_honey_offer(client, make_user, db)
    offer, path, form = edited.offer, edited.path, edited.form
    bad = post_form(client, path, {**form, "photos": (io.BytesIO(b"MZ not an image"), "a.jpg")},
                    content_type="multipart/form-data")  # fmt: skip
    assert "Ảnh phải là tệp JPEG, PNG hoặc WebP." in bad.get_data(as_text=True)

    good = post_form(client, path, {**form, "photos": (io.BytesIO(PNG), "hu-mat-ong.png")},
                     content_type="multipart/form-data")  # fmt: skip
    assert good.status_code == 302
    public = client.get(f"/products/{offer.id}").get_data(as_text=True)
    photo = public.split(f"/products/{offer.id}/photos/")[1].split('"')[0]
    image = client.get(f"/products/{offer.id}/photos/{photo}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    served = Image.open(io.BytesIO(image.data))
    assert (served.format, served.size, served.getpixel((0, 0))) == ("PNG", (2, 1), (200, 150, 30))


def test_phone_photos_larger_than_an_api_request_are_accepted(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    edited = edit_honey_offer(client, make_user, db)
    path, form = edited.path, edited.form
    photo = PNG + b"\0" * (5 * 1024 * 1024)
    response = post_form(client, path, {**form, "photos": (io.BytesIO(photo), "IMG_0001.png")},
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302


def test_officers_suspend_accounts_in_their_province_only(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    officer = make_user("officer", province="Tây Ninh")
    nearby = make_user("producer", province="Tây Ninh")
    elsewhere = make_user("producer", province="Hà Nội")
    sign_in(client, officer)
    listing = client.get("/officer/users").get_data(as_text=True)
    assert nearby.email in listing and elsewhere.email not in listing
    found = client.get(f"/officer/users?q={nearby.name.upper()}").get_data(as_text=True)
    assert "1 tài khoản" in found and nearby.email in found

    done = post_form(client, f"/officer/users/{nearby.id}/active", {"active": "0"},
                     page="/officer/users")  # fmt: skip
    assert done.status_code == 302
    db.refresh(nearby)
    assert nearby.is_active is False
    refused = post_form(client, f"/officer/users/{elsewhere.id}/active", {"active": "0"},
                        page="/officer/users")  # fmt: skip
    assert refused.status_code == 404


def _chosen_frequency(page: str) -> str:
    found = re.search(r'<input checked id="frequency-\d"[^>]* value="(\w+)">', page)
    assert found, "no frequency is ticked"
    return found.group(1)


def test_email_preferences_use_the_notification_settings(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    buyer = make_user("buyer")
    sign_in(client, buyer)
    assert _chosen_frequency(client.get("/notifications").get_data(as_text=True)) == "instant"
    post_form(client, "/notifications", {"frequency": "weekly"})
    assert get_preference(db, buyer.id).frequency == "weekly"
    post_form(client, "/notifications", {"frequency": "never"})
    assert get_preference(db, buyer.id).unsubscribed_at is not None
    assert _chosen_frequency(client.get("/notifications").get_data(as_text=True)) == "never"


def test_an_archived_product_can_be_listed_again(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    producer = make_user("producer")
    offer = services.create_offer(
        db, producer.organization, {"title": "Chổi đót", "category": "handicraft", "unit": "piece"}
    )
    db.commit()
    sign_in(client, producer)
    edit = f"/producer/products/{offer.id}/edit"
    post_form(client, f"/producer/products/{offer.id}/archive", {}, page=edit)
    db.refresh(offer)
    assert offer.status == "archived"
    assert client.get(f"/products/{offer.id}").status_code == 200  # its producer still sees it
    response = post_form(client, edit, {
        "title": "Chổi đót", "category": "handicraft", "unit": "piece", "province": "80",
        "status": "active", "version": str(offer.version),
    })  # fmt: skip
    assert response.status_code == 302
    db.refresh(offer)
    assert offer.status == "active"


def test_a_buyer_sees_pooled_supply_when_no_producer_covers_the_volume(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    for n, province in enumerate(("Cà Mau", "Cà Mau", "An Giang"), start=1):
        producer = make_user("producer", province=province)
        services.create_offer(db, producer.organization, {
            "title": f"Mật ong rừng U Minh {n}", "category": "food.raw_processed", "unit": "kg",
            "monthly_capacity": 400,
        })  # fmt: skip
    buyer = make_user("buyer")
    requirement = services.create_requirement(db, buyer.organization, {
        "title": "Mật ong rừng U Minh", "category": "food.raw_processed", "unit": "kg",
        "quantity_per_month": 1000,
    })  # fmt: skip
    db.commit()
    sign_in(client, buyer)
    page = client.get(f"/buyer/requirements/{requirement.id}").get_data(as_text=True)
    assert "Nguồn hàng gộp" in page
    assert "Nhóm 3 chủ thể" in page

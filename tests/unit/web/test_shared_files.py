"""Two web processes with instance folders of their own and one database: a photo uploaded
through one is served by the other, and a list previewed in one is confirmed in the other."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from matchmaker.app import create_app
from matchmaker.catalog.models import Offer
from matchmaker.extensions import get_database
from matchmaker.settings import Settings
from tests.unit.files.test_store import phone_photo

from .conftest import MakeUser, csrf_token, edit_honey_offer, post_form, sign_in


@pytest.fixture
def other_app(settings: Settings, sessions: sessionmaker[Session]) -> Flask:
    """A second web process: its own instance folder, the same database and secret."""
    other_settings = settings.model_copy(
        update={"instance_path": settings.instance_path.parent / "other-machine"}
    )
    other = create_app(other_settings)
    other.config["TESTING"] = True
    get_database(other).sessions = sessions
    return other


def _same_visitor(client: FlaskClient, other_app: Flask) -> FlaskClient:
    """The visitor's next request reaches the other process (a load balancer's choice)."""
    other = other_app.test_client()
    name = other_app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    other.set_cookie(name, cookie.value)
    return other


def test_a_photo_uploaded_through_one_process_is_served_by_another_without_its_position(
    client: FlaskClient, other_app: Flask, make_user: MakeUser, db: Session, settings: Settings
) -> None:
    edited = edit_honey_offer(client, make_user, db)
    offer, path, form = edited.offer, edited.path, edited.form
    taken = phone_photo()
    response = post_form(client, path, {**form, "photos": (io.BytesIO(taken), "IMG_0420.jpg")},
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302

    other = other_app.test_client()
    page = other.get(f"/products/{offer.id}").get_data(as_text=True)
    url = re.search(rf'src="(/products/{offer.id}/photos/[^"]+)"', page)
    assert url, "the other process lists the photo"
    served = other.get(url.group(1))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(served.data))
    assert image.size == (20, 40)  # upright, as the phone showed it
    assert image.getexif().get_ifd(0x8825) == {} and b"Exif" not in served.data
    assert not (settings.instance_path / "photos").exists()

    # A browser that has it revalidates with its ETag, and either process says "unchanged".
    assert served.headers["ETag"] and "max-age=86400" in served.headers["Cache-Control"]
    again = client.get(url.group(1), headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def _ocop_list() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([
        ["STT", "Tên sản phẩm", "Chủ thể", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao"],
        ["1", "Bánh tráng phơi sương Trảng Bàng", "HTX Bánh tráng Trảng Bàng", "Tây Ninh",
         "Thực phẩm", "Thực phẩm chế biến", "4 sao"],
        ["2", "Muối tôm Tây Ninh", "Cơ sở Muối tôm Bà Đen", "Tây Ninh", "Thực phẩm", "Gia vị",
         "3"],
    ])  # fmt: skip
    return buffer.getvalue().encode()


def test_a_list_previewed_in_one_process_is_confirmed_in_another(
    client: FlaskClient, other_app: Flask, make_user: MakeUser, db: Session
) -> None:
    from matchmaker.extensions import get_database, get_settings
    from matchmaker.files.store import open_store
    from matchmaker.imports.jobs import run_job
    from matchmaker.imports.models import ImportJob

    def work() -> None:  # the worker, a process of its own
        settings = get_settings(other_app)
        for job_id in db.scalars(select(ImportJob.id)):
            run_job(get_database(other_app).sessions, lambda s: open_store(settings, s), job_id)

    sign_in(client, make_user("officer", province="Tây Ninh"))
    preview = post_form(client, "/officer/import",
                        {"spreadsheet": (io.BytesIO(_ocop_list()), "ocop-tay-ninh.csv")},
                        content_type="multipart/form-data")  # fmt: skip
    assert preview.status_code == 302
    page_url = preview.headers["Location"]
    before = db.scalar(select(func.count()).select_from(Offer))
    work()

    other = _same_visitor(client, other_app)
    confirmed = other.post(f"{page_url}/confirm", data={"csrf_token": csrf_token(other, page_url)})
    assert confirmed.status_code == 302
    work()
    assert db.scalar(select(func.count()).select_from(Offer)) == (before or 0) + 2
    titles = set(db.scalars(select(Offer.title)))
    assert {"Bánh tráng phơi sương Trảng Bàng", "Muối tôm Tây Ninh"} <= titles

    # Confirmed once: a second confirmation is refused (the job is no longer a preview).
    twice = client.post(f"{page_url}/confirm", data={"csrf_token": csrf_token(client, page_url)})
    assert twice.status_code == 409

"""An officer imports a province's list as a job: the upload returns at once, the job page
shows rows done of total, then the preview of every row, a row to review fixed in place, the
confirmation, the report and its download, all in the page's language."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer
from matchmaker.imports.models import ImportJob, ImportRow
from tests.imports import run_queued_imports
from tests.unit.web.conftest import MakeUser, post_form, sign_in

NO_GROUP = (
    "STT,Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Năm công nhận\n"
    "1,Chè Shan tuyết Suối Giàng,HTX Chè Suối Giàng,Văn Chấn,4 sao,2024\n"
    "2,Xq zzv kkk,Hộ kinh doanh Zzv,Trảng Bàng,3 sao,2024\n"
    "3,Mật ong bạc hà,HTX Ong mật,Trảng Bàng,7 sao,2024\n"
)


def _upload(client: FlaskClient, content: str) -> str:
    response = post_form(
        client,
        "/officer/import",
        {"spreadsheet": (io.BytesIO(content.encode()), "danh-sach.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_list_without_a_group_column_is_previewed_fixed_confirmed_and_reported(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    page_url = _upload(client, NO_GROUP)

    waiting = client.get(page_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "0 trên 0 dòng" in waiting

    run_queued_imports(app, db)
    preview = client.get(page_url).get_data(as_text=True)
    assert "Chưa có gì được lưu." in preview and "cần xem lại" in preview
    assert "Xq zzv kkk" in preview and "7 sao không phải 3, 4 hoặc 5 sao" in preview
    assert db.scalar(select(Offer).where(Offer.title == "Xq zzv kkk")) is None

    row = db.scalar(select(ImportRow).where(ImportRow.title == "Xq zzv kkk"))
    assert row is not None and row.needs_review
    chosen = post_form(client, f"{page_url}/rows/{row.id}", {"category": "food.processed"},
                       page=page_url)  # fmt: skip
    assert chosen.status_code == 302
    confirmed = post_form(client, f"{page_url}/confirm", {}, page=page_url)
    assert confirmed.status_code == 302
    run_queued_imports(app, db)

    report = client.get(page_url).get_data(as_text=True)
    assert "Đã nhập xong danh-sach.csv." in report and "Tải báo cáo" in report
    offer = db.scalar(select(Offer).where(Offer.title == "Xq zzv kkk"))
    assert offer is not None and offer.category == "food.processed"
    tea = db.scalar(select(Offer).where(Offer.title == "Chè Shan tuyết Suối Giàng"))
    assert tea is not None and tea.category == "food.tea"

    csv = client.get(f"{page_url}/report.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffDòng,Kết quả") and "bị từ chối" in csv
    history = client.get("/officer/imports").get_data(as_text=True)
    assert "danh-sach.csv" in history and "xong" in history


def test_a_list_missing_a_column_is_refused_on_the_upload_page_in_vietnamese(
    client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    response = post_form(
        client,
        "/officer/import",
        {"spreadsheet": (io.BytesIO("STT,Tên sản phẩm,Tỉnh\n1,Gạo ST25,Sóc Trăng\n".encode()),
                         "thieu-cot.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "Thiếu cột bắt buộc: Chủ thể sản xuất, Hạng sao. "
        "Các cột nhận ra được: Tỉnh/thành phố, Tên sản phẩm."
    ) in page
    for english in ("missing required column", "Recognised columns", "Required columns",
                    "Producer", "Product group"):  # fmt: skip
        assert english not in page
    assert db.scalars(select(ImportJob)).all() == []  # no job, nothing kept


def test_an_officer_sees_only_the_imports_of_their_province(
    app: Flask, client: FlaskClient, make_user: MakeUser
) -> None:
    sign_in(client, make_user("officer"))
    page_url = _upload(client, NO_GROUP)
    client.post("/signout", data={})
    other = app.test_client()
    sign_in(other, make_user("officer", province="Hà Nội"))

    assert other.get(page_url).status_code == 404
    assert "danh-sach.csv" not in other.get("/officer/imports").get_data(as_text=True)


LISTED = (
    "STT,Tên sản phẩm,Chủ thể,Nhóm,Hạng sao,Ngày chứng nhận,ĐVT,Giá bán,Sản lượng,Chứng nhận\n"
    "1,Bánh tráng phơi sương,Hộ kinh doanh Bảy Lụa,Thực phẩm chế biến,4 sao,01/05/2024,"
    "kg,85000,1200,VietGAP\n"
)
RELISTED = (
    "STT,Tên sản phẩm,Chủ thể,Nhóm,Hạng sao,Ngày chứng nhận,ĐVT,Giá bán,Sản lượng,Chứng nhận\n"
    "1,Bánh tráng phơi sương,Hộ kinh doanh Bảy Lụa,Thực phẩm chế biến,4 sao tiềm năng 5 sao,"
    '01/06/2025,hộp,95000,1500,"VietGAP, HACCP"\n'
)


def _imported(app: Flask, client: FlaskClient, db: Session, content: str) -> str:
    page_url = _upload(client, content)
    run_queued_imports(app, db)
    post_form(client, f"{page_url}/confirm", {}, page=page_url)
    run_queued_imports(app, db)
    return page_url


def test_a_product_the_list_updates_is_described_in_the_readers_words(
    app: Flask, client: FlaskClient, make_user: MakeUser, db: Session
) -> None:
    sign_in(client, make_user("officer"))
    _imported(app, client, db, LISTED)
    page_url = _imported(app, client, db, RELISTED)

    report = client.get(page_url).get_data(as_text=True)
    row = report[report.index("Bánh tráng phơi sương") :]
    row = row[: row.index("</tr>")]
    said = ("Tiềm năng 5 sao: Không → Có", "1 thg 5, 2024 → 1 thg 6, 2025",
            "VietGAP → VietGAP, HACCP", "1.200 → 1.500", "85.000", "kilôgam → hộp")  # fmt: skip
    for words in said:
        assert words in row, (words, row)
    for code in ("True", "False", "2024-05-01", "vietgap", "1200.0", "box"):
        assert code not in row, (code, row)
    csv = client.get(f"{page_url}/report.csv").get_data(as_text=True)
    assert "Tiềm năng 5 sao: Không → Có" in csv and "kilôgam → hộp" in csv

"""An officer importing a province's list reads every refusal in the page's language."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from tests.unit.web.conftest import MakeUser, post_form, sign_in

HEADER = "STT,Tên sản phẩm,Tỉnh\n1,Gạo ST25,Sóc Trăng\n"


def _upload(client: FlaskClient, content: str) -> str:
    response = post_form(
        client,
        "/officer/import",
        {"spreadsheet": (io.BytesIO(content.encode()), "danh-sach.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_list_missing_a_column_is_refused_in_vietnamese(
    client: FlaskClient, make_user: MakeUser
) -> None:
    sign_in(client, make_user("officer"))

    page = _upload(client, HEADER)

    assert (
        "Không thể nhập gì từ tệp này: Thiếu cột bắt buộc: Chủ thể sản xuất, Hạng sao. "
        "Các cột nhận ra được: Tỉnh/thành phố, Tên sản phẩm."
    ) in page
    for english in ("missing required column", "Recognised columns", "Required columns",
                    "Producer", "Product group"):  # fmt: skip
        assert english not in page


def test_a_refused_row_is_explained_in_vietnamese(client: FlaskClient, make_user: MakeUser) -> None:
    sign_in(client, make_user("officer"))
    content = (
        "Tên sản phẩm,Chủ thể,Tỉnh,Nhóm,Hạng sao\n"
        "Mật ong bạc hà,HTX Ong mật Hà Giang,Atlantis,Thực phẩm,6\n"
    )

    page = _upload(client, content)

    assert "Hạng sao: 6 không phải 3, 4 hoặc 5 sao" in page
    assert "Atlantis" in page and "unknown province" not in page

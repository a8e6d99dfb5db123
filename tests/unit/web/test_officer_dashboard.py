"""The officer's dashboard by period: a quarter chosen, compared with the one before, and the
same figures downloaded as an XLSX report in the officer's language."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from openpyxl import load_workbook

from .conftest import MakeUser, sign_in


def test_a_quarter_on_the_page_and_in_the_workbook(
    client: FlaskClient, make_user: MakeUser
) -> None:
    sign_in(client, make_user("officer"))
    page = client.get("/officer/?since=2026-07-01&until=2026-09-30").get_data(as_text=True)
    assert "Từ 1 thg 7, 2026 đến 30 thg 9, 2026" in page
    assert "So với kỳ trước, từ 1 thg 4, 2026 đến 30 thg 6, 2026." in page
    assert "thg 8 2026" in page and "Quý trước" in page
    # A provincial officer's figures are one province's: no chart by province.
    assert "Sản phẩm theo tỉnh, thành" not in page and "Sản phẩm mới theo tỉnh" not in page
    assert 'href="/officer/report.xlsx?since=2026-07-01&amp;until=2026-09-30"' in page

    response = client.get("/officer/report.xlsx?since=2026-07-01&until=2026-09-30")
    assert response.status_code == 200
    assert "ocop-80-2026-07-01-2026-09-30.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "Tổng hợp"
    assert "Tây Ninh" in str(book["Tổng hợp"]["A2"].value)


def test_a_broken_period_says_why_and_shows_this_quarter(
    client: FlaskClient, make_user: MakeUser
) -> None:
    sign_in(client, make_user("officer"))
    response = client.get("/officer/?since=2026-09-30&until=2026-07-01")
    assert response.status_code == 200
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in response.get_data(as_text=True)

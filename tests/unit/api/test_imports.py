"""An officer imports a province's list through the API: the upload answers at once with a
job, the worker previews every row, a row to review gets its group, the confirmation imports,
the job gives rows done of total and the summary; a file that cannot be read is refused at
the upload with its code."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.catalog.models import Offer
from matchmaker.extensions import get_settings
from matchmaker.imports.models import ImportJob
from tests.imports import run_queued_imports

from .conftest import MakeCaller

NO_GROUP = (
    "STT,Tên sản phẩm,Chủ thể,Địa chỉ,Hạng sao,Năm công nhận\n"
    "1,Chè Shan tuyết Suối Giàng,HTX Chè Suối Giàng,Văn Chấn,4 sao,2024\n"
    "2,Xq zzv kkk,Hộ kinh doanh Zzv,Trảng Bàng,3 sao,2024\n"
    "3,Mật ong bạc hà,HTX Ong mật,Trảng Bàng,7 sao,2024\n"
)


def upload(client: FlaskClient, headers: dict[str, str], content: str | bytes, **form: str):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(data), "danh-sach.csv"), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_an_officer_previews_fixes_confirms_and_reads_the_report(
    app: Flask, client: FlaskClient, make_caller: MakeCaller, db: Session
) -> None:
    officer = make_caller("officer", province="Tây Ninh")
    started = upload(client, officer.headers, NO_GROUP)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert (job["state"], job["rows_done"], job["file_name"]) == ("queued", 0, "danh-sach.csv")
    assert job["province"]["code"] and job["imported_by"] == officer.user.name
    url = f"/api/v1/imports/{job['id']}"

    run_queued_imports(app, db)
    previewed = client.get(url, headers=officer.headers).get_json()
    assert previewed["state"] == "previewed"
    assert previewed["rows_done"] == previewed["rows_total"] == 3
    summary = previewed["summary"]
    assert (summary["created"], summary["rejected"], summary["review"]) == (2, 1, 1)
    assert db.scalar(select(Offer).where(Offer.title == "Xq zzv kkk")) is None

    rows = client.get(f"{url}/rows?limit=2", headers=officer.headers).get_json()
    assert rows["total"] == 3 and [r["row"] for r in rows["items"]] == [2, 3]
    rejected = client.get(f"{url}/rows?action=rejected", headers=officer.headers).get_json()
    (bad,) = rejected["items"]
    assert bad["title"] == "Mật ong bạc hà" and bad["problems"][0]["field"] == "stars"
    assert "7" in bad["problems"][0]["detail"]
    (review,) = client.get(f"{url}/rows?action=review", headers=officer.headers).get_json()["items"]
    assert review["title"] == "Xq zzv kkk" and len(review["suggestions"]) == 3

    chosen = client.post(f"{url}/rows/{review['id']}/group", json={"category": "food.processed"},
                         headers=officer.headers)  # fmt: skip
    assert chosen.status_code == 200, chosen.get_json()
    assert chosen.get_json()["chosen"] and not chosen.get_json()["needs_review"]
    unknown = client.post(f"{url}/rows/{review['id']}/group", json={"category": "spaceships"},
                          headers=officer.headers)  # fmt: skip
    assert unknown.status_code == 422 and unknown.mimetype == "application/problem+json"

    confirmed = client.post(f"{url}/confirm", headers=officer.headers)
    assert confirmed.status_code == 202 and confirmed.get_json()["state"] == "importing"
    again = client.post(f"{url}/confirm", headers=officer.headers)
    assert again.status_code == 409 and again.get_json()["code"] == "import.not_previewed"
    run_queued_imports(app, db)

    done = client.get(url, headers=officer.headers).get_json()
    assert done["state"] == "done" and done["finished_at"]
    assert (done["summary"]["created"], done["summary"]["rejected"]) == (2, 1)
    offer = db.scalar(select(Offer).where(Offer.title == "Xq zzv kkk"))
    assert offer is not None and offer.category == "food.processed"
    history = client.get("/api/v1/imports", headers=officer.headers).get_json()
    assert history["total"] == 1 and history["items"][0]["id"] == job["id"]


def test_an_import_without_preview_runs_at_once(
    app: Flask, client: FlaskClient, make_caller: MakeCaller, db: Session
) -> None:
    admin = make_caller("admin", province=None)
    anywhere = "STT,Tên sản phẩm,Chủ thể,Tỉnh,Hạng sao\n1,Chè Shan tuyết,HTX Chè,Lào Cai,4\n"
    job = upload(client, admin.headers, anywhere, preview="false").get_json()
    run_queued_imports(app, db)
    done = client.get(f"/api/v1/imports/{job['id']}", headers=admin.headers).get_json()
    assert done["state"] == "done" and done["summary"]["created"] == 1, done
    assert db.scalar(select(Offer).where(Offer.title == "Chè Shan tuyết"))


def test_a_file_that_cannot_be_read_is_refused_at_the_upload_with_its_code(
    client: FlaskClient, make_caller: MakeCaller, db: Session
) -> None:
    officer = make_caller("officer")
    headers = {**officer.headers, "Accept-Language": "vi"}
    missing = upload(client, headers, "STT,Tên sản phẩm,Tỉnh\n1,Gạo ST25,Sóc Trăng\n")
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    problem = missing.get_json()
    assert problem["code"] == "import.missing_column"
    assert "Thiếu cột bắt buộc: Chủ thể sản xuất, Hạng sao" in problem["detail"]

    binary = upload(client, headers, b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 40)
    assert binary.status_code == 422 and binary.get_json()["code"] == "import.binary_file"
    assert db.scalars(select(ImportJob)).all() == []  # nothing kept

    not_a_file = client.post("/api/v1/imports", data={"file": "STT,Tên"}, headers=headers,
                             content_type="multipart/form-data")  # fmt: skip
    assert not_a_file.status_code == 422


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    app: Flask, client: FlaskClient, make_caller: MakeCaller
) -> None:
    get_settings(app).imports.max_file_mb = 0.01
    officer = make_caller("officer")
    big = NO_GROUP + "".join(f"{n},Chè {n},HTX Chè,Văn Chấn,4 sao,2024\n" for n in range(4, 400))
    refused = upload(client, officer.headers, big)
    assert refused.status_code == 422 and refused.get_json()["code"] == "import.file_too_large"
    huge = upload(client, officer.headers, big * 20)
    assert huge.status_code == 413 and huge.mimetype == "application/problem+json"


def test_officers_see_only_their_province_and_others_may_not_import(
    client: FlaskClient, make_caller: MakeCaller
) -> None:
    officer, other = make_caller("officer"), make_caller("officer", province="Hà Nội")
    job = upload(client, officer.headers, NO_GROUP).get_json()
    assert client.get(f"/api/v1/imports/{job['id']}", headers=other.headers).status_code == 404
    assert client.get("/api/v1/imports", headers=other.headers).get_json()["total"] == 0
    for role in ("producer", "buyer"):
        caller = make_caller(role)
        refused = upload(client, caller.headers, NO_GROUP)
        assert refused.status_code == 403 and refused.get_json()["code"] == "import.staff_only"

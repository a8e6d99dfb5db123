import os
import subprocess
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.accounts.models import User
from matchmaker.accounts.passwords import verify_password
from matchmaker.catalog.models import Offer
from matchmaker.cli import matchmaker

HEADER = "Tên sản phẩm,Chủ thể,Tỉnh,Nhóm,Hạng sao,Ngày cấp\n"


def test_import_reports_and_exits_non_zero_on_rejected_rows(
    app: Flask, tmp_path: Path, db: Session
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        HEADER
        + "Gạo ST25,HTX Gạo Sóc Trăng,Sóc Trăng,Thực phẩm,5,01/03/2024\n"
        + "Gạo nàng thơm,HTX Gạo Sóc Trăng,Sóc Trăng,Thực phẩm,6,01/03/2024\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(matchmaker, args=["import", "offers", str(path)])
    assert result.exit_code == 1
    assert "imported (new):    1" in result.output
    assert "row 3: Stars: 6 is not 3, 4 or 5 stars" in result.output
    assert db.scalar(select(func.count()).select_from(Offer)) == 1

    again = app.test_cli_runner().invoke(matchmaker, args=["import", "offers", str(path)])
    assert "unchanged:         1" in again.output


def test_import_of_an_unreadable_file_says_why(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Tên sản phẩm,Tỉnh\nGạo,Sóc Trăng\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(matchmaker, args=["import", "offers", str(path)])
    assert result.exit_code != 0
    missing = "Required columns are missing: Producer, Stars."
    assert f"Nothing was imported: {missing}" in result.output


def test_create_officer(app: Flask, db: Session) -> None:
    result = app.test_cli_runner().invoke(
        matchmaker,
        args=["users", "create", "--role", "officer", "--email", "Trang@SoCongThuong.gov.vn",
              "--name", "Lê Thu Trang", "--province", "Tay Ninh", "--password", "s3cret-pass"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = db.scalars(select(User)).one()
    assert (user.email, user.role, user.organization.kind) == (
        "trang@socongthuong.gov.vn", "officer", "agency",
    )  # fmt: skip
    assert user.organization.province == "80"
    assert verify_password(user.password_hash, "s3cret-pass")


def test_a_command_on_a_database_never_set_up_says_what_to_run(tmp_path: Path) -> None:
    env = {**os.environ, "MATCHMAKER_INSTANCE_PATH": str(tmp_path),
           "MATCHMAKER_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "matchmaker.cli", "users", "create", "--role", "officer",
         "--email", "trang@socongthuong.gov.vn", "--name", "Lê Thu Trang",
         "--province", "Tay Ninh", "--password", "s3cret-pass"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "no such table" in result.stderr
    assert "Run `matchmaker db upgrade` first." in result.stderr
    assert "Traceback" not in result.stderr

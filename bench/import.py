"""Import throughput: a generated 20,000-row provincial OCOP list into SQLite and PostgreSQL.

Prints rows/s for a first import (everything new) and a second one (everything unchanged).
    python bench/import.py [--rows 20000] [--postgres URL | --no-postgres]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from matchmaker import samples
from matchmaker.catalog.importer import import_offers
from matchmaker.db import make_engine, make_session_factory
from matchmaker.migrations import upgrade
from matchmaker.ranking import reference

HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao",
          "Số quyết định", "Ngày cấp", "Ngày hết hạn", "Đơn vị tính", "Giá bán (VNĐ)",
          "Sản lượng/tháng", "Hạn sử dụng (ngày)", "Chứng nhận"]  # fmt: skip


def write_list(path: Path, rows: int, seed: int) -> None:
    data = samples.generate(seed, producers=max(100, rows // 3), offers=rows, buyers=6,
                            requirements=6, today=date.today())  # fmt: skip
    producers = {o.key: o for o in data.organizations}
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for number, offer in enumerate(data.offers, start=1):
            producer = producers[offer.producer_key]
            category = reference.get_category(offer.category)
            group = reference.get_category(category.group)
            out.writerow([
                number, offer.title, producer.name, producer.address or "",
                reference.get_province(offer.province).name_vi, group.name_vi,
                "" if category.is_group else category.name_vi, offer.ocop_stars or "",
                offer.ocop_decision_number or "",
                f"{offer.ocop_certified_on:%d/%m/%Y}" if offer.ocop_certified_on else "",
                f"{offer.ocop_certified_until:%d/%m/%Y}" if offer.ocop_certified_until else "",
                offer.unit, offer.unit_price_vnd or "", offer.monthly_capacity or "",
                offer.shelf_life_days or "", ", ".join(offer.certifications),
            ])  # fmt: skip


def run(label: str, url: str, path: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    for attempt in ("first import", "second import"):
        started = time.perf_counter()
        report = import_offers(sessions, path)
        seconds = time.perf_counter() - started
        print(
            f"{label:<10} {attempt:<14} {report.rows:>6} rows in {seconds:6.1f} s = "
            f"{report.rows / seconds:7.0f} rows/s  (new {report.created}, updated "
            f"{report.updated}, unchanged {report.unchanged}, rejected {len(report.rejected)})"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_bench"
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ocop.csv"
        write_list(path, args.rows, args.seed)
        print(f"generated {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB)")
        run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", path)
        if not args.no_postgres:
            admin = make_engine(args.postgres.rsplit("/", 1)[0] + "/postgres")
            database = args.postgres.rsplit("/", 1)[1]
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            admin.dispose()
            run("PostgreSQL", args.postgres, path)


if __name__ == "__main__":
    main()

"""Import: a generated provincial OCOP list (20,000 rows by default) through the path the
command line and the officer's page take: the app (its outbox publishing after every commit
to the embedded broker), a job started by ``start_import`` and run by ``run_job`` as the worker
runs it. Prints the time of a first import (everything new) and a second one (everything
unchanged) on an SQLite file (the embedded default) and PostgreSQL.

Then, on a fresh SQLite file with the demo data, the same import while clients read pages from
a ``matchmaker serve --no-worker`` process on that file (the home page, the product list of the
API, a product's page, /healthz, in a loop from ``--readers`` threads of another process):
page latency p50/p95/max and the count of 5xx answers and failed requests while the import runs,
beside the same figures with nothing importing.

    python bench/import.py [--rows 20000] [--readers 4] [--postgres URL | --no-postgres]
    [--no-pages | --pages-only]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from matchmaker import samples
from matchmaker.app import create_app
from matchmaker.db import make_engine, unit_of_work
from matchmaker.extensions import get_database, get_settings
from matchmaker.files.store import open_store
from matchmaker.imports.jobs import run_job, start_import
from matchmaker.migrations import upgrade
from matchmaker.ranking import reference
from matchmaker.settings import Settings

HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Tỉnh", "Nhóm", "Phân nhóm", "Hạng sao",
          "Số quyết định", "Ngày cấp", "Ngày hết hạn", "Đơn vị tính", "Giá bán (VNĐ)",
          "Sản lượng/tháng", "Hạn sử dụng (ngày)", "Chứng nhận"]  # fmt: skip
IDLE_SECONDS = 8.0
SECRET = "bench-secret-of-at-least-32-characters"


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


def make_settings(instance: Path, url: str) -> Settings:
    return Settings(environment="development", instance_path=instance, database_url=url,
                    secret_key=SECRET)  # fmt: skip


def import_once(app: Any, path: Path) -> tuple[float, dict[str, Any]]:
    """One import as the command line runs it (the page's is the same job, run by a worker)."""
    settings, sessions = get_settings(app), get_database(app).sessions
    started = time.perf_counter()
    with sessions() as session:
        job = start_import(session, open_store(settings, session), None, file_name=path.name,
                           data=path.read_bytes(), preview=False, queue=False,
                           limits=settings.imports)  # fmt: skip
        job_id = job.id
    with app.app_context():
        done = run_job(sessions, lambda s: open_store(settings, s), job_id,
                       limits=settings.imports)  # fmt: skip
    seconds = time.perf_counter() - started
    assert done is not None and done.state == "done", (done.state, done.error_code)
    return seconds, done.report or {}


def run(label: str, url: str, path: Path, instance: Path) -> None:
    app = create_app(make_settings(instance, url))
    upgrade(get_database(app).engine)
    for attempt in ("first import", "second import"):
        seconds, report = import_once(app, path)
        print(
            f"{label:<10} {attempt:<14} {report['rows']:>6} rows in {seconds:6.1f} s = "
            f"{report['rows'] / seconds:7.0f} rows/s  (new {report['created']}, updated "
            f"{report['updated']}, unchanged {report['unchanged']}, rejected "
            f"{report['rejected']})",
            flush=True,
        )
    get_database(app).engine.dispose()


# --- pages read while the import runs -------------------------------------------------------


def read_pages(base: str, token: str, offer_ids: list[int], readers: int, stop: Any,
               phase: Any, out: Any, ready: Any) -> None:  # fmt: skip
    """In a process of its own: ``readers`` threads read pages until ``stop`` is set; each
    answer is recorded with the phase (idle or importing) it began in."""
    import httpx

    seen: list[tuple[str, float, int, str, str]] = []
    lock = threading.Lock()

    def loop(n: int) -> None:
        paths = ["/", "/api/v1/offers?limit=20", "/healthz"]
        paths += [f"/products/{offer_ids[(n * 7 + i) % len(offer_ids)]}" for i in range(3)]
        with httpx.Client(base_url=base, timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as client:  # fmt: skip
            i = n
            while not stop.is_set():
                path = paths[i % len(paths)]
                i += 1
                now, began = phase.value, time.perf_counter()
                error = ""
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError as exc:
                    status, error = 0, f"{type(exc).__name__}: {exc}"[:120]
                took, where = time.perf_counter() - began, path.split("?")[0].rstrip("0123456789")
                with lock:
                    seen.append(("importing" if now else "idle", took, status, where, error))

    ready.set()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(seen)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(instance: Path, url: str) -> Iterator[str]:
    """``matchmaker serve --no-worker`` on the database, as a process of its own.

    Its log (a line a request) goes to a file, never to a pipe read only at the end: once a
    pipe's buffer (64 KB, some 600 requests) is full, every request thread blocks writing its
    line and no request is answered any more; the clients then wait for their time-out."""
    import httpx

    port = free_port()
    env = {
        **os.environ,
        "MATCHMAKER_DATABASE_URL": url,
        "MATCHMAKER_INSTANCE_PATH": str(instance),
        "MATCHMAKER_SECRET_KEY": SECRET,
        "MATCHMAKER_ENVIRONMENT": "development",
    }
    command = [str(Path(sys.executable).parent / "matchmaker"), "serve", "--no-worker",
               "--port", str(port)]  # fmt: skip
    log_path = instance / "server.log"
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log = log_path.read_text(errors="replace")
        print(f"server log: {log.count('Traceback')} traceback(s)"
              + (f", 'database is locked' x{log.count('database is locked')}"
                 if "database is locked" in log else ""))  # fmt: skip
        # Where the app was when it failed: the last frame of the project's code of each.
        where = Counter(
            re.findall(r'File "[^"]*/(matchmaker/[^"]+)", line (\d+), in (\w+)\n(?:.*\n)*?\S', log)
        )
        for (file, line, function), count in where.most_common(5):
            print(f"  {count:>4} x {file}:{line} in {function}")


def figures(latencies: list[float]) -> str:
    if not latencies:
        return "no requests"
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return (f"{len(ordered)} requests, p50 {at(0.5):.0f} ms, p95 {at(0.95):.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms")  # fmt: skip


def pages_during_import(path: Path, folder: Path, readers: int) -> None:
    import httpx

    from matchmaker.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo

    instance = folder / "pages"
    url = f"sqlite:///{instance / 'matchmaker.sqlite'}"
    instance.mkdir()
    app = create_app(make_settings(instance, url))
    upgrade(get_database(app).engine)
    with unit_of_work(get_database(app).sessions) as session:
        load_demo(session)
    with unit_of_work(get_database(app).sessions) as session:
        offer_ids = list(session.scalars(text("SELECT id FROM offers WHERE status = 'active'")))
    with served(instance, url) as base:
        token = httpx.post(base + "/api/v1/auth/token",
                           json={"email": DEMO_LOGINS["buyer"], "password": DEMO_PASSWORD}
                           ).json()["token"]  # fmt: skip
        spawn = multiprocessing.get_context("spawn")
        stop, phase, out = spawn.Event(), spawn.Value("b", 0), spawn.Queue()
        ready = spawn.Event()
        arguments = (base, token, offer_ids, readers, stop, phase, out, ready)
        reader = spawn.Process(target=read_pages, args=arguments)
        reader.start()
        ready.wait(300)
        time.sleep(IDLE_SECONDS)
        phase.value = 1
        seconds, report = import_once(app, path)
        stop.set()
        seen = out.get(timeout=120)
        reader.join(30)
    rows = report["rows"]
    print(f"SQLite file, {readers} page readers: import of {rows} rows in {seconds:.1f} s "
          f"({rows / seconds:.0f} rows/s, new {report['created']})")  # fmt: skip
    for name in ("idle", "importing"):
        mine = [s for s in seen if s[0] == name]
        errors = sum(1 for s in mine if s[2] >= 500)
        failed = sum(1 for s in mine if s[2] == 0)
        print(f"  pages {'while importing' if name == 'importing' else 'before, idle'}: "
              f"{figures([s[1] for s in mine])}; 5xx {errors}, failed {failed}")  # fmt: skip
        for error, count in Counter(s[4] for s in mine if s[4]).most_common(5):
            took = sorted(s[1] for s in mine if s[4] == error)
            print(f"    failed {count} x {error} (after {took[0]:.1f}-{took[-1]:.1f} s)")
        for where in sorted({s[3] for s in mine}):
            here = [s for s in mine if s[3] == where]
            print(f"    {where:<24} {figures([s[1] for s in here])}; "
                  f"5xx {sum(1 for s in here if s[2] >= 500)}, "
                  f"failed {sum(1 for s in here if s[2] == 0)}")  # fmt: skip
    get_database(app).engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_bench"
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--pages-only", action="store_true", help="only the import beside pages")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "ocop.csv"
        write_list(path, args.rows, args.seed)
        print(f"generated {args.rows} rows ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
        if not args.pages_only:
            (folder / "sqlite").mkdir()
            sqlite_url = f"sqlite:///{folder / 'sqlite' / 'bench.sqlite'}"
            run("SQLite", sqlite_url, path, folder / "sqlite")
        if not args.no_postgres and not args.pages_only:
            admin = make_engine(args.postgres.rsplit("/", 1)[0] + "/postgres")
            database = args.postgres.rsplit("/", 1)[1]
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            admin.dispose()
            (folder / "postgres").mkdir()
            run("PostgreSQL", args.postgres, path, folder / "postgres")
        if not args.no_pages:
            pages_during_import(path, folder, args.readers)


if __name__ == "__main__":
    main()

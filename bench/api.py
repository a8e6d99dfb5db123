"""API throughput and latency under load: 100,000 offers and 5,000 requirements in
PostgreSQL, the app served by gunicorn, `wrk` as the load generator.

Prints requests/s and p50/p95/p99 latency of GET /requirements/{id}/matches (each requirement
asked for once, and the same requirements viewed again), of GET /search/offers and of the
buyer's comparison of 50 quotes on one requirement (GET /requirements/{id}/quotes) at 1, 8 and
32 concurrent clients. A run of "each requirement once" ends early when its share of the
requirements is used up, rather than ask for one a second time.

    python bench/api.py [--offers 100000] [--requirements 5000] [--seconds 20] [--clients 1,8,32]
    [--reuse]

``--reuse`` keeps a database an earlier run loaded with the same sizes (it is never changed
by the run besides the Match rows the calls record, which a cold run starts without).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import OperationalError

from matchmaker import samples
from matchmaker.accounts.models import User
from matchmaker.accounts.passwords import hash_password
from matchmaker.accounts.tokens import issue_token
from matchmaker.catalog.models import Offer, Organization, Requirement
from matchmaker.db import make_engine, make_session_factory, unit_of_work
from matchmaker.migrations import upgrade
from matchmaker.quotes.models import Quote, QuoteRevision
from matchmaker.ranking.text import fold_key

BENCH_ADMIN = "bench@example.vn"
ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "banh trang", "nước mắm", "fish sauce", "mat ong", "cà phê robusta", "macadamia",
    "chè Thái Nguyên", "rice paper", "yến sào", "gạo ST25", "dried mango", "tinh dầu",
]  # fmt: skip
# Each wrk thread walks the paths from its own starting point (one stride apart), so that two
# threads never ask for the same path at the same moment. With "once", a thread keeps to its
# own stride and stops when it has had every answer, so that no path is asked for twice.
# wrk itself runs for the full duration whatever its threads do, so each thread notes when it
# began and when it stopped (the clock of /proc/uptime, to the hundredth of a second: wrk's
# Lua has no finer one), and a run whose threads all stopped early reports the time it took.
LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads = {}
local function uptime()
  local file = io.open("/proc/uptime")
  local seconds = file:read("*n")
  file:close()
  return seconds
end
setup = function(thread)
  thread:set("first", #threads * %(stride)d)
  threads[#threads + 1] = thread
end
init = function(args)
  began = uptime()
end
local n = nil
local answered = 0
request = function()
  n = (n or first or 0) + 1
  local i = n
  if %(once)s then i = first + (n - first - 1) %% %(stride)d + 1 end
  return wrk.format("GET", paths[((i - 1) %% #paths) + 1],
    {["Authorization"] = "Bearer %(token)s"})
end
response = function(status, headers, body)
  answered = answered + 1
  if %(once)s and answered >= %(stride)d then
    stopped = uptime()
    wrk.thread:stop()
  end
end
done = function(summary, latency, requests)
  local duration = summary.duration
  local first_began, last_stopped = nil, nil
  for _, thread in ipairs(threads) do
    local began, stopped = thread:get("began"), thread:get("stopped")
    if stopped == nil then last_stopped = nil break end
    if first_began == nil or began < first_began then first_began = began end
    if last_stopped == nil or stopped > last_stopped then last_stopped = stopped end
  end
  if last_stopped ~= nil then duration = math.floor((last_stopped - first_began) * 1e6) end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


def load(url: str, n_offers: int, n_requirements: int, seed: int) -> str:
    """Bulk-loads the catalog (bypassing per-row validation, which the generator satisfies)
    and returns an admin token."""
    engine = make_engine(url)
    upgrade(engine)
    today = date.today()
    n_producers = max(100, n_offers // 3)
    with engine.begin() as conn:
        rows = [
            {"kind": "producer", "name": p.name, "name_key": fold_key(p.name),
             "entity_type": p.entity_type, "province": p.province, "address": p.address,
             "contact_email": p.contact_email, "phone": p.phone, "preferred_language": "vi"}
            for p in samples.sample_producers(seed, n_producers)
        ]  # fmt: skip
        # A producer is one per name and province, an offer one per producer and title (the
        # unique keys): the generator repeats itself now and then, as the demo loader knows.
        seen_producers: set[tuple[str, str]] = set()
        for row in rows:
            key, n = (row["name_key"], row["province"]), 1
            while key in seen_producers:
                n += 1
                row["name"] = f"{row['name']} {n}"
                key = (fold_key(row["name"]), row["province"])
            row["name_key"] = key[0]
            seen_producers.add(key)
        conn.execute(insert(Organization), rows)
        producer_ids = list(conn.scalars(select(Organization.id).order_by(Organization.id)))
        batch: list[dict] = []
        seen_offers: set[tuple[int, str]] = set()
        written = 0
        # A few more drawn than kept, so that exactly ``n_offers`` are loaded.
        drawn = samples.iter_offers(seed, n_offers * 11 // 10 + 10, today=today,
                                    producers=n_producers)  # fmt: skip
        for offer in drawn:
            if written == n_offers:
                break
            owner = producer_ids[int(offer.producer_key.rsplit("-", 1)[1]) - 1]
            if offer.status != "archived":
                if (owner, fold_key(offer.title)[:300]) in seen_offers:
                    continue
                seen_offers.add((owner, fold_key(offer.title)[:300]))
            written += 1
            batch.append(
                {"organization_id": owner,
                 "title": offer.title, "title_key": fold_key(offer.title)[:300],
                 "description": offer.description, "category": offer.category,
                 "ocop_stars": offer.ocop_stars,
                 "ocop_potential_five_star": offer.ocop_potential_five_star,
                 "ocop_certified_on": offer.ocop_certified_on,
                 "ocop_certified_until": offer.ocop_certified_until,
                 "certifications": list(offer.certifications), "province": offer.province,
                 "unit": offer.unit, "monthly_capacity": offer.monthly_capacity,
                 "min_order_quantity": offer.min_order_quantity,
                 "unit_price_vnd": offer.unit_price_vnd, "shelf_life_days": offer.shelf_life_days,
                 "export_markets": list(offer.export_markets), "status": offer.status,
                 "traceability_url": offer.traceability_url, "version": 1}
            )  # fmt: skip
            if len(batch) == 5000:
                conn.execute(insert(Offer), batch)
                batch.clear()
        if batch:
            conn.execute(insert(Offer), batch)
        data = samples.generate(seed, producers=10, offers=0, buyers=200,
                                requirements=n_requirements, today=today)  # fmt: skip
        buyers = [o for o in data.organizations if o.kind == "buyer"]
        conn.execute(insert(Organization), [
            {"kind": "buyer", "name": b.name, "name_key": fold_key(b.name),
             "buyer_type": b.buyer_type, "province": b.province, "preferred_language": "vi"}
            for b in buyers
        ])  # fmt: skip
        buyer_ids = dict(zip((b.key for b in buyers), conn.scalars(
            select(Organization.id).where(Organization.kind == "buyer").order_by(Organization.id)
        ), strict=True))  # fmt: skip
        conn.execute(insert(Requirement), [
            {"organization_id": buyer_ids[r.buyer_key], "title": r.title,
             "description": r.description, "category": r.category,
             "min_ocop_stars": r.min_ocop_stars,
             "required_certifications": list(r.required_certifications), "unit": r.unit,
             "quantity_per_month": r.quantity_per_month,
             "max_unit_price_vnd": r.max_unit_price_vnd,
             "delivery_provinces": list(r.delivery_provinces),
             "min_shelf_life_days": r.min_shelf_life_days, "needed_by": r.needed_by,
             "valid_until": max(r.valid_until or today, today + timedelta(days=30)),
             "status": "open", "version": 1}
            for r in data.requirements
        ])  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Statistics, as autovacuum would gather them in a while on a live database.
        conn.execute(text("ANALYZE"))
    with unit_of_work(make_session_factory(engine)) as session:
        agency = Organization(kind="agency", name="Bench", name_key="bench")
        session.add(agency)
        session.flush()
        admin = User(organization_id=agency.id, email=BENCH_ADMIN, name="Bench",
                     password_hash=hash_password("bench-password"), role="admin")  # fmt: skip
        session.add(admin)
        session.flush()
        token, _ = issue_token(session, admin, ttl=timedelta(hours=6))
    engine.dispose()
    return token


def create_database(url: str) -> None:
    admin_url, database = url.rsplit("/", 1)
    admin = make_engine(admin_url + "/postgres")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()


def loaded(url: str, n_offers: int, n_requirements: int) -> bool:
    """Whether the database holds a catalog of these sizes from an earlier run."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            offers = conn.scalar(select(func.count()).select_from(Offer))
            requirements = conn.scalar(select(func.count()).select_from(Requirement))
    except OperationalError:
        return False
    finally:
        engine.dispose()
    return (offers, requirements) == (n_offers, n_requirements)


def fresh_start(url: str) -> str:
    """Forgets the Match rows an earlier run recorded and returns a new admin token."""
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        # TRUNCATE, not DELETE: deleted rows would linger in the table (and in every scan of
        # it) until a vacuum, which a freshly loaded database does not carry.
        session.execute(text("TRUNCATE matches, match_events RESTART IDENTITY CASCADE"))
        admin = session.scalars(select(User).where(User.email == BENCH_ADMIN)).one()
        token, _ = issue_token(session, admin, ttl=timedelta(hours=6))
    engine.dispose()
    return token


def seed_quotes(url: str, requirement_id: int, count: int = 50) -> None:
    """``count`` quotes on one requirement, from as many producers' active offers, priced in
    each offer's own unit (some convert to the requirement's, some do not), two revisions
    each; the requirement's earlier quotes are replaced."""
    engine = make_engine(url)
    rng = random.Random(requirement_id)
    with engine.begin() as conn:
        conn.execute(delete(Quote).where(Quote.requirement_id == requirement_id))
        offers = conn.execute(
            select(Offer.id, Offer.organization_id, Offer.unit, Offer.unit_price_vnd)
            .where(Offer.status == "active")
            .distinct(Offer.organization_id)
            .order_by(Offer.organization_id, Offer.id)
            .limit(count)
        ).all()
        now = datetime.now(UTC)
        quote_ids = conn.scalars(
            insert(Quote).returning(Quote.id),
            [{"requirement_id": requirement_id, "offer_id": o.id, "organization_id":
              o.organization_id, "status": "open", "created_at": now, "updated_at": now}
             for o in offers],
        ).all()  # fmt: skip
        conn.execute(insert(QuoteRevision), [
            {"quote_id": quote_id, "number": number, "unit": o.unit,
             "unit_price_vnd": (o.unit_price_vnd or 50_000) * (11 - number) // 10,
             "min_order_quantity": rng.choice([None, 10, 100]), "monthly_volume": 500,
             "lead_time_days": rng.randint(2, 30), "delivery_terms": "ex_works",
             "delivery_provinces": [], "samples_available": True, "note": "",
             "created_at": now}
            for quote_id, o in zip(quote_ids, offers, strict=True) for number in (1, 2)
        ])  # fmt: skip
    engine.dispose()


def python_speed() -> float:
    """Seconds for ten million additions in a Python loop, best of three: how fast this
    machine runs Python today, so that runs on differently fast machines (or days) compare."""
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, token: str, paths: list[str], seconds: float = 600) -> None:
    """Until every worker has built its offer index (each answers a few calls)."""
    deadline = time.monotonic() + seconds
    done = 0
    while done < 8:
        if time.monotonic() > deadline:
            sys.exit("the server did not become ready")
        try:
            request = urllib.request.Request(
                base + paths[done % len(paths)], headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                json.load(response)
            done += 1
        except OSError:
            time.sleep(1)


def cpu_seconds(server: int) -> tuple[float, float]:
    """CPU time used so far by the gunicorn workers under ``server`` and by PostgreSQL's
    processes: how much work a request costs, whatever else slows the machine down."""
    tick = os.sysconf("SC_CLK_TCK")
    app = database = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        if int(fields[1]) == server:
            app += used
        elif name == "postgres" or name.startswith("postgres:"):
            database += used
    return app, database


def run_wrk(
    wrk: str,
    base: str,
    token: str,
    paths: list[str],
    clients: int,
    seconds: int,
    once: bool,
    server: int,
) -> str:
    threads = min(clients, 2)
    with tempfile.TemporaryDirectory() as tmp:
        path_file = Path(tmp) / "paths.txt"
        path_file.write_text("\n".join(paths) + "\n")
        script = Path(tmp) / "load.lua"
        stride = len(paths) // threads
        script.write_text(
            LUA % {"paths": path_file, "token": token, "stride": stride, "once": str(once).lower()}
        )
        app_before, database_before = cpu_seconds(server)
        out = subprocess.run(
            [wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
             "--timeout", "30s", "-s", str(script), base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        app_after, database_after = cpu_seconds(server)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, bad_status, socket_errors = map(int, line.split()[1:])
    return (
        f"{requests:6d} in {duration_us / 1e6:4.1f} s "
        f"{requests / (duration_us / 1e6):7.1f} req/s   p50 {p50 / 1000:7.1f} ms   "
        f"p95 {p95 / 1000:7.1f} ms   p99 {p99 / 1000:7.1f} ms   "
        f"CPU per request: app {(app_after - app_before) / requests * 1000:4.1f} ms, "
        f"PostgreSQL {(database_after - database_before) / requests * 1000:4.1f} ms   "
        f"non-2xx {bad_status}  socket errors {socket_errors}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--requirements", type=int, default=5_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--clients", default="1,8,32", help="numbers of concurrent clients")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier run's catalog")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_bench_api"
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    started = time.perf_counter()
    if args.reuse and loaded(args.postgres, args.offers, args.requirements):
        token = fresh_start(args.postgres)
        print(f"machine: {os.cpu_count()} cores, a Python loop of 10 million additions in "
              f"{python_speed():.2f} s; reusing {args.offers} offers and "
              f"{args.requirements} requirements")  # fmt: skip
    else:
        create_database(args.postgres)
        token = load(args.postgres, args.offers, args.requirements, args.seed)
        took = time.perf_counter() - started
        print(f"machine: {os.cpu_count()} cores, a Python loop of 10 million additions in "
              f"{python_speed():.2f} s; loaded {args.offers} offers and "
              f"{args.requirements} requirements in {took:.0f} s")  # fmt: skip

    seed_quotes(args.postgres, 1)
    port = free_port()
    instance = tempfile.mkdtemp(prefix="bench-api-")
    env = {**os.environ, "MATCHMAKER_DATABASE_URL": args.postgres,
           "MATCHMAKER_INSTANCE_PATH": instance, "MATCHMAKER_ENVIRONMENT": "production",
           # Production refuses a short key and a base URL that is not https.
           "MATCHMAKER_SECRET_KEY": secrets.token_urlsafe(32),
           "MATCHMAKER_BASE_URL": "https://bench.example.vn",
           "GUNICORN_BIND": f"127.0.0.1:{port}"}  # fmt: skip
    env.pop("MATCHMAKER_REDIS_URL", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "config/gunicorn.conf.py"),
         "--access-logfile", "/dev/null"],
        env=env, cwd=ROOT, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(args.seed)
    # "Each requirement once": every run of wrk gets requirements of its own, so no call finds
    # a ranking its process made before (the cold case). "Repeat views": 200 requirements
    # asked for again and again, as buyers reopen their requirements and clients refresh.
    requirement_ids = rng.sample(range(1, args.requirements + 1), args.requirements)
    levels = [int(c) for c in args.clients.split(",")]
    # The first 200 warm the server up and are the repeat views; the rest is shared out
    # between the numbers of clients, each run stopping when its share is used up.
    share = (len(requirement_ids) - 200) // len(levels)
    fresh = [requirement_ids[:200]] + [
        requirement_ids[200 + k * share :][:share] for k in range(len(levels))
    ]
    fresh = [[f"/api/v1/requirements/{i}/matches?limit=10" for i in ids] for ids in fresh]
    repeated = fresh[0][:200]
    searches = [
        f"/api/v1/search/offers?q={quote(q)}&limit=20"
        + rng.choice(["", "&min_stars=4", "&category=food", "&province=79"])
        for q in QUERIES for _ in range(20)
    ]  # fmt: skip
    try:
        started = time.perf_counter()
        wait_ready(base, token, fresh[0])
        print(f"gunicorn ready (offer index built in every worker) in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        runs = (
            ("matches, each requirement once", lambda k: fresh[k + 1], True),
            ("matches, repeat views", lambda k: repeated, False),
            ("search", lambda k: searches, False),
            ("quote comparison, 50 quotes", lambda k: ["/api/v1/requirements/1/quotes"], False),
        )
        for name, paths_for, once in runs:
            for k, clients in enumerate(levels):
                result = run_wrk(
                    wrk, base, token, paths_for(k), clients, args.seconds, once, server.pid
                )
                print(f"{name:<32} {clients:>2} clients  {result}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()

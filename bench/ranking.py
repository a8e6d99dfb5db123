"""Ranking speed on generated OCOP offers: the two ways of reading text side by side, with
bm25s on the same corpus beside them.

For each size and each analyzer ("words", the default, and "syllables", the previous engine)
prints: index build time, index size and peak memory, top-10 ``rank()`` latency per
requirement (p50/p95) and batch throughput, search latency (``search(title)`` of each
requirement's title), the producer's view (``rank_requirements`` of one offer against every
requirement, p50/p95), and the cost of keeping the index fresh (add, update, archive one
offer); then the words/syllables ratio of each figure. The aim: words p50 and p95 no worse
than 1.5× syllables ("over" marks a latency past it). Figures only; nothing here passes or
fails.

Each analyzer's index lives in a process of its own, forked once the offers are generated, so
its peak memory and warm caches are its own. The indexes are built one after the other, then
asked the same queries in turns of 25, so that other work on the machine slows both alike.
Latencies are wall time; the CPU time of the same calls follows them, which leaves out time
spent waiting for a core (on a busy machine the wall p95 is mostly that wait).

    OMP_NUM_THREADS=1 taskset -c 0 python bench/ranking.py [--sizes 10k,100k,1m]
        [--analyzers words,syllables] [--queries 300] [--producer-offers 100] [--seed 7]
        [--no-bm25]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from multiprocessing.connection import Connection
from typing import Any

import bm25s
import numpy as np

from matchmaker import samples
from matchmaker.ranking.analysis import ANALYZERS, Vectorizer
from matchmaker.ranking.evalset import offer_from_sample, requirement_from_sample
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.records import OfferRecord, RequirementRecord

TODAY = date(2025, 10, 1)

# Words may be this many times slower than syllables at p50 and p95.
AIM = 1.5


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def parse_analyzers(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ANALYZERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown analyzer {', '.join(unknown) or text!r}; choose from {', '.join(ANALYZERS)}"
        )
    return list(dict.fromkeys(names))


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; a forked process starts from its RSS at the fork.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def make_offers(seed: int, count: int) -> list[OfferRecord]:
    producers = max(120, count // 3)
    by_key = {p.key: p for p in samples.sample_producers(seed, producers)}
    return [
        offer_from_sample(o, by_key.get(o.producer_key))
        for o in samples.iter_offers(seed, count, today=TODAY, producers=producers)
    ]


def make_requirements(seed: int, count: int) -> list[RequirementRecord]:
    data = samples.generate(
        seed + 1, producers=10, offers=0, buyers=60, requirements=count, today=TODAY
    )
    buyers = {o.key: o for o in data.organizations}
    found = [requirement_from_sample(r, buyers.get(r.buyer_key)) for r in data.requirements]
    # Measure the requests that get answered; a closed one returns at once.
    return [replace(r, status="open", valid_until=None) for r in found]


def producer_offers(offers: list[OfferRecord], count: int) -> list[OfferRecord]:
    """Active offers spread over the catalogue, for the producer's view."""
    active = [o for o in offers if o.status == "active"]
    step = max(1, len(active) // max(count, 1))
    return active[::step][:count]


def latencies(run: Callable[[Any], object], items: Sequence[Any]) -> list[float]:
    for item in items[:5]:
        run(item)  # warm caches
    out = []
    for item in items:
        started = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def timed(run: Callable[[Any], object], items: Sequence[Any]) -> list[tuple[float, float]]:
    """(wall, CPU) milliseconds of each call. The CPU time of the calling thread leaves out the
    time spent waiting for a core, which other work on the machine adds to the wall time."""
    out = []
    for item in items:
        wall, cpu = time.perf_counter(), time.thread_time()
        run(item)
        out.append(((time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000))
    return out


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# Queries alternate between the analyzers in chunks this long, so load from elsewhere on the
# machine falls on both alike.
CHUNK = 25
FRESH = 200


def serve(
    conn: Connection,
    analyzer: str,
    offers: list[OfferRecord],
    requirements: list[RequirementRecord],
    sellers: list[OfferRecord],
) -> None:
    """In a forked process: build one analyzer's index, send its build figures, then run the
    chunks of work asked for and send back their times (ms), until asked for nothing."""
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = OfferIndex(offers, vectorizer=Vectorizer(analyzer=analyzer))
    conn.send(
        {
            "build_s": time.perf_counter() - started,
            "index_mb": index.nbytes / 2**20,
            "rss_growth_mb": rss_mb() - before,
        }
    )
    # Freshness: the cost of reflecting one producer's change; five more to warm up with.
    fresh = [replace(o, id=f"new-{i}") for i, o in enumerate(offers[: FRESH + 5])]

    def rank(requirement: RequirementRecord) -> object:
        return index.rank(requirement, 10, TODAY)

    def search(requirement: RequirementRecord) -> object:
        return index.search(requirement.title)

    def producer(offer: OfferRecord) -> object:
        return index.rank_requirements(offer, requirements, 10, TODAY)

    def update(offer: OfferRecord) -> object:
        return index.update(replace(offer, title=offer.title + " mới"))

    def archive(offer: OfferRecord) -> object:
        return index.remove(offer.id)

    # name -> (one call, warm-up items, measured items)
    work: dict[str, tuple[Callable[[Any], object], Sequence[Any], Sequence[Any]]] = {
        "rank": (rank, requirements[:5], requirements),
        "search": (search, requirements[:5], requirements),
        "producer": (producer, sellers[:5], sellers),
        "add": (index.add, fresh[:5], fresh[5:]),
        "update": (update, fresh[:5], fresh[5:]),
        "archive": (archive, fresh[:5], fresh[5:]),
    }
    while (message := conn.recv()) is not None:
        name, start, stop = message
        if name == "peak":
            conn.send(peak_rss_mb())
        elif name == "rank_batch":
            conn.send(timed(lambda _: [rank(r) for r in requirements], [None]))
        else:
            run, warm, items = work[name]
            if start == 0:
                for item in warm:
                    run(item)
            conn.send(timed(run, items[start:stop]))
    conn.close()


def measure(
    analyzers: list[str],
    offers: list[OfferRecord],
    requirements: list[RequirementRecord],
    sellers: list[OfferRecord],
) -> dict[str, dict[str, float]]:
    """Every figure of each analyzer on one catalogue. Each index lives in a forked process of
    its own (the offers are shared, not copied), so its peak memory and warm caches are its
    own; the indexes are built one after the other, then asked the same work in turns."""
    context = multiprocessing.get_context("fork")
    figures: dict[str, dict[str, float]] = {}
    subjects: dict[str, tuple[Any, Connection]] = {}
    try:
        for name in analyzers:
            progress(f"  {name}: building the index of {len(offers):,} offers")
            mine, theirs = context.Pipe()
            process = context.Process(
                target=serve, args=(theirs, name, offers, requirements, sellers)
            )
            process.start()
            theirs.close()
            subjects[name] = (process, mine)
            figures[name] = answer(subjects[name], name)
        phases = [
            ("rank", len(requirements)),
            ("rank_batch", 1),
            ("search", len(requirements)),
            ("producer", len(sellers)),
            ("add", FRESH),
            ("update", FRESH),
            ("archive", FRESH),
        ]
        for phase, count in phases:
            progress(f"  {phase}")
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in analyzers}
            for turn, start in enumerate(range(0, count, CHUNK)):
                # Who goes first alternates too.
                for name in analyzers[:: -1 if turn % 2 else 1]:
                    subjects[name][1].send((phase, start, start + CHUNK))
                    times[name] += answer(subjects[name], name)
            for name in analyzers:
                if phase == "rank_batch":
                    figures[name]["rank_batch"] = len(requirements) / (times[name][0][0] / 1000)
                    continue
                wall = [w for w, _ in times[name]]
                cpu = [c for _, c in times[name]]
                figures[name][f"{phase}_p50"] = quantile(wall, 0.5)
                figures[name][f"{phase}_p95"] = quantile(wall, 0.95)
                figures[name][f"{phase}_cpu_p50"] = quantile(cpu, 0.5)
                figures[name][f"{phase}_cpu_p95"] = quantile(cpu, 0.95)
        for name in analyzers:
            subjects[name][1].send(("peak", 0, 0))
            figures[name]["peak_rss_mb"] = answer(subjects[name], name)
            subjects[name][1].send(None)
    finally:
        for process, conn in subjects.values():
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
            conn.close()
    return figures


def answer(subject: tuple[Any, Connection], name: str) -> Any:
    process, conn = subject
    try:
        return conn.recv()
    except EOFError:
        process.join()
        raise RuntimeError(f"measuring {name} failed (exit code {process.exitcode})") from None


# (label, key, format, a latency held to the aim)
ROWS: list[tuple[str, str, str, bool]] = [
    ("index build (s)", "build_s", "{:.2f}", False),
    ("index arrays (MB)", "index_mb", "{:.0f}", False),
    ("RSS growth at build (MB)", "rss_growth_mb", "{:.0f}", False),
    ("peak RSS (MB)", "peak_rss_mb", "{:.0f}", False),
    ("rank top-10 p50 (ms)", "rank_p50", "{:.2f}", True),
    ("rank top-10 p95 (ms)", "rank_p95", "{:.2f}", True),
    ("rank batch (requirements/s)", "rank_batch", "{:.0f}", False),
    ("search p50 (ms)", "search_p50", "{:.2f}", True),
    ("search p95 (ms)", "search_p95", "{:.2f}", True),
    ("producer view p50 (ms)", "producer_p50", "{:.2f}", True),
    ("producer view p95 (ms)", "producer_p95", "{:.2f}", True),
    ("fresh: add p50 (ms)", "add_p50", "{:.2f}", False),
    ("fresh: add p95 (ms)", "add_p95", "{:.2f}", False),
    ("fresh: update p50 (ms)", "update_p50", "{:.2f}", False),
    ("fresh: update p95 (ms)", "update_p95", "{:.2f}", False),
    ("fresh: archive p50 (ms)", "archive_p50", "{:.3f}", False),
    ("fresh: archive p95 (ms)", "archive_p95", "{:.3f}", False),
    ("CPU per call, no wait for a core:", "", "", False),
    ("rank top-10 CPU p50 (ms)", "rank_cpu_p50", "{:.2f}", True),
    ("rank top-10 CPU p95 (ms)", "rank_cpu_p95", "{:.2f}", True),
    ("search CPU p50 (ms)", "search_cpu_p50", "{:.2f}", True),
    ("search CPU p95 (ms)", "search_cpu_p95", "{:.2f}", True),
    ("producer view CPU p50 (ms)", "producer_cpu_p50", "{:.2f}", True),
    ("producer view CPU p95 (ms)", "producer_cpu_p95", "{:.2f}", True),
    ("fresh: add CPU p50 (ms)", "add_cpu_p50", "{:.2f}", False),
    ("fresh: update CPU p50 (ms)", "update_cpu_p50", "{:.2f}", False),
]


def print_table(figures: dict[str, dict[str, float]]) -> None:
    names = list(figures)
    compare = "words" in figures and "syllables" in figures
    header = f"  {'':<30}" + "".join(f"{n:>12}" for n in names)
    if compare:
        header += f"{'words/syll':>12}"
    print(header)
    for label, key, form, held in ROWS:
        if not key:
            print(f"  {label}")
            continue
        line = f"  {label:<30}" + "".join(f"{form.format(figures[n][key]):>12}" for n in names)
        if compare:
            base = figures["syllables"][key]
            ratio = figures["words"][key] / base if base else float("nan")
            line += f"{ratio:>11.2f}×"
            if held and ratio > AIM:
                line += "  over"
        print(line)


def bench_bm25(offers: list[OfferRecord], requirements: list[RequirementRecord]) -> None:
    gc.collect()
    started = time.perf_counter()
    retriever = bm25s.BM25()
    corpus = bm25s.tokenize([f"{o.title} {o.description}" for o in offers], show_progress=False)
    retriever.index(corpus, show_progress=False)
    build = time.perf_counter() - started
    del corpus
    scores = retriever.scores
    size = sum(a.nbytes for a in scores.values() if isinstance(a, np.ndarray)) / 2**20
    print(f"  bm25s build            {build:8.2f} s    index {size:.0f} MB")
    queries = [f"{r.title} {r.description}" for r in requirements]

    def one(query: object) -> object:
        tokens = bm25s.tokenize([str(query)], show_progress=False, return_ids=False)
        return retriever.retrieve(tokens, k=10, show_progress=False)

    times = latencies(one, queries)
    print(
        f"  bm25s top-10 latency   p50 {quantile(times, 0.5):6.2f} ms   "
        f"p95 {quantile(times, 0.95):6.2f} ms"
    )
    started = time.perf_counter()
    tokens = bm25s.tokenize(queries, show_progress=False, return_ids=False)
    retriever.retrieve(tokens, k=10, show_progress=False, n_threads=0)
    elapsed = time.perf_counter() - started
    print(f"  bm25s batch            {len(queries) / elapsed:8.0f} requirements/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="10k,100k", help="comma-separated offer counts, e.g. 10k,100k,1m"
    )
    parser.add_argument(
        "--analyzers",
        type=parse_analyzers,
        default=list(ANALYZERS),
        help="comma-separated ways of reading text to measure (default: words,syllables)",
    )
    parser.add_argument("--queries", type=int, default=300, help="requirements ranked")
    parser.add_argument(
        "--producer-offers",
        type=int,
        default=100,
        help="offers whose producer's view is asked for (each against every requirement)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-bm25", action="store_true")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, os.cpu_count() {os.cpu_count()} core(s), "
        f"affinity {len(os.sched_getaffinity(0))} core(s), "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    print(
        f"analyzers: {', '.join(args.analyzers)}; each index in a process of its own, "
        f"queries in turns of {CHUNK}"
    )
    if "words" in args.analyzers and "syllables" in args.analyzers:
        print(
            f"aim: words p50/p95 no worse than {AIM}× syllables "
            "(rank, search, producer view; 'over' marks a latency past it)"
        )
    requirements = make_requirements(args.seed, args.queries)
    for size in [parse_size(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        offers = make_offers(args.seed, size)
        sellers = producer_offers(offers, args.producer_offers)
        print(
            f"\n{size:,} offers (generated in {time.perf_counter() - started:.1f} s), "
            f"{len(requirements)} requirements, producer's view of {len(sellers)} offers"
        )
        progress(f"{size:,} offers")
        load = os.getloadavg()[0]
        figures = measure(args.analyzers, offers, requirements, sellers)
        print_table(figures)
        print(f"  load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
        sys.stdout.flush()
        if not args.no_bm25:
            bench_bm25(offers, requirements)
        del offers, sellers
        gc.collect()


if __name__ == "__main__":
    main()

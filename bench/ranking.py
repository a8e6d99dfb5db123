"""Ranking speed on generated OCOP offers, with bm25s on the same corpus beside it.

For each size prints: index build time, index size and process peak memory, top-10 latency
per requirement (p50/p95), batch throughput, and the cost of keeping the index fresh (add,
update, archive one offer). Figures only; nothing here passes or fails.

    OMP_NUM_THREADS=1 taskset -c 0 python bench/ranking.py [--sizes 10k,100k,1m]
        [--queries 300] [--seed 7] [--no-bm25]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

import bm25s
import numpy as np

from matchmaker import samples
from matchmaker.ranking.evalset import offer_from_sample, requirement_from_sample
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.records import OfferRecord, RequirementRecord

TODAY = date(2025, 10, 1)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


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


def latencies(run: Callable[[object], object], items: Sequence[object]) -> list[float]:
    for item in items[:5]:
        run(item)  # warm caches
    out = []
    for item in items:
        started = time.perf_counter()
        run(item)
        out.append((time.perf_counter() - started) * 1000)
    return out


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_engine(offers: list[OfferRecord], requirements: list[RequirementRecord]) -> None:
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    index = OfferIndex(offers)
    build = time.perf_counter() - started
    print(f"  engine build           {build:8.2f} s")
    print(
        f"  engine index arrays    {index.nbytes / 2**20:8.0f} MB   "
        f"(process RSS +{rss_mb() - before:.0f} MB incl. records; peak RSS {peak_rss_mb():.0f} MB)"
    )
    times = latencies(lambda r: index.rank(r, 10, TODAY), requirements)
    print(
        f"  engine top-10 latency  p50 {quantile(times, 0.5):6.2f} ms   "
        f"p95 {quantile(times, 0.95):6.2f} ms"
    )
    started = time.perf_counter()
    for requirement in requirements:
        index.rank(requirement, 10, TODAY)
    elapsed = time.perf_counter() - started
    print(f"  engine batch           {len(requirements) / elapsed:8.0f} requirements/s")
    # Freshness: the cost of reflecting one producer's change.
    fresh = [replace(o, id=f"new-{i}") for i, o in enumerate(offers[:200])]
    adds = latencies(index.add, fresh)
    updates = latencies(lambda o: index.update(replace(o, title=o.title + " mới")), fresh)
    removes = latencies(lambda o: index.remove(o.id), fresh)
    print(
        f"  engine freshness       add p50 {quantile(adds, 0.5):.2f} ms, update p50 "
        f"{quantile(updates, 0.5):.2f} ms, archive p50 {quantile(removes, 0.5):.3f} ms"
    )


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
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-bm25", action="store_true")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs visible, "
        f"affinity {len(os.sched_getaffinity(0))} core(s), "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    requirements = make_requirements(args.seed, args.queries)
    for size in [parse_size(s) for s in args.sizes.split(",")]:
        started = time.perf_counter()
        offers = make_offers(args.seed, size)
        print(
            f"\n{size:,} offers (generated in {time.perf_counter() - started:.1f} s), "
            f"{len(requirements)} requirements"
        )
        bench_engine(offers, requirements)
        if not args.no_bm25:
            bench_bm25(offers, requirements)
        del offers
        gc.collect()


if __name__ == "__main__":
    main()

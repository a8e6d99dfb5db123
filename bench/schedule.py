"""Meeting scheduling for a provincial connection event, then a re-schedule after late changes.

A generated event: 300 producers, 200 buyers, 2,000 requested meetings (popular buyers get
most of them; some must-meet, some mutual; many firms attend only half a day), 16 slots, 60
tables. Prints solve time, meetings placed against the upper bound, and for the re-schedule how
many published meetings moved.
    python bench/schedule.py [--producers 300] [--buyers 200] [--requests 2000] [--slots 16]
                             [--tables 60] [--time-limit 10] [--seed 7] [--greedy]
"""

from __future__ import annotations

import argparse
import os
import random
from dataclasses import replace
from datetime import datetime, timedelta

from matchmaker.events.scheduling import (
    MeetingRequest,
    Participant,
    Schedule,
    Side,
    Slot,
    Table,
    default_workers,
    schedule_meetings,
)


def make_slots(count: int) -> list[Slot]:
    """20-minute meetings with 5 minutes to change tables; lunch splits the day in half."""
    day = datetime(2025, 10, 16, 8, 30)
    slots = []
    for t in range(count):
        start = day + timedelta(minutes=25 * t)
        if t >= count // 2:
            start += timedelta(minutes=90)
        slots.append(Slot(f"s{t:02d}", start, start + timedelta(minutes=20)))
    return slots


def attendance(rng: random.Random, slot_ids: list[str]) -> frozenset[str]:
    half = len(slot_ids) // 2
    roll = rng.random()
    if roll < 0.15:
        chosen = slot_ids[:half]  # morning only
    elif roll < 0.30:
        chosen = slot_ids[half:]  # afternoon only
    else:
        chosen = list(slot_ids)
    if rng.random() < 0.2:  # arrives late, leaves early, or steps out to a stand
        chosen = [s for s in chosen if rng.random() > 0.2]
    return frozenset(chosen)


def make_event(
    rng: random.Random, producers: int, buyers: int, requests: int, slot_count: int, tables: int
) -> tuple[list[Slot], list[Table], list[Participant], list[MeetingRequest]]:
    slots = make_slots(slot_count)
    slot_ids = [s.id for s in slots]
    firms = [
        Participant(f"p{i:04d}", Side.PRODUCER, attendance(rng, slot_ids), rng.choice([6, 8, None]))
        for i in range(producers)
    ] + [
        Participant(f"b{i:04d}", Side.BUYER, attendance(rng, slot_ids), rng.choice([10, 12, None]))
        for i in range(buyers)
    ]
    producer_ids = [f.id for f in firms if f.side is Side.PRODUCER]
    buyer_ids = [f.id for f in firms if f.side is Side.BUYER]
    # Zipf-like popularity: the big supermarket chains and export buyers draw most requests.
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(buyer_ids))]
    activity = [rng.paretovariate(2.0) for _ in producer_ids]
    pairs: set[tuple[str, str]] = set()
    wanted: list[MeetingRequest] = []
    while len(wanted) < requests:
        producer = rng.choices(producer_ids, activity)[0]
        buyer = rng.choices(buyer_ids, popularity)[0]
        if (producer, buyer) in pairs:
            continue
        pairs.add((producer, buyer))
        wanted.append(
            MeetingRequest(
                f"r{len(wanted):05d}",
                producer,
                buyer,
                must_meet=rng.random() < 0.05,
                mutual=rng.random() < 0.25,
                score=round(rng.betavariate(4, 3), 3),
            )
        )
    return slots, [Table(f"T{k + 1:02d}") for k in range(tables)], firms, wanted


def late_changes(
    rng: random.Random,
    firms: list[Participant],
    requests: list[MeetingRequest],
    withdrawn: int,
    narrowed: int,
    added: int,
) -> tuple[list[Participant], list[MeetingRequest]]:
    """Some firms withdraw, some can no longer stay all day, and new requests arrive."""
    changed = rng.sample(range(len(firms)), withdrawn + narrowed)
    firms = list(firms)
    for k, i in enumerate(changed):
        slots = sorted(firms[i].available_slot_ids)
        kept = frozenset() if k < withdrawn else frozenset(slots[: max(len(slots) - 3, 0)])
        firms[i] = replace(firms[i], available_slot_ids=kept)
    producers = [f.id for f in firms if f.side is Side.PRODUCER]
    buyers = [f.id for f in firms if f.side is Side.BUYER]
    pairs = {(q.participant_a, q.participant_b) for q in requests}
    requests = list(requests)
    while added:
        pair = (rng.choice(producers), rng.choice(buyers))
        if pair not in pairs:
            pairs.add(pair)
            requests.append(
                MeetingRequest(f"late{added:03d}", *pair, must_meet=rng.random() < 0.1,
                               score=round(rng.random(), 3))
            )  # fmt: skip
            added -= 1
    return firms, requests


def report(label: str, schedule: Schedule) -> None:
    share = schedule.placed / schedule.upper_bound if schedule.upper_bound else 1.0
    print(
        f"{label:<12} {schedule.solve_seconds:6.2f} s  {schedule.status.value:<8}  "
        f"placed {schedule.placed} / bound {schedule.upper_bound} ({share:.1%})  "
        f"gaps {schedule.gaps}  objective {schedule.objective}"
        + (f" / bound {schedule.objective_bound}" if schedule.objective_bound is not None else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--producers", type=int, default=300)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--greedy", action="store_true", help="only the greedy fallback")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    slots, tables, firms, requests = make_event(
        rng, args.producers, args.buyers, args.requests, args.slots, args.tables
    )
    method = "greedy" if args.greedy else "auto"
    print(
        f"cpu_count {os.cpu_count()}, CP-SAT workers {default_workers()}; {len(firms)} firms, "
        f"{len(requests)} requests "
        f"({sum(q.must_meet for q in requests)} must-meet, {sum(q.mutual for q in requests)} "
        f"mutual), {len(slots)} slots x {len(tables)} tables, time limit {args.time_limit:g} s"
    )
    first = schedule_meetings(
        slots, tables, firms, requests, time_limit=args.time_limit, method=method
    )
    report("schedule", first)
    if method == "auto":
        report("greedy only", schedule_meetings(slots, tables, firms, requests, method="greedy"))

    firms, requests = late_changes(rng, firms, requests, withdrawn=5, narrowed=10, added=40)
    again = schedule_meetings(
        slots, tables, firms, requests, published=first.placements,
        time_limit=args.time_limit, method=method,
    )  # fmt: skip
    report("re-schedule", again)
    attending = {f.id: f.available_slot_ids for f in firms}
    by_id = {q.id: q for q in requests}
    still_possible = sum(
        1
        for request_id, placement in first.placements.items()
        if placement.slot_id in attending[by_id[request_id].participant_a]
        and placement.slot_id in attending[by_id[request_id].participant_b]
    )
    kept = len(first.placements) - again.moved_published - again.dropped_published
    print(
        f"re-schedule after 5 withdrawals, 10 shortened days, 40 new requests: "
        f"{kept} of {len(first.placements)} published meetings kept "
        f"({still_possible} still possible where they were), {again.moved_published} moved, "
        f"{again.dropped_published} dropped; must-meet placed "
        f"{sum(1 for q in requests if q.must_meet and q.id in again.placements)}"
        f" of {sum(q.must_meet for q in requests)}"
    )


if __name__ == "__main__":
    main()

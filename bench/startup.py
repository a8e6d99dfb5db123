"""How long the command line takes to start: ``matchmaker --help``, and ``python -c pass`` for
the interpreter alone, each run N times in a fresh process.

Prints the median wall time and the median CPU time (user + system) of each. On a machine busy
with other work the wall time waits for a core; the CPU time does not.
    python bench/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "matchmaker --help": [sys.executable, "-m", "matchmaker.cli", "--help"],
    "python -c pass": [sys.executable, "-c", "pass"],
}


def measure(command: list[str], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, {args.runs} runs")
    for name, command in COMMANDS.items():
        wall, cpu = measure(command, args.runs)
        print(f"{name:<20} wall {wall:.3f} s   cpu {cpu:.3f} s")


if __name__ == "__main__":
    main()

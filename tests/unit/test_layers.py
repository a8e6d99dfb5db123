"""The layers hold: the import-linter contracts of setup.cfg (what may import what), no two
modules that import each other, and a command line that starts without building the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
from importlinter import cli

ROOT = Path(__file__).resolve().parents[2]

# Cycles other work is taking apart; each entry is to go with it, not to grow.


def test_the_import_contracts_hold() -> None:
    assert cli.lint_imports(config_filename=str(ROOT / "setup.cfg"), no_cache=True) == 0


def _cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
    return found


def test_no_modules_import_each_other() -> None:
    """Imports inside functions count too: a cycle between two modules is a missing third."""
    cycles = set(_cycles(grimp.build_graph("matchmaker", "workers")))
    assert cycles == set()


def test_the_cycle_finder_finds_a_cycle_of_three() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")]:
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph) == [frozenset({"a.x", "a.y", "a.z"})]


def test_the_command_line_starts_without_the_app_or_heavy_libraries() -> None:
    """``matchmaker --help`` imports click and the command modules only (see the README for
    the time it takes)."""
    heavy = ["flask", "sqlalchemy", "celery", "numpy", "scipy", "sklearn", "openpyxl", "bm25s",
             "matchmaker.app", "matchmaker.extensions"]  # fmt: skip
    probe = (
        "import sys, matchmaker.cli\n"
        "sys.argv = ['matchmaker', '--help']\n"
        "try:\n    matchmaker.cli.main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Commands:" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"

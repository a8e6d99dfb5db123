"""Every code the package can say has an English text and a Vietnamese translation.

The services raise codes, never prose (:mod:`matchmaker.errors`); this walks the source for
every code written where an error or a field problem is made, so that a new code without a
text (or without its Vietnamese) fails here rather than on a page.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import matchmaker
from matchmaker.texts import MESSAGES
from matchmaker.translations import CATALOGS as TRANSLATIONS

PACKAGE = Path(matchmaker.__file__).resolve().parent
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Calls that take a code: (function name, position of the code among the arguments).
CODE_ARGUMENT = {"field_error": 1, "fail": 1, "_fail": 0, "row_problem": 1, "FieldProblem": 1,
                 "say": 0, "done": 0}  # fmt: skip


def _trees() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _error_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """DomainError and every class that derives from it, anywhere in the package."""
    bases: dict[str, set[str]] = {}
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                names = {_name(b) for b in node.bases}
                bases.setdefault(node.name, set()).update(n for n in names if n)
    found = {"DomainError"}
    while True:
        more = {name for name, parents in bases.items() if parents & found} - found
        if not more:
            return found
        found |= more


def codes_in_source(*, shaped: bool = True) -> dict[str, str]:
    """Each literal code given to an error or a field problem, with where it is written (with
    ``shaped=False``, the literals that do not look like a code: prose)."""
    trees = list(_trees())
    errors = _error_classes(trees)
    found: dict[str, str] = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            position = 0 if name in errors else CODE_ARGUMENT.get(name or "")
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            literal = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            if literal and bool(CODE.match(argument.value)) == shaped:  # type: ignore[attr-defined]
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                found.setdefault(argument.value, where)  # type: ignore[attr-defined]
    return found


def test_no_error_is_made_with_prose() -> None:
    assert codes_in_source(shaped=False) == {}


def test_the_walk_finds_the_codes_of_every_area() -> None:
    found = codes_in_source()
    for code in ("offer.not_found", "field.required", "import.missing_column",
                 "account.bad_credentials", "match.not_found"):  # fmt: skip
        assert code in found


def test_every_code_raised_has_a_text() -> None:
    missing = {code: where for code, where in codes_in_source().items() if code not in MESSAGES}
    assert not missing, f"codes without a text in matchmaker/texts.py: {missing}"


def _catalog(language: str) -> dict[str, str]:
    path = Path(TRANSLATIONS) / language / "LC_MESSAGES" / "messages.mo"
    with path.open("rb") as compiled:
        return dict(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_an_english_text_and_a_vietnamese_translation(code: str) -> None:
    english = MESSAGES[code]
    assert english.strip()
    vietnamese = _catalog("vi").get(english, "")
    assert vietnamese.strip(), f"{code}: {english!r} has no Vietnamese translation"
    parameters = re.compile(r"%\((\w+)\)")
    assert set(parameters.findall(vietnamese)) == set(parameters.findall(english)), code

"""Every page string has a Vietnamese translation, and the compiled catalog is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "matchmaker" / "web" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
METHODS = [
    ("matchmaker/web/**.py", "python"),
    ("matchmaker/web/templates/**.html", "jinja2"),
]


def _source_messages() -> set[str]:
    found = extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def _po() -> dict[str, str]:
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_every_page_string_is_translated_into_vietnamese() -> None:
    translated = {k for k, v in _po().items() if v}
    missing = sorted(_source_messages() - translated)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


def test_the_compiled_catalog_matches_the_translations() -> None:
    with (CATALOG / "messages.mo").open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == {k: v for k, v in _po().items() if v}, "run `make translations`"

"""Every string a reader sees has a Vietnamese translation (pages, coded messages, emails,
explanations, exports), none is left fuzzy, and the compiled catalog is current."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from matchmaker.texts import MESSAGES

ROOT = Path(__file__).resolve().parents[3]
CATALOG = ROOT / "matchmaker" / "web" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None}
METHODS = [
    ("matchmaker/**.py", "python"),
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


def test_no_entry_of_the_vietnamese_catalog_is_untranslated_or_fuzzy() -> None:
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], "translate in messages.po: " + "; ".join(map(str, untranslated))
    assert fuzzy == [], "review, then clear the fuzzy flag of: " + "; ".join(map(str, fuzzy))


def test_every_coded_message_is_in_the_catalog_and_translated() -> None:
    translated = {k for k, v in _po().items() if v}
    missing = sorted(f"{code}: {text}" for code, text in MESSAGES.items() if text not in translated)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_translations_keep_the_placeholders_of_their_message() -> None:
    """A translation that drops or misspells ``%(name)s`` shows the message unfilled."""
    wrong = [
        f"{message_id} -> {text}"
        for message_id, text in _po().items()
        if text and set(_PLACEHOLDER.findall(message_id)) != set(_PLACEHOLDER.findall(text))
    ]
    assert wrong == []

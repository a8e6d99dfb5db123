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
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None,
            "ngettext": (1, 2)}  # fmt: skip
# A message with a plural ("%(num)d unread message(s)") is a pair of ids with a translation
# per plural form of the language (Vietnamese has one); it is translated when each form is.
MessageId = str | tuple[str, ...]
Translation = str | tuple[str, ...]
METHODS = [
    ("matchmaker/**.py", "python"),
    ("matchmaker/web/templates/**.html", "jinja2"),
]


def _source_messages() -> set[MessageId]:
    found = extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


def _translation(string: str | tuple[str, ...] | list[str]) -> Translation:
    """The translation as one value: a tuple of its forms for a plural; "" when any is missing."""
    if isinstance(string, str):
        return string
    forms = tuple(string)
    return forms if all(forms) else ""


def _po() -> dict[MessageId, Translation]:
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    return {m.id: _translation(m.string) for m in catalog if m.id and not m.fuzzy}


def test_every_page_string_is_translated_into_vietnamese() -> None:
    translated = {k for k, v in _po().items() if v}
    missing = sorted(map(str, _source_messages() - translated))
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


def test_the_compiled_catalog_matches_the_translations() -> None:
    with (CATALOG / "messages.mo").open("rb") as fh:
        # The compiled catalog gives a plural's ids as a list.
        compiled = {
            m.id if isinstance(m.id, str) else tuple(m.id): _translation(m.string)
            for m in read_mo(fh)
            if m.id
        }
    assert compiled == {k: v for k, v in _po().items() if v}, "run `make translations`"


def test_no_entry_of_the_vietnamese_catalog_is_untranslated_or_fuzzy() -> None:
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = [m.id for m in catalog if m.id and not _translation(m.string)]
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
        f"{message_id} -> {form}"
        for message_id, text in _po().items()
        for form in ((text,) if isinstance(text, str) else text)
        if form and _placeholders(message_id) != set(_PLACEHOLDER.findall(form))
    ]
    assert wrong == []


def _placeholders(message_id: MessageId) -> set[str]:
    ids = (message_id,) if isinstance(message_id, str) else message_id
    return {name for text in ids for name in _PLACEHOLDER.findall(text)}

"""Every error the events raise is a code with an English and a Vietnamese text, and the input
models name a broken rule by code."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from matchmaker.errors import Invalid
from matchmaker.events.inputs import NewEvent, Outcome, Registration, parse
from matchmaker.texts import MESSAGES

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "matchmaker" / "events"
CATALOG = ROOT / "matchmaker" / "web" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
# The areas of the codes the events raise (``field.*`` are the shared field rules).
CODE = re.compile(r"^(event|participant|meeting|deal|schedule|field)\.[a-z_]+$")


def _raised_codes() -> set[str]:
    """Every code written in the events package: raised, given to a field, or mapped to."""
    codes = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and CODE.match(str(node.value)):
                codes.add(node.value)
    return codes


def test_every_event_error_code_has_an_english_and_a_vietnamese_text() -> None:
    codes = _raised_codes()
    assert {"event.registration_closed", "deal.stage_backwards", "schedule.double_booked"} <= codes
    with CATALOG.open("rb") as fh:
        vietnamese = {m.id: m.string for m in read_po(fh) if m.id and not m.fuzzy}
    missing = sorted(code for code in codes if code not in MESSAGES)
    assert missing == [], "add to matchmaker/texts.py: " + ", ".join(missing)
    untranslated = sorted(c for c in codes if not vietnamese.get(MESSAGES[c]))
    assert untranslated == [], "translate: " + ", ".join(untranslated)


def test_an_event_breaking_the_rules_names_each_field_by_code() -> None:
    with pytest.raises(Invalid) as refused:
        parse(NewEvent, {
            "name": "", "venue": "Nhà văn hóa", "days": [], "table_count": "nhiều",
            "slot_minutes": 2, "registration_deadline": "2030-10-01T08:00",
            "target_provinces": ["Tây Ninh", "Atlantis"],
        })  # fmt: skip
    assert refused.value.code == "event.invalid"
    assert {(e.field, e.code, tuple(e.params.items())) for e in refused.value.errors} == {
        ("name", "field.required", ()),
        ("days", "event.no_session", ()),
        ("table_count", "field.whole_number", ()),
        ("slot_minutes", "field.at_least", (("min", 5),)),
        ("registration_deadline", "event.moment", ()),
        ("target_provinces.1", "field.province", ()),
    }


def test_a_province_is_taken_in_any_spelling_and_kept_as_its_code() -> None:
    event = parse(NewEvent, {
        "name": "Hội chợ", "venue": "Nhà văn hóa", "table_count": 2,
        "days": [{"date": "2030-10-01", "start": "08:00", "end": "09:00"}],
        "registration_deadline": datetime(2030, 9, 1, tzinfo=UTC),
        "target_provinces": ["Tay Ninh"],
    })  # fmt: skip
    assert event.target_provinces == ["80"]


def test_registration_and_outcome_limits_are_coded() -> None:
    with pytest.raises(Invalid) as refused:
        parse(Registration, {"max_meetings": 0, "note": "x" * 1001, "offer_ids": [0]})
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("max_meetings", "field.at_least"),
        ("note", "field.max_length"),
        ("offer_ids.0", "field.at_least"),
    }
    with pytest.raises(Invalid) as refused:
        parse(Outcome, {"stage": "married", "order_value_vnd": -1}, "deal.invalid")
    assert refused.value.code == "deal.invalid"
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("stage", "field.choice"),
        ("order_value_vnd", "field.at_least"),
    }

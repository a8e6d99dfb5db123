"""Records to and from JSON-ready dicts (evaluation set files, feedback exports)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from matchmaker.ranking.records import OfferRecord, RequirementRecord

R = TypeVar("R", OfferRecord, RequirementRecord)

_DATES = {"ocop_certified_until", "needed_by", "valid_until"}
_DATETIMES = {"updated_at"}
_SETS = {
    "certifications",
    "export_markets",
    "serves_provinces",
    "wanted_buyer_types",
    "required_certifications",
    "delivery_provinces",
}


def _from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
    """Build a record from a dict; keys the record does not know (ground truth) are ignored."""
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if value is not None:
            if f.name in _DATES:
                value = date.fromisoformat(value)
            elif f.name in _DATETIMES:
                value = datetime.fromisoformat(value)
            elif f.name in _SETS:
                value = frozenset(value)
        values[f.name] = value
    return cls(**values)


def _to_dict(record: OfferRecord | RequirementRecord) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, frozenset):
            value = sorted(value)
        out[f.name] = value
    return out


def offer_from_dict(data: Mapping[str, Any]) -> OfferRecord:
    return _from_dict(OfferRecord, data)


def requirement_from_dict(data: Mapping[str, Any]) -> RequirementRecord:
    return _from_dict(RequirementRecord, data)


def record_to_dict(record: OfferRecord | RequirementRecord) -> dict[str, Any]:
    return _to_dict(record)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")

"""Certifications buyers ask for beside the OCOP stars: VietGAP, organic, HACCP, halal..."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from matchmaker.ranking.reference._data import build_index, find, read_rows, split_aliases
from matchmaker.ranking.reference.errors import UnknownReference
from matchmaker.ranking.text import fold_key

# "ISO 22000:2018" is the same scheme as "ISO 22000"; the edition does not matter to a buyer.
_EDITION = re.compile(r"\s*[:/-]?\s*(?:19|20)\d\d$")
# Words around a scheme name that do not change which scheme it is.
_FILLER = re.compile(r"^(?:chung nhan|tieu chuan|dat chuan|certified|certificate|certification)\s+")
_FILLER_END = re.compile(r"\s+(?:certified|certificate|certification|standard)$")


@dataclass(frozen=True, slots=True)
class Certification:
    code: str
    name_vi: str
    name_en: str


@cache
def _rows() -> tuple[tuple[Certification, tuple[str, ...]], ...]:
    return tuple(
        (
            Certification(code=row["code"], name_vi=row["name_vi"], name_en=row["name_en"]),
            tuple(split_aliases(row["aliases"])),
        )
        for row in read_rows("certifications.csv")
    )


@cache
def certifications() -> tuple[Certification, ...]:
    return tuple(certification for certification, _ in _rows())


@cache
def _by_code() -> dict[str, Certification]:
    return {certification.code: certification for certification in certifications()}


def _key(text: str) -> str:
    key = fold_key(_EDITION.sub("", text.strip()))
    key = _FILLER_END.sub("", _FILLER.sub("", key))
    return key


@cache
def _index() -> dict[str, Certification]:
    rows = _rows()
    entries = [(_key(cert.code), cert) for cert, _ in rows]
    entries += [(_key(name), cert) for cert, _ in rows for name in (cert.name_vi, cert.name_en)]
    entries += [(_key(alias), cert) for cert, aliases in rows for alias in aliases]
    return build_index(entries)


def get_certification(code: str) -> Certification:
    certification = _by_code().get(code.strip().lower())
    if certification is None:
        raise UnknownReference("certification", code)
    return certification


def resolve_certification(text: str) -> Certification | None:
    """A certification from its code or any common spelling ("Viet GAP", "ISO 22000:2018",
    "Global G.A.P.", "hữu cơ"); None when nothing matches."""
    if not text or not text.strip():
        return None
    return find(_index(), _key(text))

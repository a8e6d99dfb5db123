"""The vocabulary files in ``matchmaker/ranking/data/vocabulary`` parse strictly.

Each file is UTF-8, NFC, tab-separated with an exact header, no blank or comment lines, no
padded cells and no duplicate rows. The counts below are floors, not targets.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from functools import cache
from importlib import resources

import pytest

from matchmaker.ranking.glossary import default_glossary
from matchmaker.ranking.reference import categories
from matchmaker.ranking.text import fold, normalize

MIN_PRODUCT_PAIRS = 1_000
MIN_PAIRS_PER_SUBGROUP = 25
MIN_REGIONAL_ROWS = 60
MIN_ABBREVIATION_ROWS = 60
MIN_HOMOGRAPH_ROWS = 12

HEADERS = {
    "products.tsv": ("vi", "en", "group"),
    "regional.tsv": ("north", "central", "south", "en", "note"),
    "abbreviations.tsv": ("term", "expansion", "kind", "note"),
    "homographs.tsv": ("term", "sense", "en", "context"),
    "distinct.tsv": ("term", "not a kind of", "note"),
    "kinds.tsv": ("term", "a kind of", "note"),
}
ABBREVIATION_KINDS = {"abbreviation", "unit", "grade", "variety"}

# A bare generic English word joins every line that carries it into one concept, so it may
# only stand on the lines of its own generic Vietnamese terms.
GENERIC_WORDS = {
    "tea": {"trà", "chè"},
    "coffee": {"cà phê", "cafe"},
    "wine": {"rượu vang", "vang"},
    "liquor": {"rượu"},
    "spirit": {"rượu"},
    "cake": set(),
    "sauce": {"nước sốt"},
    "paste": set(),
    "powder": set(),
    "oil": set(),
    "noodle": set(),
    "rice": {"gạo"},
    "bean": set(),
    "seed": set(),
    "fish": {"cá"},
    "meat": {"thịt"},
    "candy": {"kẹo"},
    "fruit": {"trái cây", "hoa quả"},
    "salt": {"muối"},
    "honey": {"mật ong"},
    "mushroom": {"nấm"},
    "juice": {"nước ép"},
    "vegetable": {"rau", "rau củ"},
    "milk": {"sữa"},
    "soup": set(),
    "bag": set(),
    "basket": set(),
    "scarf": {"khăn"},
    "fabric": {"vải"},
    "painting": {"tranh"},
}


def _read(name: str) -> str:
    path = resources.files("matchmaker.ranking").joinpath("data", "vocabulary", name)
    return path.read_text("utf-8")


@cache
def _rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Data rows of a file, after checking its encoding, layout and header."""
    text = _read(name)
    assert not text.startswith("\ufeff"), f"{name}: byte order mark"
    assert unicodedata.is_normalized("NFC", text), f"{name}: text is not NFC"
    assert text.endswith("\n") and not text.endswith("\n\n"), f"{name}: end of file"
    assert "\r" not in text, f"{name}: carriage return"
    lines = text[:-1].split("\n")
    header = HEADERS[name]
    assert tuple(lines[0].split("\t")) == header, f"{name}: header"
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = tuple(line.split("\t"))
        assert len(cells) == len(header), f"{name}:{number}: {len(cells)} columns"
        for cell in cells:
            assert cell == cell.strip(), f"{name}:{number}: padded cell {cell!r}"
            assert "  " not in cell, f"{name}:{number}: double space in {cell!r}"
        assert not cells[0].startswith("#"), f"{name}:{number}: comment line"
        rows.append(cells)
    duplicates = [row for row, n in Counter(rows).items() if n > 1]
    assert not duplicates, f"{name}: duplicate rows {duplicates}"
    return tuple(rows)


def _terms(cell: str, where: str) -> list[str]:
    terms = cell.split("|") if cell else []
    for term in terms:
        assert term and term == term.strip(), f"{where}: empty or padded term in {cell!r}"
    duplicates = [t for t, n in Counter(normalize(t) for t in terms).items() if n > 1]
    assert not duplicates, f"{where}: repeated terms {duplicates}"
    return terms


def _subgroups() -> set[str]:
    return {c.code for c in categories() if not c.is_group}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_file_layout(name):
    assert _rows(name)


def test_products_cells_and_groups():
    subgroups = _subgroups()
    seen: dict[str, int] = {}
    for number, (vi, en, group) in enumerate(_rows("products.tsv"), start=2):
        where = f"products.tsv:{number}"
        assert vi and en and group, f"{where}: empty cell"
        assert "|" not in vi, f"{where}: one Vietnamese term per line"
        assert group in subgroups, f"{where}: unknown sub-group {group!r}"
        assert _terms(en, where)
        key = normalize(vi)
        assert key not in seen, f"{where}: {vi!r} already on line {seen[key]}"
        seen[key] = number


def test_products_counts():
    pairs: Counter[str] = Counter()
    for _vi, en, group in _rows("products.tsv"):
        pairs[group] += len(en.split("|"))
    assert sum(pairs.values()) >= MIN_PRODUCT_PAIRS
    thin = {g: pairs[g] for g in sorted(_subgroups()) if pairs[g] < MIN_PAIRS_PER_SUBGROUP}
    assert not thin, f"sub-groups under {MIN_PAIRS_PER_SUBGROUP} pairs: {thin}"


def test_generic_english_words_stay_on_their_own_lines():
    misplaced = [
        (vi, en)
        for vi, ens, _group in _rows("products.tsv")
        for en in ens.split("|")
        if normalize(en) in GENERIC_WORDS and normalize(vi) not in GENERIC_WORDS[normalize(en)]
    ]
    assert not misplaced, f"generic English words on specific lines: {misplaced}"


def test_regional_rows():
    rows = _rows("regional.tsv")
    assert len(rows) >= MIN_REGIONAL_ROWS
    homographs = {normalize(row[0]) for row in _rows("homographs.tsv")}
    rows_of: defaultdict[str, set[int]] = defaultdict(set)
    for number, (north, central, south, en, _note) in enumerate(rows, start=2):
        where = f"regional.tsv:{number}"
        assert en and _terms(en, where), f"{where}: no English name"
        terms = {normalize(t) for cell in (north, central, south) for t in _terms(cell, where)}
        assert len(terms) >= 2, f"{where}: a row needs at least two different terms"
        assert north or south, f"{where}: neither a Northern nor a Southern term"
        for term in terms:
            rows_of[term].add(number)
    # A term in two concepts must say how to tell them apart.
    shared = {t: sorted(n) for t, n in rows_of.items() if len(n) > 1 and t not in homographs}
    assert not shared, f"terms in several rows but not in homographs.tsv: {shared}"


def test_abbreviation_rows():
    rows = _rows("abbreviations.tsv")
    assert len(rows) >= MIN_ABBREVIATION_ROWS
    pairs = set()
    for number, (term, expansion, kind, _note) in enumerate(rows, start=2):
        where = f"abbreviations.tsv:{number}"
        assert term and expansion and kind, f"{where}: empty cell"
        assert kind in ABBREVIATION_KINDS, f"{where}: unknown kind {kind!r}"
        assert term == normalize(term), f"{where}: terms are written as normalised text"
        key = (term, normalize(expansion))
        assert key not in pairs, f"{where}: {term!r} -> {expansion!r} twice"
        pairs.add(key)
    kinds = Counter(kind for _t, _e, kind, _n in rows)
    assert set(kinds) == ABBREVIATION_KINDS, f"every kind is used: {kinds}"


def test_homograph_rows():
    rows = _rows("homographs.tsv")
    assert len(rows) >= MIN_HOMOGRAPH_ROWS
    senses: defaultdict[str, list[str]] = defaultdict(list)
    for number, (term, sense, en, context) in enumerate(rows, start=2):
        where = f"homographs.tsv:{number}"
        assert term and sense and en and context, f"{where}: empty cell"
        assert term == normalize(term), f"{where}: terms are written as normalised text"
        assert _terms(en, where) and _terms(context, where)
        senses[term].append(sense)
    single = [term for term, s in senses.items() if len(set(s)) < 2]
    assert not single, f"a homograph needs two senses at least: {single}"


@pytest.mark.parametrize("name", ["distinct.tsv", "kinds.tsv"])
def test_kind_rows_name_two_products(name):
    # A misspelt term would name no product and the row would silently do nothing.
    glossary = default_glossary()
    for number, (term, other, note) in enumerate(_rows(name), start=2):
        where = f"{name}:{number}"
        assert note, f"{where}: say why"
        narrower, broader = glossary.concepts_of(term), glossary.concepts_of(other)
        assert narrower and broader, f"{where}: {term!r} and {other!r} must be products"
        assert set(narrower) != set(broader), f"{where}: one product"


def test_a_kind_is_taken_by_the_listings_of_its_narrower_products():
    glossary = default_glossary()
    for term, other, _note in _rows("kinds.tsv"):
        toks = term.split()
        heads = glossary.head_concepts(toks, [fold(w) for w in toks])
        assert set(glossary.concepts_of(other)) <= set(heads), term


def test_readme_describes_every_file():
    readme = _read("README.md")
    for name in HEADERS:
        assert f"`{name}`" in readme

"""Words, not syllables: how listings and requests are read for matching and search.

Vietnamese words are mostly two or three syllables, and once accents are gone many syllables
collide ("ca" is cà, cá, ca, cả; "ong" is ong and ống). Matching on single syllables makes
"ca phe" find "Cà Mau" and "mật ong" find "ống hút". So:

* a listing is indexed with its syllables *and* its adjacent-syllable pairs, both folded and
  with their accents, plus the concepts of the product vocabulary (English, regional words);
* a request is read into **clauses**: a vocabulary term, a word of several syllables that the
  catalogue itself writes together (bigram statistics over the index), or a lone syllable.
  A clause of several syllables matches only as that word, never syllable by syllable;
* a request typed with accents is matched with its accents ("mật" is not "mát");
  one typed without is matched folded, and the catalogue's own most common accented reading
  of each of its words is scored first;
* an offer is *relevant* when it is the product the request names (its head) and covers
  enough of the request's clauses (weighted by how rare each clause is in the catalogue); it
  is *related* when it is the same kind of product without being relevant. Neither means it
  is shown: the caller decides that (lists are never padded with the rest).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise

from matchmaker.ranking import lookup
from matchmaker.ranking.glossary import Glossary, Rewrites, Span, default_glossary
from matchmaker.ranking.text import char_ngrams, fold, singular, words

# Term weights by kind; a concept counts most, a title trigram least.
_WEIGHTS = {"w": 1.0, "a": 0.5, "b": 0.8, "B": 0.6, "g": 2.0, "h": 1.0, "c": 0.15}
_BODY = 0.4

# Two adjacent syllables are one word when the catalogue writes them together in at least
# this share of the listings that have the rarer of the two.
COHESION = 0.5
# Share of the request's clause weight an offer must cover to be relevant.
COVERAGE = 0.6
# A clause naming a product the vocabulary knows counts this much more than other words,
# a place name (where the buyer would like it from) this much less.
CONCEPT_WEIGHT = 2.0
PLACE_WEIGHT = 0.3
# Other words of a request (qualities: "nguyên chất", "đóng chai") count this much.
MODIFIER_WEIGHT = 0.5
# An accented reading becomes "the" reading of a word typed without accents when it is at
# least this share of the word's occurrences in listing titles.
READING_SHARE = 0.5
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about the product: request boilerplate and filler. Vietnamese ones
# are matched with their accents in a text typed with accents ("của" is filler, "cua" a
# crab) and folded in one typed without; English ones as they are.
_VIETNAMESE_STOPWORDS = """
    và của các những được cho với thể một này tại từ trong trên theo khi hơn rất cần mua
    tốt loại hàng nguồn là có
    """
ENGLISH_STOPWORDS = _word_set(
    """
    a an and of for to in with from on by our we need looking buy supplier suppliers product
    products quality high good best per month monthly sourcing wanted buying export import
    long term contract private label payment sample price list above ocop vietnam the
    at or is are
    """
)
STOPWORDS = ENGLISH_STOPWORDS | frozenset(fold(w) for w in _VIETNAMESE_STOPWORDS.split())

# Request boilerplate that only reads as filler with its accents: folded, each of these is
# also a product word ("chuỗi" a chain, "chuối" a banana; "Tết" the holiday, "tét" the cake).
ACCENTED_STOPWORDS = _word_set(
    _VIETNAMESE_STOPWORDS
    + """
    chuỗi cửa lớn đặt dài nhập ổn định ngày phục vụ quầy vùng miền quà tặng dịp tết
    yêu rõ ràng số lượng toán
    """
)


# Phrases that only frame a request ("cho chuỗi cửa hàng", "số lượng lớn"): folded, once
# the accents are gone their syllables are product words ("chuối" a banana, "cua" a crab).
STOP_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split())
    for phrase in """
    san pham|chat luong|uy tin|dam bao|tim kiem|tim nguon|cung cap
    chuoi cua hang|cua hang|chuoi sieu thi|sieu thi|he thong|so luong lon|so luong|thu mua
    nguon hang|nha cung cap|nha san xuat|dai han|lau dai|on dinh|hop dong|gia tot|gia si
    thanh toan|ngay san xuat|han su dung|bao bi|dong goi|giao hang|van chuyen|dat hang
    dac san vung mien|qua tang|dip tet|trung bay|ban le|ban si|dai ly|phan phoi
    """.replace("\n", "|").split("|")
    if phrase.strip()
)
_STOP_PHRASE_LENGTHS = sorted({len(p) for p in STOP_PHRASES}, reverse=True)
_STOP_PHRASE_STARTS = frozenset(p[0] for p in STOP_PHRASES)
# Quantities and packaging say how much, not what: never a clause a listing must match.
# With accents; and folded, only those no product word folds to ("tấn" is not "Tân").
MEASURE_WORDS = _word_set(
    """
    kg g gr gram gam ml l lít liter litre tấn tạ lạng cân hộp gói chai túi thùng bịch hũ lọ
    cái chiếc bộ tháng năm ngày tuần con box bottle pack piece set unit units carton bag sao
    """
)
PLAIN_MEASURE_WORDS = _word_set(
    """
    kg g gr gram gam ml l lit liter litre hop chai tui thung bich chiec ngay tuan box bottle
    pack piece set unit units carton bag sao star
    """
)


# How a product is made or kept, never the product itself: such a term is no request's
# head ("Green pepper, freeze-dried" asks for pepper).
PROCESS_TERMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(term.split())
    for term in """
    say kho|say|say deo|say gion|say thang hoa|kho|tuoi|rang|rang xay|dong lanh|hun khoi
    ngam|muoi|dong hop|nguyen chat|huu co|dried|dry|fresh|frozen|roasted|freeze dried
    smoked|salted|organic|pure|raw|ground|canned|instant
    """.replace("\n", "|").split("|")
    if term.strip()
)


# Words that say a product is fresh, or dried/preserved: with accents and folded.
_STATES = {
    "fresh": (_word_set("tươi sống fresh live"), _word_set("tuoi fresh live")),
    "preserved": (
        _word_set(
            "sấy khô dẻo giòn mứt ép đặc bột hun khói xông bếp dried dehydrated candied powder "
            "juice jam canned pickled smoked"
        ),
        _word_set(
            "say deo mut bep dried dehydrated candied powder juice jam canned pickled smoked"
        ),
    ),
}
_OPPOSITE = {"fresh": "preserved", "preserved": "fresh"}


def _states(toks: Sequence[Token], plain: bool) -> set[str]:
    """Whether a title says fresh, preserved, both or neither."""
    found = set()
    for state, (accented_words, folded_words) in _STATES.items():
        if any(
            (t.folded in folded_words) if plain else (t.accented in accented_words) for t in toks
        ):
            found.add(state)
    return found


# Latin letters with diacritics (precomposed, đ included; not × or ÷) and combining marks.
_DIACRITIC = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u1e00-\u1eff]")


def is_plain(text: str) -> bool:
    """True when the text carries no Vietnamese diacritic at all (typed without accents)."""
    return _DIACRITIC.search(text) is None


@dataclass(frozen=True, slots=True)
class Token:
    accented: str
    folded: str
    stop: bool


def tokens(text: str, glossary: Glossary | None = None) -> list[Token]:
    """The syllables of a text with their folded forms and whether each is filler; with a
    glossary, the abbreviations, varieties and grades buyers type written out ("st 25" is
    "ST25", "40N" is "40 độ đạm")."""
    plain = is_plain(text)
    out = [_token(word, plain) for word in words(text)]
    if glossary is not None and glossary.rewrites.table:
        out = _rewritten(out, glossary.rewrites, plain)
    folded_all = [t.folded for t in out]
    i = 0
    while i < len(out):
        if folded_all[i] not in _STOP_PHRASE_STARTS:
            i += 1
            continue
        for length in _STOP_PHRASE_LENGTHS:
            if i + length <= len(out) and tuple(folded_all[i : i + length]) in STOP_PHRASES:
                for j in range(i, i + length):
                    out[j] = Token(out[j].accented, out[j].folded, True)
                i += length - 1
                break
        i += 1
    return out


@lru_cache(maxsize=200_000)
def _token(word: str, plain: bool) -> Token:
    """A word as a token; Vietnamese has a few thousand syllables, so caching makes reading
    a large catalogue several times faster."""
    accented = singular(word)
    folded = fold(accented)
    if plain:
        stop = folded in STOPWORDS
    else:
        stop = accented in ACCENTED_STOPWORDS or (
            accented == folded and folded in ENGLISH_STOPWORDS
        )
    return Token(accented, folded, stop)


def _concepts(toks: Sequence[Token], plain: bool, glossary: Glossary) -> list[str]:
    """Vocabulary concepts of a text, nested ones included, none inside a place name."""
    folded = [t.folded for t in toks]
    places = _places(folded, [False] * len(toks))
    if not places:
        return glossary.concepts([t.accented for t in toks], folded, plain=plain, ignore=STOPWORDS)
    found: list[str] = []
    start = 0
    for place_start, place_end in [*places, (len(toks), len(toks))]:
        part = toks[start:place_start]
        found += glossary.concepts(
            [t.accented for t in part], [t.folded for t in part], plain=plain, ignore=STOPWORDS
        )
        start = place_end
    return found


def _english_words(toks: Sequence[Token], stats: Stats) -> bool:
    """Whether a text without accents has English filler words ("for", "sourcing") that are
    no syllable of the catalogue's titles ("long" of "Long An" is one)."""
    return any(t.folded in ENGLISH_STOPWORDS and not stats.readings.count(t.folded) for t in toks)


def _english(
    toks: Sequence[Token], plain: bool, spans_text: Sequence[str], glossary: Glossary
) -> bool:
    """Whether a text reads as English: its terms are English names, or it has English
    filler words and no accents."""
    return (bool(spans_text) and all(glossary.is_english(t) for t in spans_text)) or (
        plain and any(t.folded in ENGLISH_STOPWORDS for t in toks)
    )


def _head_concepts(toks: Sequence[Token], plain: bool, glossary: Glossary) -> list[str]:
    """What a title names as its product (see ``Glossary.head_concepts``), places left out."""
    folded = [t.folded for t in toks]
    accented = [t.accented for t in toks]
    taken = [False] * len(toks)
    for start, end in _places(folded, taken):
        for i in range(start, end):
            folded[i] = accented[i] = ""
    spans = glossary.spans(accented, folded, plain=plain, ignore=STOPWORDS)
    english = _english(toks, plain, [" ".join(accented[s.start : s.end]) for s in spans], glossary)
    # An English title's head comes before "for", "with"...: "rice paper for spring rolls".
    end = _before_preposition(toks) if english else len(toks)
    return glossary.head_concepts(
        accented[:end], folded[:end], plain=plain, ignore=STOPWORDS, english=english
    )


_PREPOSITIONS = frozenset({"for", "with", "from", "to", "in", "by"})


def _before_preposition(toks: Sequence[Token]) -> int:
    for i, t in enumerate(toks):
        if i > 0 and t.folded in _PREPOSITIONS:
            return i
    return len(toks)


def _rewritten(toks: list[Token], rewrites: Rewrites, plain: bool) -> list[Token]:
    out: list[Token] = []
    i = 0
    longest, starts = rewrites.longest, rewrites.starts
    while i < len(toks):
        if toks[i].folded not in starts:
            out.append(toks[i])
            i += 1
            continue
        for length in range(min(longest, len(toks) - i), 0, -1):
            expansion = rewrites.table.get(tuple(t.folded for t in toks[i : i + length]))
            if expansion is None:
                continue
            words_out = list(expansion)
            # "gạo st 25" is "gạo ST25", not "gạo gạo ST25".
            while words_out and out and len(words_out) > 1 and fold(words_out[0]) == out[-1].folded:
                words_out.pop(0)
            for word in words_out:
                folded = fold(word)
                out.append(Token(folded if plain else word, folded, False))
            i += length
            break
        else:
            out.append(toks[i])
            i += 1
    return out


def _accented_key(token: Token, plain: bool) -> str:
    # A listing typed without accents has only its folded forms: they are kept apart ("q:",
    # "Q:") from the words an accented listing writes without accents ("kho" is not "khô").
    return ("q:" if plain else "a:") + (token.folded if plain else token.accented)


def document_terms(
    title: str, body: str = "", glossary: Glossary | None = None
) -> dict[str, float]:
    """Weighted terms of a listing (or of a request, to score it): the title counts more."""
    glossary = glossary or default_glossary()
    terms: dict[str, float] = {}
    _add_field(terms, title, 1.0, glossary, title=True)
    _add_field(terms, body, _BODY, glossary, title=False)
    # Repeating a word in a listing should not buy a better rank: damp repeats.
    return {t: (w if w <= 1.0 else 1.0 + math.log(w)) for t, w in terms.items()}


def _add(terms: dict[str, float], key: str, weight: float) -> None:
    terms[key] = terms.get(key, 0.0) + weight


def _add_field(
    terms: dict[str, float], text: str, boost: float, glossary: Glossary, title: bool
) -> None:
    if not text:
        return
    toks = tokens(text, glossary)
    plain = is_plain(text)
    heads = _head_concepts(toks, plain, glossary) if title else []
    for concept in _concepts(toks, plain, glossary):
        # A shorter term inside the name that the product is not ("mãng cầu", a custard
        # apple, inside "Mãng cầu xiêm", a soursop) says nothing of it.
        if not any((head, concept) in glossary.distinct for head in heads):
            _add(terms, "g:" + concept, _WEIGHTS["g"] * boost)
    if title:
        for concept in heads:
            _add(terms, "h:" + concept, _WEIGHTS["h"])
            if "g:" + concept not in terms:  # a term read apart ("cà phê … rang xay")
                _add(terms, "g:" + concept, _WEIGHTS["g"] * boost)
        # The title's first word, for products the vocabulary does not know: "Mắm thái" is
        # more of a "mắm" than "Nước mắm" is.
        first = next((t for t in toks if not t.stop), None)
        if first is not None:
            _add(terms, "f:" + first.folded, _WEIGHTS["h"])
        for state in _states(toks, plain):
            _add(terms, "p:" + state, _WEIGHTS["h"])
    content = [t for t in toks if not t.stop]
    for t in content:
        _add(terms, "w:" + t.folded, _WEIGHTS["w"] * boost)
        _add(terms, _accented_key(t, plain), _WEIGHTS["a"] * boost)
    # Pairs of syllables written next to each other (stop words included: "bánh đa cua" is
    # one product, and dropping a word must not join two that were apart).
    for x, y in pairwise(toks):
        if x.stop and y.stop:
            continue
        _add(terms, f"b:{x.folded}_{y.folded}", _WEIGHTS["b"] * boost)
        pair = f"{_accented_key(x, plain)[2:]}_{_accented_key(y, plain)[2:]}"
        _add(terms, ("Q:" if plain else "B:") + pair, _WEIGHTS["B"] * boost)
    if title:
        for gram in char_ngrams([t.folded for t in content]):
            _add(terms, "c:" + gram, _WEIGHTS["c"] * boost)


def title_readings(title: str) -> list[tuple[str, str]]:
    """(folded, accented) forms of a title's syllables and syllable pairs, for learning how
    the catalogue writes its words; nothing from a title typed without accents."""
    if is_plain(title):
        return []
    toks = tokens(title)
    out = [(t.folded, t.accented) for t in toks if not t.stop]
    out.extend((f"{x.folded}_{y.folded}", f"{x.accented}_{y.accented}") for x, y in pairwise(toks))
    return out


class Readings:
    """How the catalogue's titles write each word: folded form → counts of accented forms."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}

    def add(self, title: str) -> None:
        for folded, accented in title_readings(title):
            counts = self._counts.get(folded)
            if counts is None:
                counts = self._counts[folded] = Counter()
            counts[accented] += 1

    def best(self, folded: str) -> str | None:
        """The accented form written most often, when it is the clear majority."""
        counts = self._counts.get(folded)
        if not counts:
            return None
        accented, n = counts.most_common(1)[0]
        return accented if n >= READING_SHARE * sum(counts.values()) else None

    def count(self, folded: str) -> int:
        """How often titles write the word (or pair, "a_b"), whatever the accents."""
        counts = self._counts.get(folded)
        return 0 if counts is None else sum(counts.values())


class Stats:
    """What the reader of a request needs to know of the catalogue."""

    def __init__(self, df: Callable[[str], int], readings: Readings) -> None:
        self.df = df
        self.readings = readings


@dataclass(frozen=True, slots=True)
class Clause:
    """One unit of meaning in a request: every slot must be present in an offer, and any
    term of a slot will do (a word with or without accents; a concept's term). ``weight``
    scales the clause's rarity: a product the vocabulary knows counts more, a place less."""

    text: str
    slots: tuple[tuple[str, ...], ...]
    concepts: tuple[str, ...] = ()
    weight: float = 1.0

    # The product the request is about (the first product term in Vietnamese, the last in
    # English: "nước mắm cá cơm" is a fish sauce, "anchovy fish sauce" too).
    head: bool = False
    # Of the head: the kinds the product is that its name does not say ("hồng trà Shan
    # tuyết" is a Shan tuyết tea): their listings are related to it, not relevant.
    wider: tuple[str, ...] = ()
    # The product as the request names it beside its kind ("trứng vịt" beside "trứng"):
    # when no listing names it so, none is relevant (listings of the kind are related);
    # not so when the name only adds how it is made ("mật ong nguyên chất").
    required: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class QueryPlan:
    """A request read for matching: its clauses (the description's when the title has none),
    the terms its offers are scored on, and a spelling the catalogue would use instead
    (which the index reads the request as when the words as typed find nothing)."""

    clauses: tuple[Clause, ...]
    terms: dict[str, float]
    corrected: str | None = None
    description_clauses: tuple[Clause, ...] = field(default=())
    # Terms an offer must not have to be relevant: a dried product for "vải thiều tươi".
    excluded: tuple[str, ...] = ()


def _restored(toks: Sequence[Token], stats: Stats) -> list[Token]:
    """Words typed without accents, given the accents the catalogue's titles write them with
    when one reading is the clear majority ("ca kho" is "cá kho" when the listings say so).
    Only the vocabulary is read with them: words still match whatever their accents."""
    out = list(toks)
    for i in range(len(out) - 1):
        x, y = out[i], out[i + 1]
        if x.stop or y.stop or x.accented != x.folded:
            continue
        reading = stats.readings.best(f"{x.folded}_{y.folded}")
        if reading is not None:
            first, second = reading.split("_", 1)
            out[i] = Token(first, x.folded, False)
            out[i + 1] = Token(second, y.folded, False)
    return out


def with_accents(text: str, stats: Stats, glossary: Glossary | None = None) -> str:
    """Words typed without accents, written as the catalogue's titles write them where one
    reading is the clear majority ("mien dong": "miến dong"); the others as typed."""
    typed = tokens(text, glossary)
    out = []
    for token, restored in zip(typed, _restored(typed, stats), strict=True):
        if restored is not token or token.accented != token.folded:
            out.append(restored.accented)  # read with its neighbour ("dong" of "miến dong")
            continue
        reading = stats.readings.best(token.folded)
        out.append(reading if reading is not None else token.accented)
    return " ".join(out)


def _unknown(token: Token, stats: Stats, glossary: Glossary) -> bool:
    word = token.folded
    return not (
        token.stop
        or not word.isalpha()
        or len(word) < 2
        or stats.readings.count(word)
        or glossary.knows(word)
    )


def _split(token: Token, stats: Stats, glossary: Glossary) -> list[Token]:
    """A word neither the catalogue nor the vocabulary knows that is two syllables the
    catalogue writes together, run into one ("caphe", "hatdieu")."""
    if not _unknown(token, stats, glossary):
        return [token]
    word = token.folded
    best: tuple[int, list[str]] | None = None
    for i in range(1, len(word)):
        left, right = word[:i], word[i:]
        n = stats.readings.count(f"{left}_{right}")
        if n > 0 and (best is None or n > best[0]):
            best = (n, [left, right])
    return [token] if best is None else [Token(w, w, False) for w in best[1]]


def _corrected(token: Token, stats: Stats, glossary: Glossary) -> list[Token]:
    """A word neither the catalogue nor the vocabulary knows, replaced by the likeliest one
    the catalogue uses one edit away ("mieng" for "mien")."""
    if not _unknown(token, stats, glossary):
        return [token]
    best: tuple[int, str] | None = None
    for candidate in _edits(token.folded):
        n = stats.readings.count(candidate)
        if n > 0 and (best is None or n > best[0]):
            best = (n, candidate)
    return [token] if best is None else [Token(best[1], best[1], False)]


def _paired(toks: Sequence[Token], stats: Stats) -> list[Token]:
    """Words the catalogue knows, but never next to each other, read as the pair it writes
    one edit away: Southern speech merges final n and ng, t and c ("mieng dong" for "miến
    dong"), and a typo of a known word may still be a known word."""
    out = list(toks)
    for i in range(len(out) - 1):
        x, y = out[i], out[i + 1]
        if x.stop or y.stop or stats.readings.count(f"{x.folded}_{y.folded}"):
            continue
        best: tuple[int, int, str] | None = None
        for j, pair in ((i, "{}_" + y.folded), (i + 1, x.folded + "_{}")):
            for candidate in _edits(out[j].folded):
                n = stats.readings.count(pair.format(candidate))
                if n > 0 and (best is None or n > best[0]):
                    best = (n, j, candidate)
        if best is not None:
            out[best[1]] = Token(best[2], best[2], False)
    return out


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def read_request(
    title: str, body: str, stats: Stats, glossary: Glossary | None = None
) -> QueryPlan:
    """Read a request (a requirement or a search) into clauses and scoring terms."""
    glossary = glossary or default_glossary()
    plain = is_plain(title)
    toks = tokens(title, glossary)
    if plain:
        # Two syllables run together ("hatdieu") are split at once: no reading is lost.
        toks = [t for token in toks for t in _split(token, stats, glossary)]
    # A spelling to offer when the words as typed find nothing (the caller decides); none for
    # English, whose words the catalogue's Vietnamese titles would only mangle ("to the US":
    # "tơ thế u").
    typo_prone = plain and not _english_words(toks, stats)
    fixed = toks
    if typo_prone:
        fixed = [t for token in toks for t in _corrected(token, stats, glossary)]
    corrected = None
    if [t.folded for t in fixed] != [t.folded for t in toks]:
        corrected = " ".join(t.folded for t in fixed)
    if plain:
        toks = _restored(toks, stats)
    clauses = _clauses(toks, plain, stats, glossary)
    body_clauses: list[Clause] = []
    if body and not clauses:
        body_clauses = _clauses(tokens(body, glossary), is_plain(body), stats, glossary)
    terms = document_terms(title, body, glossary)
    if plain:
        # The catalogue's own reading of each word typed without accents ranks first.
        for clause in clauses:
            for slot in clause.slots:
                for term in slot:
                    kind, folded = term.split(":", 1)
                    reading = stats.readings.best(folded) if kind in "wb" else None
                    if reading is not None:
                        _add(terms, ("a:" if kind == "w" else "B:") + reading, _WEIGHTS["b"])
    states = _states(toks, plain)
    # Fresh asked, dried not (or the other way round): the other state is not what was asked.
    excluded = tuple(f"p:{other}" for state, other in _OPPOSITE.items() if states == {state})
    return QueryPlan(tuple(clauses), terms, corrected, tuple(body_clauses), excluded)


def paired_spelling(title: str, stats: Stats, glossary: Glossary | None = None) -> str | None:
    """A request typed without accents as the catalogue writes its pairs of words (see
    :func:`_paired`); None when every pair is written as typed or none is one edit away.
    Worked out only when the words as typed find nothing: it tries every edit."""
    if not is_plain(title):
        return None
    glossary = glossary or default_glossary()
    toks = [t for token in tokens(title, glossary) for t in _split(token, stats, glossary)]
    if _english_words(toks, stats):
        return None
    regrouped = _paired(toks, stats)
    if [t.folded for t in regrouped] == [t.folded for t in toks]:
        return None
    return " ".join(t.folded for t in regrouped)


def _clauses(toks: Sequence[Token], plain: bool, stats: Stats, glossary: Glossary) -> list[Clause]:
    accented = [t.accented for t in toks]
    folded = [t.folded for t in toks]
    # Words are matched as typed; the vocabulary is read with the accents restored.
    typed_plain, plain = plain, plain and accented == folded
    taken = [t.stop for t in toks]
    placed = [False] * len(toks)
    spans: list[tuple[int, Clause]] = []
    # Place names first: "Trà Vinh" is a province, not a tea.
    for start, end in _places(folded, taken):
        for i in range(start, end):
            taken[i] = placed[i] = True
        clause = _word_clause(toks[start:end], typed_plain, stats)
        spans.append((start, Clause(clause.text, clause.slots, weight=PLACE_WEIGHT)))
    terms: list[Span] = []

    def listed(concepts: tuple[str, ...]) -> bool:
        return any(stats.df("g:" + c) for c in concepts)

    # A term no listing has is still that term (its words found other products) when:
    # - it is a form of a material no listing names ("vải thổ cẩm" where the listings say
    #   "Thổ cẩm Mai Châu"): listings of the material answer it (see the head below); read as
    #   its words, the material was no distinction among the cloths listed, and a request
    #   for brocade listed linen;
    # - its kind is listed ("trứng vịt" where only hen's eggs are): none answers it, and the
    #   kind's listings are related (as its words, "vịt" was no distinction among the eggs);
    # - nothing in it is a product listed ("linh chi"): its words would only find other
    #   things ("Gạo thơm Mai Linh").
    # Otherwise it is read as its words.
    kept_unlisted: set[tuple[str, ...]] = set()
    for span in glossary.spans(accented, folded, plain=plain, ignore=STOPWORDS):
        if span.end - span.start < 2 or listed(span.concepts):
            continue
        kind = glossary.generic(accented, folded, span, plain=plain)
        made_of = glossary.suffix(accented, folded, span, plain=plain).concepts
        inside = glossary.concepts(
            accented[span.start : span.end], folded[span.start : span.end], plain=plain
        )
        if (
            (
                (kind == span or kind.end - kind.start == 1)
                and glossary.made_of(span.concepts, made_of)
                and listed(made_of)
            )
            or not listed(tuple(c for c in inside if c not in span.concepts))
            or (kind != span and listed(kind.concepts))
        ):
            kept_unlisted.add(span.concepts)

    def known(concepts: tuple[str, ...]) -> bool:
        return listed(concepts) or concepts in kept_unlisted

    found = glossary.spans(accented, folded, plain=plain, ignore=STOPWORDS, keep=known)
    english = _english(toks, plain, [" ".join(accented[t.start : t.end]) for t in found], glossary)
    if english:
        found = glossary.spans(
            accented, folded, plain=plain, ignore=STOPWORDS, keep=known, english=True
        )
    for span in found:
        # A name of two words or more is no filler, whatever its words ("cần" of "rượu
        # cần", "một" of "mực một nắng"); places were read first.
        words_of_it = range(span.start, span.end)
        if (span.end - span.start > 1 and not any(placed[i] for i in words_of_it)) or not any(
            taken[i] for i in words_of_it
        ):
            terms.append(span)
            for i in range(span.start, span.end):
                taken[i] = True
    # A one-word product no listing has ("mướp", a luffa; "hồng" of "hồng sấy dẻo", a
    # persimmon) is that product still, not the word: read as the word, it found the longer
    # names that are other products ("Mướp đắng") and the word's other meanings ("Hồng
    # trà", "Sông Hồng"). (A longer term no listing has is read as its words.)
    for i in range(len(toks)):
        product = None
        if not english and not taken[i]:
            product = glossary.word_of(accented, folded, i, plain=plain, ignore=STOPWORDS)
        if product:
            terms.append(Span(i, i + 1, product))
            taken[i] = True
    terms.sort(key=lambda span: span.start)
    # The rest: runs of syllables the catalogue writes together are one word.
    free = [not taken[i] and not _measure(t) for i, t in enumerate(toks)]
    i = 0
    while i < len(toks):
        if not free[i]:
            i += 1
            continue
        j = i + 1
        while j < len(toks) and free[j] and _cohesive(toks[j - 1], toks[j], stats):
            j += 1
        clause = _word_clause(toks[i:j], typed_plain, stats)
        spans.append((i, replace(clause, weight=MODIFIER_WEIGHT)))
        i = j
    end = _before_preposition(toks) if english else len(toks)
    products = [
        t for t in terms if tuple(folded[t.start : t.end]) not in PROCESS_TERMS and t.end <= end
    ]
    head = (products[-1] if english else products[0]) if products else None
    for span in terms:
        text = " ".join(accented[span.start : span.end])
        if span is not head:
            # Another product named (an ingredient, a flavour: "cinnamon" of an oil) counts
            # as much as the head's own name; a process (dried, roasted) as a quality.
            process = tuple(folded[span.start : span.end]) in PROCESS_TERMS
            slots = (tuple("g:" + c for c in span.concepts),)
            weight = MODIFIER_WEIGHT if process else CONCEPT_WEIGHT
            spans.append((span.start, Clause(text, slots, span.concepts, weight)))
            continue
        # The head: the kind of product (its shortest term, which the listing must be, as
        # its own head: "bắp" is not "rượu ngô", "lụa" is not "chả lụa"), and the product
        # as named ("cà phê bột"), which counts as much.
        kind = glossary.generic(accented, folded, span, plain=plain, english=english)
        # Not a kind the named product is not ("mãng cầu xiêm", a soursop, is no "mãng cầu",
        # a custard apple).
        heads = [
            *(
                c
                for c in kind.concepts
                if not any((n, c) in glossary.distinct for n in span.concepts)
            ),
            *span.concepts,
        ]
        if not english and kind != span:
            # A listing that is the kind named shorter, of two syllables at least ("cà phê"
            # of "cà phê hạt rang": "Cà phê Arabica Sơn La hạt rang"), with what the name
            # adds said elsewhere in it, is one too.
            shortest = glossary.generic(
                accented, folded, Span(kind.start, kind.end, kind.concepts), plain=plain
            )
            while shortest.end - shortest.start >= 2 and shortest != kind:
                heads += shortest.concepts
                shorter = glossary.generic(accented, folded, shortest, plain=plain)
                if shorter == shortest:
                    break
                shortest = shorter
        material: tuple[str, ...] = ()
        if english and (kind == span or kind.end - kind.start == 1):
            # "Cinnamon sticks", "ceramic vases": the last word names a form, the first words
            # may say what it is made of, and a listing of that ("Quế Trà My", "Gốm Chu Đậu")
            # is one, when both are products of one sub-group ("rice" is no "rice paper").
            material = glossary.prefix(accented, folded, span, english=True).concepts
            if glossary.same_group(material, span.concepts):
                heads += material
            else:
                material = ()
        if not english and (
            kind == span
            or (kind.end - kind.start == 1 and not set(kind.concepts) & set(span.concepts))
        ):
            # "Vải thổ cẩm", "bình gốm": a one-word kind (or none) names a form; the words
            # after it may say what it is, and a listing of that ("Thổ cẩm Mai Châu") is one,
            # when both are crafts or cloth of one sub-group ("tôm" is no "mắm tôm", a hen's
            # egg, "trứng gà", no hen: ``Glossary.made_of``). Not when the
            # first word alone names the product ("hồng" of "hồng trà", a black tea: the
            # words after it are its kind, and every tea would be one).
            made_of = glossary.suffix(accented, folded, span, plain=plain).concepts
            if glossary.made_of(span.concepts, made_of):
                heads += made_of
        slots = (tuple(dict.fromkeys("h:" + c for c in heads)),)
        wider = tuple(
            dict.fromkeys(
                "h:" + c
                for n in span.concepts
                for c in glossary.broader.get(n, ())
                if "h:" + c not in slots[0]
            )
        )
        head_clause = Clause(text, slots, kind.concepts, CONCEPT_WEIGHT, head=True, wider=wider)
        spans.append((span.start, head_clause))
        if kind != span:
            # What the name adds to the kind ("rang" of "đậu phộng rang"): the named product,
            # or those words anywhere in the listing ("Lạc đỏ rang tỏi").
            rest = (
                toks[kind.end : span.end]
                if kind.start == span.start
                else toks[span.start : kind.start]
            )
            named = tuple("g:" + c for c in (*span.concepts, *material))
            if len(rest) <= 2:
                named += _word_clause(rest, typed_plain, stats).slots[0]
            # Required when it adds another product to the kind ("vịt" of "trứng vịt"), not
            # when it adds how it is made or kept ("nguyên chất" of "mật ong nguyên chất").
            required = tuple(t.folded for t in rest) not in PROCESS_TERMS
            spans.append(
                (
                    span.start,
                    Clause(text, (named,), span.concepts, CONCEPT_WEIGHT, required=required),
                )
            )
    if head is None:
        # No product term: the first word (the last in English) is the head.
        words_at = sorted(
            (start, clause) for start, clause in spans if clause.weight == MODIFIER_WEIGHT
        )
        if words_at:
            start, clause = words_at[-1] if english else words_at[0]
            spans = [(s, c) for s, c in spans if c is not clause]
            spans.append((start, replace(clause, weight=1.0, head=True)))
    spans.sort(key=lambda pair: pair[0])
    return [clause for _, clause in spans]


def _slot_terms(
    kind: str, folded: str, accented: str, plain: bool, stats: Stats
) -> tuple[str, ...]:
    """Terms that satisfy one syllable (kind "w") or one pair (kind "b") of a request."""
    if plain:
        return (f"{kind}:{folded}",)
    upper = "a" if kind == "w" else "B"
    exact = f"{upper}:{accented}"
    if accented == folded and stats.df(exact) == 0:
        # Typed without accents inside an accented request ("mật ong rung"): match folded.
        return (f"{kind}:{folded}",)
    # A listing typed without accents has the folded form only.
    return (exact, f"{'q' if kind == 'w' else 'Q'}:{folded}")


def _word_clause(toks: Sequence[Token], plain: bool, stats: Stats) -> Clause:
    text = " ".join(t.accented for t in toks)
    if len(toks) == 1:
        t = toks[0]
        return Clause(text, (_slot_terms("w", t.folded, t.accented, plain, stats),))
    slots = tuple(
        _slot_terms("b", f"{x.folded}_{y.folded}", f"{x.accented}_{y.accented}", plain, stats)
        for x, y in pairwise(toks)
    )
    return Clause(text, slots)


def _measure(token: Token) -> bool:
    if token.accented == token.folded:
        return token.folded in PLAIN_MEASURE_WORDS or token.folded.isdigit()
    return token.accented in MEASURE_WORDS


def _places(folded: Sequence[str], taken: Sequence[bool]) -> list[tuple[int, int]]:
    """Where province names stand in a text, longest first, outside vocabulary terms."""
    names = lookup.place_names()
    starts = lookup.place_starts()
    found = []
    i = 0
    while i < len(folded):
        if folded[i] not in starts:
            i += 1
            continue
        for length in (4, 3, 2, 1):
            end = i + length
            if end <= len(folded) and not any(taken[i:end]) and tuple(folded[i:end]) in names:
                found.append((i, end))
                i = end - 1
                break
        i += 1
    return found


def _cohesive(x: Token, y: Token, stats: Stats) -> bool:
    pair = stats.df(f"b:{x.folded}_{y.folded}")
    if pair == 0:
        return False
    rarer = min(stats.df("w:" + x.folded), stats.df("w:" + y.folded))
    return pair >= COHESION * max(rarer, 1)

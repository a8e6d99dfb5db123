"""Bilingual glossary of OCOP product terms, so "rice paper" finds "bánh tráng" and back.

Every term, Vietnamese or English, maps to a *concept*. Terms that share an English name
("trà" and "chè" are both "tea") fall into the same concept, so regional synonyms bridge too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import TypeVar

from matchmaker.ranking.text import fold, singular, words

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A Vietnamese term and its English names; ``synonyms`` are other Vietnamese terms for
    the same thing (regional words: "lạc" in the North is "đậu phộng" in the South)."""

    vi: str
    en: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    group: str = ""  # the OCOP sub-group it is mostly registered under, when known


# A phrase as written (with accents) and folded.
_Phrase = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Sense:
    """One meaning of a word that has several ("vải" the fruit, "vải" the cloth), chosen
    when one of its context words is in the same text."""

    term: str  # with its accents
    concept_term: str  # a term of the concept it means; "" when it is no product
    # Words and phrases, each as written (with its accents) and folded: a word typed with
    # accents must be the context word itself ("khô", dried, is not "khổ", a fabric's width);
    # one typed without them may be any word that folds to it.
    context: frozenset[_Phrase]


@dataclass(frozen=True, slots=True)
class Rewrites:
    """What buyers abbreviate: folded syllables -> the words written out, with the words a
    term can start with and its longest length, so a text is scanned only where one can be."""

    table: dict[tuple[str, ...], tuple[str, ...]]
    starts: frozenset[str] = field(init=False)
    longest: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", frozenset(k[0] for k in self.table))
        object.__setattr__(self, "longest", max((len(k) for k in self.table), default=0))


@dataclass(frozen=True, slots=True)
class Span:
    """A vocabulary term found in a text: syllables ``start``..``end`` and its concepts."""

    start: int
    end: int
    concepts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...]
    # Terms of two words or more (tuples of syllables) -> concept ids: folded, for text
    # typed without accents, and with their accents ("cá kho" is not "cá khô").
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    accented_phrases: dict[tuple[str, ...], tuple[str, ...]]
    # Longest phrase starting with each folded word: most words start none.
    phrase_length: dict[str, int]
    # Single English words, folded.
    folded_words: dict[str, tuple[str, ...]]
    # Single-syllable Vietnamese terms are ambiguous once folded ("toi" is both "tỏi" and
    # "tôi", "cua" both "cua" and "của"), so they match with their accents...
    accented_words: dict[str, tuple[str, ...]]
    # ...or folded, only in a text typed entirely without accents.
    plain_words: dict[str, tuple[str, ...]]
    # Folded single words with several meanings: the context that picks each one.
    senses: dict[str, tuple[tuple[str, frozenset[_Phrase]], ...]] = field(default_factory=dict)
    # Every folded word of every term.
    words: frozenset[str] = frozenset()
    # Syllables Vietnamese terms write without any accent ("du" of "du lịch", "khe" of "Khe
    # Sanh"'s coffee is no "khế", "nam" no "nấm"): met without accents in an accented text,
    # they are those words, not another typed without its accents.
    bare: frozenset[str] = frozenset()
    # The first words of a Vietnamese term -> the last words of the terms they start (each of
    # two words or more, or after two words or more): "cà phê" -> "rang xay", so that a title
    # naming its product with other words in between is read as that term.
    tails: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # Each folded phrase -> the ways terms write it with their accents.
    phrase_forms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # (concept, concept) pairs of a longer term that is not a kind of the shorter one.
    distinct: frozenset[tuple[str, str]] = frozenset()
    # Concept -> the kinds it is that its name does not start with ("bình gốm", a ceramic
    # vase, is pottery; "lãnh Mỹ A" a mulberry silk): as ``kinds.tsv`` names them, and with
    # the kinds those are in turn (a mulberry silk is a silk).
    broader: dict[str, tuple[str, ...]] = field(default_factory=dict)
    broader_all: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Concept -> the OCOP sub-groups its terms are registered under.
    groups: dict[str, frozenset[str]] = field(default_factory=dict)
    # The meanings read from the homographs, kept to build a larger vocabulary on this one.
    sense_list: tuple[Sense, ...] = ()
    # What buyers abbreviate, folded syllables -> the words written out.
    rewrites: Rewrites = field(default_factory=lambda: Rewrites({}))
    # Folded terms by language.
    english: frozenset[tuple[str, ...]] = frozenset()
    vietnamese: frozenset[tuple[str, ...]] = frozenset()

    def spans(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        *,
        plain: bool = False,
        ignore: frozenset[str] = frozenset(),
        keep: Callable[[tuple[str, ...]], bool] | None = None,
        english: bool = False,
    ) -> list[Span]:
        """The longest vocabulary term starting at each syllable, left to right, without
        overlaps: "mật ong rừng" is the one term "mật ong rừng" when the vocabulary has it.
        English is read from the right, where its head is ("arabica coffee beans")."""
        found: list[Span] = []
        n = len(folded)
        if english:
            end = n
            while end > 0:
                span = None
                for start in range(max(0, end - max(self.phrase_length.values(), default=1)), end):
                    hit = self._term(accented, folded, start, end - start, plain, True)
                    if hit is not None and (keep is None or keep(hit)):
                        span = Span(start, end, hit)
                        break
                if span is None:
                    end -= 1
                    continue
                found.append(span)
                end = span.start
            return found[::-1]
        i = 0
        while i < n:
            span = self._longest(accented, folded, i, plain, ignore, keep)
            if span is None:
                i += 1
                continue
            found.append(span)
            i = span.end
        return found

    def generic(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        span: Span,
        *,
        plain: bool = False,
        english: bool = False,
    ) -> Span:
        """The longest shorter term a span's head is ("cà phê" in "cà phê bột", "fish
        sauce" in "Phu Quoc fish sauce"): the kind of product, whatever its variety; the
        span itself when it has none."""
        if english:
            for start in range(span.start + 1, span.end):
                hit = self._term(accented, folded, start, span.end - start, plain, True)
                if hit is not None:
                    return Span(start, span.end, hit)
        else:
            for length in range(span.end - span.start - 1, 0, -1):
                hit = self._term(accented, folded, span.start, length, plain, False)
                if hit is not None:
                    return Span(span.start, span.start + length, hit)
        return span

    def same_group(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Whether two sets of concepts share an OCOP sub-group (cinnamon and cinnamon
        sticks do; rice and rice paper do not)."""
        left = set().union(*(self.groups.get(c, ()) for c in a))
        return bool(left.intersection(*[set().union(*(self.groups.get(c, ()) for c in b))]))

    def made_of(self, form: Sequence[str], material: Sequence[str]) -> bool:
        """Whether a craft or cloth named by its form and material ("bình gốm", "vải thổ
        cẩm", "túi cói") is a piece of that material: both of one OCOP sub-group, a craft's
        or a textile's. Food so named is no piece of what it names ("trứng gà", a hen's egg,
        is no hen; "mắm tôm" no shrimp)."""
        groups = set().union(*(self.groups.get(c, ()) for c in form))
        return self.same_group(form, material) and all(g.startswith(_CRAFT_GROUPS) for g in groups)

    def prefix(
        self, accented: Sequence[str], folded: Sequence[str], span: Span, *, english: bool
    ) -> Span:
        """The longest shorter term that starts a span ("cinnamon" of "cinnamon stick");
        the span when none does."""
        for length in range(span.end - span.start - 1, 0, -1):
            hit = self._term(accented, folded, span.start, length, False, english)
            if hit is not None:
                return Span(span.start, span.start + length, hit)
        return span

    def suffix(
        self, accented: Sequence[str], folded: Sequence[str], span: Span, *, plain: bool = False
    ) -> Span:
        """The longest shorter term that ends a span ("thổ cẩm" of "vải thổ cẩm"); the span
        when none does."""
        for start in range(span.start + 1, span.end):
            hit = self._term(accented, folded, start, span.end - start, plain, False)
            if hit is not None:
                return Span(start, span.end, hit)
        return span

    def _term(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        i: int,
        length: int,
        plain: bool,
        english: bool,
    ) -> tuple[str, ...] | None:
        if length > 1:
            return self._phrase(accented, folded, i, length, plain)
        if english:
            return self.folded_words.get(folded[i])
        # A Vietnamese word: "mat" in "mat ong" is no English mat.
        return self._word(accented, folded, i, plain, frozenset(), english=False)

    def head_concepts(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        *,
        plain: bool = False,
        ignore: frozenset[str] = frozenset(),
        english: bool = False,
    ) -> list[str]:
        """What a listing's title is: the concepts of every term that starts where its head
        term starts. Vietnamese puts the head first ("rượu ngô" is a rượu, "mật ong hoa vải"
        a honey), English last ("corn liquor")."""
        spans = self.spans(accented, folded, plain=plain, ignore=ignore, english=english)
        if not spans:
            return []
        head = spans[-1] if english else spans[0]
        i = head.start
        nested: list[str] = []
        longest = self.phrase_length.get(folded[i])
        # (In English the words that start the head say what it is made of: "coconut" of
        # "coconut candy" is no kind of it.)
        if longest is not None and not english:
            for length in range(min(longest, len(folded) - i), 1, -1):
                hit = self._phrase(accented, folded, i, length, plain)
                if hit is not None:
                    nested.extend(hit)
        # A word naming several products that starts a longer name is none of them unless
        # its context says which ("mì gạo", a rice noodle, is no bread, cassava or MSG; "hồng
        # xiêm", a sapodilla, no persimmon or black tea).
        word = None
        if not english and head.end - head.start > 1:
            word = self._word(accented, folded, i, plain, ignore, decided=True)
        elif not english:
            word = self._word(accented, folded, i, plain, ignore)
        if word is not None:
            nested.extend(word)
        # A shorter term that starts the head is what the listing is ("cà phê arabica" is a
        # "cà phê"), unless the vocabulary says the two differ ("mãng cầu xiêm", a soursop,
        # is no "mãng cầu", a custard apple).
        found = [*head.concepts, *(c for c in nested if self._implied(head.concepts, c))]
        if english:
            # English ends with the kind ("Arabica coffee" is a coffee), as Vietnamese starts.
            kind = self.generic(accented, folded, head, plain=plain, english=True)
            found += [c for c in kind.concepts if self._implied(head.concepts, c)]
        else:
            found += self._apart(accented, folded, head, plain)
        found += [kind for concept in found for kind in self.broader_all.get(concept, ())]
        return list(dict.fromkeys(found))

    def _apart(
        self, accented: Sequence[str], folded: Sequence[str], head: Span, plain: bool
    ) -> list[str]:
        """Terms that start with the head's words and end with words later in the title
        ("Cà phê Culi rang xay" is a "cà phê rang xay", "Trà khổ qua rừng túi lọc" a "trà
        túi lọc"): a listing often puts its variety or place between the two."""
        found: list[str] = []
        for k in range(head.end - head.start, 0, -1):
            first = tuple(folded[head.start : head.start + k])
            for tail in self.tails.get(first, ()):
                n = len(tail)
                for j in range(head.end, len(folded) - n + 1):
                    if tuple(folded[j : j + n]) != tail:
                        continue
                    words_accented = [*accented[head.start : head.start + k], *accented[j : j + n]]
                    hit = self._phrase(words_accented, [*first, *tail], 0, k + n, plain)
                    if hit is not None:
                        found.extend(hit)
                        break
        return found

    def _implied(self, heads: Sequence[str], concept: str) -> bool:
        return not any((head, concept) in self.distinct for head in heads)

    def _longest(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        i: int,
        plain: bool,
        ignore: frozenset[str],
        keep: Callable[[tuple[str, ...]], bool] | None,
    ) -> Span | None:
        n = len(folded)
        longest = self.phrase_length.get(folded[i])
        if longest is not None:
            for length in range(min(longest, n - i), 1, -1):
                hit = self._phrase(accented, folded, i, length, plain)
                if hit is not None and (keep is None or keep(hit)):
                    return Span(i, i + length, hit)
        hit = self._word(accented, folded, i, plain, ignore)
        if hit is None or (keep is not None and not keep(hit)):
            return None
        return Span(i, i + 1, hit)

    def _phrase(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        i: int,
        length: int,
        plain: bool,
    ) -> tuple[str, ...] | None:
        if plain:
            return self.phrases.get(tuple(folded[i : i + length]))
        typed = tuple(accented[i : i + length])
        hit = self.accented_phrases.get(typed)
        if hit is None:
            # Some words typed without accents inside a text with some ("mat ong" in "mat ong
            # rừng"; "tra" of "tra shan tuyết" once the catalogue's accents are restored to
            # "shan tuyet"): each word as a form of the term writes it, or folding to it.
            key = tuple(folded[i : i + length])
            concepts = [
                concept
                for form in self.phrase_forms.get(key, ())
                if all(a in (w, f) for a, f, w in zip(typed, key, form, strict=True))
                for concept in self.accented_phrases[form]
            ]
            hit = tuple(dict.fromkeys(concepts)) or None
        return hit

    def _word(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        i: int,
        plain: bool,
        ignore: frozenset[str],
        english: bool = True,
        decided: bool = False,
    ) -> tuple[str, ...] | None:
        """The concepts of the word at ``i``; of a word of several meanings, those its
        context picks (with ``decided``, none when it picks none of several products)."""
        word = folded[i]
        # English words carry no accents: "Hạt" is not a hat.
        hit = self.folded_words.get(word) if english and accented[i] == word else None
        hit = hit or self.accented_words.get(accented[i])
        # A word typed without accents in an accented text ("mật ong rung"), unless it is
        # one the vocabulary writes so.
        typed_plain = plain or (accented[i] == word and word not in self.bare)
        if hit is None and typed_plain and word not in ignore:
            hit = self.plain_words.get(word)
        sense_key = word if plain else accented[i]
        if hit is not None and sense_key in self.senses:
            hit = self._disambiguated(hit, sense_key, accented, folded, decided)
        return hit

    def word_of(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        i: int,
        *,
        plain: bool = False,
        ignore: frozenset[str] = frozenset(),
    ) -> tuple[str, ...] | None:
        """The products a Vietnamese word names where it stands (a word of several meanings:
        the ones its context picks); None where it names none."""
        return self._word(accented, folded, i, plain, ignore, english=False)

    def _disambiguated(
        self,
        hit: tuple[str, ...],
        word: str,
        accented: Sequence[str],
        folded: Sequence[str],
        decided: bool = False,
    ) -> tuple[str, ...] | None:
        """Only the meanings whose context the text has, when it has any (else all, or
        with ``decided`` the only product one); none when the context says the word is no
        product here ("Trà" of "Trà Vinh", "Na" of "Na Hang")."""
        # Words typed with accents are matched as written, the others folded ("khô", dried,
        # is not "khổ", a fabric's width; "kho" typed plain may be either).
        written = " " + " ".join(accented) + " "
        typed_plain = (f if a == f else "\x00" for a, f in zip(accented, folded, strict=True))
        plain = " " + " ".join(typed_plain) + " "
        chosen = [
            concept
            for concept, context in self.senses[word]
            if (concept in hit or not concept)
            and any(f" {a} " in written or f" {f} " in plain for a, f in context)
        ]
        if not chosen:
            # With ``decided``: of several products, none is guessed ("mì": noodle, bread,
            # cassava or MSG); a product beside other kinds of meaning (a place) is taken.
            return None if decided and len(hit) > 1 else hit
        products = tuple(c for c in chosen if c)
        return products or None

    def concepts(
        self,
        accented: Sequence[str],
        folded: Sequence[str],
        *,
        plain: bool = False,
        ignore: frozenset[str] = frozenset(),
    ) -> list[str]:
        """Concept ids of every glossary term in a text, nested ones included.

        "cà phê robusta rang xay" yields both "robusta coffee" and "coffee", so a request for
        "roasted ground coffee" still meets it on "coffee". ``plain`` says the text has no
        accents at all; ``ignore`` lists folded words that are never single-word terms there.
        """
        found: list[str] = []
        n = len(folded)
        for i, word in enumerate(folded):
            longest = self.phrase_length.get(word)
            named = False
            if longest is not None:
                for length in range(min(longest, n - i), 1, -1):
                    hit = self._phrase(accented, folded, i, length, plain)
                    if hit is not None:
                        found.extend(hit)
                        named = True
            # (A word of several meanings that starts a longer name: see ``head_concepts``.)
            hit = self._word(accented, folded, i, plain, ignore, decided=named)
            if hit is not None:
                found.extend(hit)
        return found

    def is_english(self, term: str) -> bool:
        """Whether the term is one of the English names (and no Vietnamese one)."""
        key = tuple(fold(w) for w in words(term))
        return key in self.english and key not in self.vietnamese

    def concepts_of(self, term: str) -> tuple[str, ...]:
        """The concepts a whole term names (empty when it is none)."""
        toks = [singular(w) for w in words(term)]
        folded = [fold(w) for w in toks]
        spans = self.spans(toks, folded, plain=toks == folded)
        if len(spans) == 1 and spans[0].start == 0 and spans[0].end == len(toks):
            return spans[0].concepts
        return ()

    def knows(self, folded_word: str) -> bool:
        """Whether the word is part of any term (so it is no typo)."""
        return folded_word in self.words

    def english_for(self, vi_term: str) -> tuple[str, ...]:
        key = fold(vi_term)
        for entry in self.entries:
            if fold(entry.vi) == key:
                return entry.en
        return ()


def _term_key(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    accented = [singular(w) for w in words(term)]
    return tuple(accented), tuple(fold(w) for w in accented)


def build_glossary(entries: Iterable[GlossaryEntry], senses: Iterable[Sense] = ()) -> Glossary:
    entries = tuple(entries)
    # Union-find over terms: a Vietnamese term and its English names are one concept.
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    senses = tuple(senses)
    ambiguous = {sense.term for sense in senses}

    def node(lang: str, term: str) -> str:
        # Vietnamese terms keep their accents ("dừa" a coconut, "dứa" a pineapple).
        accented, folded = _term_key(term)
        return f"{lang}:" + " ".join(accented if lang == "vi" else folded)

    def names(entry: GlossaryEntry) -> list[str]:
        return [node("en", en) for en in entry.en] + [node("vi", s) for s in entry.synonyms]

    for entry in entries:
        others = names(entry)
        if node("vi", entry.vi)[3:] in ambiguous and others:
            # A word with several meanings joins none of them: each line is one meaning.
            for other in others[1:]:
                union(others[0], other)
            continue
        vi = node("vi", entry.vi)
        find(vi)
        for other in others:
            union(vi, other)

    phrases: dict[tuple[str, ...], set[str]] = {}
    accented_phrases: dict[tuple[str, ...], set[str]] = {}
    groups: dict[str, set[str]] = {}

    phrase_length: dict[str, int] = {}
    tails: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    phrase_forms: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    folded_words: dict[str, set[str]] = {}
    accented_words: dict[str, set[str]] = {}
    plain_words: dict[str, set[str]] = {}
    for entry in entries:
        terms = [
            ("vi", entry.vi),
            *(("vi", synonym) for synonym in entry.synonyms),
            *(("en", en) for en in entry.en),
        ]
        meaning = names(entry)
        for lang, term in terms:
            accented, folded = _term_key(term)
            key = node(lang, term)
            if lang == "vi" and key[3:] in ambiguous and meaning:
                key = meaning[0]
            concept = find(key).split(":", 1)[1].replace(" ", "_")
            if entry.group:
                groups.setdefault(concept, set()).add(entry.group)

            if len(folded) > 1:
                phrases.setdefault(folded, set()).add(concept)
                accented_phrases.setdefault(accented, set()).add(concept)
                phrase_forms.setdefault(folded, set()).add(accented)
                phrase_length[folded[0]] = max(phrase_length.get(folded[0], 2), len(folded))
                if lang == "vi":
                    for k in range(1, len(folded)):
                        if k >= 2 or len(folded) - k >= 2:
                            tails.setdefault(folded[:k], set()).add(folded[k:])
            elif lang == "vi":
                accented_words.setdefault(accented[0], set()).add(concept)
                plain_words.setdefault(folded[0], set()).add(concept)
            else:
                folded_words.setdefault(folded[0], set()).add(concept)

    def frozen(table: dict[K, set[str]]) -> dict[K, tuple[str, ...]]:
        return {key: tuple(sorted(value)) for key, value in table.items()}

    def concept_of(term: str) -> str | None:
        for lang in ("vi", "en"):
            key = node(lang, term)
            if key in parent:
                return find(key).split(":", 1)[1].replace(" ", "_")
        return None

    sense_table: dict[str, list[tuple[str, frozenset[_Phrase]]]] = {}
    for sense in senses:
        sense_concept = concept_of(sense.concept_term) if sense.concept_term else ""
        if sense_concept is not None:
            sense_table.setdefault(sense.term, []).append((sense_concept, sense.context))
            plain_term = " ".join(fold(w) for w in sense.term.split())
            if plain_term != sense.term:
                sense_table.setdefault(plain_term, []).append((sense_concept, sense.context))

    return Glossary(
        entries=entries,
        phrases=frozen(phrases),
        accented_phrases=frozen(accented_phrases),
        tails={head: tuple(sorted(ends)) for head, ends in tails.items()},
        phrase_forms={key: tuple(sorted(forms)) for key, forms in phrase_forms.items()},
        phrase_length=phrase_length,
        folded_words=frozen(folded_words),
        accented_words=frozen(accented_words),
        plain_words=frozen(plain_words),
        senses={term: tuple(table) for term, table in sense_table.items()},
        sense_list=senses,
        groups={concept: frozenset(g) for concept, g in groups.items()},
        english=frozenset(_term_key(en)[1] for entry in entries for en in entry.en),
        vietnamese=frozenset(
            _term_key(term)[1] for entry in entries for term in (entry.vi, *entry.synonyms)
        ),
        words=frozenset(
            word
            for key in [*phrases, *plain_words, *folded_words]
            for word in (key if isinstance(key, tuple) else (key,))
        ),
        bare=frozenset(
            word
            for entry in entries
            for term in (entry.vi, *entry.synonyms)
            for word in _term_key(term)[0]
            if fold(word) == word
        ),
    )


_VOCABULARY = "vocabulary"
# The OCOP groups whose products are made of a material their name says (see ``made_of``).
_CRAFT_GROUPS = ("handicraft.", "textile.")


def _rows(text: str) -> list[list[str]]:
    """Tab-separated rows of a vocabulary file, its header line and comments left out."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [[cell.strip() for cell in line.split("\t")] for line in lines[1:]]


def _alternatives(cell: str) -> list[str]:
    return [term.strip() for term in cell.split("|") if term.strip()]


def parse_products(text: str) -> list[GlossaryEntry]:
    """``vi<TAB>en|en…<TAB>group``: a Vietnamese product term and its English names."""
    return [
        GlossaryEntry(row[0], tuple(_alternatives(row[1])), group=row[2] if len(row) > 2 else "")
        for row in _rows(text)
        if row[0]
    ]


def parse_regional(text: str) -> list[GlossaryEntry]:
    """``north<TAB>central<TAB>south<TAB>en<TAB>note``: one thing, named in each region."""
    entries = []
    for row in _rows(text):
        terms = list(dict.fromkeys(t for cell in row[:3] for t in _alternatives(cell)))
        english = tuple(_alternatives(row[3])) if len(row) > 3 else ()
        if terms:
            entries.append(GlossaryEntry(terms[0], english, tuple(terms[1:])))
    return entries


def parse_senses(text: str, products: frozenset[str]) -> list[Sense]:
    """``term<TAB>sense<TAB>en<TAB>context|context…``: the words that pick each meaning.
    A meaning none of whose English names is a product's (``products``, folded) is no
    product: its context keeps the word from meaning one."""
    senses = []
    for row in _rows(text):
        if len(row) < 4:
            continue
        english = _alternatives(row[2])
        context = frozenset(
            (" ".join(accented), " ".join(folded))
            for accented, folded in (_term_key(c) for c in _alternatives(row[3]))
        )
        product = next((e for e in english if " ".join(_term_key(e)[1]) in products), "")
        senses.append(Sense(" ".join(_term_key(row[0])[0]), product, context))
    return senses


def parse_sense_entries(text: str, products: frozenset[str]) -> list[GlossaryEntry]:
    """Each product meaning of a homograph as a glossary line of its own."""
    entries = []
    for row in _rows(text):
        english = _alternatives(row[2]) if len(row) >= 3 else []
        if any(" ".join(_term_key(e)[1]) in products for e in english):
            entries.append(GlossaryEntry(row[0], tuple(english)))
    return entries


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The vocabulary shipped in ``matchmaker/ranking/data/vocabulary``; read once, on first
    use: product terms in Vietnamese and English, regional words, words of several meanings."""
    folder = resources.files("matchmaker.ranking").joinpath("data", _VOCABULARY)
    entries = parse_products(folder.joinpath("products.tsv").read_text("utf-8"))
    entries += parse_regional(folder.joinpath("regional.tsv").read_text("utf-8"))
    products = frozenset(" ".join(_term_key(en)[1]) for entry in entries for en in entry.en)
    homographs = folder.joinpath("homographs.tsv").read_text("utf-8")
    entries += parse_sense_entries(homographs, products)
    glossary = build_glossary(entries, parse_senses(homographs, products))
    distinct = parse_distinct(folder.joinpath("distinct.tsv").read_text("utf-8"), glossary)
    broader, broader_all = parse_kinds(folder.joinpath("kinds.tsv").read_text("utf-8"), glossary)
    rewrites = parse_rewrites(folder.joinpath("abbreviations.tsv").read_text("utf-8"))
    return replace(
        glossary,
        rewrites=rewrites,
        distinct=distinct,
        broader=broader,
        broader_all=broader_all,
    )


def parse_distinct(text: str, glossary: Glossary) -> frozenset[tuple[str, str]]:
    """``term<TAB>not a kind of<TAB>note``: a longer name that is another product than the
    shorter name it starts with."""
    pairs: set[tuple[str, str]] = set()
    for row in _rows(text):
        if len(row) >= 2:
            longer, shorter = (glossary.concepts_of(term) for term in row[:2])
            pairs.update((a, b) for a in longer for b in shorter if a != b)
    return frozenset(pairs)


def parse_kinds(
    text: str, glossary: Glossary
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """``term<TAB>a kind of<TAB>note``: a product that is a kind of another whose name its
    own does not start with, so that a listing of it answers a request for the other. Each
    concept's broader ones as named, and with the kinds those are ("lụa tơ tằm" is a "lụa")."""
    named: dict[str, set[str]] = {}
    every: dict[str, set[str]] = {}
    for row in _rows(text):
        if len(row) < 2:
            continue
        toks = [singular(w) for w in words(row[1])]
        kinds = glossary.head_concepts(toks, [fold(w) for w in toks])
        for concept in glossary.concepts_of(row[0]):
            named.setdefault(concept, set()).update(
                c for c in glossary.concepts_of(row[1]) if c != concept
            )
            every.setdefault(concept, set()).update(c for c in kinds if c != concept)

    def frozen(table: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
        return {concept: tuple(sorted(kinds)) for concept, kinds in table.items() if kinds}

    return frozen(named), frozen(every)


# Abbreviations written out in text; units are quantities, read apart.
_REWRITTEN_KINDS = frozenset({"abbreviation", "grade", "variety"})


def parse_rewrites(text: str) -> Rewrites:
    """``term<TAB>expansion<TAB>kind<TAB>note``: what buyers type for what. A term with
    several expansions ("tp": thực phẩm or thành phố) is left as typed."""
    found: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for row in _rows(text):
        if len(row) >= 3 and row[2] in _REWRITTEN_KINDS:
            term = tuple(fold(w) for w in words(row[0]))
            expansion = tuple(words(row[1]))
            # A variety is written as it is known ("st 25" is "ST25"), not with its product
            # word added ("gạo ST25"): the text names the product already, or not at all.
            for start in range(len(expansion)):
                if "".join(fold(w) for w in expansion[start:]) == "".join(term):
                    expansion = expansion[start:]
                    break
            if term and expansion and term != tuple(fold(w) for w in expansion):
                found.setdefault(term, set()).add(expansion)
    return Rewrites({term: next(iter(e)) for term, e in found.items() if len(e) == 1})

"""Synonyms learned from buyers' answers: the words buyers ask with and the words of the
listings they accept.

A buyer who asks for "hạt điều" and accepts "Điều rang muối Bình Phước" says that, for them,
the two name the same product. One buyer's answers are noise (a favourite supplier, a slip of
the finger), so a pair of words is taken into the vocabulary only when enough *different*
buyers accepted such matches and few declined them. The pairs are kept as a file beside the
ranking models and read into the vocabulary when the index is built.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from matchmaker.ranking.glossary import Glossary, GlossaryEntry, build_glossary, default_glossary
from matchmaker.ranking.model import NEGATIVE, FeedbackExample
from matchmaker.ranking.text import fold
from matchmaker.ranking.words import PROCESS_TERMS, Token, is_plain, tokens

FILE_NAME = "synonyms.tsv"
# Distinct buyers who must have accepted matches joining two words, and the share of
# answers on such matches that must be acceptances, before the words count as one.
MIN_BUYERS = 3
MIN_SHARE = 0.75
# Syllables of the product's name looked at: Vietnamese names it in its first words.
_HEAD_SYLLABLES = 2


@dataclass(frozen=True, slots=True)
class LearnedSynonym:
    asked: str  # as buyers wrote it (with accents when they used them)
    listed: str  # as the accepted listings name it
    buyers: int  # distinct buyers who accepted such a match
    accepted: int
    declined: int


def _head(text: str, glossary: Glossary) -> str | None:
    """The first words naming the product: the first vocabulary term (two syllables at
    least) when there is one, else the first two content syllables."""
    toks = [t for t in tokens(text, glossary) if not t.stop and not t.folded.isdigit()]
    if not toks:
        return None
    plain = is_plain(text)
    spans = glossary.spans([t.accented for t in toks], [t.folded for t in toks], plain=plain)
    spans = [
        s for s in spans if tuple(t.folded for t in toks[s.start : s.end]) not in PROCESS_TERMS
    ]
    start, end = (spans[0].start, spans[0].end) if spans else (0, 0)
    # Two syllables at least: "xôi chiên" is not every "xôi".
    chosen: Sequence[Token] = toks[start : max(end, start + _HEAD_SYLLABLES)]
    return " ".join(t.accented for t in chosen)


def learn(
    examples: Iterable[FeedbackExample],
    *,
    min_buyers: int = MIN_BUYERS,
    min_share: float = MIN_SHARE,
    glossary: Glossary | None = None,
) -> list[LearnedSynonym]:
    """Word pairs that buyers' answers join, most supported first."""
    glossary = glossary or default_glossary()
    accepted: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    spelled: dict[tuple[str, str], tuple[str, str]] = {}
    for example in examples:
        positive = example.positive
        if not positive and example.action not in NEGATIVE:
            continue
        asked = _head(example.requirement.title, glossary)
        listed = _head(example.offer.title, glossary)
        if asked is None or listed is None:
            continue
        key = (fold(asked), fold(listed))
        if key[0] == key[1] or key[0] in key[1].split() or key[1] in key[0].split():
            continue  # the same words: nothing to learn
        spelled.setdefault(key, (asked, listed))
        counts[key][0 if positive else 1] += 1
        if positive:
            accepted[key].add(example.requirement.buyer_id or example.requirement.id)
    learned = []
    for key, (yes, no) in counts.items():
        buyers = len(accepted[key])
        if buyers >= min_buyers and yes / (yes + no) >= min_share:
            asked, listed = spelled[key]
            learned.append(LearnedSynonym(asked, listed, buyers, yes, no))
    learned.sort(key=lambda s: (-s.buyers, -s.accepted, s.asked, s.listed))
    return learned


def write(learned: Sequence[LearnedSynonym], models_dir: Path) -> Path:
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / FILE_NAME
    lines = ["asked\tlisted\tbuyers\taccepted\tdeclined"]
    lines += [f"{s.asked}\t{s.listed}\t{s.buyers}\t{s.accepted}\t{s.declined}" for s in learned]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def read(models_dir: Path | None) -> list[LearnedSynonym]:
    path = None if models_dir is None else models_dir / FILE_NAME
    if path is None or not path.is_file():
        return []
    learned = []
    for line in path.read_text("utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if len(cells) == 5 and cells[0] and cells[1]:
            learned.append(LearnedSynonym(cells[0], cells[1], *map(int, cells[2:])))
    return learned


def vocabulary_with(learned: Sequence[LearnedSynonym]) -> Glossary:
    """The shipped vocabulary with the learned pairs taken in as synonyms."""
    base = default_glossary()
    if not learned:
        return base
    extra = [GlossaryEntry(s.asked, (), (s.listed,)) for s in learned]
    glossary = build_glossary([*base.entries, *extra], base.sense_list)
    return replace(
        glossary,
        rewrites=base.rewrites,
        distinct=base.distinct,
        broader=base.broader,
        broader_all=base.broader_all,
    )

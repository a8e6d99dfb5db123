from datetime import date
from pathlib import Path

from click.testing import CliRunner

from matchmaker.ranking import synonyms
from matchmaker.ranking.analysis import Vectorizer
from matchmaker.ranking.cli import make_ranking_cli
from matchmaker.ranking.codec import write_jsonl
from matchmaker.ranking.glossary import default_glossary
from matchmaker.ranking.index import OfferIndex
from matchmaker.ranking.model import FeedbackExample, example_to_dict
from matchmaker.ranking.records import OfferRecord, RequirementRecord

ON = date(2026, 6, 1)


def _offer(offer_id: str, title: str) -> OfferRecord:
    return OfferRecord(id=offer_id, title=title, category="food.processed", unit="kg")


def _answer(buyer: str, asked: str, listed: str, action: str = "accepted") -> FeedbackExample:
    return FeedbackExample(
        requirement=RequirementRecord(id=f"r-{buyer}-{asked}", title=asked, buyer_id=buyer),
        offer=_offer(f"o-{listed}", listed),
        action=action,
        on=ON,
    )


def _answers() -> list[FeedbackExample]:
    # Three buyers who ask for "xôi chiên" accept listings of "cốm chiên": the same product
    # named two ways. One buyer alone accepting "kẹo kéo" for "mạch nha" says nothing.
    return [
        _answer("b1", "Xôi chiên phồng", "Cốm chiên Hà Nội"),
        _answer("b2", "xoi chien", "Cốm chiên giòn"),
        _answer("b3", "Xôi chiên loại 1", "Cốm chiên Hà Nội"),
        _answer("b3", "Xôi chiên", "Cốm chiên làng Vòng"),
        *[_answer("b4", "Mạch nha", "Kẹo kéo Củ Chi") for _ in range(10)],
    ]


def test_word_pairs_that_several_buyers_accept_are_learned() -> None:
    learned = synonyms.learn(_answers())
    assert [(s.asked, s.listed, s.buyers) for s in learned] == [("xôi chiên", "cốm chiên", 3)]


def test_one_buyers_answers_or_many_declines_teach_nothing() -> None:
    declined = [_answer(f"d{i}", "Xôi chiên", "Cốm chiên", "declined") for i in range(3)]
    assert synonyms.learn(_answers()[4:]) == []
    assert synonyms.learn(_answers() + declined) == []


def test_a_learned_pair_lets_a_new_request_find_the_listing(tmp_path: Path) -> None:
    offers = [_offer("com", "Cốm chiên Hà Nội"), _offer("candy", "Kẹo kéo Củ Chi")]
    request = RequirementRecord(id="new", title="xôi chiên")
    assert OfferIndex(offers).rank(request, on=ON) == []

    synonyms.write(synonyms.learn(_answers()), tmp_path)
    vocabulary = synonyms.vocabulary_with(synonyms.read(tmp_path))
    # The learned pairs are added to the shipped vocabulary, nothing of it is lost.
    shipped = default_glossary()
    assert vocabulary.distinct == shipped.distinct and vocabulary.rewrites == shipped.rewrites
    index = OfferIndex(offers, vectorizer=Vectorizer(glossary=vocabulary))
    assert [m.offer_id for m in index.rank(request, on=ON)] == ["com"]


def test_the_command_writes_the_pairs_beside_the_models(tmp_path: Path) -> None:
    feedback = tmp_path / "feedback.jsonl"
    write_jsonl(feedback, (example_to_dict(e) for e in _answers()))
    result = CliRunner().invoke(
        make_ranking_cli(),
        [
            "learn-synonyms",
            "--models-dir",
            str(tmp_path),
            "--source",
            "jsonl",
            "--file",
            str(feedback),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "xôi chiên = cốm chiên" in result.output
    assert [s.asked for s in synonyms.read(tmp_path)] == ["xôi chiên"]

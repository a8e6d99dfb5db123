import json
from datetime import UTC, datetime, timedelta

import numpy as np
from click.testing import CliRunner

from matchmaker.ranking.cli import make_ranking_cli
from matchmaker.ranking.codec import write_jsonl
from matchmaker.ranking.features import FEATURES
from matchmaker.ranking.learning.lambdamart import RefinedScorer
from matchmaker.ranking.metrics import ndcg_at_k, recall_at_k
from matchmaker.ranking.model import (
    FeedbackExample,
    example_to_dict,
    load_scorer,
    train,
)
from matchmaker.ranking.scoring import HandScorer


def _feedback(make_offer, make_requirement, today):
    """Buyers take the product they asked for and decline the others."""
    products = [
        "Nước mắm cá cơm",
        "Mật ong rừng",
        "Bánh tráng phơi sương",
        "Cà phê rang xay",
        "Trà shan tuyết",
    ]
    offers = [
        make_offer(f"{i}-{j}", f"{p} loại {j}") for i, p in enumerate(products) for j in range(3)
    ]
    examples = []
    for r, wanted in enumerate(products * 3):
        requirement = make_requirement(wanted, id=f"r{r}")
        for offer in offers:
            same = offer.title.startswith(wanted)
            examples.append(
                FeedbackExample(
                    requirement,
                    offer,
                    action="deal" if same else "declined",
                    reason=None if same else "wrong_product",
                    on=today,
                    at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=r),
                )
            )
    return examples


def test_metrics():
    grades = {"a": 2, "b": 1}
    assert ndcg_at_k(["a", "b", "c"], grades, 10) == 1.0
    assert ndcg_at_k(["c", "b", "a"], grades, 10) < 1.0
    assert ndcg_at_k(["c"], {}, 10) == 0.0
    assert recall_at_k(["a", "c"], grades, 10, min_grade=2) == 1.0
    assert recall_at_k(["c", "b"], grades, 1) == 0.0


def test_training_saves_a_versioned_model_with_a_manifest(
    tmp_path, make_offer, make_requirement, today
):
    examples = _feedback(make_offer, make_requirement, today)
    first = train(examples, tmp_path, promote="always", source="test")
    second = train(examples, tmp_path, promote="never")
    assert (first.version, second.version) == ("ranker-0001", "ranker-0002")
    manifest = json.loads((tmp_path / "ranker-0001" / "manifest.json").read_text())
    assert manifest["features"] == list(FEATURES)
    assert manifest["training_examples"] == len(examples)
    assert {"candidate", "current", "hand"} <= set(manifest["validation"])
    scorer = load_scorer(tmp_path)
    assert isinstance(scorer, RefinedScorer) and scorer.name == "ranker-0001"
    assert first.candidate.ndcg > 0.9
    scores = scorer.score(
        np.array([[0.6, 1.0] + [0.5] * (len(FEATURES) - 2), [0.0] + [0.5] * (len(FEATURES) - 1)])
    )
    assert scores[0] > scores[1]


def test_a_tampered_or_missing_model_falls_back_to_the_hand_set_scorer(
    tmp_path, make_offer, make_requirement, today
):
    assert isinstance(load_scorer(None), HandScorer)
    assert isinstance(load_scorer(tmp_path), HandScorer)
    train(_feedback(make_offer, make_requirement, today), tmp_path, promote="always")
    (tmp_path / "ranker-0001" / "model.txt").write_bytes(b"not a model")
    assert isinstance(load_scorer(tmp_path), HandScorer)


def test_train_and_evaluate_commands_from_a_feedback_file(
    tmp_path, make_offer, make_requirement, today
):
    feedback = tmp_path / "feedback.jsonl"
    write_jsonl(
        feedback, (example_to_dict(e) for e in _feedback(make_offer, make_requirement, today))
    )
    models = tmp_path / "models"
    cli = make_ranking_cli()
    runner = CliRunner()
    trained = runner.invoke(
        cli,
        [
            "train",
            "--models-dir",
            str(models),
            "--source",
            "jsonl",
            "--file",
            str(feedback),
            "--promote",
            "always",
        ],
    )
    assert trained.exit_code == 0, trained.output
    assert "ranker-0001" in trained.output and "NDCG@10" in trained.output
    evaluated = runner.invoke(
        cli, ["evaluate", "--models-dir", str(models), "--source", "jsonl", "--file", str(feedback)]
    )
    assert evaluated.exit_code == 0, evaluated.output
    assert "engine (hand-v1)" in evaluated.output and "engine (ranker-0001)" in evaluated.output
    assert "bm25" in evaluated.output and "recall@10" in evaluated.output


def test_database_feedback_source_is_a_parameter(tmp_path, make_offer, make_requirement, today):
    examples = _feedback(make_offer, make_requirement, today)
    cli = make_ranking_cli(feedback_source=lambda: iter(examples), models_dir=tmp_path)
    result = CliRunner().invoke(cli, ["train", "--promote", "always"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "CURRENT").read_text().strip() == "ranker-0001"


def test_too_little_feedback_is_refused(tmp_path, make_offer, make_requirement, today):
    examples = _feedback(make_offer, make_requirement, today)[:3]
    cli = make_ranking_cli(feedback_source=lambda: examples, models_dir=tmp_path)
    result = CliRunner().invoke(cli, ["train"])
    assert result.exit_code != 0 and "not enough feedback" in result.output

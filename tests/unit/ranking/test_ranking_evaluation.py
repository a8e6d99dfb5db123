from matchmaker.ranking.evalset import SUBSTITUTES, grade, meets_conditions
from matchmaker.ranking.evaluation import evaluate, load_eval_set


def test_shipped_evaluation_set_is_large_enough_and_graded_from_ground_truth():
    eval_set = load_eval_set()
    assert len(eval_set.requirements) >= 40 and len(eval_set.offers) >= 300
    offers = {o.id: o for o in eval_set.offers}
    for requirement in eval_set.requirements:
        grades = eval_set.grades[requirement.id]
        assert 2 in grades.values()
        for offer_id in grades:
            assert meets_conditions(requirement, offers[offer_id], eval_set.on)


def test_grades_follow_product_kinds():
    family = next(iter(SUBSTITUTES))
    a, b = sorted(family)[:2]
    assert grade(a, a, eligible=True) == 2
    assert grade(a, b, eligible=True) == 1
    assert grade(a, a, eligible=False) == 0
    assert grade(a, "incense", eligible=True) == 0


def test_engine_beats_plain_bm25_on_the_evaluation_set():
    report = evaluate(k=10)
    by_name = {s.name: s for s in report.systems}
    assert by_name["engine (hand-v1)"].ndcg >= by_name["bm25"].ndcg + 0.05
    assert "NDCG@10" in report.as_text()

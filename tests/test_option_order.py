"""Options that refer to the others keep their place wherever options are shuffled: printed
papers (exam/draw.py), the exam service (service/sitting.py) and the self-test, which reads the
per-option ``pinned`` flags of quiz/questions.json (model/answers.py holds the rule)."""

from __future__ import annotations

import random

from generator.model.answers import pinned, shuffled_order
from generator.site.selftest import question_data
from generator.sources.loader import load_corpus


def test_pinned_options_keep_their_place_and_the_others_move():
    options = ["甲", "乙", "丙", "以上都对"]
    seen = set()
    for seed in range(60):
        order = shuffled_order(options, random.Random(seed))
        assert sorted(order) == [0, 1, 2, 3] and order[3] == 3
        seen.add(tuple(order))
    assert len(seen) == 6  # every order of the three others comes up
    assert [pinned(o) for o in ["其他", "其它情形", "上述均可", "全部", "以上", "以下"]] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]


def test_the_self_test_data_marks_pinned_options(mini_root):
    bank = mini_root / "quizzes" / "basic.yml"
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("收下后捐给科室]", "以上都不对]", 1), "utf-8")
    questions = {q["id"]: q for q in question_data(load_corpus(mini_root))["questions"]}
    marked = [q for q in questions.values() if "pinned" in q]
    assert len(marked) == 1 and marked[0]["pinned"] == [False, False, False, True]
    assert marked[0]["options"][3] == "以上都不对"
    assert all("pinned" not in q for q in questions.values() if q is not marked[0])

"""Answer letters as authors type them (``[a, ' c']``) read the same in every stage."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from generator.exam.draw import draw
from generator.export.lms import gift, moodle_xml
from generator.model.corpus import Bank, Corpus, Exam
from generator.model.schemas import Question
from generator.site.selftest import question_data
from generator.sources import checks

OPTIONS = ["回扣", "培训", "旅游", "宴请"]


def _question(answer) -> Question:
    return Question(
        id="q-x-001",
        type="multiple",
        stem="哪些属于违规行为？",
        options=OPTIONS,
        answer=answer,
        explanation="解析",
        rules=[9],
    )


def _bank(q: Question) -> Bank:
    return Bank(bank="lower", title="小写答案", questions=[q])


def test_answer_labels_are_trimmed_uppercased_lists():
    assert _question(["a", " c"]).answer_labels == ["A", "C"]
    assert _question(" b ").answer_labels == ["B"]


def test_lowercase_answers_agree_across_checks_draw_export_and_selftest():
    q = _question(["a", " c"])
    bank = _bank(q)

    assert checks.question_answers([bank], lambda _: None) == []

    exam = Exam(
        id="lower",
        title="小写答案",
        banks=["lower"],
        versions=["A"],
        seed=1,
        pass_score=1,
        shuffle_options=False,
        sections=[{"type": "multiple", "count": 1, "points": 2}],
    )
    (item,) = draw(exam, [bank]).versions[0].items
    assert item.answer == ("A", "C")

    root = ET.fromstring(moodle_xml([bank]).encode("utf-8"))
    fractions = [a.get("fraction") for a in root.findall("question[@type='multichoice']/answer")]
    assert fractions == ["50", "-100", "50", "-100"]
    assert "~%50%回扣" in gift([bank]) and "~%50%旅游" in gift([bank])

    corpus = Corpus(
        root=Path("."),
        hospital=None,
        categories=[],
        departments=[],
        rules={},
        cases=[],
        stories=[],
        risks=[],
        reminders=[],
        banks=[bank],
        exams=[],
    )
    (data,) = question_data(corpus)["questions"]
    assert data["answer"] == ["A", "C"]

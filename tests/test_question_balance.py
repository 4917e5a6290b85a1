"""The question banks cannot be passed without reading, and they are deep enough (issue 10).

Read from the sources (``quizzes/*.yml``), where the option order is the order the self-test data
and unshuffled papers start from. The key-balance rules are the library's
(``generator.sources.content_rules``, run by ``qinglian check``); the depth numbers below are
goals for the shipped banks only.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from generator.model.answers import pinned
from generator.model.schemas import Question
from generator.model.terms import OPTION_LABELS
from generator.sources.content_rules import balance_messages, check_bank
from generator.sources.loader import load_corpus

REPO = Path(__file__).resolve().parent.parent

# Questions about the document itself (文号, 印发部门, 印发时间, the 2013 “九不准”): tagged
# ``document: true`` so they do not count toward the rule in their ``rules``.
DOCUMENT_QUESTIONS = {"q-r1-007", "q-r2-007", "q-r4-019", "q-r8-025", "q-r9-019"}


# A scenario puts a person or an institution in a situation: 某医院…, 某医生…, 某药企…
SCENARIO = re.compile(r"某[\u4e00-\u9fff]")


def load_banks(root: Path = REPO) -> dict[str, list[Question]]:
    return {bank.bank: bank.questions for bank in load_corpus(root).banks}


def balance_problems(banks: dict[str, list[dict]]) -> list[str]:
    """Everything that breaks the numbers of issue 10, as readable lines (empty: all fine)."""
    problems: list[str] = []
    everything = [q for questions in banks.values() for q in questions]
    scopes = {**banks, "all banks": everything}

    for name, questions in scopes.items():
        problems += [f"{name}: {message}" for message in balance_messages(questions)]
        counted = [q for q in questions if not q.document]
        if name != "all banks" and len(counted) < 36:
            problems.append(f"{name}: {len(counted)} questions on the rule (≥ 36)")

    sizes = Counter(len(q.answer_labels) for q in everything if q.type == "multiple")
    if not {2, 3, 4} <= set(sizes):
        problems.append(f"multiple-choice key sizes {dict(sizes)}: some of 2, 3 and 4 needed")
    judges = [q.answer for q in everything if q.type == "judge"]
    if not 0.4 <= sum(a is True for a in judges) / len(judges) <= 0.6:
        problems.append(f"judge keys: {sum(a is True for a in judges)} true of {len(judges)}")

    if len(everything) < 360:
        problems.append(f"{len(everything)} questions in all (≥ 360)")
    per_rule = Counter(n for q in everything if not q.document for n in set(q.rules))
    for n in range(1, 10):
        if per_rule[n] < 36:
            problems.append(f"rule {n}: {per_rule[n]} questions (≥ 36, document questions aside)")
    types = Counter(q.type for q in everything)
    for kind in ("single", "multiple", "judge", "fill"):
        if types[kind] < 60:
            problems.append(f"{types[kind]} {kind} questions (≥ 60)")
    exam_only = sum(bool(q.exam_only) for q in everything) / len(everything)
    if exam_only < 0.20:
        problems.append(f"exam_only {exam_only:.0%} (≥ 20 %)")
    scenario = sum(bool(SCENARIO.search(q.stem)) for q in everything) / len(everything)
    if scenario < 0.60:
        problems.append(f"scenarios {scenario:.0%} (≥ 60 %)")

    documents = {q.id for q in everything if q.document}
    if documents != DOCUMENT_QUESTIONS:
        problems.append(f"document-tagged questions {sorted(documents)}")
    for q in everything:
        if any(map(pinned, q.options or [])):
            problems.append(f"{q.id}: an option starts like “以上/其他…” and stays pinned")
    return problems


@pytest.fixture(scope="module")
def banks():
    return load_banks()


def test_banks_are_balanced_and_deep(banks):
    assert balance_problems(banks) == []


def test_document_questions_are_about_the_document(banks):
    by_id = {q.id: q for questions in banks.values() for q in questions}
    for qid in sorted(DOCUMENT_QUESTIONS):
        q = by_id[qid]
        assert q.document is True and q.rules, qid  # rules stay (the contract: non-empty)
        assert "国卫医发〔2021〕37号" in q.explanation or "九不准" in q.explanation, qid
    others = [q for q in by_id.values() if q.document not in (None, True, False)]
    assert others == []  # a plain boolean, like exam_only


def test_balance_problems_catch_a_bank_keyed_by_position(banks):
    """Negative control: every key moved to A (as the banks were) is reported, by the same rule
    `qinglian check` runs (a warning on the bank's line)."""
    biased = {}
    for name, questions in banks.items():
        moved = []
        for q in questions:
            if q.type == "single":
                right = q.options[OPTION_LABELS.index(q.answer_labels[0])]
                rest = [o for o in q.options if o is not right]
                q = q.model_copy(update={"options": [right, *rest], "answer": "A"})
            moved.append(q)
        biased[name] = moved
    problems = balance_problems(biased)
    assert any("单选题答案为 A 的占 100%" in p for p in problems), problems


def test_check_warns_about_a_bank_keyed_by_position(banks):
    corpus = load_corpus(REPO)
    bank = corpus.banks[0]
    keyed = [
        q.model_copy(
            update={
                "options": [q.options[OPTION_LABELS.index(q.answer_labels[0])]]
                + [o for o in q.options if o != q.options[OPTION_LABELS.index(q.answer_labels[0])]],
                "answer": "A",
            }
        )
        if q.type == "single"
        else q
        for q in bank.questions
    ]
    found = check_bank(bank.model_copy(update={"questions": keyed}), corpus)
    assert found.errors == []
    (warning, *_) = [w for w in found.warnings if "答案为 A 的占 100%" in w.message]
    assert warning.path == bank.path and warning.line == corpus.line_of(bank.path, "questions")
    assert check_bank(bank, corpus).warnings == []


def test_check_rejects_an_explanation_that_names_an_option_letter(banks):
    corpus = load_corpus(REPO)
    bank = corpus.banks[0]
    i, q = next((i, q) for i, q in enumerate(bank.questions) if q.type == "single")
    bad = q.model_copy(update={"explanation": "选项A正确。" + q.explanation})
    questions = [*bank.questions[:i], bad, *bank.questions[i + 1 :]]
    (error,) = check_bank(bank.model_copy(update={"questions": questions}), corpus).errors
    assert error.line == corpus.line_of(bank.path, "questions", i, "explanation")
    assert "选项A" in error.message and q.id in error.message

"""The question banks cannot be passed without reading, and they are deep enough (issue 10).

Read from the sources (``quizzes/*.yml``), where the option order is the order the self-test data
and unshuffled papers start from. ``balance_problems`` takes plain parsed banks so the same
numbers can be computed for any revision of the banks.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from generator.model.answers import pinned

REPO = Path(__file__).resolve().parent.parent
LETTERS = "ABCDEFGHIJ"

# Questions about the document itself (文号, 印发部门, 印发时间, the 2013 “九不准”): tagged
# ``document: true`` so they do not count toward the rule in their ``rules``.
DOCUMENT_QUESTIONS = {"q-r1-007", "q-r2-007", "q-r4-019", "q-r8-025", "q-r9-019"}

# The paper shuffler keeps options starting like this in place (generator/quiz/draw.py).

# A scenario puts a person or an institution in a situation: 某医院…, 某医生…, 某药企…
SCENARIO = re.compile(r"某[\u4e00-\u9fff]")


def load_banks(folder: Path = REPO / "quizzes") -> dict[str, list[dict]]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        for path in sorted(folder.glob("*.yml"))
    }


def _keys(q: dict) -> list[str]:
    answer = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
    return [str(a).strip().upper() for a in answer]


def key_is_longest(q: dict) -> bool:
    """The right option is strictly longer (in characters) than every other option."""
    right = LETTERS.index(_keys(q)[0])
    others = [len(o) for k, o in enumerate(q["options"]) if k != right]
    return len(q["options"][right]) > max(others)


def position_shares(questions: list[dict]) -> dict[str, float]:
    singles = [q for q in questions if q["type"] == "single"]
    counts = Counter(_keys(q)[0] for q in singles)
    return {letter: counts[letter] / len(singles) for letter in "ABCD"}


def multiple_letter_shares(questions: list[dict]) -> dict[str, float]:
    multiples = [q for q in questions if q["type"] == "multiple"]
    counts = Counter(letter for q in multiples for letter in _keys(q))
    return {letter: n / len(multiples) for letter, n in sorted(counts.items())}


def longest_share(questions: list[dict]) -> float:
    singles = [q for q in questions if q["type"] == "single"]
    return sum(key_is_longest(q) for q in singles) / len(singles)


def balance_problems(banks: dict[str, list[dict]]) -> list[str]:
    """Everything that breaks the numbers of issue 10, as readable lines (empty: all fine)."""
    problems: list[str] = []
    everything = [q for questions in banks.values() for q in questions]
    scopes = {**banks, "all banks": everything}

    for name, questions in scopes.items():
        for letter, share in position_shares(questions).items():
            if not 0.20 <= share <= 0.30:
                problems.append(f"{name}: single-choice key {letter} in {share:.0%} (20–30 %)")
        for letter, share in multiple_letter_shares(questions).items():
            if share > 0.70:
                problems.append(f"{name}: {letter} in {share:.0%} of multiple-choice keys (≤ 70 %)")
        share = longest_share(questions)
        if share > 0.35:
            problems.append(f"{name}: key is the longest option in {share:.0%} (≤ 35 %)")
        counted = [q for q in questions if not q.get("document")]
        if name != "all banks" and len(counted) < 36:
            problems.append(f"{name}: {len(counted)} questions on the rule (≥ 36)")

    sizes = Counter(len(_keys(q)) for q in everything if q["type"] == "multiple")
    if not {2, 3, 4} <= set(sizes):
        problems.append(f"multiple-choice key sizes {dict(sizes)}: some of 2, 3 and 4 needed")
    judges = [q["answer"] for q in everything if q["type"] == "judge"]
    if not 0.4 <= sum(a is True for a in judges) / len(judges) <= 0.6:
        problems.append(f"judge keys: {sum(a is True for a in judges)} true of {len(judges)}")

    if len(everything) < 360:
        problems.append(f"{len(everything)} questions in all (≥ 360)")
    per_rule = Counter(n for q in everything if not q.get("document") for n in set(q["rules"]))
    for n in range(1, 10):
        if per_rule[n] < 36:
            problems.append(f"rule {n}: {per_rule[n]} questions (≥ 36, document questions aside)")
    types = Counter(q["type"] for q in everything)
    for kind in ("single", "multiple", "judge", "fill"):
        if types[kind] < 60:
            problems.append(f"{types[kind]} {kind} questions (≥ 60)")
    exam_only = sum(bool(q.get("exam_only")) for q in everything) / len(everything)
    if exam_only < 0.20:
        problems.append(f"exam_only {exam_only:.0%} (≥ 20 %)")
    scenario = sum(bool(SCENARIO.search(q["stem"])) for q in everything) / len(everything)
    if scenario < 0.60:
        problems.append(f"scenarios {scenario:.0%} (≥ 60 %)")

    documents = {q["id"] for q in everything if q.get("document")}
    if documents != DOCUMENT_QUESTIONS:
        problems.append(f"document-tagged questions {sorted(documents)}")
    for q in everything:
        if any(map(pinned, q.get("options") or [])):
            problems.append(f"{q['id']}: an option starts like “以上/其他…” and stays pinned")
    return problems


@pytest.fixture(scope="module")
def banks():
    return load_banks()


def test_banks_are_balanced_and_deep(banks):
    assert balance_problems(banks) == []


def test_document_questions_are_about_the_document(banks):
    by_id = {q["id"]: q for questions in banks.values() for q in questions}
    for qid in sorted(DOCUMENT_QUESTIONS):
        q = by_id[qid]
        assert q["document"] is True and q["rules"], qid  # rules stay (the contract: non-empty)
        assert "国卫医发〔2021〕37号" in q["explanation"] or "九不准" in q["explanation"], qid
    others = [q for q in by_id.values() if q.get("document") not in (None, True, False)]
    assert others == []  # a plain boolean, like exam_only


def test_balance_problems_catch_a_bank_keyed_by_position(banks):
    """Negative control: every key moved to A (as the banks were) is reported."""
    biased = {}
    for name, questions in banks.items():
        moved = []
        for q in questions:
            q = dict(q)
            if q["type"] == "single":
                right = q["options"][LETTERS.index(_keys(q)[0])]
                rest = [o for o in q["options"] if o is not right]
                q["options"], q["answer"] = [right, *rest], "A"
            moved.append(q)
        biased[name] = moved
    problems = balance_problems(biased)
    assert any("single-choice key A in 100%" in p for p in problems), problems

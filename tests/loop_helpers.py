"""Graded sittings for the learning-loop tests: `quiz paper` + `quiz grade` on synthetic sheets.

``sheet_rows(key, people)`` answers each person's paper from the key, getting wrong exactly the
question ids listed for that person, so department and rule rates are known by construction.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from generator.cli import main


def _answer(entry: dict, right: bool) -> str:
    kind = entry["type"]
    if kind == "judge":
        correct = entry["answer"][0]
        return correct if right else ("错" if correct == "对" else "对")
    if kind == "fill":
        return entry["answer"][0] if right else "不知道"
    labels = "ABCDEFGHIJ"[: len(entry["options"])]
    if right:
        return "".join(entry["answer"])
    return next(label for label in labels if label not in entry["answer"])


def sheet_rows(key: dict, people: list[tuple[str, str, str, set[str]]]) -> list[list[str]]:
    """people: (工号, 科室, 版本, ids answered wrong)."""
    rows = []
    for n, (staff, dept, version, wrong) in enumerate(people):
        entries = key["versions"][version]
        answers = [_answer(e, e["id"] not in wrong) for e in entries]
        rows.append([staff, f"职工{n}", dept, version, *answers])
    return rows


def write_sheet(path: Path, key: dict, people) -> Path:
    count = len(next(iter(key["versions"].values())))
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["工号", "姓名", "科室", "版本", *map(str, range(1, count + 1))])
        writer.writerows(sheet_rows(key, people))
    return path


def make_paper(root: Path) -> Path:
    """``quiz paper`` on the mini fixture's exam; returns its key.json."""
    exam = root / "site_config" / "exams" / "test-exam.yml"
    assert main(["quiz", "paper", str(exam), "--out", str(root / "private")]) == 0
    return root / "private" / "test-exam" / "key.json"


def grade(root: Path, key_path: Path, people, out: Path) -> Path:
    key = json.loads(key_path.read_text(encoding="utf-8"))
    sheet = write_sheet(out.parent / f"{out.name}-answers.csv", key, people)
    assert main(["quiz", "grade", str(key_path), str(sheet), "--out", str(out)]) == 0
    return out


# 骨科 (8): everyone misses the rule-8 single question, half miss the fill question.
# 药剂科 (6): everyone misses the rule-9 multiple question, half the exam-only judge on rule 8.
# 儿科 (2, not in the taxonomy): too few to interpret.
PEOPLE_2025 = (
    [(f"G{n}", "骨科", "AB"[n % 2], {"q-r8-001"} | ({"q-r1-002"} if n < 4 else set()))
     for n in range(8)]
    + [(f"Y{n}", "药剂科", "AB"[n % 2], {"q-r9-001"} | ({"q-r8-002"} if n < 3 else set()))
       for n in range(6)]
    + [(f"E{n}", "儿科", "A", {"q-r8-001", "q-r9-001"}) for n in range(2)]
)  # fmt: skip

# A year later: 骨科 learnt rule 8; 药剂科 still misses rule 9 and now the judge on rule 1.
PEOPLE_2026 = (
    [(f"G{n}", "骨科", "AB"[n % 2], set()) for n in range(8)]
    + [(f"Y{n}", "药剂科", "AB"[n % 2], {"q-r9-001", "q-r1-001"}) for n in range(6)]
)  # fmt: skip

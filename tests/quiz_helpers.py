"""A hand-computed key and answer sheet shared by the grading tests (tests/test_quiz_*.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

# A small key: 10 points, 6 to pass. Version B prints the options of question 1 and 2 in
# another order, so the same choice has another letter there.
KEY = {
    "exam": "hand",
    "title": "手算考试",
    "pass_score": 6,
    "multiple_scoring": "partial_half",
    "total": 10,
    "versions": {
        "A": [
            {"no": 1, "id": "s1", "type": "single", "answer": ["B"], "points": 2, "rules": [8],
             "options": ["甲", "乙", "丙", "丁"]},
            {"no": 2, "id": "m1", "type": "multiple", "answer": ["A", "C", "D"], "points": 4,
             "rules": [9], "options": ["回扣", "培训", "旅游", "宴请"]},
            {"no": 3, "id": "j1", "type": "judge", "answer": ["对"], "points": 1, "rules": [1]},
            {"no": 4, "id": "f1", "type": "fill", "answer": ["统方", "DRG付费"], "points": 2,
             "rules": [1]},
            {"no": 5, "id": "j2", "type": "judge", "answer": ["错"], "points": 1, "rules": [8]},
        ],
        "B": [
            {"no": 1, "id": "j2", "type": "judge", "answer": ["错"], "points": 1, "rules": [8]},
            {"no": 2, "id": "s1", "type": "single", "answer": ["D"], "points": 2, "rules": [8],
             "options": ["丙", "甲", "丁", "乙"]},
            {"no": 3, "id": "m1", "type": "multiple", "answer": ["A", "B", "C"], "points": 4,
             "rules": [9], "options": ["宴请", "回扣", "旅游", "培训"]},
            {"no": 4, "id": "j1", "type": "judge", "answer": ["对"], "points": 1, "rules": [1]},
            {"no": 5, "id": "f1", "type": "fill", "answer": ["统方", "DRG付费"], "points": 2,
             "rules": [1]},
        ],
    },
}  # fmt: skip

HEADER = ["工号", "姓名", "科室", "版本", "1", "2", "3", "4", "5"]


def write_key(tmp_path: Path, scoring: str = "partial_half") -> Path:
    path = tmp_path / "key.json"
    path.write_text(json.dumps({**KEY, "multiple_scoring": scoring}, ensure_ascii=False), "utf-8")
    return path


def write_csv(path: Path, rows: list[list[str]], header=HEADER, bom=True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


ROWS = [
    # A, everything right, typed neatly: 10
    ["1001", "张三", "内科", "A", "B", "ACD", "对", "统方", "错"],
    # B, the same answers by option text, full-width letters and √/×: 10
    ["1002", "李四", "外科", "Ｂ", "×", "ｄ", "Ａ，Ｂ，Ｃ", "√", "ＤＲＧ付费"],
    # A, a strict subset (half of 4), judge wrong, fill blank: 2 + 2 + 0 + 0 + 1 = 5
    ["1003", "王五", "内科", "a", "b", "a c", "F", "", "F"],
    # A, a wrong option in the multiple (0), blanks elsewhere: 0
    ["1004", "赵六", "外科", "A", "", "ABD", "", "", ""],
    # duplicate 工号: both rows rejected
    ["1005", "重复甲", "内科", "A", "B", "ACD", "对", "统方", "错"],
    ["1005", "重复乙", "内科", "B", "错", "D", "ABC", "对", "统方"],
    # unknown version
    ["1006", "孙七", "内科", "C", "B", "ACD", "对", "统方", "错"],
    # E on a four-option question
    ["1007", "周八", "内科", "A", "E", "ACD", "对", "统方", "错"],
    # missing 工号
    ["", "吴九", "内科", "A", "B", "ACD", "对", "统方", "错"],
    # an empty line in the sheet is skipped, not rejected
    ["", "", "", "", "", "", "", "", ""],
    # two problems in one row: both reported
    ["1008", "郑十", "内科", "A", "B", "AX", "好", "统方", "错"],
]

"""What ``quiz scan`` hands back, as text: ``answers.csv``, ``review.csv``, ``scan-report.csv``,
and the trainer's decisions file read back (``parse_decisions``). ``review.html`` is in
``review_page.py``. Nothing here touches the disk; the CLI writes what these return.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

from ...errors import Problem, ValidationError
from ...exam.answer_sheet import header
from ...exam.key import Key
from ...exam.sheet_layout import shape
from ...model.cells import guard, unguard
from ..results import csv_document
from .reader import EMPTY_ANSWER, IGNORE, Decisions, ScanResult, decision_key

REVIEW_COLUMNS = ["工号", "版本", "题号", "原因", "文件", "页", "机读"]
REPORT_COLUMNS = [
    "文件",
    "页",
    "状态",
    "工号",
    "姓名",
    "版本",
    "识别方式",
    "旋转",
    "待复核",
    "已按决定处理",
    "说明",
]
DECISION_COLUMNS = ["文件", "页", "工号", "题号", "决定"]


def answers_csv(result: ScanResult) -> str:
    """The answer-sheet format ``quiz grade`` reads; ``?`` where a person must still decide."""
    rows = [[guard(cell) for cell in row] for row in result.answer_rows()]
    return csv_document(header(result.key.question_count), rows)


def review_csv(result: ScanResult) -> str:
    rows = [
        [
            guard(i.staff_id),
            i.version,
            i.field,
            i.reason,
            guard(PurePath(i.file).name),
            i.page,
            i.seen,
        ]
        for i in result.items
    ]
    return csv_document(REVIEW_COLUMNS, rows)


def report_csv(result: ScanResult) -> str:
    rows = []
    for p in result.pages:
        rows.append(
            [
                guard(p.file),
                p.page,
                "已忽略" if p.ignored else p.status,
                guard(p.staff_id),
                guard(p.name),
                p.version,
                p.identified_by,
                f"{p.rotation}°" if p.kind else "",
                p.waiting,
                p.decided,
                p.reason,
            ]
        )
    return csv_document(REPORT_COLUMNS, rows)


# --- the trainer's decisions ----------------------------------------------------------------

_NUMBER = re.compile(r"^\d{1,3}$")


def parse_decisions(text: str, name: str, key: Key) -> Decisions:
    """Read a decisions CSV (``review.html`` saves it); every problem at once, with its line."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    problems: list[Problem] = []
    if not rows or [c.strip() for c in rows[0][:5]] != DECISION_COLUMNS:
        raise ValidationError(
            [
                Problem(
                    name,
                    1,
                    f"表头应为 {'、'.join(DECISION_COLUMNS)}（请使用 review.html 保存的文件）",
                )
            ]
        )
    labels = shape(key)
    out: Decisions = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [unguard(c.strip()) for c in row] + [""] * 5
        file, page, _, field, value = cells[:5]
        if not file or not page.isdigit():
            problems.append(Problem(name, line, "缺少文件名或页码"))
            continue
        problem = _check(field, value, key, labels)
        if problem:
            problems.append(Problem(name, line, problem))
            continue
        out[decision_key(file, int(page), field)] = _normal(field, value, labels)
    if problems:
        raise ValidationError(problems)
    return out


def _check(field: str, value: str, key: Key, labels) -> str:
    if not value:
        return f"题号 {field or '（空）'} 的决定是空的（未作答请写“{EMPTY_ANSWER}”）"
    if field == "页":
        return "" if value == IGNORE else f"“页”的决定只能是“{IGNORE}”"
    if field == "工号":
        return ""
    if field == "版本":
        return (
            ""
            if value in key.versions
            else f"版本“{value}”不存在（应为 {'、'.join(key.versions)}）"
        )
    if not _NUMBER.match(field) or not 1 <= int(field) <= key.question_count:
        return f"题号“{field}”不存在（应为 1–{key.question_count}、工号、版本或页）"
    kind, allowed = labels[int(field) - 1]
    if value == EMPTY_ANSWER:
        return (
            ""
            if kind != "fill"
            else f"第 {field} 题是填空题，决定应为给的分数（{'或'.join(allowed)}）"
        )
    if kind == "fill":
        return "" if value in allowed else f"第 {field} 题的分数应为 {'或'.join(allowed)}"
    letters = list(value.upper()) if kind != "judge" else [value]
    bad = [x for x in letters if x not in allowed]
    if bad:
        return f"第 {field} 题的决定“{value}”不是该题的选项（{'、'.join(allowed)}）"
    return ""


def _normal(field: str, value: str, labels) -> str:
    if field in ("页", "工号", "版本") or value == EMPTY_ANSWER:
        return value
    kind, allowed = labels[int(field) - 1]
    if kind in ("single", "multiple"):
        return "".join(sorted(set(value.upper())))
    return value

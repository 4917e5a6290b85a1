"""The grader's tables: ``scores.csv``/``scores.xlsx``, ``items.csv`` and ``rejected.csv``.

CSVs are UTF-8 with a BOM so Excel opens the Chinese columns correctly. Per-question score
columns are numbered as on each person's own paper (the same numbers as the answer sheet).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..model.numbers import number
from ..model.terms import TYPE_NAMES, rule_label
from .grade import Grading, tracked
from .stats import ExamStats, ItemStats

SCORE_COLUMNS = ["行号", "工号", "姓名", "科室", "版本", "得分", "满分", "合格"]
ITEM_COLUMNS = [
    "题目ID",
    "题号",
    "题型",
    "涉及条款",
    "分值",
    "作答人数",
    "未作答人数",
    "难度",
    "区分度",
    "点二列相关",
    "正确答案",
    "选项选择频率",
    "常见错误答案",
    "提示",
]
REJECTED_COLUMNS = ["行号", "工号", "姓名", "原因"]


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def _safe(value: str) -> str:
    """Text from the sheet as a spreadsheet cell: never a formula (=, +, -, @ start one)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def score_header(count: int) -> list[str]:
    """The person columns, then one per question number as printed on each paper."""
    return SCORE_COLUMNS + [f"第{n}题" for n in range(1, count + 1)]


def score_rows(grading: Grading) -> list[list[object]]:
    rows = []
    for r in grading.results:
        rows.append(
            [
                r.row,
                _safe(r.staff_id),
                _safe(r.name),
                _safe(r.department),
                r.version,
                number(round(r.total, 2)),
                number(grading.key.total),
                "是" if r.passed else "否",
                *(number(s) for s in r.scores),
            ]
        )
    return rows


def write_scores_csv(grading: Grading, path: Path) -> None:
    _write_csv(path, score_header(grading.key.question_count), score_rows(grading))


def write_scores_xlsx(grading: Grading, path: Path, progress=None) -> None:
    """The same table for Excel (write-only mode: thousands of rows in a few seconds)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header = score_header(grading.key.question_count)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("成绩")
    for n, width in enumerate([6, 12, 10, 14, 6, 8, 8, 6], start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "F2"
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="EEE6E4")
    failed = PatternFill("solid", fgColor="F8D7D3")

    def cell(value, fill=None, font=None, text=False):
        c = WriteOnlyCell(ws, value=value)
        if text:  # sheet text stays text, never a formula
            c.data_type, c.number_format = "s", "@"
        if fill:
            c.fill = fill
        if font:
            c.font = font
        return c

    ws.append([cell(name, shade, bold) for name in header])
    for r in tracked(grading.results, progress, "写出成绩表"):
        ws.append(
            [
                r.row,
                cell(r.staff_id, text=True),
                cell(r.name, text=True),
                cell(r.department, text=True),
                r.version,
                round(r.total, 2),
                grading.key.total,
                cell("是") if r.passed else cell("否", failed),
                *r.scores,
            ]
        )
    wb.save(path)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def item_row(s: ItemStats) -> list[object]:
    numbers = "；".join(f"{v}卷第{n}题" for v, n in s.numbers.items())
    takers = s.takers or 1
    if s.choices:
        choices = "；".join(
            f"{label}{'✓' if correct else ''} {count}人({count / takers:.0%})"
            for label, _, count, correct in s.choices
        )
    else:
        choices = ""
    wrong = "；".join(f"{text}（{count}人）" for text, count in s.wrong_fills)
    return [
        s.id,
        numbers,
        TYPE_NAMES[s.type],
        "、".join(rule_label(n) for n in s.rules),
        number(s.points),
        s.answered,
        s.blank,
        _percent(s.difficulty),
        _percent(s.discrimination),
        _percent(s.point_biserial),
        _safe(s.answer),
        choices,
        _safe(wrong),
        "、".join(s.flags),
    ]


def write_items_csv(stats: ExamStats, path: Path, first_version: str) -> None:
    header = [
        f"选项选择频率（按{first_version}卷标号，✓为正确）" if c == "选项选择频率" else c
        for c in ITEM_COLUMNS
    ]
    _write_csv(path, header, [item_row(s) for s in stats.items])


def write_rejected_csv(grading: Grading, path: Path) -> None:
    rows = [[r.row, _safe(r.staff_id), _safe(r.name), r.reason] for r in grading.rejected]
    _write_csv(path, REJECTED_COLUMNS, rows)

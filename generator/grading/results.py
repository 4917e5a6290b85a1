"""The grader's tables: ``scores.csv``/``scores.xlsx``, ``items.csv`` and ``rejected.csv``.

CSVs are UTF-8 with a BOM so Excel opens the Chinese columns correctly. Per-question score
columns are numbered as on each person's own paper (the same numbers as the answer sheet).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..model.cells import guard
from ..model.numbers import number
from ..model.terms import TYPE_NAMES, rule_label
from . import xlsx
from .grade import Grading, bar
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
    "校正点二列相关（与其余题总分）",
    "正确答案",
    "选项选择频率",
    "常见错误答案",
    "提示",
    "计入条款统计",
]
REJECTED_COLUMNS = ["行号", "工号", "姓名", "原因"]
WRITE_CHUNK = 16_384  # people written at a time


def csv_document(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    """A CSV text (CRLF lines, as Excel writes them) of a header and rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _csv_field(value: str) -> str:
    """One CSV field as csv.writer (QUOTE_MINIMAL, CRLF) writes it."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def score_header(count: int) -> list[str]:
    """The person columns, then one per question number as printed on each paper."""
    return SCORE_COLUMNS + [f"第{n}题" for n in range(1, count + 1)]


def _score_texts(grading: Grading) -> list[float]:
    """Every score a cell can hold."""
    values = {0.0}
    for cells in grading.cells.values():
        values.update(cells.scores.ravel().tolist())
    return sorted(values)


def _chunks(grading: Grading, progress, description: str):
    """(first, stop) person of each chunk, with a progress bar over all of them."""
    n = grading.count
    with bar(progress, description, n) as advance:
        for start in range(0, n, WRITE_CHUNK):
            stop = min(start + WRITE_CHUNK, n)
            yield start, stop
            advance(stop - start)


def _score_cells(grading: Grading, distinct: list[float], texts: list[str], sep: str, part):
    """Each person's score cells in the chunk as one string: ``texts[i]`` stands for
    ``distinct[i]``, joined with ``sep``.

    Four neighbouring cells are looked up at once: a person's run of four scores is one of a
    few dozen, so its text is made once per chunk and a row is a join of a quarter as many pieces.
    """
    codes = np.searchsorted(np.array(distinct), grading.scores[part]).astype(np.int64)
    rows, width = codes.shape
    base = len(texts)
    group = max(1, min(4, int(62 // max(np.log2(base), 1))))
    pieces = []
    for g in range(0, width, group):
        block = codes[:, g : g + group]
        combined = block[:, 0].copy()
        for j in range(1, block.shape[1]):
            combined = combined * base + block[:, j]
        values, inverse = np.unique(combined, return_inverse=True)
        words = []
        for value in values.tolist():
            digits = []
            for _ in range(block.shape[1]):
                value, digit = divmod(value, base)
                digits.append(texts[digit])
            words.append(sep.join(reversed(digits)))
        pieces.append([words[i] for i in inverse.tolist()])
    if not pieces:
        return [""] * rows
    return [sep.join(p) for p in zip(*pieces, strict=True)]


def _totals(grading: Grading, part: slice) -> tuple[list[float], list[int]]:
    """The chunk's distinct totals rounded to 2 places (as round() does), and which each has."""
    distinct, inverse = np.unique(grading.totals[part], return_inverse=True)
    return [round(t, 2) for t in distinct.tolist()], inverse.tolist()


def _person(grading: Grading, form) -> list[tuple[list[str], np.ndarray]]:
    """工号, 姓名, 科室: each distinct text in its output form, and each person's code."""
    sheet = grading.sheet
    assert sheet is not None  # callers return early when nobody was graded
    return [
        ([form(v) for v in sheet.person[c].values], sheet.person[c].codes[grading.graded])
        for c in ("工号", "姓名", "科室")
    ]


def _score_lines(grading: Grading, progress):
    """scores.csv's data lines, a chunk of people at a time."""
    if not grading.count:
        return
    full = number(grading.key.total)
    person = _person(grading, lambda v: _csv_field(guard(v)))
    versions = [_csv_field(v) for v in grading.versions]
    verdict = (f"{full},否", f"{full},是")
    distinct = _score_texts(grading)
    texts = [number(v) for v in distinct]
    rows = grading.rows()
    for start, stop in _chunks(grading, progress, "写出 scores.csv"):
        part = slice(start, stop)
        totals, inverse = _totals(grading, part)
        total_text = [number(t) for t in totals]
        lines = [
            f"{r},{i},{nm},{d},{v},{t},{p},{s}\r\n"
            for r, i, nm, d, v, t, p, s in zip(
                rows[part].tolist(),
                *([texts[c] for c in codes[part].tolist()] for texts, codes in person),
                [versions[v] for v in grading.version[part].tolist()],
                [total_text[i] for i in inverse],
                [verdict[p] for p in grading.passed[part].tolist()],
                _score_cells(grading, distinct, texts, ",", part),
                strict=True,
            )
        ]
        yield "".join(lines)


def write_scores_csv(grading: Grading, path: Path, progress=None) -> None:
    header = score_header(grading.key.question_count)
    with path.open("w", encoding="utf-8-sig", newline="", buffering=1 << 20) as f:
        f.write(",".join(_csv_field(h) for h in header) + "\r\n")
        for chunk in _score_lines(grading, progress):
            f.write(chunk)


def scores_csv_text(grading: Grading) -> str:
    """scores.csv as text (without the BOM ``write_scores_csv`` adds)."""
    header = score_header(grading.key.question_count)
    return ",".join(_csv_field(h) for h in header) + "\r\n" + "".join(_score_lines(grading, None))


def xlsx_fits(grading: Grading) -> bool:
    """Whether scores.xlsx can hold everyone (Excel stops at 1,048,576 rows, header included)."""
    return grading.count + 1 <= xlsx.MAX_ROWS


def write_scores_xlsx(grading: Grading, path: Path, progress=None, present=None) -> None:
    """The same table for Excel: sheet text stays text (never a formula), 否 is shaded. With
    ``present`` (an ``attendance.Attendance``): sheets 参考情况 (应考/实考/缺考 per department)
    and 缺考名单."""
    header = score_header(grading.key.question_count)
    widths = [6, 12, 10, 14, 6, 8, 8, 6] + [6] * grading.key.question_count
    more = [] if present is None else _attendance_sheets(present)
    xlsx.write_sheet(path, "成绩", header, widths, (5, 1), _xlsx_rows(grading, progress), more)


def _attendance_sheets(present) -> list[xlsx.SmallSheet]:
    def line(d):
        return [
            xlsx.text_cell(guard(d.name)),
            xlsx.number_cell(d.expected),
            xlsx.number_cell(d.present),
            xlsx.number_cell(d.absent, xlsx.FAILED if d.absent else 0),
            xlsx.text_cell(f"{d.rate:.1%}", 0),
        ]

    return [
        xlsx.SmallSheet(
            "参考情况",
            ["科室", "应考", "实考", "缺考", "参考率"],
            [16, 8, 8, 8, 10],
            [line(d) for d in present.departments] + [line(present.total)],
        ),
        xlsx.SmallSheet(
            "缺考名单",
            ["工号", "姓名", "科室"],
            [12, 10, 16],
            [
                [
                    xlsx.text_cell(guard(a.staff_id)),
                    xlsx.text_cell(guard(a.name)),
                    xlsx.text_cell(guard(a.department)),
                ]
                for a in present.absentees
            ],
        ),
    ]


def _xlsx_rows(grading: Grading, progress):
    if not grading.count:
        return
    person = _person(grading, lambda v: xlsx.text_cell(guard(v)))
    versions = [xlsx.text_cell(v, 0) for v in grading.versions]
    full = xlsx.number_cell(grading.key.total)
    verdict = (full + xlsx.text_cell("否", xlsx.FAILED), full + xlsx.text_cell("是", 0))
    distinct = _score_texts(grading)
    texts = [xlsx.number_cell(v) for v in distinct]
    rows = grading.rows()
    for start, stop in _chunks(grading, progress, "写出 scores.xlsx"):
        part = slice(start, stop)
        totals, inverse = _totals(grading, part)
        total_cells = [xlsx.number_cell(t) for t in totals]
        lines = [
            f'<row r="{n}"><c><v>{r}</v></c>{i}{nm}{d}{v}{t}{p}{s}</row>'
            for n, r, i, nm, d, v, t, p, s in zip(
                range(start + 2, stop + 2),
                rows[part].tolist(),
                *([cells[c] for c in codes[part].tolist()] for cells, codes in person),
                [versions[v] for v in grading.version[part].tolist()],
                [total_cells[i] for i in inverse],
                [verdict[p] for p in grading.passed[part].tolist()],
                _score_cells(grading, distinct, texts, "", part),
                strict=True,
            )
        ]
        yield "".join(lines)


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
        _percent(s.item_rest),
        guard(s.answer),
        choices,
        guard(wrong),
        "、".join(s.flags),
        "否（文件题）" if s.document else "是",
    ]


def items_csv_text(stats: ExamStats, first_version: str) -> str:
    header = [
        f"选项选择频率（按{first_version}卷标号，✓为正确）" if c == "选项选择频率" else c
        for c in ITEM_COLUMNS
    ]
    return csv_document(header, [item_row(s) for s in stats.items])


def rejected_csv_text(grading: Grading) -> str:
    rows = [[r.row, guard(r.staff_id), guard(r.name), r.reason] for r in grading.rejected]
    return csv_document(REJECTED_COLUMNS, rows)

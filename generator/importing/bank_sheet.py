"""Question banks in spreadsheets (xlsx, csv in UTF-8 or GBK): rows → ``RawQuestion``s.

The layouts people use: a header row anywhere in the first rows (a title row above it is
skipped), columns in any order and named as survey and exam platforms name them, options in
columns (选项A…选项H or A…H) or in one 选项 cell (``A.…；B.…``). Rows are numbered as the
spreadsheet shows them (the title row counted).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..grading.sheet import cell_text, csv_text
from ..model.answers import fold
from ..model.cells import unguard
from ..model.terms import OPTION_LABELS
from .questions import MAX_OPTIONS, ImportProblem, RawQuestion

# Field → the names people give its column (compared folded, without spaces and brackets).
COLUMNS = {
    "id": ("题目id", "题目编号", "试题id", "试题编号", "id"),
    "type": ("题型", "类型", "试题类型", "题目类型", "题类"),
    "stem": ("题干", "题目", "试题", "题目内容", "试题内容", "问题", "题目名称"),
    "options": ("选项", "选项内容", "备选项", "备选答案"),
    "answer": ("答案", "正确答案", "标准答案", "参考答案"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析", "解释", "说明"),
    "difficulty": ("难度", "难易度", "难易程度"),
    "points": ("分值", "分数"),
    "rules": ("条款", "准则条款", "所属条款", "涉及条款"),
    "topic": ("知识点", "章节", "考点", "分类"),
    "exam_only": ("仅用于考试", "仅考试"),
    "document": ("文件知识题",),
    "suggested": ("条款待确认",),
}
FIELD_BY_NAME = {name: key for key, names in COLUMNS.items() for name in names}
_OPTION_HEADER = re.compile(r"^(?:选项)?([A-H])$")
HEADER_SEARCH_ROWS = 10


def _key(text: str) -> str:
    return re.sub(r"[\s()（）\[\]【】:：*＊]", "", fold(text)).lower()


@dataclass
class Layout:
    header_row: int  # 0-based index of the header row
    fields: dict[str, int]  # field → column index
    option_columns: list[int]  # column of A, B, C… in order


def find_layout(rows: list[list[str]]) -> Layout | None:
    """The first row (of the first ten) that names a stem and an answer column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields: dict[str, int] = {}
        options: dict[int, int] = {}
        for col, cell in enumerate(row):
            key = _key(cell)
            if not key:
                continue
            option = _OPTION_HEADER.match(key.upper())
            if option:
                options.setdefault(OPTION_LABELS.index(option.group(1)), col)
            elif key in FIELD_BY_NAME:
                fields.setdefault(FIELD_BY_NAME[key], col)
        if "stem" in fields and "answer" in fields:
            ordered = [options[i] for i in sorted(options)]
            return Layout(index, fields, ordered)
    return None


def title_row(rows: list[list[str]]) -> str:
    """The table's title: the first row above the header with exactly one filled cell."""
    layout = find_layout(rows)
    if layout is None:
        return ""
    for row in rows[: layout.header_row]:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) == 1:
            return cells[0]
    return ""


# ``A.是；B.否`` or ``A、是 B、否`` or one option per line inside the cell.
_OPTION_MARK = re.compile(r"(?:^|(?<=[\s;；|｜\n]))([A-H])\s*[.．、:：)）]\s*")


def split_options(text: str) -> list[str] | None:
    """One 选项 cell as its options, or None when it is not labelled A, B, C… in order."""
    marks = [m for m in _OPTION_MARK.finditer(text)]
    chosen, expected = [], 0
    for m in marks:
        if m.group(1) == OPTION_LABELS[expected]:
            chosen.append(m)
            expected += 1
            if expected == MAX_OPTIONS:
                break
    if not chosen or chosen[0].start() != len(text) - len(text.lstrip()):
        return None
    options = []
    for i, m in enumerate(chosen):
        end = chosen[i + 1].start() if i + 1 < len(chosen) else len(text)
        options.append(text[m.end() : end].strip().rstrip(";；|｜").strip())
    return options


def read_sheets(name: str, raw: bytes) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows as text) of every non-empty sheet (xlsx; banks often keep one sheet per
    question type), or of the CSV (name ""); ValueError when unreadable."""
    if name.lower().endswith(".csv"):
        import csv

        text, delimiter = csv_text(Path(name), raw, "题库文件")  # ConfigError when binary
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
        return [("", rows)]
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = []
        for sheet_name in workbook.sheet_names:
            cells = workbook.get_sheet_by_name(sheet_name).iter_rows()
            rows = [[cell_text(v) for v in row] for row in cells]
            if any(any(c.strip() for c in row) for row in rows):
                sheets.append((sheet_name, rows))
        return sheets or [("", [])]
    except zipfile.BadZipFile as exc:
        raise ValueError(str(exc)) from None
    except Exception as exc:  # calamine's errors share no public base class
        raise ValueError(type(exc).__name__) from None


def read_rows(name: str, raw: bytes) -> list[list[str]]:
    """The rows of the first sheet (or of the CSV)."""
    return read_sheets(name, raw)[0][1]


def sheet_questions(
    rows: list[list[str]], path: str, first: int = 1
) -> tuple[list[RawQuestion], list[ImportProblem]]:
    """The questions of a table (rows as ``read_rows`` gives them), numbered from ``first``."""
    rows = [[unguard(c) for c in row] for row in rows]
    layout = find_layout(rows)
    if layout is None:
        return [], [
            ImportProblem.whole_file(
                path,
                "找不到表头：前 10 行中应有一行列名，至少包括“题干”（或 题目、试题）和“答案”"
                "（或 正确答案、标准答案）",
            )
        ]
    problems: list[ImportProblem] = []
    questions: list[RawQuestion] = []
    for index in range(layout.header_row + 1, len(rows)):
        row = rows[index]
        if not any(c.strip() for c in row):
            continue
        raw = RawQuestion(line=index + 1, number=first + len(questions), file=path)
        for key, col in layout.fields.items():
            if key != "options" and hasattr(raw, key):
                setattr(raw, key, row[col] if col < len(row) else "")
        cells = [row[c] if c < len(row) else "" for c in layout.option_columns]
        if "options" in layout.fields and not any(c.strip() for c in cells):
            text = row[layout.fields["options"]] if layout.fields["options"] < len(row) else ""
            options = split_options(text) if text.strip() else []
            if options is None:
                problems.append(
                    ImportProblem(
                        path,
                        raw.line,
                        f"选项：无法拆分“{text.strip()[:30]}”，应写成 A.…；B.…（每项以字母开头）",
                        raw.where,
                    )
                )
                options = []
            cells = options
        raw.options = cells
        questions.append(raw)
    if not questions and not problems:
        problems.append(
            ImportProblem(
                path,
                layout.header_row + 1,
                "表头下面没有题目",
                f"第{layout.header_row + 1}行",
            )
        )
    return questions, problems

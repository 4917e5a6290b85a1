"""Reading a filled answer sheet to grade (the blank templates are ``exam/answer_sheet.py``).

A sheet is a header row with ``工号, 姓名, 科室, 版本`` and one column per question number
``1 … N`` in any order, then one row per person: a CSV (UTF-8 with or without BOM; a sheet
saved by Excel on a Chinese Windows as GB18030 is read too) or the first worksheet of an XLSX.
Row numbers are those a spreadsheet shows (the header is row 1), so a trainer can find a row.

The sheet is kept by column, each as codes into the distinct texts of that column: a province's
sheet has a million rows but only a few dozen different ways of writing the answer to question 7,
so each distinct text is read once (``grade.py``) and rows are handled as arrays.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..exam.answer_sheet import PERSON_COLUMNS
from ..model.answers import fold
from ..model.cells import unguard

_QUESTION_HEADER = re.compile(r"^(?:第|题|Q)?\s*(\d{1,3})\s*题?$", re.IGNORECASE)
CHUNK = 16_384  # rows read and converted at a time


@dataclass
class Row:
    number: int  # as a spreadsheet shows it (header = 1)
    person: dict[str, str]  # 工号, 姓名, 科室, 版本 (folded text)
    answers: dict[int, str]  # question number → raw cell text
    overflow: int = 0  # CSV values beyond the header (an unquoted comma, usually)


@dataclass
class Column:
    """One column of the sheet: its distinct texts and, per row, which of them it holds."""

    values: list[str]
    codes: np.ndarray  # int32, one per row

    def texts(self) -> np.ndarray:
        """The column as an object array of str, one per row."""
        return np.array(self.values, dtype=object)[self.codes] if len(self.codes) else _EMPTY

    def __getitem__(self, row: int) -> str:
        return self.values[self.codes[row]]


_EMPTY = np.array([], dtype=object)


class Sheet:
    """A filled sheet by column; ``Sheet(rows)`` builds one from ``Row`` objects (the exam
    service grades its stored answers that way)."""

    def __init__(
        self,
        rows: list[Row] | None = None,
        *,
        numbers: np.ndarray | None = None,
        person: dict[str, Column] | None = None,
        answers: dict[int, Column] | None = None,
        overflow: np.ndarray | None = None,
    ):
        if rows is not None:
            numbers, person, answers, overflow = _from_rows(rows)
        if numbers is None or person is None or answers is None or overflow is None:
            raise TypeError("Sheet needs rows, or numbers, person, answers and overflow")
        self.numbers = numbers  # int64: each row's number as a spreadsheet shows it
        self.person = person  # 工号, 姓名, 科室, 版本 → folded texts
        self.answers = answers  # question number → raw cell texts (all share one ``values``)
        self.overflow = overflow  # int32: values beyond the header on each row

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def rows(self) -> list[Row]:
        """The rows one by one (for callers that want them; grading works on the columns)."""
        return [self.row(i) for i in range(len(self))]

    def row(self, i: int) -> Row:
        return Row(
            int(self.numbers[i]),
            {c: col[i] for c, col in self.person.items()},
            {q: col[i] for q, col in self.answers.items()},
            int(self.overflow[i]),
        )


def _from_rows(rows: list[Row]):
    people = [_Encoder() for _ in PERSON_COLUMNS]
    for encoder, c in zip(people, PERSON_COLUMNS, strict=True):
        encoder.add([r.person.get(c, "") for r in rows])
    questions = sorted({q for r in rows for q in r.answers})
    shared: dict[str, int] = {}
    answers = {}
    for q in questions:
        codes = [shared.setdefault(r.answers.get(q, ""), len(shared)) for r in rows]
        answers[q] = np.array(codes, dtype=np.int32)
    values = list(shared)
    return (
        np.array([r.number for r in rows], dtype=np.int64),
        {c: e.column() for c, e in zip(PERSON_COLUMNS, people, strict=True)},
        {q: Column(values, codes) for q, codes in answers.items()},
        np.array([r.overflow for r in rows], dtype=np.int32),
    )


def read_sheet(path: Path, question_count: int, progress=None) -> Sheet:
    """Read a filled sheet; a file that is not a usable sheet is a ConfigError naming it.

    ``progress`` is the CLI's optional progress-bar factory (see ``grade.bar``).
    """
    from .grade import bar

    path = Path(path)
    raw = read_bytes(path, "答题文件")
    if raw.startswith(b"PK\x03\x04"):
        rows, total = _xlsx_rows(path, raw)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ConfigError(f"{path}：这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV")
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ConfigError(f"{path}：不是有效的 xlsx 文件（可能已损坏，或只是改了扩展名）")
    else:
        rows, total = _csv_rows(path, raw)
    del raw
    with bar(progress, "读取答题表", total) as advance:
        return _parse(path, rows, question_count, advance)


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of a table someone gave us; a missing or unreadable file is a ConfigError."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}：找不到{what}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}：是文件夹，请给出{what}") from None
    except OSError as exc:
        raise ConfigError(f"{path}：无法读取{what}（{exc.strerror}）") from None


def csv_text(path: Path, raw: bytes, what: str = "答题文件") -> tuple[str, str]:
    """A CSV someone saved (UTF-8 with or without BOM, or GB18030 from Excel on a Chinese
    Windows) as text, with its delimiter (comma, tab or semicolon, from the header line).

    Shared by answer sheets and the exam service's rosters: one reading of people's tables.
    """
    if b"\x00" in raw[:4096]:
        raise ConfigError(f"{path}：不是 CSV 文本文件（含有二进制内容）；{what}应为 CSV 或 xlsx")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ConfigError(f"{path}：无法识别文件编码，请另存为 UTF-8 的 CSV")
    first = text.split("\n", 1)[0]
    return text, (max(",\t;", key=first.count) if first else ",")


def csv_table(path: Path, raw: bytes, what: str) -> list[list[str]]:
    """A small CSV of people someone saved (absent list, roster) as rows of text, read the way
    ``csv_text`` says; a malformed record is a ConfigError naming ``path:line``."""
    text, delimiter = csv_text(path, raw, what)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise ConfigError(f"{path}:{reader.line_num}: CSV 格式错误（{exc}）") from None


def people_table(path: Path, raw: bytes, what: str) -> list[list[str]]:
    """A small table of people (a roster): the first sheet of an XLSX, read as the answer
    sheets' XLSX are, or a CSV (``csv_table``); cells as text."""
    if raw.startswith(b"PK\x03\x04"):
        rows, _ = _xlsx_rows(path, raw)
        return list(rows)
    return csv_table(path, raw, what)


def _csv_rows(path: Path, raw: bytes) -> tuple[Iterator[list[str]], int]:
    text, delimiter = csv_text(path, raw)
    lines = io.StringIO(text, newline="")  # records end at \r\n, \r or \n, as csv reads them
    if '"' not in text and "\x00" not in text:
        # Without a quote a CSV record is its line split at the delimiter: the same fields
        # csv.reader gives (tests/test_grading_fast.py checks), three times faster.
        return (line.rstrip("\r\n").split(delimiter) for line in lines), text.count("\n") + 1
    reader = csv.reader(lines, delimiter=delimiter)

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as exc:
            raise ConfigError(f"{path}:{reader.line_num}: CSV 格式错误（{exc}）") from None

    return rows(), text.count("\n") + 1


def _xlsx_rows(path: Path, raw: bytes) -> tuple[Iterator[list[str]], int]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ConfigError(f"{path}：不是有效的 xlsx 文件（{type(exc).__name__}）") from None
    except Exception as exc:  # calamine's own errors (XmlError, ZipError…) share no base class
        raise ConfigError(f"{path}：不是有效的 xlsx 文件（{type(exc).__name__}）") from None
    # iter_rows starts at the sheet's first row (row 1), even when the data starts lower.
    return _cells_as_text(sheet.iter_rows()), sheet.total_height


def _cells_as_text(rows) -> Iterator[list[str]]:
    for values in rows:
        yield [v if v.__class__ is str else cell_text(v) for v in values]


def cell_text(value: object) -> str:
    """A cell as the text a person typed: 1001.0 → "1001", TRUE → "true"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Encoder:
    """Builds a person Column chunk by chunk: a dict from text to code, codes in int32 arrays."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, texts) -> None:
        index = self.index
        codes = list(map(index.get, texts))
        if None in codes:  # texts not seen in earlier chunks
            setdefault = index.setdefault
            codes = [
                setdefault(t, len(index)) if c is None else c
                for t, c in zip(texts, codes, strict=False)
            ]
        self.parts.append(np.array(codes, dtype=np.int32))

    def column(self) -> Column:
        """The folded column: "１００１" and "1001" are the same 工号 (NFKC leaves ASCII alone)."""
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        seen: dict[str, int] = {}
        remap = np.array(
            [
                seen.setdefault(unguard(v.strip() if v.isascii() else fold(v)), len(seen))
                for v in self.index
            ],
            dtype=np.int32,
        )
        return Column(list(seen), remap[codes] if len(codes) else codes)


def _parse(path: Path, rows: Iterator[list[str]], question_count: int, advance) -> Sheet:
    numbered = enumerate(rows, start=1)
    found = next(((n, names) for n, names in numbered if "".join(names).strip()), None)
    if found is None:
        raise ConfigError(f"{path}：文件是空的，没有表头")
    header_row, names = found
    advance(header_row)
    columns = _columns(path, header_row, names, question_count)
    width = len(names)
    # Answer columns share one dictionary of texts, so a row's answers are coded in one C-level
    # map() (no column-by-column transposing of strings); person columns get their own.
    questions = list(columns.questions)
    take_person = itemgetter(*columns.person.values())
    at = [columns.questions[q] for q in questions]
    take_answers = itemgetter(*at) if len(at) > 1 else (lambda values: (values[at[0]],))
    shared: dict[str, int] = {}
    code, add = shared.get, shared.setdefault
    people = [_Encoder() for _ in columns.person]
    answers: list[np.ndarray] = []
    numbers: list[int] = []
    overflow: list[int] = []
    padding = [""] * width
    while True:
        chunk = list(islice(numbered, CHUNK))
        if not chunk:
            break
        persons, coded = [], []
        for number, values in chunk:
            if not "".join(values).strip():
                continue  # an empty line is skipped, not rejected
            extra = 0
            if len(values) != width:
                if len(values) > width:
                    extra = sum(1 for v in values[width:] if v.strip())
                    values = values[:width]
                else:
                    values = values + padding[len(values) :]
            numbers.append(number)
            overflow.append(extra)
            persons.append(take_person(values))
            texts = take_answers(values)
            codes = list(map(code, texts))
            if None in codes:  # a text no earlier row had
                codes = [
                    add(t, len(shared)) if c is None else c
                    for t, c in zip(texts, codes, strict=True)
                ]
            coded.append(codes)
        if persons:
            for encoder, texts in zip(people, zip(*persons, strict=True), strict=True):
                encoder.add(texts)
            answers.append(np.array(coded, dtype=np.int32))
        advance(len(chunk))
    matrix = np.concatenate(answers) if answers else np.zeros((0, len(at)), np.int32)
    values = [unguard(v) for v in shared]  # our own files carry the formula guard
    return Sheet(
        numbers=np.array(numbers, dtype=np.int64),
        person={c: e.column() for c, e in zip(columns.person, people, strict=True)},
        answers={
            q: Column(values, np.ascontiguousarray(matrix[:, j])) for j, q in enumerate(questions)
        },
        overflow=np.array(overflow, dtype=np.int32),
    )


@dataclass
class _Columns:
    person: dict[str, int]
    questions: dict[int, int]


def _columns(path: Path, row: int, names: list[str], question_count: int) -> _Columns:
    person: dict[str, int] = {}
    questions: dict[int, int] = {}
    where = f"{path}:{row}"
    target: dict[Any, int]
    key: Any
    for index, name in enumerate(names):
        text = fold(name)
        if not text:
            continue
        match = _QUESTION_HEADER.match(text)
        if text in PERSON_COLUMNS:
            target, key = person, text
        elif match:
            target, key = questions, int(match.group(1))
        else:
            continue  # other columns (备注, 考场…) are ignored
        if key in target:
            raise ConfigError(f"{where}: 表头中“{text}”列出现了两次")
        target[key] = index
    missing = [c for c in PERSON_COLUMNS if c not in person]
    missing_q = [n for n in range(1, question_count + 1) if n not in questions]
    extra_q = sorted(n for n in questions if n > question_count or n < 1)
    if missing or missing_q:
        parts = list(missing)
        if missing_q:
            parts.append(f"题号 {_ranges(missing_q)}")
        if not person and not questions:
            raise ConfigError(
                f"{where}: 找不到表头（第一行应为 工号、姓名、科室、版本、1…{question_count}）；"
                "这不像是答题卡文件"
            )
        raise ConfigError(
            f"{where}: 表头缺少列：{'、'.join(parts)}。"
            f"答题卡应有 工号、姓名、科室、版本 和题号 1–{question_count}（见 answer-sheet 模板）"
        )
    if extra_q:
        raise ConfigError(
            f"{where}: 表头有题号 {_ranges(extra_q)}，但答案文件只有 {question_count} 题；"
            "答题卡与 key.json 是否属于同一场考试？"
        )
    return _Columns(person, questions)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] → "1–3、7"."""
    parts, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return "、".join(parts)

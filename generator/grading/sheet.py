"""Reading a filled answer sheet to grade (the blank templates are ``exam/answer_sheet.py``).

A sheet is a header row with ``工号, 姓名, 科室, 版本`` and one column per question number
``1 … N`` in any order, then one row per person: a CSV (UTF-8 with or without BOM; a sheet
saved by Excel on a Chinese Windows as GB18030 is read too) or the first worksheet of an XLSX.
Row numbers are those a spreadsheet shows (the header is row 1), so a trainer can find a row.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..exam.answer_sheet import PERSON_COLUMNS
from ..model.answers import fold

_QUESTION_HEADER = re.compile(r"^(?:第|题|Q)?\s*(\d{1,3})\s*题?$", re.IGNORECASE)


@dataclass
class Row:
    number: int  # as a spreadsheet shows it (header = 1)
    person: dict[str, str]  # 工号, 姓名, 科室, 版本 (folded text)
    answers: dict[int, str]  # question number → raw cell text
    overflow: int = 0  # CSV values beyond the header (an unquoted comma, usually)


@dataclass
class Sheet:
    rows: list[Row]


def read_sheet(path: Path, question_count: int) -> Sheet:
    """Read a filled sheet; a file that is not a usable sheet is a ConfigError naming it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}：找不到答题文件") from None
    except OSError as exc:
        raise ConfigError(f"{path}：无法读取答题文件（{exc.strerror}）") from None
    if raw.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(path, raw)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ConfigError(f"{path}：这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV")
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ConfigError(f"{path}：不是有效的 xlsx 文件（可能已损坏，或只是改了扩展名）")
    else:
        table = _csv_rows(path, raw)
    return _parse(path, table, question_count)


def _csv_rows(path: Path, raw: bytes) -> list[tuple[int, list[object]]]:
    if b"\x00" in raw[:4096]:
        raise ConfigError(f"{path}：不是 CSV 文本文件（含有二进制内容）；答题文件应为 CSV 或 xlsx")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ConfigError(f"{path}：无法识别文件编码，请另存为 UTF-8 的 CSV")
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(number, list(values)) for number, values in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ConfigError(f"{path}:{reader.line_num}: CSV 格式错误（{exc}）") from None


def _xlsx_rows(path: Path, raw: bytes) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ConfigError(f"{path}：不是有效的 xlsx 文件（{type(exc).__name__}）") from None
    try:
        ws = wb.worksheets[0]
        return [
            (index, list(values))
            for index, values in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        wb.close()


def cell_text(value: object) -> str:
    """A cell as the text a person typed: 1001.0 → "1001", TRUE → "true"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse(path: Path, table: list[tuple[int, list[object]]], question_count: int) -> Sheet:
    table = [(n, [cell_text(v) for v in values]) for n, values in table]
    filled = [(n, values) for n, values in table if any(v.strip() for v in values)]
    if not filled:
        raise ConfigError(f"{path}：文件是空的，没有表头")
    header_row, names = filled[0]
    columns = _columns(path, header_row, names, question_count)
    rows = []
    for number, values in filled[1:]:
        person = {c: fold(values[i]) if i < len(values) else "" for c, i in columns.person.items()}
        answers = {q: values[i] if i < len(values) else "" for q, i in columns.questions.items()}
        overflow = sum(1 for v in values[len(names) :] if v.strip())
        rows.append(Row(number, person, answers, overflow))
    return Sheet(rows)


@dataclass
class _Columns:
    person: dict[str, int]
    questions: dict[int, int]


def _columns(path: Path, row: int, names: list[str], question_count: int) -> _Columns:
    person: dict[str, int] = {}
    questions: dict[int, int] = {}
    where = f"{path}:{row}"
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

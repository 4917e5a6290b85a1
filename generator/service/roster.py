"""Reading a roster (名单): a CSV or the first sheet of an XLSX with 工号, 姓名, 科室.

Every problem at once, each with the row a spreadsheet shows (the header is row 1): a missing
column, a row without 工号 or 姓名, a 工号 listed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, Problem, ValidationError
from ..grading.sheet import people_table, read_bytes
from ..model.answers import fold
from ..model.cells import unguard

COLUMNS = ("工号", "姓名", "科室")


@dataclass(frozen=True)
class Entry:
    row: int
    staff_id: str
    name: str
    department: str


def read_roster(path: Path) -> list[Entry]:
    path = Path(path)
    raw = read_bytes(path, "名单文件")
    if not raw.startswith(b"PK\x03\x04") and path.suffix.lower() in (".xlsx", ".xls"):
        raise ConfigError(
            f"{path}：不是有效的名单文件；名单应为 CSV 或 xlsx（.xls 请另存为 .xlsx）"
        )
    return _entries(path, people_table(path, raw, "名单"))


def _header_problem(rows: list[tuple[int, list[str]]], missing: list[str]) -> str:
    """What is wrong with the first row: a title line above the header (said so, with the row
    where the header is), or columns named otherwise (the names found are listed)."""
    header_row, header = rows[0]
    for number, values in rows[1:10]:
        if all(c in values for c in COLUMNS):
            title = next((v for v in header if v), "")
            return (
                f"这一行是标题“{title[:30]}”，不是表头；表头在第 {number} 行。"
                f"请删除表头上面的 {number - header_row} 行，让 工号、姓名、科室 所在的行成为第一行"
            )
    found = "、".join(f"“{v}”" for v in header if v) or "（空）"
    return (
        f"表头缺少列：{'、'.join(missing)}（找到的表头：{found}；名单应有 工号、姓名、科室 三列，"
        "列名须完全一致，顺序不限）"
    )


def _entries(path: Path, table: list[list[str]]) -> list[Entry]:
    name = str(path)
    rows = [(n, [unguard(fold(v)) for v in values]) for n, values in enumerate(table, start=1)]
    rows = [(n, values) for n, values in rows if any(values)]
    if not rows:
        raise ConfigError(f"{name}：名单是空的（第一行应为表头 工号、姓名、科室）")
    header_row, header = rows[0]
    where = {c: header.index(c) for c in COLUMNS if c in header}
    missing = [c for c in COLUMNS if c not in where]
    if missing:
        raise ValidationError([Problem(name, header_row, _header_problem(rows, missing))])
    problems: list[Problem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for number, values in rows[1:]:
        cell = {c: values[i] if i < len(values) else "" for c, i in where.items()}
        staff_id = cell["工号"]
        if not staff_id:
            problems.append(Problem(name, number, "缺少工号"))
            continue
        if staff_id in seen:
            problems.append(
                Problem(name, number, f"工号 {staff_id} 重复（第 {seen[staff_id]} 行已有）")
            )
            continue
        seen[staff_id] = number
        if not cell["姓名"]:
            problems.append(Problem(name, number, f"工号 {staff_id} 缺少姓名"))
            continue
        if not cell["科室"]:
            problems.append(
                Problem(
                    name,
                    number,
                    f"工号 {staff_id}（{cell['姓名']}）缺少科室：缺考名单和成绩按科室统计，请填写",
                )
            )
            continue
        entries.append(Entry(number, staff_id, cell["姓名"], cell["科室"]))
    if problems:
        raise ValidationError(problems)
    if not entries:
        raise ConfigError(f"{name}：名单里没有人（表头之后没有数据行）")
    return entries

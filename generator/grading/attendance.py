"""应考 / 实考 / 缺考: who was expected, who took part, who never did — per department.

The absent list is ``absent.csv`` (``工号, 姓名, 科室``), as ``exam export`` writes it beside
``answers.csv`` (or a trainer's own list of who missed a paper sitting). Present are the graded
people. A department where nobody took part still appears (0 of 7 is what 纪委办 needs to see).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, Problem, ValidationError
from ..model.answers import fold
from ..model.cells import guard_row, unguard
from ..model.order import pinyin_key

ABSENT_COLUMNS = ("工号", "姓名", "科室")
NO_DEPARTMENT = "（未填科室）"


@dataclass(frozen=True)
class Absentee:
    staff_id: str
    name: str
    department: str


@dataclass
class DepartmentAttendance:
    name: str
    present: int
    absent: int

    @property
    def expected(self) -> int:
        return self.present + self.absent

    @property
    def rate(self) -> float:
        return self.present / self.expected if self.expected else 0.0


@dataclass
class Attendance:
    departments: list[DepartmentAttendance]
    absentees: list[Absentee]
    total: DepartmentAttendance = field(init=False)

    def __post_init__(self):
        self.total = DepartmentAttendance(
            "全院",
            sum(d.present for d in self.departments),
            sum(d.absent for d in self.departments),
        )


def read_absent(path: Path) -> list[Absentee]:
    """``absent.csv`` (UTF-8 with or without BOM): every problem at once, located."""
    from .sheet import csv_text, read_bytes

    path = Path(path)
    raw = read_bytes(path, "缺考名单")
    text, delimiter = csv_text(path, raw, what="缺考名单")
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ConfigError(f"{path}：CSV 格式错误（{exc}）") from None
    rows = [(n, [unguard(fold(v)) for v in r]) for n, r in enumerate(table, start=1) if any(r)]
    if not rows:
        return []
    header_row, header = rows[0]
    missing = [c for c in ABSENT_COLUMNS if c not in header]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        raise ValidationError(
            [
                Problem(
                    str(path),
                    header_row,
                    f"缺考名单的表头缺少列：{'、'.join(missing)}（找到的表头：{found}；应有 工号、姓名、科室）",
                )
            ]
        )
    at = {c: header.index(c) for c in ABSENT_COLUMNS}
    people: list[Absentee] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, values in rows[1:]:
        cell = {c: values[i] if i < len(values) else "" for c, i in at.items()}
        if not cell["工号"]:
            problems.append(Problem(str(path), number, "缺少工号"))
            continue
        if cell["工号"] in seen:
            problems.append(
                Problem(
                    str(path), number, f"工号 {cell['工号']} 重复（第 {seen[cell['工号']]} 行已有）"
                )
            )
            continue
        seen[cell["工号"]] = number
        people.append(Absentee(cell["工号"], cell["姓名"], cell["科室"]))
    if problems:
        raise ValidationError(problems)
    return people


def attendance(present_departments: list[str], present_ids: set[str], absent) -> Attendance:
    """Per department (pinyin order): graded people and absentees. Someone on the absent list
    who was graded after all counts as present (a list exported before they sat)."""
    absent = [a for a in absent if a.staff_id not in present_ids]
    counts: dict[str, list[int]] = {}
    for name in present_departments:
        counts.setdefault(name or NO_DEPARTMENT, [0, 0])[0] += 1
    for a in absent:
        counts.setdefault(a.department or NO_DEPARTMENT, [0, 0])[1] += 1
    departments = [
        DepartmentAttendance(name, present, missing)
        for name, (present, missing) in sorted(counts.items(), key=lambda kv: pinyin_key(kv[0]))
    ]
    ordered = sorted(
        absent, key=lambda a: (pinyin_key(a.department), pinyin_key(a.name), a.staff_id)
    )
    return Attendance(departments, ordered)


def absent_csv_text(absentees: list[Absentee]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ABSENT_COLUMNS)
    for a in absentees:
        writer.writerow(guard_row([a.staff_id, a.name, a.department]))
    return "\ufeff" + buffer.getvalue()

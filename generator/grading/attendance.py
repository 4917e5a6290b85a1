"""应考 / 实考 / 缺考: who was expected, who took part, who never did — per department.

The absent list is ``absent.csv`` (``工号, 姓名, 科室``), as ``exam export`` writes it beside
``answers.csv`` (or a trainer's own list of who missed a paper sitting). Present are the graded
people. A department where nobody took part still appears (0 of 7 is what 纪委办 needs to see).

One reader (``parse_absent`` / ``read_absent``) serves ``quiz grade`` and ``quiz review``. One
policy for someone on the list who also has answers:

- ``quiz grade``: the answer sheet is the stronger evidence (a list exported before the person
  sat, or a paper list kept by hand), so the person counts as present, is left out of the
  ``absent.csv`` the grader writes, and the command prints a 提醒 naming ``path:line``
  (``Attendance.listed_but_graded``).
- ``quiz review`` reads the grader's own ``absent.csv``, which never lists a graded person; one
  that does was edited or copied in by hand, so it is an error located at ``path:line`` (grade
  again with ``--absent`` to have the list reconciled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WHOLE_FILE, Problem, ValidationError
from ..model.answers import fold
from ..model.cells import guard_row, unguard
from ..model.order import pinyin_key
from ..model.terms import NO_DEPARTMENT
from .results import csv_document

ABSENT_COLUMNS = ("工号", "姓名", "科室")
EMPTY_ABSENT = "缺考名单是空的：第一行应为表头 工号、姓名、科室（没有人缺考时只留表头这一行）"


@dataclass(frozen=True)
class Absentee:
    staff_id: str
    name: str
    department: str
    line: int = field(default=0, compare=False)  # its line in absent.csv (0: not read from one)


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
    listed_but_graded: list[Absentee] = field(default_factory=list)  # on the list, yet graded
    total: DepartmentAttendance = field(init=False)

    def __post_init__(self):
        self.total = DepartmentAttendance(
            "全院",
            sum(d.present for d in self.departments),
            sum(d.absent for d in self.departments),
        )


def parse_absent(path: Path) -> tuple[list[Absentee], list[Problem]]:
    """``absent.csv`` (UTF-8 with or without BOM, or GB18030 as Excel saves it on a Chinese
    Windows; comma, tab or semicolon): the people on it and every problem found, located.

    The one reader of the absent list: ``quiz grade --absent`` uses it through ``read_absent``,
    ``quiz review`` through ``review.results`` (which adds its own check against scores.csv).
    A missing or unreadable file, or one that is not CSV text, is a ConfigError; a missing
    header column is the only problem reported alone (no row can be read without it).
    """
    from .sheet import csv_table, read_bytes

    path = Path(path)
    table = csv_table(path, read_bytes(path, "缺考名单"), "缺考名单")
    rows = [(n, [unguard(fold(v)) for v in r]) for n, r in enumerate(table, start=1) if any(r)]
    where = str(path)
    if not rows:
        return [], [Problem(where, WHOLE_FILE, EMPTY_ABSENT)]
    header_row, header = rows[0]
    missing = [c for c in ABSENT_COLUMNS if c not in header]
    if missing:
        found = "、".join(h for h in header if h) or "（空）"
        return [], [
            Problem(
                where,
                header_row,
                f"缺考名单的表头缺少列：{'、'.join(missing)}（找到的表头：{found}；应有 工号、姓名、科室）",
            )
        ]
    at = {c: header.index(c) for c in ABSENT_COLUMNS}
    people: list[Absentee] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, values in rows[1:]:
        cell = {c: values[i] if i < len(values) else "" for c, i in at.items()}
        staff_id = cell["工号"]
        if not staff_id:
            problems.append(Problem(where, number, "缺少工号"))
        elif staff_id in seen:
            problems.append(
                Problem(where, number, f"工号 {staff_id} 重复（第 {seen[staff_id]} 行已有）")
            )
        else:
            seen[staff_id] = number
            people.append(Absentee(staff_id, cell["姓名"], cell["科室"], number))
    return people, problems


def read_absent(path: Path) -> list[Absentee]:
    """``parse_absent``, raising ValidationError with every problem at once."""
    people, problems = parse_absent(path)
    if problems:
        raise ValidationError(problems)
    return people


def attendance(present_departments: list[str], present_ids: set[str], absent) -> Attendance:
    """Per department (pinyin order): graded people and absentees. Someone on the absent list
    who was graded after all counts as present (a list exported before they sat) and is named in
    ``listed_but_graded`` for the grader to say so (see the module docstring)."""
    graded = [a for a in absent if a.staff_id in present_ids]
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
    return Attendance(departments, ordered, graded)


def absent_csv_text(absentees: list[Absentee]) -> str:
    rows = [guard_row([a.staff_id, a.name, a.department]) for a in absentees]
    return "\ufeff" + csv_document(list(ABSENT_COLUMNS), rows)

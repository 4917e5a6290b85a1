"""A graded sitting read back from the folder ``qinglian quiz grade`` wrote.

The learning loop builds on the grader's OUTPUT FILES only (DESIGN.md contracts), never on its
internals: ``scores.csv`` (one row per graded person, one ``第n题`` column per question as printed
on that person's paper), ``items.csv`` (one row per question id: 难度 and, when present, 涉及条款,
分值, 作答人数, 未作答人数) and the sitting's ``key.json``.

Where the key comes from (first found): the ``--key`` the trainer passes; ``key.json`` inside the
results folder; for a folder named ``<exam>-grades`` (quiz grade's default), the paper folder
beside it, ``<exam>/key.json`` (quiz paper's default). The key maps each version's question
numbers to question ids, rules and points; without one, per-department question analysis is not
possible (``review`` says so), while ``trend`` still compares departments, rules and questions
from the two CSV files.

``absent.csv`` (工号, 姓名, 科室; ``quiz grade --absent`` writes it into the results folder from
``exam export``'s list or the trainer's own, leaving out anyone who was graded) lists who was
expected and did not sit: 应考 = 实考 + 缺考 per department, and a department where nobody sat
still appears. Without it, 应考 = 实考. It is read by the grader's reader
(``grading.attendance.parse_absent``); a 工号 that is also in scores.csv is an error here, located
(see the policy in ``grading.attendance``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ConfigError, Problem, ValidationError
from ..exam.key import Key, load_key
from ..grading.attendance import Absentee, parse_absent
from ..model.cells import unguard
from ..model.terms import NO_DEPARTMENT, rule_refs

ABSENT_FILE = "absent.csv"  # 工号, 姓名, 科室: who was expected and did not sit (exam export)
SCORE_REQUIRED = ("工号", "姓名", "科室", "版本", "得分", "满分", "合格")
ITEM_REQUIRED = ("题目ID", "难度")
_QUESTION_COLUMN = re.compile(r"^第(\d+)题$")


@dataclass
class Person:
    staff_id: str
    name: str
    department: str
    version: str
    total: float
    full: float
    passed: bool
    scores: list[float | None]  # by printed question number − 1 (None: no such column/blank)


@dataclass
class ItemRow:
    """One line of items.csv (rules and points from the key when there is one)."""

    id: str
    difficulty: float | None
    rules: tuple[int, ...] = ()
    points: float | None = None
    takers: int | None = None
    type: str = ""  # single | multiple | judge | fill, from the key


@dataclass
class Sitting:
    folder: Path
    people: list[Person]
    items: dict[str, ItemRow]
    key: Key | None = None
    key_path: Path | None = None
    label: str = ""
    notes: list[str] = field(default_factory=list)
    absent: list[Absentee] | None = None  # None: no absent.csv (应考 = 实考)

    @property
    def roster_known(self) -> bool:
        return self.absent is not None

    def expected(self, department: str | None = None) -> int:
        """应考: graded plus absent (everyone or one department)."""
        return self.sat(department) + self.missing(department)

    def sat(self, department: str | None = None) -> int:
        """实考: the graded people."""
        return sum(1 for p in self.people if department is None or p.department == department)

    def missing(self, department: str | None = None) -> int:
        """缺考: from absent.csv (0 without one)."""
        return sum(1 for a in self.absent or () if department is None or a.department == department)

    @property
    def departments(self) -> list[str]:
        """Every department expected to sit: graded ones first, then those nobody sat for."""
        found = [p.department for p in self.people] + [a.department for a in self.absent or ()]
        return list(dict.fromkeys(found))

    @property
    def exam(self) -> str:
        return self.key.exam if self.key else ""

    @property
    def title(self) -> str:
        return self.key.title if self.key else self.folder.name

    @property
    def full(self) -> float:
        return self.key.total if self.key else (self.people[0].full if self.people else 0.0)

    def question_scores(self, person: Person) -> list[tuple[str, float, float]]:
        """(question id, score, points) for each question on the person's paper (needs the key)."""
        assert self.key is not None
        items = self.key.versions[person.version]
        return [
            (item.id, score or 0.0, item.points)
            for item, score in zip(items, person.scores, strict=False)
        ]


def load_sitting(folder: Path, key: Path | None = None) -> Sitting:
    """Read a results folder; ConfigError (Chinese, naming the file) when it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(f"{folder}：找不到成绩目录（应为 qinglian quiz grade 的输出目录）")
    scores, items = folder / "scores.csv", folder / "items.csv"
    missing = [p.name for p in (scores, items) if not p.is_file()]
    if missing:
        raise ConfigError(
            f"{folder}：不是成绩目录，缺少 {'、'.join(missing)}"
            "（应为 qinglian quiz grade 的输出目录，含 scores.csv 和 items.csv）"
        )
    people, count = _read_scores(scores)
    rows = _read_items(items)
    key_path = find_key(folder, key)
    loaded = load_key(key_path) if key_path else None
    sitting = Sitting(folder.resolve(), people, rows, loaded, key_path)
    absent = folder / ABSENT_FILE
    if absent.is_file():
        sitting.absent = _read_absent(absent, {p.staff_id for p in people})
    if loaded is not None:
        _match_key(sitting, count)
    sitting.label = loaded.title if loaded else folder.resolve().name
    return sitting


def find_key(folder: Path, explicit: Path | None = None) -> Path | None:
    """The sitting's key.json: given, in the folder, or quiz paper's folder beside ``<exam>-grades``."""
    if explicit is not None:
        if not Path(explicit).is_file():
            raise ConfigError(f"{explicit}：找不到答案文件 key.json")
        return Path(explicit)
    inside = folder / "key.json"
    if inside.is_file():
        return inside
    name = folder.resolve().name
    if name.endswith("-grades"):
        beside = folder.resolve().parent / name.removesuffix("-grades") / "key.json"
        if beside.is_file():
            return beside
    return None


# --- reading the CSV files ---------------------------------------------------------------------


def _table(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, dict]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise ConfigError(f"{path}：文件是空的（应为 qinglian quiz grade 写出的文件）")
            header = [h.strip() for h in header]
            absent = [c for c in required if c not in header]
            if absent:
                raise ConfigError(
                    f"{path}:1: 表头缺少列：{'、'.join(absent)}（应为 qinglian quiz grade 写出的文件）"
                )
            rows = [
                (n, dict(zip(header, (v.strip() for v in row), strict=False)))
                for n, row in enumerate(reader, start=2)
                if any(v.strip() for v in row)
            ]
    except UnicodeDecodeError:
        raise ConfigError(f"{path}：不是 UTF-8 编码的 CSV 文件") from None
    except csv.Error as exc:
        raise ConfigError(f"{path}：无法读取 CSV（{exc}）") from None
    return header, rows


def _number(path: Path, line: int, column: str, value: str, blank_ok: bool = False):
    if value == "" and blank_ok:
        return None
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{path}:{line}: {column}“{value}”不是数字") from None


def _read_scores(path: Path) -> tuple[list[Person], int]:
    header, rows = _table(path, SCORE_REQUIRED)
    numbered = sorted((int(m[1]), name) for name in header if (m := _QUESTION_COLUMN.match(name)))
    people = []
    for line, row in rows:
        passed = row.get("合格", "")
        if passed not in ("是", "否"):
            raise ConfigError(f"{path}:{line}: 合格“{passed}”应为“是”或“否”")
        people.append(
            Person(
                staff_id=unguard(row.get("工号", "")),
                name=unguard(row.get("姓名", "")),
                department=unguard(row.get("科室", "")) or NO_DEPARTMENT,
                version=row.get("版本", ""),
                total=_number(path, line, "得分", row.get("得分", "")),
                full=_number(path, line, "满分", row.get("满分", "")),
                passed=passed == "是",
                scores=[
                    _number(path, line, name, row.get(name, ""), blank_ok=True)
                    for _, name in numbered
                ],
            )
        )
    if not people:
        raise ConfigError(f"{path}：没有评分记录（scores.csv 只有表头）")
    return people, len(numbered)


def _read_absent(path: Path, graded: set[str]) -> list[Absentee]:
    """absent.csv by the one reader (``grading.attendance.parse_absent``), plus review's own
    check: the grader never lists a graded person as absent, so a 工号 that is also in
    scores.csv means the file was edited by hand — an error here (``quiz grade`` reconciles)."""
    people, problems = parse_absent(path)
    problems += [
        Problem(
            str(path),
            a.line,
            f"工号 {a.staff_id}{f'（{a.name}）' if a.name else ' '}在 scores.csv 中已有成绩，"
            "不能同时列为缺考（quiz grade 写出的缺考名单不列有成绩的人，这个文件被改过；"
            "请删除这一行，或用 quiz grade 的 --absent 选项重新评分）",
        )
        for a in people
        if a.staff_id in graded
    ]
    if problems:
        raise ValidationError(problems)
    return [replace(a, department=a.department or NO_DEPARTMENT) for a in people]


def _read_items(path: Path) -> dict[str, ItemRow]:
    _, rows = _table(path, ITEM_REQUIRED)
    items: dict[str, ItemRow] = {}
    for line, row in rows:
        qid = row["题目ID"]
        if not qid:
            raise ConfigError(f"{path}:{line}: 题目ID 是空的")
        answered = _number(path, line, "作答人数", row.get("作答人数", ""), blank_ok=True)
        blank = _number(path, line, "未作答人数", row.get("未作答人数", ""), blank_ok=True)
        takers = None if answered is None else int(answered + (blank or 0))
        items[qid] = ItemRow(
            id=qid,
            difficulty=_number(path, line, "难度", row["难度"], blank_ok=True),
            rules=parse_rule_labels(row.get("涉及条款", "")),
            points=_number(path, line, "分值", row.get("分值", ""), blank_ok=True),
            takers=takers,
        )
    return items


def parse_rule_labels(text: str) -> tuple[int, ...]:
    """“第八条、第一条” → (8, 1)."""
    return tuple(rule_refs(text))


def _match_key(sitting: Sitting, columns: int) -> None:
    """The key must be this sitting's: same versions, question count and question ids."""
    key = sitting.key
    assert key is not None
    where = f"{sitting.key_path} 与成绩目录 {sitting.folder}"
    unknown = sorted({p.version for p in sitting.people} - set(key.versions))
    if unknown:
        raise ConfigError(f"{where}不符：成绩中有 {'、'.join(unknown)} 卷，答案文件中没有")
    if columns != key.question_count:
        raise ConfigError(
            f"{where}不符：scores.csv 有 {columns} 道题的得分列，答案文件有 {key.question_count} 题"
        )
    by_id = key.items_by_id()
    extra = [qid for qid in sitting.items if qid not in by_id]
    if extra:
        raise ConfigError(f"{where}不符：items.csv 中的题目 {'、'.join(extra[:5])} 不在答案文件中")
    for qid, placements in by_id.items():
        item = placements[0][1]
        row = sitting.items.get(qid)
        if row is None:
            sitting.items[qid] = ItemRow(qid, None, item.rules, item.points, None, item.type)
        else:
            row.rules, row.points, row.type = item.rules, item.points, item.type

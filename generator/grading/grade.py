"""Grading: every sheet row either scored by the key or rejected with its reason. Never guessed.

Scoring (DESIGN.md): single, judge and fill are all-or-nothing. ``multiple`` with
``all_or_nothing``: exactly the correct set scores the points, anything else 0. With
``partial_half``: exactly the correct set scores the points; a non-empty strict subset of the
correct options with no wrong option scores half; anything else 0. A blank scores 0. Two letters
on a single-choice question are a readable wrong answer (0), as on paper.

A row is rejected (not scored) when its 工号 is missing or appears on another row too (every such
row: which one is right cannot be known), its 版本 is not one of the key's, or any answer cannot
be read (a letter that is not an option, a stray character, a judge answer that is not 对/错).

One cell is read by ``read_response`` and scored by ``score`` (the exam service uses them for
one answer at a time). A whole sheet is graded by the same two functions, called once for each
distinct text in each column and version; rows then only look their cells up in those tables,
as numpy arrays, so a million rows take seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..exam.key import Key, KeyItem
from .sheet import Column, Row, Sheet
from .spelling import Unreadable, fold, read_choice, read_fill, read_judge

Response = frozenset[str] | str | None
PROGRESS_FROM = 500  # rows; fewer finish before a bar would be seen
CHUNK = 65_536  # rows looked up at a time (bounds temporary memory; one progress step)


@dataclass
class Result:
    """One graded person."""

    row: int
    staff_id: str
    name: str
    department: str
    version: str
    responses: list[Response]  # by printed question number - 1
    scores: list[float]  # by printed question number - 1
    total: float = 0.0
    passed: bool = False


@dataclass
class Rejected:
    row: int
    staff_id: str
    name: str
    reason: str


@dataclass
class Cells:
    """What each distinct text of one answer column means on each version's paper."""

    scores: np.ndarray  # float64 (versions × texts)
    unreadable: np.ndarray  # bool (versions × texts)
    responses: list[list[Response]]  # [version][text]; None for blank or unreadable
    reasons: list[dict[int, str]]  # [version] text → why it cannot be read


@dataclass
class Grading:
    """The graded sheet, by column: row ``i`` of the arrays is the ``i``-th graded person.

    ``results`` gives the same people one by one (built on first use).
    """

    key: Key
    sheet: Sheet | None = None
    graded: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # sheet rows
    version: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # key version no.
    scores: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # by printed number
    totals: np.ndarray = field(default_factory=lambda: np.zeros(0))
    passed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    cells: dict[int, Cells] = field(default_factory=dict)  # question number → tables
    rejected: list[Rejected] = field(default_factory=list)
    sheet_rows: int = 0

    @property
    def count(self) -> int:
        return len(self.graded)

    @cached_property
    def versions(self) -> list[str]:
        return list(self.key.versions)

    def rows(self) -> np.ndarray:
        """Each graded person's row number on the sheet."""
        return self.sheet.numbers[self.graded] if self.sheet else np.zeros(0, np.int64)

    def person(self, column: str) -> np.ndarray:
        """Each graded person's 工号, 姓名, 科室 or 版本 (folded text) as an object array."""
        if not self.sheet:
            return np.zeros(0, dtype=object)
        col = self.sheet.person[column]
        return np.array(col.values, dtype=object)[col.codes[self.graded]]

    def codes(self, number: int) -> np.ndarray:
        """Which distinct text each graded person wrote for question ``number``."""
        if self.sheet is None:
            raise ValueError("Grading has no sheet: nobody was graded")
        return self.sheet.answers[number].codes[self.graded]

    @cached_property
    def results(self) -> list[Result]:
        if not self.count:
            return []
        rows = self.rows().tolist()
        ids, names, departments = (self.person(c) for c in ("工号", "姓名", "科室"))
        versions = self.version.tolist()
        numbers = range(1, self.key.question_count + 1)
        answers = [self.codes(n).tolist() for n in numbers]
        looked_up = [self.cells[n].responses for n in numbers]
        out = []
        for i, (scores, total, passed) in enumerate(
            zip(self.scores.tolist(), self.totals.tolist(), self.passed.tolist(), strict=True)
        ):
            v = versions[i]
            out.append(
                Result(
                    row=rows[i],
                    staff_id=ids[i],
                    name=names[i],
                    department=departments[i],
                    version=self.versions[v],
                    responses=[
                        table[v][col[i]] for table, col in zip(looked_up, answers, strict=True)
                    ],
                    scores=scores,
                    total=total,
                    passed=passed,
                )
            )
        return out


UNDECIDED = "?"  # quiz scan writes it where a person must still decide (DESIGN.md)


def read_response(item: KeyItem, cell: object) -> Response:
    """The answer in ``cell`` for ``item``; raises Unreadable."""
    if isinstance(cell, str) and cell.strip() == UNDECIDED:  # never a fill answer "?"
        raise Unreadable("待复核（扫描读卡未能确定，请在 review.html 中决定后重新运行 quiz scan）")
    if item.type in ("single", "multiple"):
        return read_choice(cell, len(item.options))
    if item.type == "judge":
        return read_judge(cell)
    return read_fill(cell)


def score(item: KeyItem, response: Response, scoring: str) -> float:
    """The points ``response`` (from ``read_response``) earns on ``item``."""
    if response is None:
        return 0.0
    if item.type == "fill":
        return item.points if response in item.answer else 0.0
    if item.type == "judge":
        return item.points if frozenset({response}) == item.answer else 0.0
    if response == item.answer:
        return item.points
    if (
        item.type == "multiple"
        and scoring == "partial_half"
        and isinstance(response, frozenset)  # read_choice's letters
        and response < item.answer
    ):
        return item.points / 2
    return 0.0


# --- progress ------------------------------------------------------------------------------


@contextmanager
def bar(progress, description: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``: a progress bar when the CLI offers one and the work is large."""
    if progress is None or total < PROGRESS_FROM:
        yield lambda n: None
        return
    shown, task = progress(description, total)
    with shown:
        yield lambda n: shown.advance(task, n)


# --- a whole sheet -------------------------------------------------------------------------


def grade(key: Key, sheet: Sheet | list[Row], progress=None) -> Grading:
    """Grade every row of ``sheet`` (a Sheet, or Row objects: scanned sheets, the service's
    answers); ``progress`` is the CLI's optional progress-bar factory."""
    if not isinstance(sheet, Sheet):
        sheet = Sheet(list(sheet))
    n = len(sheet)
    versions = list(key.versions)
    numbers = list(range(1, key.question_count + 1))
    for q in numbers:  # a sheet built from rows may leave a question out: blank for everyone
        if q not in sheet.answers:
            sheet.answers[q] = Column([""], np.zeros(n, np.int32))
    version = _version_numbers(key, sheet)  # -1: not a version of the key
    cells = {q: _cells(key, versions, q, sheet.answers[q]) for q in numbers}
    staff = sheet.person["工号"]
    missing_id = np.array([not v for v in staff.values], dtype=bool)[staff.codes]
    counts = np.bincount(staff.codes, minlength=len(staff.values))
    duplicate = (counts > 1)[staff.codes] & ~missing_id
    bad = (version < 0) | missing_id | duplicate | (sheet.overflow > 0)
    known = np.where(version < 0, 0, version)
    with bar(progress, "评分", n) as advance:
        for start in range(0, n, CHUNK):
            part = slice(start, start + CHUNK)
            for q in numbers:
                bad[part] |= cells[q].unreadable[known[part], sheet.answers[q].codes[part]]
        graded = np.flatnonzero(~bad)
        version_of = version[graded]
        scores = np.zeros((len(graded), len(numbers)))
        for start in range(0, n, CHUNK):
            rows = graded[(graded >= start) & (graded < start + CHUNK)]
            at = np.searchsorted(graded, rows)
            for j, q in enumerate(numbers):
                scores[at, j] = cells[q].scores[version[rows], sheet.answers[q].codes[rows]]
            advance(min(CHUNK, n - start))
    totals = np.zeros(len(graded))
    for j in range(len(numbers)):  # left to right, as sum() adds a person's scores
        totals += scores[:, j]
    return Grading(
        key=key,
        sheet=sheet,
        graded=graded,
        version=version_of.astype(np.int32),
        scores=scores,
        totals=totals,
        passed=totals >= key.pass_score - 1e-9,
        cells=cells,
        rejected=_rejected(key, sheet, np.flatnonzero(bad), version, cells, duplicate),
        sheet_rows=n,
    )


def _version(key: Key, text: str) -> str:
    name = fold(text).upper().removesuffix("卷").strip()
    if not name and len(key.versions) == 1:
        return next(iter(key.versions))
    return name


def _version_numbers(key: Key, sheet: Sheet) -> np.ndarray:
    col = sheet.person["版本"]
    names = list(key.versions)
    table = np.array(
        [names.index(v) if (v := _version(key, t)) in key.versions else -1 for t in col.values],
        dtype=np.int32,
    )
    return table[col.codes] if len(col.codes) else np.zeros(0, np.int32)


def _cells(key: Key, versions: list[str], number: int, col) -> Cells:
    """Read and score each distinct text of question ``number``'s column once per version."""
    size = max(len(col.values), 1)
    scores = np.zeros((len(versions), size))
    unreadable = np.zeros((len(versions), size), dtype=bool)
    responses: list[list[Response]] = []
    reasons: list[dict[int, str]] = []
    present = np.flatnonzero(np.bincount(col.codes, minlength=len(col.values))).tolist()
    for v, name in enumerate(versions):
        item = key.versions[name][number - 1]
        looked: list[Response] = [None] * len(col.values)
        why: dict[int, str] = {}
        for u in present:  # the texts this column holds (the dictionary is the whole sheet's)
            text = col.values[u]
            try:
                response = read_response(item, text)
            except Unreadable as exc:
                why[u] = f"第 {item.no} 题答案{exc}"
                unreadable[v, u] = True
                response = None
            else:
                scores[v, u] = score(item, response, key.multiple_scoring)
            looked[u] = response
        responses.append(looked)
        reasons.append(why)
    return Cells(scores, unreadable, responses, reasons)


def _rejected(
    key: Key,
    sheet: Sheet,
    rows: np.ndarray,
    version: np.ndarray,
    cells: dict[int, Cells],
    duplicate: np.ndarray,
) -> list[Rejected]:
    """Each rejected row with every reason, in the order a trainer fixes them."""
    staff, names, given = sheet.person["工号"], sheet.person["姓名"], sheet.person["版本"]
    where: dict[int, list[int]] = {}  # 工号 code → row numbers carrying it
    for i in np.flatnonzero(duplicate).tolist():
        where.setdefault(int(staff.codes[i]), []).append(int(sheet.numbers[i]))
    known = "、".join(key.versions)
    numbers = range(1, key.question_count + 1)
    out = []
    for i in rows.tolist():
        number = int(sheet.numbers[i])
        staff_id = staff[i]
        reasons = []
        if not staff_id:
            reasons.append("缺少工号")
        elif duplicate[i]:
            others = "、".join(str(n) for n in where[int(staff.codes[i])] if n != number)
            reasons.append(f"工号 {staff_id} 重复（另见第 {others} 行），无法确定哪一行有效")
        v = int(version[i])
        if v < 0:
            text = given[i]
            reasons.append(f"版本“{text}”不存在（应为 {known}）" if text else "缺少版本")
        if sheet.overflow[i]:
            reasons.append(
                f"比表头多出 {int(sheet.overflow[i])} 个值"
                "（答案里的英文逗号需要加引号，或改用顿号、不加分隔）"
            )
        if v >= 0:
            for q in numbers:
                reason = cells[q].reasons[v].get(int(sheet.answers[q].codes[i]))
                if reason:
                    reasons.append(reason)
        out.append(Rejected(number, staff_id, names[i], "；".join(reasons)))
    return out

"""Grading: every sheet row either scored by the key or rejected with its reason. Never guessed.

Scoring (DESIGN.md): single, judge and fill are all-or-nothing. ``multiple`` with
``all_or_nothing``: exactly the correct set scores the points, anything else 0. With
``partial_half``: exactly the correct set scores the points; a non-empty strict subset of the
correct options with no wrong option scores half; anything else 0. A blank scores 0. Two letters
on a single-choice question are a readable wrong answer (0), as on paper.

A row is rejected (not scored) when its 工号 is missing or appears on another row too (every such
row: which one is right cannot be known), its 版本 is not one of the key's, or any answer cannot
be read (a letter that is not an option, a stray character, a judge answer that is not 对/错).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from ..exam.key import Key, KeyItem
from .sheet import Row, Sheet
from .spelling import Unreadable, fold, read_choice, read_fill, read_judge

Response = frozenset[str] | str | None
T = TypeVar("T")
PROGRESS_FROM = 500  # rows; fewer finish before a bar would be seen


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
class Grading:
    key: Key
    results: list[Result] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    sheet_rows: int = 0


def read_response(item: KeyItem, cell: object) -> Response:
    """The answer in ``cell`` for ``item``; raises Unreadable."""
    if item.type in ("single", "multiple"):
        return read_choice(cell, len(item.options))
    if item.type == "judge":
        return read_judge(cell)
    return read_fill(cell)


def score(item: KeyItem, response: Response, scoring: str) -> float:
    if response is None:
        return 0.0
    if item.type == "fill":
        return item.points if response in item.answer else 0.0
    if item.type == "judge":
        return item.points if frozenset({response}) == item.answer else 0.0
    if response == item.answer:
        return item.points
    if item.type == "multiple" and scoring == "partial_half" and response < item.answer:
        return item.points / 2
    return 0.0


def grade(key: Key, sheet: Sheet, progress=None) -> Grading:
    """Grade every row of ``sheet``; ``progress`` is the CLI's optional progress-bar factory."""
    grading = Grading(key=key, sheet_rows=len(sheet.rows))
    where = _duplicates(sheet.rows)
    for row in tracked(sheet.rows, progress, "评分"):
        outcome = _grade_row(key, row, where)
        if isinstance(outcome, Rejected):
            grading.rejected.append(outcome)
        else:
            grading.results.append(outcome)
    return grading


def tracked(items: list[T], progress, description: str) -> Iterable[T]:
    """``items`` with a progress bar when the CLI offers one and there are many of them."""
    if progress is None or len(items) < PROGRESS_FROM:
        yield from items
        return
    bar, task = progress(description, len(items))
    with bar:
        for item in items:
            yield item
            bar.advance(task)


def _duplicates(rows: list[Row]) -> dict[str, list[int]]:
    counts = Counter(row.person["工号"] for row in rows if row.person["工号"])
    where: dict[str, list[int]] = {}
    for row in rows:
        if counts[row.person["工号"]] > 1:
            where.setdefault(row.person["工号"], []).append(row.number)
    return where


def _version(key: Key, text: str) -> str:
    name = fold(text).upper().removesuffix("卷").strip()
    if not name and len(key.versions) == 1:
        return next(iter(key.versions))
    return name


def _grade_row(key: Key, row: Row, duplicates: dict[str, list[int]]) -> Result | Rejected:
    person = row.person
    staff_id = person["工号"]
    reasons = []
    if not staff_id:
        reasons.append("缺少工号")
    elif staff_id in duplicates:
        others = "、".join(str(n) for n in duplicates[staff_id] if n != row.number)
        reasons.append(f"工号 {staff_id} 重复（另见第 {others} 行），无法确定哪一行有效")
    version = _version(key, person["版本"])
    items = key.versions.get(version)
    if items is None:
        known = "、".join(key.versions)
        reasons.append(
            f"版本“{person['版本']}”不存在（应为 {known}）" if person["版本"] else "缺少版本"
        )
    if row.overflow:
        reasons.append(
            f"比表头多出 {row.overflow} 个值（答案里的英文逗号需要加引号，或改用顿号、不加分隔）"
        )
    responses: list[Response] = []
    if items is not None:
        for item in items:
            try:
                responses.append(read_response(item, row.answers.get(item.no, "")))
            except Unreadable as exc:
                reasons.append(f"第 {item.no} 题答案{exc}")
    if reasons:
        return Rejected(row.number, staff_id, person["姓名"], "；".join(reasons))
    scores = [
        score(item, r, key.multiple_scoring) for item, r in zip(items, responses, strict=True)
    ]
    total = sum(scores)
    return Result(
        row=row.number,
        staff_id=staff_id,
        name=person["姓名"],
        department=person["科室"],
        version=version,
        responses=responses,
        scores=scores,
        total=total,
        passed=total >= key.pass_score - 1e-9,
    )

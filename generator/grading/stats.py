"""Statistics of a graded exam: the whole group, each department, each rule and each question.

Definitions (also printed in the report):

- 难度 (difficulty, p): mean score on the question ÷ its points (high = easy).
- 区分度 (discrimination, D): the upper 27 % of people by total score minus the lower 27 %, each as
  mean score ÷ points. Negative means the weaker group did better: check the key.
- 点二列相关 (point-biserial): Pearson correlation between the question's score and the total.
- KR-20: reliability with each question counted right (full points) or wrong; Cronbach's α on the
  actual scores is given too (they differ only when partial credit or unequal points occur).

Questions are identified by id across versions; options are counted by their text, so a choice is
the same option whichever letter it had on that version.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..exam.key import KeyItem
from .grade import Grading, Result
from .spelling import LABELS

UPPER_LOWER = 0.27
TOO_EASY = 0.9
TOO_HARD = 0.3
LOW_DISCRIMINATION = 0.2


@dataclass
class ItemStats:
    id: str
    type: str
    points: float
    rules: tuple[int, ...]
    numbers: dict[str, int]  # version → printed number
    answer: str  # in the first version's labels (fill: accepted strings)
    takers: int = 0  # graded people whose paper carried it (难度 is over these; blank = 0)
    blank: int = 0
    difficulty: float | None = None
    discrimination: float | None = None
    point_biserial: float | None = None
    choices: list[tuple[str, str, int, bool]] = field(default_factory=list)
    # (label in first version, option text, how many chose it, is correct)
    wrong_fills: list[tuple[str, int]] = field(default_factory=list)

    @property
    def answered(self) -> int:
        """作答人数: takers who wrote an answer."""
        return self.takers - self.blank

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.difficulty is not None and self.difficulty > TOO_EASY:
            flags.append("过易")
        if self.difficulty is not None and self.difficulty < TOO_HARD:
            flags.append("过难")
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("负区分")
        elif self.discrimination is not None and self.discrimination < LOW_DISCRIMINATION:
            flags.append("区分度低")
        return flags


@dataclass
class GroupStats:
    name: str
    count: int
    mean: float
    median: float
    passed: int
    low: float
    high: float

    @property
    def pass_rate(self) -> float:
        return self.passed / self.count if self.count else 0.0


@dataclass
class RuleStats:
    rule: int
    questions: int
    rate: float  # points scored ÷ points possible on questions touching the rule


@dataclass
class ExamStats:
    overall: GroupStats | None
    stdev: float | None
    kr20: float | None
    alpha: float | None
    departments: list[GroupStats]
    rules: list[RuleStats]
    items: list[ItemStats]
    histogram: list[tuple[float, float, int]]  # (from, to, count)


def analyse(grading: Grading) -> ExamStats:
    results = grading.results
    key = grading.key
    totals = [r.total for r in results]
    by_department: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_department[r.department or "（未填科室）"].append(r)
    departments = sorted(
        (_group(name, rs, key.pass_score) for name, rs in by_department.items()),
        key=lambda g: (g.mean, g.name),
    )
    kr20, alpha = _reliability(grading)
    return ExamStats(
        overall=_group("全体", results, key.pass_score) if results else None,
        stdev=statistics.pstdev(totals) if len(totals) > 1 else None,
        kr20=kr20,
        alpha=alpha,
        departments=departments,
        rules=_rules(grading),
        items=_items(grading),
        histogram=_histogram(totals, key.total),
    )


def _group(name: str, results: list[Result], pass_score: float) -> GroupStats:
    totals = [r.total for r in results]
    return GroupStats(
        name=name,
        count=len(totals),
        mean=statistics.fmean(totals) if totals else 0.0,
        median=statistics.median(totals) if totals else 0.0,
        passed=sum(1 for r in results if r.passed),
        low=min(totals, default=0.0),
        high=max(totals, default=0.0),
    )


def _histogram(totals: list[float], full: float) -> list[tuple[float, float, int]]:
    """Ten bins of a tenth of the full score each; the full score falls in the last."""
    width = full / 10
    bins = [[i * width, (i + 1) * width, 0] for i in range(10)]
    for t in totals:
        index = min(int(t / width + 1e-9), 9) if width else 0
        bins[max(index, 0)][2] += 1
    return [tuple(b) for b in bins]


def _columns(grading: Grading) -> dict[str, int]:
    """Question id → column, in the first version's order.

    key.json is checked to hold the same questions, once each, on every version, so every id of
    every version has a column and versions add up question by question.
    """
    first = next(iter(grading.key.versions.values()))
    return {item.id: n for n, item in enumerate(first)}


def _matrix(grading: Grading) -> tuple[list[str], list[list[float | None]]]:
    """Question ids (first version's order) and each person's fraction of the points per id."""
    key = grading.key
    column = _columns(grading)
    rows = []
    for r in grading.results:
        row: list[float | None] = [None] * len(column)
        for item, s in zip(key.versions[r.version], r.scores, strict=True):
            row[column[item.id]] = s / item.points
        rows.append(row)
    return list(column), rows


def _reliability(grading: Grading) -> tuple[float | None, float | None]:
    """KR-20 (each question right or wrong) and Cronbach's α (actual scores), in one pass.

    Either is None when it cannot be computed (fewer than two people or questions, or no spread).
    """
    key = grading.key
    results = grading.results
    k = key.question_count
    if len(results) < 2 or k < 2:
        return None, None
    column = _columns(grading)
    right: list[list[float]] = [[] for _ in range(k)]
    scored: list[list[float]] = [[] for _ in range(k)]
    right_totals, totals = [], []
    for r in results:
        items = key.versions[r.version]
        marks = [
            1.0 if s >= item.points - 1e-9 else 0.0 for item, s in zip(items, r.scores, strict=True)
        ]
        right_totals.append(sum(marks))
        totals.append(sum(r.scores))
        for item, mark, s in zip(items, marks, r.scores, strict=True):
            right[column[item.id]].append(mark)
            scored[column[item.id]].append(s)
    return _alpha(right, right_totals), _alpha(scored, totals)


def _alpha(per_item: list[list[float]], totals: list[float]) -> float | None:
    """k/(k−1) · (1 − Σ item variances / variance of totals); KR-20 when values are 0 or 1."""
    variance = statistics.pvariance(totals)
    if variance == 0:
        return None
    k = len(per_item)
    item_variance = sum(statistics.pvariance(v) for v in per_item)
    return k / (k - 1) * (1 - item_variance / variance)


def _rules(grading: Grading) -> list[RuleStats]:
    scored: dict[int, float] = defaultdict(float)
    possible: dict[int, float] = defaultdict(float)
    questions: dict[int, set[str]] = defaultdict(set)
    for r in grading.results:
        for item, s in zip(grading.key.versions[r.version], r.scores, strict=True):
            for n in set(item.rules):
                scored[n] += s
                possible[n] += item.points
                questions[n].add(item.id)
    stats = [RuleStats(n, len(questions[n]), scored[n] / possible[n]) for n in possible]
    return sorted(stats, key=lambda s: (s.rate, s.rule))


def _items(grading: Grading) -> list[ItemStats]:
    key = grading.key
    ids, matrix = _matrix(grading)
    totals = [r.total for r in grading.results]
    ranked = sorted(range(len(totals)), key=lambda i: (totals[i], grading.results[i].row))
    group = max(1, round(len(totals) * UPPER_LOWER)) if len(totals) >= 2 else 0
    lower, upper = ranked[:group], ranked[len(ranked) - group :]
    by_id = key.items_by_id()
    stats = []
    for column, qid in enumerate(ids):
        placements = by_id[qid]
        first_version, first_item = placements[0]
        s = ItemStats(
            id=qid,
            type=first_item.type,
            points=first_item.points,
            rules=first_item.rules,
            numbers={v: item.no for v, item in placements},
            answer=first_item.answer_text,
        )
        values = [(i, row[column]) for i, row in enumerate(matrix) if row[column] is not None]
        s.takers = len(values)
        if values:
            s.difficulty = statistics.fmean(v for _, v in values)
        if group:
            up = [matrix[i][column] for i in upper if matrix[i][column] is not None]
            low = [matrix[i][column] for i in lower if matrix[i][column] is not None]
            if up and low:
                s.discrimination = statistics.fmean(up) - statistics.fmean(low)
            s.point_biserial = _correlation([v for _, v in values], [totals[i] for i, _ in values])
        _count_choices(s, grading, placements)
        stats.append(s)
    return stats


def _correlation(x: list[float], y: list[float]) -> float | None:
    if len(x) < 2:
        return None
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _count_choices(s: ItemStats, grading: Grading, placements: list[tuple[str, KeyItem]]) -> None:
    """Option counts by option text (labels of the first version), blanks and wrong fills."""
    numbers = dict((v, item) for v, item in placements)
    first = placements[0][1]
    chosen: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for r in grading.results:
        item = numbers.get(r.version)
        if item is None:
            continue
        response = r.responses[item.no - 1]
        if response is None:
            s.blank += 1
        elif item.type in ("single", "multiple"):
            for label in response:
                chosen[item.options[LABELS.index(label)]] += 1
        elif item.type == "judge":
            chosen[response] += 1
        elif response not in item.answer:
            wrong[response] += 1
    if first.type in ("single", "multiple"):
        correct = {first.options[LABELS.index(a)] for a in first.answer}
        s.choices = [
            (LABELS[n], text, chosen[text], text in correct) for n, text in enumerate(first.options)
        ]
    elif first.type == "judge":
        s.choices = [(v, v, chosen[v], v in first.answer) for v in ("对", "错")]
    s.wrong_fills = wrong.most_common(3)

"""Statistics of a graded exam: the whole group, each department, each rule and each question.

Definitions (also printed in the report):

- 难度 (difficulty, p): mean score on the question ÷ its points (high = easy).
- 区分度 (discrimination, D): the upper 27 % of people by total score minus the lower 27 %, each as
  mean score ÷ points. Negative means the weaker group did better: check the key.
- 点二列相关 (point-biserial, uncorrected): Pearson correlation between the question's score and
  the total score *including* that question. 校正点二列相关 (corrected, item–rest): the same with
  the total of the *other* questions, which does not flatter short papers.
- KR-20: reliability with each question counted right (full points) or wrong; Cronbach's α on the
  actual scores. The report leads with KR-20 when every question is scored right/wrong and with
  α when partial credit exists (``partial_half`` with multiple-choice questions).

Questions flagged ``document`` in key.json (about the document itself, not a rule) count in the
scores and the question statistics but not in the per-rule rates.

Computed with numpy on the graded arrays (``grade.Grading``); ``tests/test_grading_stats.py``
checks them against scipy and pingouin.

Questions are identified by id across versions; options are counted by their text, so a choice is
the same option whichever letter it had on that version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..model.terms import NO_DEPARTMENT
from .grade import Grading
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
    point_biserial: float | None = None  # uncorrected: with the total including this question
    item_rest: float | None = None  # corrected: with the total of the other questions
    document: bool = False
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
    partial_credit: bool  # partial_half with multiple-choice questions: α leads, else KR-20
    departments: list[GroupStats]
    rules: list[RuleStats]
    items: list[ItemStats]
    histogram: list[tuple[float, float, int]]  # (from, to, count)
    versions: dict[str, tuple[int, float]] = field(default_factory=dict)  # → (people, mean)

    @property
    def reliability(self) -> tuple[str, float | None]:
        """The reliability the report leads with, and its name."""
        return ("Cronbach α", self.alpha) if self.partial_credit else ("KR-20", self.kr20)


def analyse(grading: Grading) -> ExamStats:
    key = grading.key
    totals = grading.totals
    n = grading.count
    by_id = _by_id(grading)
    kr20, alpha = _reliability(by_id, totals)
    means = {}
    for v, name in enumerate(grading.versions):
        mine = totals[grading.version == v]
        if len(mine):
            means[name] = (len(mine), float(mine.mean()))
    return ExamStats(
        overall=_group("全体", totals, grading.passed) if n else None,
        stdev=float(totals.std()) if n > 1 else None,
        kr20=kr20,
        alpha=alpha,
        partial_credit=key.multiple_scoring == "partial_half"
        and any(item.type == "multiple" for item in next(iter(key.versions.values()))),
        departments=_departments(grading),
        rules=_rules(grading),
        items=_items(grading, by_id),
        histogram=_histogram(totals, key.total),
        versions=dict(sorted(means.items())),
    )


def _group(name: str, totals: np.ndarray, passed: np.ndarray) -> GroupStats:
    return GroupStats(
        name=name,
        count=len(totals),
        mean=float(totals.mean()) if len(totals) else 0.0,
        median=float(np.median(totals)) if len(totals) else 0.0,
        passed=int(passed.sum()),
        low=float(totals.min()) if len(totals) else 0.0,
        high=float(totals.max()) if len(totals) else 0.0,
    )


def _departments(grading: Grading) -> list[GroupStats]:
    if not grading.count:
        return []
    assert grading.sheet is not None  # people were graded: from a sheet
    column = grading.sheet.person["科室"]
    names: dict[str, int] = {}
    group_of = np.array(
        [names.setdefault(v or NO_DEPARTMENT, len(names)) for v in column.values], dtype=np.int64
    )
    groups = group_of[column.codes[grading.graded]]
    order = np.lexsort((grading.totals, groups))
    bounds = np.searchsorted(groups[order], np.arange(len(names) + 1))
    sorted_totals, sorted_passed = grading.totals[order], grading.passed[order]
    out = []
    for name, g in names.items():
        a, b = bounds[g], bounds[g + 1]
        if a < b:
            out.append(_group(name, sorted_totals[a:b], sorted_passed[a:b]))
    return sorted(out, key=lambda g: (g.mean, g.name))


def _histogram(totals: np.ndarray, full: float) -> list[tuple[float, float, int]]:
    """Ten bins of a tenth of the full score each; the full score falls in the last."""
    width = full / 10
    if width:
        index = np.clip(np.floor(totals / width + 1e-9), 0, 9).astype(np.int64)
    else:
        index = np.zeros(len(totals), np.int64)
    counts = np.bincount(index, minlength=10)
    return [(i * width, (i + 1) * width, int(counts[i])) for i in range(10)]


@dataclass
class _ById:
    """Scores by question id (the first version's order), whatever number each paper printed.

    One contiguous array per question: statistics go down a question, not across a person.
    """

    ids: list[str]
    points: list[float]  # per id (first version)
    scores: list[np.ndarray]  # per id: each person's points on it
    right: list[np.ndarray]  # per id: 1.0 where the person scored its full points


def _by_id(grading: Grading) -> _ById:
    """key.json is checked to hold the same questions, once each, on every version."""
    versions = list(grading.key.versions.values())
    ids = [item.id for item in versions[0]]
    people = [np.flatnonzero(grading.version == v) for v in range(len(versions))]
    at = [{item.id: (j, item.points) for j, item in enumerate(items)} for items in versions]
    scores, right = [], []
    for qid in ids:
        column = np.zeros(grading.count)
        full = np.zeros(grading.count)
        for rows, where in zip(people, at, strict=True):
            if len(rows):
                j, points = where[qid]
                mine = grading.scores[rows, j]
                column[rows] = mine
                full[rows] = mine >= points - 1e-9
        scores.append(column)
        right.append(full)
    return _ById(ids, [item.points for item in versions[0]], scores, right)


def _constant(values: np.ndarray) -> bool:
    return len(values) == 0 or bool(values.min() == values.max())


def _alpha(per_item: list[np.ndarray], totals: np.ndarray) -> float | None:
    """k/(k−1) · (1 − Σ item variances / variance of totals); KR-20 when values are 0 or 1."""
    if _constant(totals):
        return None
    k = len(per_item)
    item_variance = sum(float(column.var()) for column in per_item)
    return k / (k - 1) * (1 - item_variance / float(totals.var()))


def _reliability(by_id: _ById, totals: np.ndarray) -> tuple[float | None, float | None]:
    """KR-20 (each question right or wrong) and Cronbach's α (actual scores).

    Either is None when it cannot be computed (fewer than two people or questions, or no spread).
    """
    if len(totals) < 2 or len(by_id.ids) < 2:
        return None, None
    right_totals = np.zeros(len(totals))
    for column in by_id.right:
        right_totals += column
    return _alpha(by_id.right, right_totals), _alpha(by_id.scores, totals)


def _correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2 or _constant(x) or _constant(y):
        return None
    dx, dy = x - x.mean(), y - y.mean()
    # Plain sums, not BLAS dot products (threaded BLAS crawls on a busy shared server).
    sxx, syy = float(np.sum(dx * dx)), float(np.sum(dy * dy))
    if sxx == 0 or syy == 0:
        return None
    return float(np.sum(dx * dy)) / (sxx * syy) ** 0.5


def _rules(grading: Grading) -> list[RuleStats]:
    scored: dict[int, float] = defaultdict(float)
    possible: dict[int, float] = defaultdict(float)
    questions: dict[int, set[str]] = defaultdict(set)
    for v, items in enumerate(grading.key.versions.values()):
        mine = grading.version == v
        people = int(mine.sum())
        if not people:
            continue
        sums = grading.scores[mine].sum(axis=0)
        for item, s in zip(items, sums.tolist(), strict=True):
            if getattr(item, "document", False):
                continue
            for n in set(item.rules):
                scored[n] += s
                possible[n] += item.points * people
                questions[n].add(item.id)
    stats = [RuleStats(n, len(questions[n]), scored[n] / possible[n]) for n in possible]
    return sorted(stats, key=lambda s: (s.rate, s.rule))


def _items(grading: Grading, by_id: _ById) -> list[ItemStats]:
    key = grading.key
    totals = grading.totals
    n = grading.count
    ranked = np.lexsort((grading.rows(), totals)) if n else np.zeros(0, np.int64)
    group = max(1, round(n * UPPER_LOWER)) if n >= 2 else 0
    lower, upper = ranked[:group], ranked[n - group :]
    placements = key.items_by_id()
    stats = []
    for column, qid in enumerate(by_id.ids):
        first_item = placements[qid][0][1]
        s = ItemStats(
            id=qid,
            type=first_item.type,
            points=first_item.points,
            rules=first_item.rules,
            numbers={v: item.no for v, item in placements[qid]},
            answer=first_item.answer_text,
            document=bool(getattr(first_item, "document", False)),
        )
        points = by_id.scores[column]
        fraction = points / by_id.points[column]
        s.takers = n
        if n:
            s.difficulty = float(fraction.mean())
        if group:
            s.discrimination = float(fraction[upper].mean() - fraction[lower].mean())
            s.point_biserial = _correlation(fraction, totals)
            s.item_rest = _correlation(fraction, totals - points)
        _count_choices(s, grading, placements[qid])
        stats.append(s)
    return stats


def _count_choices(s: ItemStats, grading: Grading, placements) -> None:
    """Option counts by option text (labels of the first version), blanks and wrong fills.

    Wrong fills are ranked by count, ties by which appeared first on the sheet.
    """
    first = placements[0][1]
    chosen: dict[str, int] = defaultdict(int)
    wrong: dict[str, list[int]] = {}  # text → [count, first graded person]
    names = grading.versions
    for version, item in placements:
        v = names.index(version)
        people = np.flatnonzero(grading.version == v)
        if not len(people):
            continue
        codes = grading.codes(item.no)[people]
        responses = grading.cells[item.no].responses[v]
        counts = np.bincount(codes, minlength=len(responses))
        present = np.flatnonzero(counts)
        firsts = {}
        if item.type == "fill":
            order = np.argsort(codes, kind="stable")
            starts = np.searchsorted(codes[order], present)
            firsts = dict(zip(present.tolist(), people[order[starts]].tolist(), strict=True))
        for u in present.tolist():
            count, response = int(counts[u]), responses[u]
            if response is None:
                s.blank += count
            elif item.type in ("single", "multiple"):
                for label in response:
                    chosen[item.options[LABELS.index(label)]] += count
            elif item.type == "judge":
                assert isinstance(response, str)  # read_judge: 对 or 错
                chosen[response] += count
            elif response not in item.answer:
                assert isinstance(response, str)  # read_fill: the folded text
                seen = wrong.setdefault(response, [0, firsts[u]])
                seen[0] += count
                seen[1] = min(seen[1], firsts[u])
    if first.type in ("single", "multiple"):
        correct = {first.options[LABELS.index(a)] for a in first.answer}
        s.choices = [
            (LABELS[n], text, chosen[text], text in correct) for n, text in enumerate(first.options)
        ]
    elif first.type == "judge":
        s.choices = [(v, v, chosen[v], v in first.answer) for v in ("对", "错")]
    ranked = sorted(wrong.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
    s.wrong_fills = [(text, count) for text, (count, _) in ranked[:3]]

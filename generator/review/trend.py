"""Several graded sittings side by side (``qinglian quiz trend``): ``trend.html`` and ``trend.csv``.

Sittings are given oldest first and labelled by their exam title (from the key) or, without a
key, by folder name. Compared:

- the whole hospital and each department: 参考人数, 合格率, 平均分, 得分率 (mean ÷ full score, so
  sittings with different full scores compare); 应考/缺考/参考率 from each results folder's
  ``absent.csv`` (without one, 应考 = 实考), so a department where nobody sat still appears;
- each rule: 得分率 = points scored ÷ points possible on the questions touching it (the grader's
  per-rule rate), from scores.csv and the key; without a key, Σ(难度 × 分值 × takers) ÷
  Σ(分值 × takers) from items.csv;
- each question id in two or more sittings: its 难度 (items.csv), and whether it got easier or
  harder (last − first beyond ``threshold``); shown by its stem, or for an exam-only question by
  its rule and topic (``topics``), as the study plans show it.

The change column is last − first among the sittings that have a value. Departments with fewer
than ``MIN_TAKERS`` takers in a sitting are marked, as in the study plans.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..errors import ConfigError
from ..grading.report import data_uri, html_environment
from ..model.cells import guard
from ..model.numbers import one_decimal
from ..model.terms import rule_label
from ..outputs import staged_private_files
from . import trend_charts
from .plans import MIN_TAKERS
from .results import Sitting
from .topics import topic

TEMPLATES = Path(__file__).parent / "templates"
OUTPUTS = ("trend.html", "trend.csv")
THRESHOLD = 0.15
COUNTS = ("参考人数", "应考人数", "缺考人数")


@dataclass
class Series:
    """One thing measured in every sitting (None where a sitting has no value)."""

    kind: str  # 全院 | 科室 | 条款 | 题目
    name: str
    measure: str  # 参考人数 | 合格率 | 平均分 | 得分率 | 难度
    values: list[float | None]
    small: list[bool] = field(default_factory=list)  # too few takers, per sitting

    @property
    def change(self) -> float | None:
        present = [v for v in self.values if v is not None]
        return present[-1] - present[0] if len(present) >= 2 else None


@dataclass
class GroupTrend:
    name: str
    takers: Series  # 实考 (参考人数)
    pass_rate: Series
    mean: Series
    rate: Series
    expected: Series  # 应考 (实考 + 缺考 from absent.csv; = 实考 without one)
    absent: Series  # 缺考
    participation: Series  # 参考率 = 实考 ÷ 应考


@dataclass
class ItemTrend:
    id: str
    rules: tuple[int, ...]
    difficulty: Series
    stem: str = ""  # a public question's stem
    topic: str = ""  # an exam-only question: what it tests (topics.topic), never its stem
    known: bool = True  # False: not in the bank (any more)


@dataclass
class Trend:
    sittings: list[Sitting]
    threshold: float
    overall: GroupTrend
    departments: list[GroupTrend]
    rules: list[Series]
    items: list[ItemTrend]
    common_departments: list[str]
    common_rules: list[int]
    common_items: list[str]

    @property
    def easier(self) -> list[ItemTrend]:
        return [i for i in self.items if (i.difficulty.change or 0) >= self.threshold]

    @property
    def harder(self) -> list[ItemTrend]:
        return [i for i in self.items if (i.difficulty.change or 0) <= -self.threshold]

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.sittings]


def compare(sittings: list[Sitting], threshold: float = THRESHOLD, corpus=None) -> Trend:
    """``corpus`` (the question bank) lets the report show each question's stem, or for an
    exam-only question its topic; without it questions are listed by id."""
    _label(sittings)
    bank = {q.id: q for q in corpus.questions} if corpus is not None else {}
    departments = _ordered(d for s in sittings for d in s.departments)
    per_department = [_group(name, sittings, name) for name in departments]
    rule_rates = [_rule_rates(s) for s in sittings]
    rule_numbers = sorted({n for rates in rule_rates for n in rates})
    rules = [
        Series("条款", rule_label(n), "得分率", [rates.get(n) for rates in rule_rates])
        for n in rule_numbers
    ]
    item_ids = _ordered(qid for s in sittings for qid in s.items)
    items = []
    for qid in item_ids:
        rows = [s.items.get(qid) for s in sittings]
        values = [r.difficulty if r else None for r in rows]
        if sum(v is not None for v in values) < 2:
            continue
        rules_of = next(r.rules for r in reversed(rows) if r)
        item = ItemTrend(qid, rules_of, Series("题目", qid, "难度", values))
        question = bank.get(qid)
        if question is None:
            item.known = corpus is None
        elif question.exam_only:
            item.topic = topic(corpus, question)
        else:
            item.stem = question.stem
        items.append(item)
    common_departments = [
        g.name for g in per_department if all(v is not None for v in g.takers.values)
    ]
    common_rules = [n for n in rule_numbers if all(n in rates for rates in rule_rates)]
    common_items = [i.id for i in items if all(v is not None for v in i.difficulty.values)]
    if not (common_departments or common_rules or common_items):
        shown = "、".join(str(s.folder) for s in sittings)
        raise ConfigError(
            f"这几次考试没有共同的科室、条款或题目，无法比较：{shown}"
            "（请确认给出的是同一类考试的成绩目录）"
        )
    return Trend(
        sittings=sittings,
        threshold=threshold,
        overall=_group("全院", sittings, None),
        departments=per_department,
        rules=rules,
        items=items,
        common_departments=common_departments,
        common_rules=common_rules,
        common_items=common_items,
    )


def _label(sittings: list[Sitting]) -> None:
    """Labels must tell sittings apart: a repeated title gets its folder name."""
    counts: dict[str, int] = defaultdict(int)
    for s in sittings:
        counts[s.label] += 1
    for s in sittings:
        if counts[s.label] > 1:
            s.label = f"{s.label}（{s.folder.name}）"
    seen: dict[str, int] = defaultdict(int)
    for s in sittings:  # the same folder given twice
        seen[s.label] += 1
        if seen[s.label] > 1:
            s.label = f"{s.label} #{seen[s.label]}"


def _ordered(values) -> list:
    return list(dict.fromkeys(values))


def _group(name: str, sittings: list[Sitting], department: str | None) -> GroupTrend:
    takers: list[float | None] = []
    passed: list[float | None] = []
    mean: list[float | None] = []
    rate: list[float | None] = []
    small: list[bool] = []
    expected: list[float | None] = []
    absent: list[float | None] = []
    participation: list[float | None] = []
    for s in sittings:
        people = [p for p in s.people if department is None or p.department == department]
        missing = s.missing(department)
        if people or missing:
            expected.append(float(len(people) + missing))
            absent.append(float(missing))
            participation.append(len(people) / (len(people) + missing))
        else:  # the department was not in this sitting at all
            expected.append(None)
            absent.append(None)
            participation.append(None)
        if not people:
            takers.append(0.0 if missing else None)
            for column in (passed, mean, rate):
                column.append(None)
            small.append(False)
            continue
        total = sum(p.total for p in people)
        full = sum(p.full for p in people)
        takers.append(float(len(people)))
        passed.append(sum(p.passed for p in people) / len(people))
        mean.append(total / len(people))
        rate.append(total / full if full else None)
        small.append(department is not None and len(people) < MIN_TAKERS)
    kind = "全院" if department is None else "科室"
    return GroupTrend(
        name=name,
        takers=Series(kind, name, "参考人数", takers, small),
        pass_rate=Series(kind, name, "合格率", passed, small),
        mean=Series(kind, name, "平均分", mean, small),
        rate=Series(kind, name, "得分率", rate, small),
        expected=Series(kind, name, "应考人数", expected),
        absent=Series(kind, name, "缺考人数", absent),
        participation=Series(kind, name, "参考率", participation),
    )


def _rule_rates(sitting: Sitting) -> dict[int, float]:
    """Points scored ÷ possible per rule: exact from scores.csv with the key, else from items.csv
    (whose 难度 is rounded to three decimals)."""
    scored: dict[int, float] = defaultdict(float)
    possible: dict[int, float] = defaultdict(float)
    if sitting.key is not None:
        for person in sitting.people:
            for qid, score, points in sitting.question_scores(person):
                for n in sitting.items[qid].rules:
                    scored[n] += score
                    possible[n] += points
        return {n: scored[n] / possible[n] for n in possible if possible[n]}
    everyone = len(sitting.people)
    for row in sitting.items.values():
        if row.difficulty is None:
            continue
        weight = (row.points or 1.0) * (row.takers if row.takers is not None else everyone)
        for n in row.rules:
            scored[n] += row.difficulty * weight
            possible[n] += weight
    return {n: scored[n] / possible[n] for n in possible if possible[n]}


# --- writing ---------------------------------------------------------------------------------


def write_trend(trend: Trend, out: Path) -> list[str]:
    """trend.html and trend.csv into ``out`` (other files there are left alone)."""
    with staged_private_files(Path(out), OUTPUTS) as tmp:
        write_csv(trend, tmp / "trend.csv")
        (tmp / "trend.html").write_text(render_html(trend), encoding="utf-8")
        return sorted(p.name for p in tmp.iterdir())


def _csv_value(measure: str, value: float | None) -> str:
    if value is None:
        return ""
    if measure in COUNTS:
        return str(int(value))
    if measure == "平均分":
        return one_decimal(value)
    return f"{value:.3f}"


def _csv_change(measure: str, value: float | None) -> str:
    if value is None:
        return ""
    if measure in COUNTS:
        return f"{int(value):+d}"
    text = _csv_value(measure, value)
    return text if text.startswith("-") else "+" + text


def all_series(trend: Trend) -> list[Series]:
    rows = []
    for group in (trend.overall, *trend.departments):
        rows += [group.takers, group.pass_rate, group.mean, group.rate]
        rows += [group.expected, group.absent, group.participation]
    rows += trend.rules
    rows += [i.difficulty for i in trend.items]
    return rows


def write_csv(trend: Trend, path: Path) -> None:
    header = ["类别", "对象", "指标", *trend.labels, "变化（末次−首次）", "说明"]
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for s in all_series(trend):
            note = ""
            if any(s.small):
                note = f"有的考试参考人数少于 {MIN_TAKERS} 人，仅供参考"
            if s.kind == "题目" and s.change is not None:
                if s.change >= trend.threshold:
                    note = "变易"
                elif s.change <= -trend.threshold:
                    note = "变难"
            change = _csv_change(s.measure, s.change)
            name = guard(s.name)
            writer.writerow(
                [s.kind, name, s.measure, *(_csv_value(s.measure, v) for v in s.values), change,
                 note]
            )  # fmt: skip


def _environment() -> jinja2.Environment:
    env = html_environment(TEMPLATES)
    env.filters["pp"] = lambda v: "—" if v is None else f"{v * 100:+.1f}"
    env.filters["count"] = lambda v: "—" if v is None else str(int(v))
    return env


def render_html(trend: Trend) -> str:
    labels = trend.labels
    pictures = {
        "departments": data_uri(
            trend_charts.grouped_bars(
                [(g.name, g.pass_rate.values) for g in (trend.overall, *trend.departments)],
                labels,
                "各科室合格率",
            )
        )
    }
    if trend.rules:
        pictures["rules"] = data_uri(
            trend_charts.grouped_bars(
                [(s.name, s.values) for s in trend.rules], labels, "各条款得分率"
            )
        )
    moved = sorted(trend.easier + trend.harder, key=lambda i: i.difficulty.change or 0)
    if moved:
        pictures["questions"] = data_uri(
            trend_charts.changes(
                [(i.id, i.difficulty.change or 0.0) for i in moved],
                f"难度变化超过 {trend.threshold * 100:.0f} 个百分点的题目（末次−首次）",
            )
        )
    return (
        _environment()
        .get_template("trend.html.j2")
        .render(
            trend=trend,
            labels=labels,
            pictures=pictures,
            min_takers=MIN_TAKERS,
            unknown_rosters=[s.label for s in trend.sittings if not s.roster_known],
            generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        )
    )

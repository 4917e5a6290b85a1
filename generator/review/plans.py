"""Study plans: what each department answered worst, and what it should read and practise next.

For every department of a graded sitting (``results.Sitting`` with its key):

- **rates**: points scored ÷ points possible, per rule (over the questions touching it) and per
  question, for the department and for the whole hospital (every graded person). The gap is
  department − hospital, in percentage points.
- **weak rules**: the department's lowest-rated rules (below full marks), worst first, at most
  ``WEAK_RULES``; **worst questions**: its lowest-rated questions, at most ``WORST_QUESTIONS``.
  A question flagged ``exam_only`` in the bank is shown by its rule and topic (``topics``): its
  stem never leaves the exam room, not even in a private plan.
- **应考 / 实考 / 缺考**: with the results folder's ``absent.csv`` (see ``results``); a department
  where nobody sat has a plan that says so, with the hospital's weakest rules to study.
- **too few takers** (fewer than ``min_takers``): the department's own figures are shown but not
  interpreted; its plan studies the hospital's weakest rules instead.
- **practice**: the public questions on the weak rules, on the site's practice page
  (``quiz/practice/?rules=…``), which only ever holds public questions.
- **reading**: the weak rules' pages, and the two cases that fit best: a point per weak rule a
  case cites (weighted by how weak the rule is, double for the case's main rule), three more for
  the department's own case; ties go to the more recent case.
- **清廉查房 sheet** (“三个一”): a case on the weakest rule (the department's own first, then
  the rule's main cases, then the most recent), that rule explained (一条准则解析: it is a rule
  of the nine-point code, not a party-discipline provision, so it is named as such), and talking
  points from the department's worst questions, its risk register and the rule's 自查要点.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..model import links
from ..model.corpus import Case, Corpus, Rule
from ..model.numbers import one_decimal
from ..model.schemas import Question
from ..model.terms import TYPE_NAMES, rule_label
from ..model.text import clip, first_paragraph, list_items, plain_text, quoted
from .results import Sitting
from .topics import topic

MIN_TAKERS = 5
WEAK_RULES = 3
WORST_QUESTIONS = 5
CASES = 2
TALKING_POINTS = 5


@dataclass
class RuleGap:
    rule: int
    title: str
    rate: float
    hospital: float
    url: str = ""

    @property
    def gap(self) -> float:
        """Department − hospital, in percentage points."""
        return (self.rate - self.hospital) * 100


@dataclass
class QuestionGap:
    id: str
    type: str
    rules: tuple[int, ...]
    rate: float
    hospital: float
    stem: str | None  # None: exam-only or not in the bank
    public: bool = False
    topic: str = ""  # exam-only: what it tests, from public text (topics.topic)

    @property
    def gap(self) -> float:
        return (self.rate - self.hospital) * 100

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type, self.type)

    @property
    def rule_labels(self) -> str:
        return "、".join(rule_label(n) for n in self.rules)


@dataclass
class Reading:
    case: Case
    url: str
    reasons: list[str]


@dataclass
class RoundsSheet:
    """The one-page 清廉查房 sheet: 一个案例警示、一条准则解析、一次廉政约谈."""

    case: Case | None
    case_url: str
    case_text: str
    lesson: str
    rule: Rule | None
    rule_url: str
    explain: str
    standing: str  # how the department did on the rule
    points: list[str]


class Turnout:
    """应考 / 实考 / 缺考 and the pass rate of a group (``takers``, ``passed``, ``expected``)."""

    takers: int
    passed: int
    expected: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.takers if self.takers else 0.0

    @property
    def absent(self) -> int:
        """缺考."""
        return self.expected - self.takers

    @property
    def participation(self) -> float:
        """参考率: 实考 ÷ 应考."""
        return self.takers / self.expected if self.expected else 0.0


@dataclass
class DepartmentPlan(Turnout):
    name: str
    slug: str
    takers: int
    passed: int
    mean: float
    flagged: bool
    rules: list[RuleGap]
    questions: list[QuestionGap]
    study_rules: list[RuleGap]  # what the plan studies (the department's, or the hospital's)
    practice: list[Question]
    practice_url: str
    readings: list[Reading]
    sheet: RoundsSheet
    all_right: bool = False
    expected: int = 0  # 应考 (实考 + 缺考; = 实考 without absent.csv)

    @property
    def nobody(self) -> bool:
        """Expected to sit, and nobody did: no figures, only the hospital's weak rules."""
        return self.takers == 0


@dataclass
class Review(Turnout):
    sitting: Sitting
    takers: int
    passed: int
    mean: float
    hospital_rules: list[RuleGap]
    plans: list[DepartmentPlan] = field(default_factory=list)
    min_takers: int = MIN_TAKERS
    expected: int = 0  # 应考

    @property
    def roster_known(self) -> bool:
        """absent.csv was there: 应考 is known, not assumed equal to 实考."""
        return self.sitting.roster_known


class _Tally:
    """Points scored and possible, per key."""

    def __init__(self):
        self.scored: dict = defaultdict(float)
        self.possible: dict = defaultdict(float)

    def add(self, key, score: float, points: float) -> None:
        self.scored[key] += score
        self.possible[key] += points

    def rate(self, key) -> float | None:
        possible = self.possible.get(key)
        return self.scored[key] / possible if possible else None


def review(sitting: Sitting, corpus: Corpus, min_takers: int = MIN_TAKERS) -> Review:
    """Every department's study plan for ``sitting`` (its key is required)."""
    if sitting.key is None:
        raise ConfigError(
            f"{sitting.folder}：找不到这次考试的 key.json，无法把各题得分对应到题目和条款；"
            "请用 --key 指定 qinglian quiz paper 生成的 key.json（或把它复制到成绩目录）"
        )
    rules_of = {qid: row.rules for qid, row in sitting.items.items()}
    hospital_q, hospital_r = _Tally(), _Tally()
    by_department: dict[str, list] = defaultdict(list)
    for person in sitting.people:
        by_department[person.department].append(person)
        for qid, score, points in sitting.question_scores(person):
            hospital_q.add(qid, score, points)
            for n in rules_of.get(qid, ()):
                hospital_r.add(n, score, points)
    people = sitting.people
    result = Review(
        sitting=sitting,
        takers=len(people),
        passed=sum(p.passed for p in people),
        mean=sum(p.total for p in people) / len(people),
        hospital_rules=sorted(
            (
                _rule_gap(corpus, n, hospital_r.rate(n), hospital_r.rate(n))
                for n in hospital_r.possible
            ),
            key=lambda g: (g.rate, g.rule),
        ),
        min_takers=min_takers,
        expected=sitting.expected(),
    )
    order = {d.name: i for i, d in enumerate(corpus.departments)}
    names = sorted(sitting.departments, key=lambda n: (order.get(n, len(order)), n))
    for name in names:
        plan = _plan(
            corpus, sitting, name, by_department.get(name, []), hospital_q, hospital_r, result,
            rules_of,
        )  # fmt: skip
        plan.expected = sitting.expected(name)
        result.plans.append(plan)
    return result


def _rule_gap(corpus: Corpus, n: int, rate, hospital) -> RuleGap:
    rule = corpus.rules.get(n)
    return RuleGap(
        rule=n,
        title=rule.title if rule else "",
        rate=rate,
        hospital=hospital,
        url=links.published_url(corpus, links.rule_page(n)) if rule else "",
    )


def _plan(corpus, sitting, name, people, hospital_q, hospital_r, result, rules_of):
    own_q, own_r = _Tally(), _Tally()
    for person in people:
        for qid, score, points in sitting.question_scores(person):
            own_q.add(qid, score, points)
            for n in rules_of.get(qid, ()):
                own_r.add(n, score, points)
    rules = sorted(
        (_rule_gap(corpus, n, own_r.rate(n), hospital_r.rate(n)) for n in own_r.possible),
        key=lambda g: (g.rate, g.gap, g.rule),
    )
    by_id = {q.id: q for q in corpus.questions}
    questions = []
    for qid in own_q.possible:
        q = by_id.get(qid)
        public = q is not None and not q.exam_only
        questions.append(
            QuestionGap(
                id=qid,
                type=sitting.items[qid].type if qid in sitting.items else "",
                rules=rules_of.get(qid, ()),
                rate=own_q.rate(qid),
                hospital=hospital_q.rate(qid),
                stem=q.stem if public else None,
                public=public,
                topic=topic(corpus, q) if q is not None and not public else "",
            )
        )
    questions.sort(key=lambda g: (g.rate, g.gap, g.id))
    flagged = len(people) < result.min_takers
    weak = [g for g in rules if g.rate < 1 - 1e-9][:WEAK_RULES]
    all_right = not weak
    if flagged or all_right:
        study = [g for g in result.hospital_rules if g.rate < 1 - 1e-9][:WEAK_RULES]
        study = study or result.hospital_rules[:WEAK_RULES]
    else:
        study = weak
    study_numbers = [g.rule for g in study if g.rule in corpus.rules]
    practice = _practice(corpus, study_numbers)
    dept = corpus.department_by_name.get(name)
    readings = _readings(corpus, name, study_numbers)
    worst = [g for g in questions if g.rate < 1 - 1e-9][:WORST_QUESTIONS]
    return DepartmentPlan(
        name=name,
        slug=dept.slug if dept else "",
        takers=len(people),
        passed=sum(p.passed for p in people),
        mean=sum(p.total for p in people) / len(people) if people else 0.0,
        flagged=flagged,
        rules=rules if flagged else weak,
        questions=worst,
        study_rules=study,
        practice=practice,
        practice_url=links.practice_set_url(
            corpus.hospital.site_url,
            rules=study_numbers,
            directory_urls=links.uses_directory_urls(corpus.site_config),
        ),
        readings=readings,
        sheet=_sheet(corpus, name, study, worst, readings, own=not (flagged or all_right)),
        all_right=all_right,
    )


def _practice(corpus: Corpus, rules: list[int]) -> list[Question]:
    """The public questions on any of ``rules`` (what the practice page will show)."""
    seen: dict[str, Question] = {}
    for n in rules:
        for q in corpus.public_questions_by_rule.get(n, []):
            seen.setdefault(q.id, q)
    return list(seen.values())


def fitting_cases(corpus: Corpus, department: str, rules: list[int], limit: int = CASES):
    """The cases that fit best, with why: rule match (weighted), department match, recency."""
    weight = {n: len(rules) - i for i, n in enumerate(rules)}
    scored = []
    for case in corpus.cases:
        reasons, score = [], 0
        matched = [n for n in dict.fromkeys(case.rules) if n in weight]
        for n in matched:
            score += weight[n] * (2 if n == case.rules[0] else 1)
        if matched:
            reasons.append("涉及" + "、".join(rule_label(n) for n in matched))
        if case.department == department:
            score += 3
            reasons.append("本科室案例")
        if score:
            scored.append((score, case.date, case, reasons))
    scored.sort(key=lambda s: (-s[0], -s[1].toordinal(), s[2].id))
    return [(case, reasons) for _, _, case, reasons in scored[:limit]]


def sheet_case(corpus: Corpus, department: str, rule: int) -> Case | None:
    """The ward-round case for ``rule``: the department's own case first, then a case whose
    main rule it is, then the most recent (ties by id)."""
    cases = corpus.cases_by_rule.get(rule, [])
    ranked = sorted(
        cases,
        key=lambda c: (c.department != department, c.rules[0] != rule, -c.date.toordinal(), c.id),
    )
    return ranked[0] if ranked else None


def _readings(corpus: Corpus, department: str, rules: list[int]) -> list[Reading]:
    return [
        Reading(case, links.published_url(corpus, links.case_page(case.id)), reasons)
        for case, reasons in fitting_cases(corpus, department, rules)
    ]


def _sheet(corpus, department, study, worst, readings, own: bool) -> RoundsSheet:
    top = next((g for g in study if g.rule in corpus.rules), None)
    rule = corpus.rules[top.rule] if top else None
    case = sheet_case(corpus, department, top.rule) if top else None
    if case is None and readings:
        case = readings[0].case
    points = []
    if top and own:
        points.append(
            f"本次考试本科室{rule_label(top.rule)}得分率 {top.rate:.0%}（全院 {top.hospital:.0%}）："
            "哪些规定大家还拿不准？"
        )
    for g in worst:
        if g.stem and len(points) < 3:
            points.append(
                f"{quoted(clip(plain_text(g.stem), 40))}——正确做法是什么，科室里遇到过吗？"
            )
    register = corpus.risks_by_department.get(department)
    if register:
        for post, risk in register.ranked_risks[:2]:
            points.append(f"【{post}】{clip(plain_text(risk.risk), 50)}：本岗位现在怎么防？")
    if rule:
        points += list_items(rule.sections.get("自查要点", ""))
    case_sections = case.sections if case else {}
    return RoundsSheet(
        case=case,
        case_url=links.published_url(corpus, links.case_page(case.id)) if case else "",
        case_text=clip(
            plain_text(case.summary or first_paragraph(case_sections.get("基本案情", ""))), 150
        )
        if case
        else "",
        lesson=clip(plain_text(first_paragraph(case_sections.get("警示启示", ""))), 120),
        rule=rule,
        rule_url=links.published_url(corpus, links.rule_page(rule.rule)) if rule else "",
        explain=clip(plain_text(first_paragraph(rule.sections.get("释义", ""))), 150)
        if rule
        else "",
        standing=(
            f"本科室得分率 {top.rate:.0%}，{gap_text(top.gap)}"
            if top and own
            else f"全院得分率 {top.hospital:.0%}，是全院答得最差的条款之一"
            if top
            else ""
        ),
        points=points[:TALKING_POINTS],
    )


def gap_text(gap: float) -> str:
    """−12.34 → “低于全院 12.3 个百分点”."""
    if abs(gap) < 0.05:
        return "与全院持平"
    return f"{'低于' if gap < 0 else '高于'}全院 {one_decimal(round(abs(gap), 9))} 个百分点"

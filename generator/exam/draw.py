"""Drawing an exam: which questions, in which order, with which option order, for every version.

Everything comes from ``random.Random`` seeded with the exam's ``seed`` (the draw) and with
``"<seed>-<version>"`` (each version's order), so the same seed and banks always give the same
papers. Steps:

1. the pool: the questions of the exam's banks, in bank order (``exam_only`` ones included:
   they exist for exams); a section's ``pool`` keeps only ``exam_only`` questions, only public
   ones, or all;
2. ``min_per_rule``: for each rule the pool covers, starting with the rule that has the fewest
   candidates, questions touching it are drawn until it has its minimum;
3. every section is then filled from its own shuffled candidates;
4. each version shuffles the questions within each section (sections keep their order and points)
   and, with ``shuffle_options``, the options of single and multiple questions. Options such as
   “以上都对” keep their place.

A minimum that cannot be met is a located problem on the exam file: nothing is drawn silently short.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Problem, ValidationError
from ..model.answers import shuffled_order
from ..model.corpus import Bank, Corpus, Exam
from ..model.numbers import number
from ..model.schemas import ExamSection, Question
from ..model.terms import CHINESE_NUMERALS, TYPE_NAMES, rule_label
from ..model.terms import OPTION_LABELS as LABELS

LineOf = Callable[..., int]


@dataclass(frozen=True)
class Item:
    """One question as printed on one version."""

    no: int
    question: Question
    section: int  # index into exam.sections
    points: float
    options: tuple[str, ...] = ()  # single/multiple: option texts in printed order
    answer: tuple[str, ...] = ()  # printed labels; ("对",)/("错",); accepted fill strings

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def labelled_options(self) -> list[tuple[str, str]]:
        return list(zip(LABELS, self.options, strict=False))


@dataclass
class Version:
    name: str
    items: list[Item]

    def section_items(self, index: int) -> list[Item]:
        return [item for item in self.items if item.section == index]


@dataclass
class DrawnExam:
    exam: Exam
    sections: list[list[Question]]  # the questions drawn for each section (draw order)
    versions: list[Version] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.count * s.points for s in self.exam.sections)

    @property
    def question_count(self) -> int:
        return sum(len(qs) for qs in self.sections)


def section_title(index: int, section: ExamSection) -> str:
    """一、单选题（共 20 题，每题 2 分，共 40 分）"""
    return section_heading(
        index, section.type, section.count, section.points, section.count * section.points
    )


def section_heading(index: int, kind: str, count: int, each: float | None, total: float) -> str:
    """A section's heading on the printed paper and the online one; ``each=None`` leaves out
    每题 … 分 (questions of different points)."""
    numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    per_question = f"每题 {number(each)} 分，" if each is not None else ""
    return f"{numeral}、{TYPE_NAMES[kind]}（共 {count} 题，{per_question}共 {number(total)} 分）"


def draw(exam: Exam, banks: list[Bank], line: LineOf | None = None) -> DrawnExam:
    """Draw ``exam`` from ``banks`` (the corpus's banks; the exam names which it uses).

    ``line(*keys)`` gives the exam file's line of a key path, for located problems.
    """
    line = line or (lambda *loc: 1)
    pool = _pool(exam, banks, line)
    rng = random.Random(exam.seed)
    candidates = []
    for section in exam.sections:
        same_type = [q for q in pool if q.type == section.type and in_pool(q, section.pool)]
        rng.shuffle(same_type)
        candidates.append(same_type)
    chosen = _draw_minimums(exam, pool, candidates, rng, line)
    taken = {q.id for qs in chosen for q in qs}
    for index, section in enumerate(exam.sections):
        for q in candidates[index]:
            if len(chosen[index]) >= section.count:
                break
            if q.id not in taken:
                chosen[index].append(q)
                taken.add(q.id)
        if len(chosen[index]) < section.count:
            raise ValidationError(
                [
                    Problem(
                        exam.path or exam.id,
                        line("sections", index, "count"),
                        f"{TYPE_NAMES[section.type]}要抽 {section.count} 道，所选题库只剩 "
                        f"{len(chosen[index])} 道可用" + _pool_note(section, pool),
                    )
                ]
            )
    drawn = DrawnExam(exam=exam, sections=chosen)
    drawn.versions = [_version(drawn, name) for name in exam.versions]
    return drawn


POOL_NAMES = {"exam_only": "仅用于考试的", "public": "公开的"}


def in_pool(q: Question, pool: str) -> bool:
    """Whether ``q`` may be drawn for a section with this ``pool``."""
    if pool == "exam_only":
        return bool(q.exam_only)
    if pool == "public":
        return not q.exam_only
    return True


def _pool_note(section: ExamSection, pool: list[Question]) -> str:
    if section.pool == "all":
        return ""
    same = [q for q in pool if q.type == section.type]
    inside = sum(1 for q in same if in_pool(q, section.pool))
    return (
        f"（pool: {section.pool}：只抽{POOL_NAMES[section.pool]}题目，所选题库的 {len(same)} 道"
        f"{TYPE_NAMES[section.type]}中有 {inside} 道；请补充题目、减少题数，或改用 pool: all）"
    )


def feasibility_problems(corpus: Corpus) -> list[Problem]:
    """Every exam of the corpus drawn as ``quiz paper`` draws it; what stops a draw, located.

    ``qinglian check`` reports these, so a clean check means every exam can be drawn.
    """
    problems: list[Problem] = []
    for exam in corpus.exams:
        try:
            draw(exam, corpus.banks, lambda *loc, path=exam.path: corpus.line_of(path, *loc))
        except ValidationError as exc:
            problems += exc.problems
    return problems


def _pool(exam: Exam, banks: list[Bank], line: LineOf) -> list[Question]:
    by_id = {b.bank: b for b in banks}
    missing = [(i, b) for i, b in enumerate(exam.banks) if b not in by_id]
    if missing:
        known = "、".join(by_id) or "（无）"
        raise ValidationError(
            [
                Problem(exam.path or exam.id, line("banks", i), f"题库“{b}”不存在（已有：{known}）")
                for i, b in missing
            ]
        )
    seen: dict[str, Question] = {}
    for bank_id in dict.fromkeys(exam.banks):
        for q in by_id[bank_id].questions:
            seen.setdefault(q.id, q)
    return list(seen.values())


def _draw_minimums(
    exam: Exam,
    pool: list[Question],
    candidates: list[list[Question]],
    rng: random.Random,
    line: LineOf,
) -> list[list[Question]]:
    """Questions drawn so that every rule the pool covers has ``min_per_rule`` of them."""
    chosen: list[list[Question]] = [[] for _ in exam.sections]
    if not exam.min_per_rule:
        return chosen
    types = {s.type for s in exam.sections}
    usable = [q for q in pool if q.type in types]
    rules = sorted({n for q in usable for n in q.rules})
    need = dict.fromkeys(rules, exam.min_per_rule)
    taken: set[str] = set()
    short: dict[int, int] = {}

    def eligible(rule: int) -> list[tuple[int, Question]]:
        return [
            (index, q)
            for index, section in enumerate(exam.sections)
            if len(chosen[index]) < section.count
            for q in candidates[index]
            if q.id not in taken and rule in q.rules
        ]

    while any(need.values()):
        open_rules = [n for n in rules if need[n] > 0]
        rule = min(open_rules, key=lambda n: (len(eligible(n)), n))
        options = eligible(rule)
        if not options:
            short[rule] = exam.min_per_rule - need[rule]
            need[rule] = 0
            continue
        index, q = rng.choice(options)
        chosen[index].append(q)
        taken.add(q.id)
        for n in set(q.rules):
            if n in need and need[n] > 0:
                need[n] -= 1
    if short:
        problem = _minimum_problem(exam, usable, short)
        raise ValidationError([Problem(exam.path or exam.id, line("min_per_rule"), problem)])
    return chosen


def _minimum_problem(exam: Exam, usable: list[Question], short: dict[int, int]) -> str:
    parts = []
    for rule, got in short.items():
        available = sum(1 for q in usable if rule in q.rules)
        label = rule_label(rule)
        if available < exam.min_per_rule:
            parts.append(f"{label}在所选题库的这些题型中只有 {available} 道题")
        else:
            parts.append(f"{label}只能抽到 {got} 道（各题型的题数已被其他条款占满）")
    return (
        f"min_per_rule 要求每条准则至少 {exam.min_per_rule} 道题，无法满足：{'；'.join(parts)}。"
        "请补充题目、增加题数，或调低 min_per_rule"
    )


def _version(drawn: DrawnExam, name: str) -> Version:
    exam = drawn.exam
    rng = random.Random(f"{exam.seed}-{name}")
    items: list[Item] = []
    for index, questions in enumerate(drawn.sections):
        order = list(questions)
        rng.shuffle(order)
        for q in order:
            items.append(_item(q, len(items) + 1, index, exam, rng))
    return Version(name=name, items=items)


def _item(q: Question, no: int, section: int, exam: Exam, rng: random.Random) -> Item:
    points = exam.sections[section].points
    if q.type == "judge":
        return Item(no, q, section, points, answer=("对",) if q.answer else ("错",))
    if q.type == "fill":
        return Item(no, q, section, points, answer=tuple(str(a).strip() for a in q.answer))
    options = list(q.options or [])
    order = shuffled_order(options, rng) if exam.shuffle_options else list(range(len(options)))
    correct_idx = {LABELS.index(a) for a in q.answer_labels}
    printed = tuple(options[i] for i in order)
    answer = tuple(LABELS[pos] for pos, i in enumerate(order) if i in correct_idx)
    return Item(no, q, section, points, options=printed, answer=answer)

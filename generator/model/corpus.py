"""Corpus: everything loaded and validated once, cross-referenced for the renderers.

Site, PDF and quiz stages read this; none of them opens a source file again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from .markdown import DEFAULT_DIALECT, MarkdownDialect
from .schemas import (
    BankFile,
    CaseMeta,
    Category,
    Department,
    ExamFile,
    GlossaryFile,
    HandbookSpec,
    HospitalFile,
    PageMeta,
    Question,
    Reminder,
    Risk,
    RiskRegisterFile,
    RuleMeta,
    StoryMeta,
)
from .sections import split_sections
from .terms import RISK_LEVELS, STORY_GROUPS, rule_label

T = TypeVar("T")
K = TypeVar("K")


class Rule(RuleMeta):
    path: str = ""
    body: str = ""
    body_line: int = 1  # file line of the body's first line (body line k: body_line + k)

    @property
    def label(self) -> str:
        """第八条"""
        return rule_label(self.rule)

    @property
    def full_title(self) -> str:
        return f"{self.label} {self.title}"

    @cached_property
    def sections(self) -> dict[str, str]:
        """释义, 红线清单, 常见情形 … by title (Markdown)."""
        return split_sections(self.body)


class Case(CaseMeta):
    path: str = ""
    body: str = ""
    body_line: int = 1  # file line of the body's first line (body line k: body_line + k)

    @cached_property
    def sections(self) -> dict[str, str]:
        """基本案情, 处理结果, 违反条款 … by title (Markdown)."""
        return split_sections(self.body)


class Story(StoryMeta):
    path: str = ""
    body: str = ""
    body_line: int = 1  # file line of the body's first line (body line k: body_line + k)


class Page(PageMeta):
    path: str = ""
    body: str = ""
    body_line: int = 1  # file line of the body's first line (body line k: body_line + k)
    slug: str = ""


class RiskRegister(RiskRegisterFile):
    path: str = ""

    @cached_property
    def level_counts(self) -> Counter[str]:
        return Counter(risk.level for post in self.posts for risk in post.risks)

    @cached_property
    def light(self) -> str:
        """The department's 亮灯: 高 (red) with 3+ high risks, 中 (yellow) with any high or 3+
        medium, else 低 (green) — the rule the site's risk pages explain."""
        counts = self.level_counts
        if counts["高"] >= 3:
            return "高"
        if counts["高"] or counts["中"] >= 3:
            return "中"
        return "低"

    @cached_property
    def ranked_risks(self) -> list[tuple[str, Risk]]:
        """(post, risk) pairs, high risks first, in source order within a level."""
        pairs = [(post.post, risk) for post in self.posts for risk in post.risks]
        return sorted(pairs, key=lambda pair: RISK_LEVELS.index(pair[1].level))


class Bank(BankFile):
    path: str = ""


class Exam(ExamFile):
    path: str = ""


@dataclass
class Corpus:
    root: Path
    hospital: HospitalFile
    categories: list[Category]
    departments: list[Department]
    rules: dict[int, Rule]
    cases: list[Case]
    stories: list[Story]
    risks: list[RiskRegister]
    reminders: list[Reminder]
    banks: list[Bank]
    exams: list[Exam]
    pages: dict[str, Page] = field(default_factory=dict)
    handbooks: list[HandbookSpec] = field(default_factory=list)
    logo: Path | None = None  # the hospital's logo file, if hospital.yml names one
    glossary: GlossaryFile = field(default_factory=GlossaryFile)  # site search's extra words
    # The content root's mkdocs.yml (None: there is none) and the Markdown dialect it sets.
    site_config: dict | None = None
    markdown: MarkdownDialect = DEFAULT_DIALECT
    # Each source file's line lookup (relative path → line of a key path), kept from loading so
    # later stages (an exam's draw) locate problems without reading the file again.
    lines: dict[str, Callable[[tuple], int]] = field(default_factory=dict)

    def line_of(self, path: str, *loc: object) -> int:
        """The line of key path ``loc`` in source file ``path`` (1 when unknown)."""
        found = self.lines.get(path)
        return found(tuple(loc)) if found else 1

    # --- lookups -------------------------------------------------------------------------------

    @cached_property
    def category_by_name(self) -> dict[str, Category]:
        return {c.name: c for c in self.categories}

    @cached_property
    def department_by_name(self) -> dict[str, Department]:
        return {d.name: d for d in self.departments}

    @cached_property
    def questions(self) -> list[Question]:
        return [q for bank in self.banks for q in bank.questions]

    @cached_property
    def public_questions(self) -> list[Question]:
        """Questions that may appear on the site: never the exam-only ones."""
        return [q for q in self.questions if not q.exam_only]

    # --- cross references (rule → cases, stories, questions; department → cases, risks) -------

    @cached_property
    def cases_by_rule(self) -> Index[int, Case]:
        return _group(self.cases, lambda case: case.rules)

    @cached_property
    def stories_by_rule(self) -> Index[int, Story]:
        return _group(self.stories, lambda story: story.rules)

    @cached_property
    def questions_by_rule(self) -> Index[int, Question]:
        """Questions on each rule; ``document: true`` questions (about the document itself, not
        a rule) count toward none."""
        return _group(self.questions, lambda q: [] if q.document else q.rules)

    @cached_property
    def public_questions_by_rule(self) -> dict[int, list[Question]]:
        """Every rule's public questions, in rule order (an empty list when it has none).

        What the site shows and practises; ``questions_by_rule`` includes exam-only questions.
        """
        index = _group(
            self.public_questions,
            lambda q: [] if q.document or q.rules_suggested else q.rules,
        )  # a rule an import only suggested is not shown as the question's rule
        return {n: index.get(n, []) for n in self.rules}

    @cached_property
    def practice_by_rule(self) -> dict[int, list[Question]]:
        """Every rule's practice set on the site: the public questions whose first rule it is
        (the bank they are written in), ``document`` questions included. Each question is in one
        set, so the sets add up to all public questions; the self-test's cards, its practice
        pages and the rule pages all count and practise these."""
        index = _group(self.public_questions, lambda q: q.rules[:1])
        return {n: index.get(n, []) for n in self.rules}

    @cached_property
    def cases_by_main_rule(self) -> Index[int, Case]:
        """Cases by the rule they are mainly about (the first of their ``rules``)."""
        return _group(self.cases, lambda case: case.rules[:1])

    @cached_property
    def cases_by_category(self) -> Index[str, Case]:
        return _group(self.cases, lambda case: [case.category])

    @cached_property
    def cases_by_department(self) -> Index[str, Case]:
        return _group(self.cases, lambda case: [case.department])

    @cached_property
    def cases_by_year(self) -> dict[int, list[Case]]:
        return dict(sorted(_group(self.cases, lambda case: [case.date.year]).items(), reverse=True))

    @cached_property
    def risks_by_department(self) -> dict[str, RiskRegister]:
        return {r.department: r for r in self.risks}

    @cached_property
    def stories_by_group(self) -> dict[str, list[Story]]:
        index: dict[str, list[Story]] = {g: [] for g in STORY_GROUPS}
        for story in self.stories:
            index[story.group].append(story)
        return {g: s for g, s in index.items() if s}


class Index(Mapping[K, list[T]]):
    """A read-only index, key → items in order: a key with no items gives an empty list, and
    looking it up adds nothing (``in``, ``len`` and iteration see only the keys with items)."""

    def __init__(self, data: dict[K, list[T]]):
        self._data = data

    def __getitem__(self, key: K) -> list[T]:
        found = self._data.get(key)
        return [] if found is None else found

    def get(self, key, default=None):
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Index({self._data!r})"


def _group(items: list[T], keys: Callable[[T], list[K]]) -> Index[K, T]:
    """Index items under each of their keys (a key listed twice counts once), keeping order."""
    index: dict[K, list[T]] = {}
    for item in items:
        for key in dict.fromkeys(keys(item)):
            index.setdefault(key, []).append(item)
    return Index(index)

"""Study plans as PDFs in the handbook style: one per department and one combined.

A department's plan has a compact frame (``templates/plan-compact.html.j2``: a masthead on the
first page); the combined plan of several departments the handbooks' frame (cover, contents,
colophon). The print stylesheets, the QR codes and WeasyPrint come
from ``generator/pdf`` (``typeset`` and the handbook templates); this module adds one template
(``templates/study-plan.html.j2``) and a few styles. The 清廉查房 sheet uses the handbooks' card
layout, so it prints like the ward-round cards.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .. import __version__
from ..errors import BuildError
from ..model.corpus import Corpus
from ..model.numbers import number, one_decimal
from ..model.terms import rule_label
from ..model.text import date_cn
from ..outputs import staged_private_files
from ..pdf.books import TocEntry
from ..pdf.handbooks import build_date, human_size
from ..pdf.typeset import TEMPLATES as PDF_TEMPLATES
from ..pdf.typeset import make_environment, render_pdf, stylesheet
from .plans import DepartmentPlan, Review

TEMPLATES = Path(__file__).parent / "templates"
COMBINED = "学习计划-全院汇编.pdf"
BOOK_FROM = 3  # departments from which the combined plan gets the handbook frame
PREFIX = "学习计划-"


@dataclass
class PlanBook:
    """What the handbook frame (book.html.j2) asks of a book."""

    title: str
    cover_title: str
    subtitle: str
    description: str
    kind: str = "study-plan"
    size_class: str = "a4"


@dataclass
class WrittenPlan:
    filename: str
    department: str  # "" for the combined file
    pages: int
    size: str


@dataclass
class PlanReport:
    folder: Path
    files: list[WrittenPlan]
    seconds: float


def plan_filename(plan: DepartmentPlan) -> str:
    """学习计划-骨科.pdf: the department's name, made safe as a file name."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", plan.name).strip(" .") or "未命名科室"
    return f"{PREFIX}{safe[:60]}.pdf"


def write_plans(corpus: Corpus, result: Review, out: Path, progress=None) -> PlanReport:
    """Write every department's plan and the combined plan into ``out`` (only our files change)."""
    started = time.perf_counter()
    out = Path(out)
    owned = [p.name for p in out.glob(f"{PREFIX}*.pdf")] if out.is_dir() else []
    jobs = [(plan_filename(p), p.name, [p]) for p in result.plans]
    names = [name for name, _, _ in jobs]
    if len(set(names)) != len(names):  # two departments that differ only in unsafe characters
        jobs = [(f"{PREFIX}{i:02d}-{name[len(PREFIX) :]}", d, ps) for i, (name, d, ps) in
                enumerate(jobs, start=1)]  # fmt: skip
    jobs.append((COMBINED, "", result.plans))
    bar, task = progress("排印学习计划", len(jobs)) if progress else (None, None)
    written = []
    with staged_private_files(out, owned) as tmp:
        if bar:
            bar.__enter__()
        try:
            for filename, department, plans in jobs:
                target = tmp / filename
                try:
                    pages = render_pdf(plan_html(corpus, result, plans, department), target)
                except Exception as exc:
                    raise BuildError(f"排印学习计划 {filename} 失败：{exc}") from exc
                written.append(
                    WrittenPlan(filename, department, pages, human_size(target.stat().st_size))
                )
                if bar:
                    bar.advance(task)
        finally:
            if bar:
                bar.__exit__(None, None, None)
    return PlanReport(out.resolve(), written, time.perf_counter() - started)


def plan_html(corpus: Corpus, result: Review, plans: list[DepartmentPlan], department: str) -> str:
    sitting = result.sitting
    hospital = corpus.hospital
    if department:
        book = PlanBook(
            title=f"科室学习计划 · {department}",
            cover_title="科室学习计划",
            subtitle=f"{department} · {sitting.title}",
            description="答得最差的条款与题目、专项练习、推荐阅读和清廉查房单",
        )
        toc = [
            TocEntry("plan-1", f"{department}　学习计划"),
            TocEntry("sheet-1", f"{department}　清廉查房单"),
        ]
    else:
        book = PlanBook(
            title="科室学习计划汇编",
            cover_title="科室学习计划汇编",
            subtitle=sitting.title,
            description=f"{len(plans)} 个科室的学习计划和清廉查房单",
        )
        toc = [TocEntry(f"plan-{i}", p.name) for i, p in enumerate(plans, start=1)]
    today = build_date()
    # A department's plan is a few pages: a masthead, not a cover, contents and colophon that
    # would take half of it. Only a combined plan of several departments is bound as a book.
    frame = "book.html.j2" if not department and len(plans) >= BOOK_FROM else "plan-compact.html.j2"
    return (
        _environment()
        .get_template("study-plan.html.j2")
        .render(
            frame=frame,
            book=book,
            hospital=hospital,
            css=_css(),
            logo=corpus.logo.as_uri() if corpus.logo else "",
            edition=hospital.edition,
            date_cn=date_cn(today),
            version=__version__,
            toc=toc,
            contents_note=f"{sitting.title}：{len(plans)} 个科室的学习计划（参考 {result.takers} 人）",
            plans=plans,
            overview=not department,
            review=result,
            sitting=sitting,
        )
    )


@cache
def _css() -> Markup:
    handbook = stylesheet(PDF_TEMPLATES / "handbook.css")
    own = (TEMPLATES / "review.css").read_text(encoding="utf-8")
    return Markup(str(handbook) + "\n" + own)  # str(): Markup + str would escape the quotes


@cache
def _environment() -> jinja2.Environment:
    env = make_environment()
    env.loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(TEMPLATES)), jinja2.FileSystemLoader(str(PDF_TEMPLATES))]
    )
    env.filters["num"] = lambda v: number(float(one_decimal(v)))
    env.filters["one"] = lambda v: one_decimal(round(v, 9))  # 46.25 → 46.3, as Excel rounds
    env.globals["rule_label"] = rule_label
    env.globals["date_of"] = lambda case: date_cn(case.date)
    return env

"""``qinglian quiz paper``: an exam file → papers, key and answer-sheet templates.

Stages (the exam file read by ``sources.exams.load_exam``): draw (``draw.py``) → write, into a folder beside
the target, ``paper-<V>.pdf`` per version, ``key.pdf``, ``key.json``, ``answer-sheet.xlsx`` and
``answer-sheet.csv`` → move those files (only those) into ``<out>/<exam id>/``; other files a
trainer keeps there stay. A failure leaves the previous folder as it was. PDFs go through the shared typesetting module (``generator/pdf/typeset.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from ..model.corpus import Corpus, Exam
from ..model.numbers import number
from ..model.terms import SHORT_TYPE_NAMES, rule_label
from ..outputs import staged_private_files
from ..pdf.typeset import make_environment, render_pdf, stylesheet
from . import answer_sheet as sheet
from .draw import DrawnExam, Item, draw, section_title
from .key import Key, key_json, parse_key
from .sheet_layout import SheetId, layout_json
from .sheets import SheetText, write_sheets_pdf

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class PaperReport:
    folder: Path
    drawn: DrawnExam
    files: list[tuple[str, int | None]] = field(default_factory=list)  # (name, pages)
    seconds: float = 0.0


def exam_root(exam_path: Path, default: Path) -> Path:
    """The content root an exam file belongs to: ``R`` for ``R/site_config/exams/x.yml``."""
    parent = exam_path.resolve().parent
    if parent.name == "exams" and parent.parent.name == "site_config":
        return parent.parent.parent
    return default


def make_papers(
    corpus: Corpus,
    exam: Exam,
    line: Callable[..., int],
    out: Path,
    roster: list[tuple[str, str, str]] | None = None,
    blank_sheets: int | None = None,
) -> PaperReport:
    """Everything for one exam (as ``sources.exams.load_exam`` gives it: the exam and its
    ``line(*keys)`` lookup) into ``out/<exam id>/``, replaced atomically.

    ``roster`` (工号, 姓名, 科室) gives one named answer sheet per person, versions dealt in
    turn; ``blank_sheets`` adds that many blank ones (default: one blank master to copy when
    there is no roster).
    """
    started = time.perf_counter()
    drawn = draw(exam, corpus.banks, line)
    folder = Path(out) / exam.id
    report = PaperReport(folder=folder.resolve(), drawn=drawn)
    with staged_private_files(folder, _owned(folder)) as tmp:
        context = _context(corpus, drawn)
        env = _environment()
        for version in drawn.versions:
            name = f"paper-{version.name}.pdf"
            html = env.get_template("paper.html.j2").render(version=version, **context)
            report.files.append((name, render_pdf(html, tmp / name)))
        html = env.get_template("key.html.j2").render(versions=drawn.versions, **context)
        report.files.append(("key.pdf", render_pdf(html, tmp / "key.pdf")))
        key_text = key_json(drawn)
        (tmp / "key.json").write_text(key_text, encoding="utf-8")
        report.files.append(("key.json", None))
        types = [item.type for item in drawn.versions[0].items]
        sheet.write_xlsx_template(
            tmp / "answer-sheet.xlsx",
            types,
            exam.versions,
            [d.name for d in corpus.departments],
            exam.title,
        )
        sheet.write_csv_template(tmp / "answer-sheet.csv", len(types))
        report.files += [("answer-sheet.xlsx", None), ("answer-sheet.csv", None)]
        key = parse_key(key_text)  # the sheets are laid out from the key.json quiz scan reads
        report.files += _answer_sheets(corpus, drawn, key, roster, blank_sheets, tmp)
    report.seconds = time.perf_counter() - started
    return report


FIXED_OUTPUTS = (
    "key.pdf",
    "key.json",
    "answer-sheet.xlsx",
    "answer-sheet.csv",
    "answer-sheets.pdf",
    "sheet-layout.json",
)


def _answer_sheets(corpus, drawn: DrawnExam, key: Key, roster, blank_sheets, tmp: Path) -> list:
    """``answer-sheets.pdf`` (read by ``quiz scan``) and ``sheet-layout.json``."""
    exam = drawn.exam
    versions = [v.name for v in drawn.versions]
    sheets = [
        SheetId(exam.id, "named", versions[i % len(versions)], staff_id, name, department)
        for i, (staff_id, name, department) in enumerate(roster or [])
    ]
    count = blank_sheets if blank_sheets is not None else (0 if sheets else 1)
    sheets += [SheetId(exam.id, "blank")] * count
    if not sheets:
        return []
    text = SheetText(exam.title, corpus.hospital.name)
    pages = write_sheets_pdf(key, sheets, text, tmp / "answer-sheets.pdf")
    (tmp / "sheet-layout.json").write_text(layout_json(key, sheets), encoding="utf-8")
    return [("answer-sheets.pdf", pages), ("sheet-layout.json", None)]


def _owned(folder: Path) -> list[str]:
    """The files ``quiz paper`` writes into the exam folder, an earlier run's versions included.

    Only these are replaced (or removed when no longer made); anything else a trainer keeps
    there — a filled answer sheet, notes — is left alone.
    """
    earlier = [p.name for p in folder.glob("paper-*.pdf")] if folder.is_dir() else []
    return [*FIXED_OUTPUTS, *earlier]


def _environment() -> jinja2.Environment:
    env = make_environment()
    assert env.loader is not None
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)), env.loader])
    env.filters["blanks"] = _blanks
    env.filters["columns"] = _columns
    env.filters["answer"] = _answer
    return env


def _blanks(stem: str) -> Markup:
    """A fill stem with each ``____`` printed as a line long enough to write on."""
    return Markup(str(escape(stem)).replace("____", '<span class="blank"></span>'))


def _columns(item: Item) -> str:
    longest = max((len(o) for o in item.options), default=0)
    if longest <= 9:
        return "cols-4"
    if longest <= 20:
        return "cols-2"
    return "cols-1"


def _answer(item: Item) -> str:
    if item.type == "judge":
        return "√" if item.answer == ("对",) else "×"
    if item.type == "fill":
        return " / ".join(item.answer)
    return "".join(item.answer)


def _rules_text(exam: Exam) -> list[str]:
    types = {s.type for s in exam.sections}
    lines = []
    if "single" in types:
        lines.append("单选题每题只有一个正确答案，将其字母填入括号内。")
    if "multiple" in types:
        if exam.multiple_scoring == "partial_half":
            rule = "全部选对得满分；少选且所选都正确得一半分；有错选不得分"
        else:
            rule = "全部选对才得分，多选、少选、错选均不得分"
        lines.append(f"多选题有两个或两个以上正确答案，{rule}。")
    if "judge" in types:
        lines.append("判断题认为正确的填“√”，错误的填“×”。")
    if "fill" in types:
        lines.append("填空题将答案写在横线上。")
    return lines


def _mapping(drawn: DrawnExam, corpus: Corpus) -> list[dict]:
    numbers = {v.name: {item.question.id: item.no for item in v.items} for v in drawn.versions}
    first = drawn.versions[0]
    rows = []
    for item in first.items:
        q = item.question
        rows.append(
            {
                "id": q.id,
                "type": SHORT_TYPE_NAMES[q.type],
                "numbers": [numbers[v.name][q.id] for v in drawn.versions],
                "rules": "、".join(rule_label(n) for n in q.rules),
            }
        )
    return rows


def _context(corpus: Corpus, drawn: DrawnExam) -> dict:
    exam = drawn.exam
    return {
        "css": stylesheet(TEMPLATES / "exam.css"),
        "exam": exam,
        "hospital": corpus.hospital.name,
        "total": number(drawn.total),
        "pass_score": number(exam.pass_score),
        "rules_text": _rules_text(exam),
        "section_titles": [section_title(i, s) for i, s in enumerate(exam.sections)],
        "rule_titles": {
            n: (corpus.rules[n].full_title if n in corpus.rules else rule_label(n))
            for n in range(1, 10)
        },
        "mapping": _mapping(drawn, corpus),
    }

"""Importing what hospitals already have: speed and accuracy.

Speed: ``qinglian import bank`` of 1,000 questions in one xlsx, and ``qinglian import case`` of a
folder of 100 Word case files, each end to end through the CLI into a copy of the shipped
content root (reading, converting, checking the written bank, writing atomically).

Accuracy, on material made from the shipped banks and cases (tests/import_fixtures.py), where
the right answer is known: questions imported exactly (type, stem, options, answer,
explanation, rules) per file layout; rules suggested where a file has no 条款 column; case
headings at the right level, tables kept, sentences that survive.

Usage: .venv/bin/python bench/import_material.py
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.cli import main  # noqa: E402
from generator.commands.importing import rule_texts  # noqa: E402
from generator.importing.bank_sheet import read_rows, sheet_questions  # noqa: E402
from generator.importing.bank_text import text_questions  # noqa: E402
from generator.importing.case_docx import convert_case  # noqa: E402
from generator.importing.docx_read import paragraph_lines, read_docx  # noqa: E402
from generator.importing.questions import build_bank  # noqa: E402
from generator.importing.suggest import RuleSuggester  # noqa: E402
from tests.conftest import copy_root  # noqa: E402
from tests.import_fixtures import (  # noqa: E402
    MAKES,
    case_docx,
    csv_bytes,
    docx_paper,
    expected,
    imported,
    paper_lines,
    paper_order,
    png_bytes,
    sheet_layout_a,
    sheet_layout_b,
    sheet_layout_c,
    shipped_cases,
    shipped_questions,
    xlsx_bytes,
)


def thousand_questions() -> list[dict]:
    base = shipped_questions()
    out = []
    for k in range(1000):
        q = dict(base[k % len(base)])
        if k >= len(base):
            q["stem"] = f"{q['stem']}（第{k // len(base) + 1}套）"
        out.append(q)
    return out


def quiet(*args) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(list(args))


def bank_speed(tmp: Path) -> None:
    root = copy_root(REPO, tmp / "root-bank")
    questions = thousand_questions()
    src = tmp / "题库1000.xlsx"
    src.write_bytes(xlsx_bytes(sheet_layout_a(questions)))
    start = time.perf_counter()
    code = quiet("--root", str(root), "import", "bank", str(src), "--bank", "old-1000")
    seconds = time.perf_counter() - start
    assert code == 0
    print(
        f"import bank: 1,000 questions from xlsx ({src.stat().st_size / 1e3:.0f} KB) in "
        f"{seconds:.2f} s ({1000 / seconds:.0f} questions/s), bank checked before it is written"
    )
    out = tmp / "题库1000-导出.xlsx"
    start = time.perf_counter()
    assert quiet("export", "bank", str(root / "quizzes/old-1000.yml"), "--out", str(out)) == 0
    print(f"export bank: 1,000 questions to xlsx in {time.perf_counter() - start:.2f} s")


def bank_accuracy() -> None:
    questions = shipped_questions()
    suggest = RuleSuggester(rule_texts(REPO))
    cases = [
        ("xlsx, title row, 选项A–E, 正确答案 AC, 条款 第八条", "a.xlsx", sheet_layout_a, None),
        ("csv GBK, one 选项 cell, 标准答案 A、C / 正确", "b.csv", sheet_layout_b, "gbk"),
        ("xlsx, A–F columns, full-width ＡＣ, √/×, no 条款", "c.xlsx", sheet_layout_c, None),
    ]
    print(
        f"\nquestions imported exactly (type, stem, options, answer, explanation, rules), of {len(questions)}:"
    )
    for label, name, layout, encoding in cases:
        rows = layout(questions)
        data = csv_bytes(rows, encoding) if encoding else xlsx_bytes(rows)
        raws, problems = sheet_questions(read_rows(name, data), name)
        got, more = build_bank(raws, name, suggest, set())
        want = [expected(q) for q in questions]
        _report(label, got, want, problems + more, rules=name != "c.xlsx")
    for label, style, kind in (
        ("txt paper, 1. stems, options on one line, 答案：/解析：", "lines", "txt"),
        ("txt paper, （1） stems, answer in brackets （B）/（√）, 【解析】", "brackets", "txt"),
        ("docx paper (python-docx), as the first", "lines", "docx"),
    ):
        lines = paper_lines(questions, style)
        if kind == "docx":
            lines = paragraph_lines(read_docx(docx_paper(lines)))
        raws, problems = text_questions(lines, "paper", "段" if kind == "docx" else "行")
        got, more = build_bank(raws, "paper", suggest, set())
        want = [expected(q, bracket=style == "brackets") for q in paper_order(questions)]
        _report(label, got, want, problems + more, rules=True)


def _report(label, got, want, problems, rules: bool) -> None:
    if problems or len(got) != len(want):
        print(f"  {label}: {len(problems)} problems, {len(got)} questions")
        return
    drop = (lambda d: {k: v for k, v in d.items() if k != "rules"}) if not rules else (lambda d: d)
    exact = sum(drop(imported(g)) == drop(w) for g, w in zip(got, want, strict=True))
    line = f"  {label}: {exact}/{len(want)} = {exact / len(want):.1%}"
    if not rules:
        hits = sum(g["rules"][0] == w["rules"][0] for g, w in zip(got, want, strict=True))
        line += f" (rules not given; suggested rule = the question's first rule: {hits / len(want):.1%})"
    print(line)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) > 1]


def case_bench(tmp: Path) -> None:
    cases = shipped_cases()
    folder = tmp / "cases-in"
    folder.mkdir()
    image = png_bytes()
    made = []
    for k in range(100):
        meta, body = cases[k % len(cases)]
        meta = dict(meta)
        if k >= len(cases):
            meta["title"] = f"{meta['title']}（二）"
        make = MAKES[k % len(MAKES)]
        data, headings, paragraphs = case_docx(
            meta,
            body,
            make,
            one_line_meta=k % 3 == 0,
            table=k % 5 == 0,
            image=image if k % 10 == 0 else None,
            date_style="iso" if k % 2 else "chinese",
        )
        (folder / f"案例{k + 1:03d}.docx").write_bytes(data)
        made.append((data, headings, paragraphs, k % 5 == 0, make))
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6

    root = copy_root(REPO, tmp / "root-cases")
    for path in (root / "cases").glob("*.md"):
        path.unlink()
    start = time.perf_counter()
    code = quiet("--root", str(root), "import", "case", str(folder))
    seconds = time.perf_counter() - start
    assert code == 0, "the folder did not import"
    start = time.perf_counter()
    assert quiet("--root", str(root), "check") == 0
    check = time.perf_counter() - start
    print(
        f"\nimport case: 100 Word files ({size:.1f} MB) in {seconds:.2f} s "
        f"({100 / seconds:.0f} files/s); qinglian check afterwards: clean ({check:.1f} s)"
    )

    heads = right = tables = kept = sentences = survived = 0
    by_make: dict[str, list[int]] = {m: [0, 0] for m in MAKES}
    for data, headings, paragraphs, has_table, make in made:
        case = convert_case(read_docx(data), "x.docx")
        assert not case.problems
        for i, want in enumerate(headings):
            heads += 1
            by_make[make][1] += 1
            if i < len(case.headings) and case.headings[i] == want:
                right += 1
                by_make[make][0] += 1
        tables += has_table
        kept += has_table and case.tables == 1 and "rowspan" in case.body
        plain = case.body.replace("\\", "")
        for paragraph in paragraphs:
            for s in _sentences(paragraph):
                sentences += 1
                survived += s in plain
    print(f"  headings at the right level and name: {right}/{heads} = {right / heads:.1%}")
    for make, (r, n) in by_make.items():
        print(f"    {make}: {r}/{n}")
    print(f"  tables kept (merged cells as rowspan/colspan): {kept}/{tables}")
    print(f"  sentences that survive: {survived}/{sentences} = {survived / sentences:.2%}")


def run() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        bank_speed(tmp)
        bank_accuracy()
        case_bench(tmp)


if __name__ == "__main__":
    run()

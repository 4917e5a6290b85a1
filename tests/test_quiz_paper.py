"""Exam papers: the draw, key.json, PDFs with their text and fonts, and sheets that round-trip."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ValidationError
from generator.exam.draw import draw
from generator.exam.key import key_json, load_key
from generator.grading.checker import check_sheet
from generator.sources.exams import load_exam
from generator.sources.loader import load_corpus
from tests.conftest import MINI, REPO, copy_root

EXAM = "site_config/exams/test-exam.yml"


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """The mini exam's outputs, made once by the CLI: (root, folder)."""
    root = copy_root(MINI, tmp_path_factory.mktemp("paper") / "root")
    assert main(["quiz", "paper", str(root / EXAM)]) == 0
    return root, root / "private" / "test-exam"


def _drawn(root: Path, exam_file: str = EXAM):
    corpus = load_corpus(root)
    exam, line = load_exam(root / exam_file, corpus)
    return draw(exam, corpus.banks, line)


def test_outputs_in_private(papers):
    root, folder = papers
    assert sorted(p.name for p in folder.iterdir()) == [
        "answer-sheet.csv",
        "answer-sheet.xlsx",
        "answer-sheets.pdf",
        "key.json",
        "key.pdf",
        "paper-A.pdf",
        "paper-B.pdf",
        "sheet-layout.json",
    ]
    assert not (root / "dist").exists()


def test_key_json_contract(papers):
    _, folder = papers
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    assert set(key) == {"exam", "title", "pass_score", "multiple_scoring", "total", "versions"}
    assert key["total"] == 100 and key["multiple_scoring"] == "partial_half"
    bank = {q.id: q for q in load_corpus(MINI).questions}
    for version, entries in key["versions"].items():
        assert [e["no"] for e in entries] == [1, 2, 3, 4, 5], version
        assert [e["type"] for e in entries] == ["single", "multiple", "judge", "judge", "fill"]
        for e in entries:
            q = bank[e["id"]]
            if e["type"] in ("single", "multiple"):
                # the printed options are the bank's, and the labels point at the right texts
                assert sorted(e["options"]) == sorted(q.options)
                correct = q.answer if isinstance(q.answer, list) else [q.answer]
                want = {q.options["ABCD".index(a)] for a in correct}
                assert {e["options"]["ABCD".index(a)] for a in e["answer"]} == want
            elif e["type"] == "judge":
                assert e["answer"] == (["对"] if q.answer else ["错"]) and "options" not in e
            else:
                assert e["answer"] == ["统方"]


def test_same_seed_same_papers(papers, tmp_path):
    _, folder = papers
    root = copy_root(MINI, tmp_path / "again")
    assert key_json(_drawn(root)) == (folder / "key.json").read_text(encoding="utf-8")
    exam = root / EXAM
    exam.write_text(exam.read_text(encoding="utf-8").replace("seed: 42", "seed: 7"), "utf-8")
    assert key_json(_drawn(root)) != (folder / "key.json").read_text(encoding="utf-8")


def test_versions_share_questions_and_shuffle():
    drawn = _drawn(REPO, "site_config/exams/2026-annual.yml")
    a, b = drawn.versions
    assert sorted(i.question.id for i in a.items) == sorted(i.question.id for i in b.items)
    assert [i.question.id for i in a.items] != [i.question.id for i in b.items]
    assert len({i.question.id for i in a.items}) == 55
    # sections keep their order: 20 single, 10 multiple, 20 judge, 5 fill
    assert [i.type for i in a.items] == ["single"] * 20 + ["multiple"] * 10 + ["judge"] * 20 + [
        "fill"
    ] * 5
    # min_per_rule: 3 holds for every rule
    for rule in range(1, 10):
        assert sum(1 for i in a.items if rule in i.question.rules) >= 3
    # with shuffle_options the correct single answers are not all "A" as in the banks
    assert len({i.answer for i in a.items if i.type == "single"}) >= 3


def test_min_per_rule_impossible(tmp_path):
    root = copy_root(MINI, tmp_path / "mini")
    exam = root / EXAM
    exam.write_text(exam.read_text(encoding="utf-8") + "min_per_rule: 2\n", encoding="utf-8")
    line = exam.read_text(encoding="utf-8").splitlines().index("min_per_rule: 2") + 1
    with pytest.raises(ValidationError) as caught:
        _drawn(root)
    assert [str(p) for p in caught.value.problems] == [
        f"{EXAM}:{line}: min_per_rule 要求每条准则至少 2 道题，无法满足："
        "第九条在所选题库的这些题型中只有 1 道题。请补充题目、增加题数，或调低 min_per_rule"
    ]
    exam.write_text(exam.read_text(encoding="utf-8").replace("min_per_rule: 2", "min_per_rule: 1"))
    drawn = _drawn(root)
    assert {n for qs in drawn.sections for q in qs for n in q.rules} == {1, 8, 9}


def test_paper_cli_errors(tmp_path, capsys):
    root = copy_root(MINI, tmp_path / "mini")
    exam = root / EXAM
    exam.write_text(exam.read_text(encoding="utf-8").replace("[test-basic]", "[nope]"), "utf-8")
    assert main(["quiz", "paper", str(exam)]) == 1
    err = capsys.readouterr().err
    assert f"{EXAM}:3: 题库“nope”不存在" in err
    assert "Traceback" not in err
    assert main(["quiz", "paper", str(root / EXAM), "--out", str(root / "dist")]) == 1
    assert "不能放在 dist/ 下" in capsys.readouterr().err


@pytest.mark.pdf
def test_pdfs_have_text_and_sc_fonts(papers):
    from pypdf import PdfReader

    _, folder = papers
    for name in ("paper-A.pdf", "paper-B.pdf", "key.pdf"):
        reader = PdfReader(folder / name)
        fonts = set()
        for page in reader.pages:
            for font in (page.get("/Resources") or {}).get("/Font", {}).values():
                fonts.add(str(font.get_object().get("/BaseFont")))
        assert fonts and all("CJK-SC" in f for f in fonts), (name, fonts)  # never JP
        assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    paper = "".join(p.extract_text() for p in PdfReader(folder / "paper-A.pdf").pages)
    for needle in ("测试考试", "姓名", "工号", "科室", "A 卷", "考试说明", "每题 40 分"):
        assert needle in paper, needle
    assert "红包" in paper and "依据第八条" not in paper  # stems, but no explanations
    key = "".join(p.extract_text() for p in PdfReader(folder / "key.pdf").pages)
    for needle in ("参考答案", "A 卷参考答案", "B 卷参考答案", "解析", "依据第八条", "q-r9-001"):
        assert needle in key, needle


def _fill(entries) -> list[str]:
    """Perfect answers for one version, spelled as a person might."""
    spelled = []
    for e in entries:
        if e["type"] == "judge":
            spelled.append("√" if e["answer"] == ["对"] else "×")
        elif e["type"] == "fill":
            spelled.append(e["answer"][0])
        else:
            spelled.append("、".join(a.lower() for a in e["answer"]))
    return spelled


def test_xlsx_template_round_trip(papers, tmp_path):
    from openpyxl import load_workbook

    _, folder = papers
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    wb = load_workbook(folder / "answer-sheet.xlsx")
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["工号", "姓名", "科室", "版本", "1", "2", "3", "4", "5"]
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"A,B"' in validations.values()
    assert wb.sheetnames[:2] == ["答题卡", "填写说明"]
    ws.append(["0007", "张三", "内科", "A", *_fill(key["versions"]["A"])])
    ws.append(["0008", "李四", "外科", "B", *_fill(key["versions"]["B"])])
    ws.append(["0009", "王五", "外科", "B"])
    wb.save(tmp_path / "filled.xlsx")
    report = check_sheet(load_key(folder / "key.json"), tmp_path / "filled.xlsx", tmp_path / "out")
    assert [(r.staff_id, r.total, r.passed) for r in report.grading.results] == [
        ("0007", 100, True),
        ("0008", 100, True),
        ("0009", 0, False),
    ]


def test_csv_template_round_trip(papers, tmp_path):
    _, folder = papers
    key = json.loads((folder / "key.json").read_text(encoding="utf-8"))
    raw = (folder / "answer-sheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    filled = tmp_path / "filled.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(raw.decode("utf-8-sig"))
        writer = csv.writer(f)
        writer.writerow(["1", "张三", "内科", "A", *_fill(key["versions"]["A"])])
        b = _fill(key["versions"]["B"])
        b[1] = b[1][0]  # one correct option of the multiple only: half of 30
        writer.writerow(["2", "李四", "外科", "b", *b])
    report = check_sheet(load_key(folder / "key.json"), filled, tmp_path / "out")
    assert [r.total for r in report.grading.results] == [100, 85]
    assert "2,1,张三,内科,A,100,100,是" in (tmp_path / "out/scores.csv").read_text("utf-8-sig")

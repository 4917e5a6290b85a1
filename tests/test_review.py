"""``qinglian quiz review``: department study plans from a graded sitting of the mini fixture.

The sitting is made the way a trainer makes one: ``quiz paper`` then ``quiz grade`` on a sheet
whose wrong answers are chosen per department (tests/loop_helpers.py), so every rate is known.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.cli import main
from generator.errors import ValidationError
from generator.grading.attendance import Absentee, read_absent
from generator.model import links
from generator.review import topics
from generator.review.plans import QuestionGap, RuleGap, _readings, _sheet, review, sheet_case
from generator.review.results import load_sitting
from generator.sources.loader import load_corpus
from tests.conftest import MINI, copy_root
from tests.loop_helpers import PEOPLE_2025, grade, make_paper

SECRET = "机密考题"  # the mini bank's exam-only question
LONG_STEM = (
    "某医院药剂科在一次药品遴选前后发生了以下几种情况，" * 4 + "下列哪些属于第九条禁止的行为？"
)
PRACTICE_8_1 = "http://intranet.test/qinglian/quiz/practice/?rules=8,1"


@pytest.fixture(scope="module")
def sitting(tmp_path_factory):
    """(root, results folder): graded with quiz grade's default folder name beside the paper."""
    root = copy_root(MINI, tmp_path_factory.mktemp("review") / "root")
    bank = root / "quizzes" / "basic.yml"  # a long stem, as real ones are: squeezes 条款
    text = bank.read_text(encoding="utf-8")
    bank.write_text(text.replace("下列哪些属于第九条禁止的行为？", LONG_STEM), encoding="utf-8")
    key = make_paper(root)
    results = grade(root, key, PEOPLE_2025, root / "private" / "test-exam-grades")
    return root, results


@pytest.fixture(scope="module")
def plans(sitting):
    """The plans written once by the CLI into the default folder."""
    root, results = sitting
    assert main(["quiz", "review", str(results), "--root", str(root)]) == 0
    return root / "private" / "test-exam-review"


def _text(pdf: Path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(pdf).pages))


def test_rates_and_gaps_by_construction(sitting):
    root, results = sitting
    result = review(load_sitting(results), load_corpus(root))
    plans = {p.name: p for p in result.plans}
    assert list(plans) == ["骨科", "药剂科", "儿科"]  # taxonomy order, then the unknown one
    ortho = plans["骨科"]
    # rule 8: 40 + 10 points, 骨科 misses the 40 → 20 %; hospital (80 + 270 + 20) / 800.
    assert [(g.rule, round(g.rate, 4), round(g.hospital, 4)) for g in ortho.rules] == [
        (8, 0.2, 0.4625),
        (1, 0.75, 0.875),
    ]
    assert round(ortho.rules[0].gap, 2) == -26.25
    assert ortho.questions[0].id == "q-r8-001" and ortho.questions[0].rate == 0
    assert ortho.practice_url == PRACTICE_8_1
    assert [q.id for q in ortho.practice] == ["q-r8-001", "q-r1-001", "q-r1-002"]
    assert all(not q.exam_only for p in plans.values() for q in p.practice)
    # the department's own case first, then by rule and recency
    assert [r.case.id for r in ortho.readings] == ["r8-ortho-hongbao", "r8-pharmacy-card"]
    pharmacy = plans["药剂科"]
    assert [g.rule for g in pharmacy.rules] == [9, 8]
    secret = next(g for g in pharmacy.questions if g.id == "q-r8-002")
    assert secret.stem is None and not secret.public  # exam-only: never its stem
    assert secret.topic and SECRET not in secret.topic  # but what it tests, from public text
    assert pharmacy.readings[0].case.id == "r9-pharmacy-kickback"
    small = plans["儿科"]
    assert small.flagged and small.takers == 2
    assert [g.rule for g in small.study_rules] == [g.rule for g in result.hospital_rules[:3]]


@pytest.mark.pdf
def test_plan_pdfs(plans):
    names = sorted(p.name for p in plans.iterdir())
    assert names == sorted(
        ["学习计划-骨科.pdf", "学习计划-药剂科.pdf", "学习计划-儿科.pdf", "学习计划-全院汇编.pdf"]
    )
    ortho = _text(plans / "学习计划-骨科.pdf")
    for needle in ("骨科", "答得最差的条款", "20.0%", "46.3%", "低26.3", PRACTICE_8_1,
                   "某医院骨科医生收受红包案", "清廉查房单", "一个案例警示", "一条准则解析",
                   "一次廉政约谈", "http://intranet.test/qinglian/rules/r8/"):  # fmt: skip
        assert needle in ortho, needle
    assert "一条党纪解析" not in ortho  # the item explains a rule of the code, not party rules
    pharmacy = _text(plans / "学习计划-药剂科.pdf")
    corpus = load_corpus(MINI)
    topic = topics.topic(corpus, next(q for q in corpus.questions if q.id == "q-r8-002"))
    assert re.sub(r"\s+", "", f"考点：{topic}") in pharmacy  # what the exam-only question tests
    assert "q-r8-002：仅用于考试" not in pharmacy
    assert "少于5人" in _text(plans / "学习计划-儿科.pdf")
    assert (
        "应考8人，实考8人，缺考0人（参考率100.0%）（未提供缺考名单absent.csv，应考按实考计）"
        in ortho
    )
    combined = _text(plans / "学习计划-全院汇编.pdf")
    assert all(name in combined for name in ("骨科", "药剂科", "儿科"))
    for pdf in plans.iterdir():
        assert SECRET not in _text(pdf), pdf.name
        page = PdfReader(pdf).pages[0]
        assert round(float(page.mediabox.width)) == 595  # A4


@pytest.mark.pdf
def test_plan_qr_code_is_the_practice_url(plans, tmp_path):
    assert shutil.which("pdftoppm") and shutil.which("zbarimg"), "poppler-utils and zbar-tools"
    prefix = tmp_path / "page"
    pdf = plans / "学习计划-骨科.pdf"
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    found = set()
    for png in tmp_path.glob("page-*.png"):
        run = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True)
        found.update(run.stdout.decode().split())
    assert PRACTICE_8_1 in found
    assert "http://intranet.test/qinglian/cases/r8-ortho-hongbao/" in found


def test_key_can_be_given_or_sit_in_the_folder(sitting, tmp_path, capsys):
    root, results = sitting
    bare = tmp_path / "2025"
    bare.mkdir()
    for name in ("scores.csv", "items.csv"):
        shutil.copy(results / name, bare / name)
    assert (
        main(["quiz", "review", str(bare), "--root", str(root), "--out", str(tmp_path / "o")]) == 1
    )
    err = capsys.readouterr().err
    assert "找不到这次考试的 key.json" in err and "--key" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    key = root / "private" / "test-exam" / "key.json"
    sitting_with_key = load_sitting(bare, key)
    assert sitting_with_key.key.exam == "test-exam"
    shutil.copy(key, bare / "key.json")
    assert load_sitting(bare).key_path == bare / "key.json"


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "不是成绩目录，缺少 scores.csv、items.csv"),
        ({"scores.csv": "工号,姓名\n1,张\n", "items.csv": "题目ID,难度\n"}, "scores.csv:1: 表头缺少列：科室、版本、得分、满分、合格"),
        ({"scores.csv": "工号,姓名,科室,版本,得分,满分,合格\n1,张,内科,A,x,10,是\n",
          "items.csv": "题目ID,难度\n"}, "scores.csv:2: 得分“x”不是数字"),
    ],
)  # fmt: skip
def test_not_a_results_folder(tmp_path, capsys, files, message):
    folder = tmp_path / "results"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert main(["quiz", "review", str(folder), "--root", str(MINI)]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_key_of_another_exam_is_refused(sitting, tmp_path, capsys):
    root, results = sitting
    other = tmp_path / "key.json"
    text = (root / "private" / "test-exam" / "key.json").read_text(encoding="utf-8")
    other.write_text(text.replace("q-r9-001", "q-other"), encoding="utf-8")
    args = ["quiz", "review", str(results), "--key", str(other), "--root", str(root)]
    assert main([*args, "--out", str(tmp_path / "o")]) == 1
    assert "不符" in capsys.readouterr().err


def test_review_never_writes_under_dist(sitting, capsys):
    root, results = sitting
    out = root / "dist" / "plans"
    assert main(["quiz", "review", str(results), "--root", str(root), "--out", str(out)]) == 1
    assert "dist/" in capsys.readouterr().err
    assert not out.exists()


def test_practice_page_in_the_built_site(mini_build):
    _, out, report = mini_build
    page = (out / "site" / "quiz" / "practice" / "index.html").read_text(encoding="utf-8")
    assert 'data-mode="practice"' in page
    assert SECRET not in page and "q-r8-002" not in page  # the page holds no question text
    assert links.practice_set_url("http://x/", rules=[8, 1]) == "http://x/quiz/practice/?rules=8,1"


@pytest.mark.browser
def test_practice_page_from_the_qr_url_shows_only_public_questions(mini_build, serve_dir, page):
    _, out, report = mini_build
    base = serve_dir(out / "site")
    url = PRACTICE_8_1.replace(report.corpus.hospital.site_url, base)
    page.goto(url)
    page.wait_for_selector(".ql-q__count")
    assert "共 3 题" in page.inner_text(".ql-q__count")  # q-r8-001, q-r1-001, q-r1-002
    assert "第八条" in page.inner_text(".ql-practice__intro")
    seen = set()
    for _ in range(3):
        seen.add(page.inner_text(".ql-q__stem"))
        assert SECRET not in page.inner_text(".ql-quiz")
        page.locator(".ql-opt").first.click() if page.locator(".ql-opt").count() else page.fill(
            ".ql-fill__input", "x"
        )
        page.click("button[type=submit]")
        page.locator(".ql-fb button").click()
    assert len(seen) == 3
    page.wait_for_selector(".ql-result")
    # an exam-only id in the URL matches nothing: the page says so instead of showing it
    page.goto(base + "quiz/practice/?ids=q-r8-002")
    page.wait_for_selector(".ql-empty")
    assert SECRET not in page.inner_text(".ql-quiz")
    assert all(u.startswith(base.split("/qinglian")[0]) for u in page.requested)


def test_ward_round_case_follows_the_weakest_rule():
    corpus = load_corpus(MINI)
    # 骨科's weakest rule 9, then 8: the reading list puts 骨科's own rule-8 case first (its
    # department bonus), but the ward-round sheet is about rule 9, so its case is a rule-9 case.
    study = [RuleGap(9, "", 0.2, 0.6), RuleGap(8, "", 0.5, 0.6)]
    readings = _readings(corpus, "骨科", [9, 8])
    assert readings[0].case.id == "r8-ortho-hongbao"
    sheet = _sheet(corpus, "骨科", study, [], readings, own=True)
    assert sheet.rule.rule == 9 and sheet.case.id == "r9-pharmacy-kickback"
    # the department's own case first, then the rule's main cases, then the most recent
    assert sheet_case(corpus, "药剂科", 8).id == "r8-pharmacy-card"  # own, though older
    assert sheet_case(corpus, "儿科", 8).id == "r8-ortho-hongbao"  # newest main rule-8 case
    assert sheet_case(corpus, "儿科", 1).id == "r9-pharmacy-kickback"  # cites rule 1
    assert sheet_case(corpus, "儿科", 5) is None


def test_exam_only_topic_is_public_text(tmp_path):
    corpus = load_corpus(MINI)
    secret = next(q for q in corpus.questions if q.id == "q-r8-002")
    found = topics.topic(corpus, secret)
    rule = corpus.rules[8]
    public = rule.body
    assert found and (found in public or found.startswith(rule.title))
    assert SECRET not in found and secret.stem not in found
    assert topics.described(corpus, secret).startswith("第八条 · ")


@pytest.mark.pdf
def test_department_plan_is_compact_and_rule_labels_stay_on_one_line(plans):
    """No cover, contents or colophon page for a department; a book only for many departments."""
    for name in ("学习计划-骨科.pdf", "学习计划-药剂科.pdf"):
        reader = PdfReader(plans / name)
        pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
        assert "科室学习计划" in pages[0] and "答得最差的条款" in pages[0]  # content on page 1
        assert not any(p.startswith("目录") or "收录内容" in p for p in pages)
        sheet = [i for i, p in enumerate(pages) if "清廉查房单" in p and "一个案例警示" in p]
        assert sheet == [len(pages) - 1] and "查房人" in pages[-1]  # the sheet is one last page
        assert len(pages) <= 4
    # 条款 cells never stack 第/九/条: each label sits on one text line
    lines = PdfReader(plans / "学习计划-药剂科.pdf").pages[0].extract_text().splitlines()
    assert any("第九条" in line for line in lines)
    assert not any(line.strip() in ("第", "九", "条", "八") for line in lines)
    combined = [
        re.sub(r"\s+", "", p.extract_text())
        for p in PdfReader(plans / "学习计划-全院汇编.pdf").pages
    ]
    assert any("目录" in p for p in combined[:2])  # three departments: bound as a book


def test_review_finds_the_key_of_grades_kept_anywhere(sitting, tmp_path):
    """An online sitting: exam export writes key.json and answers.csv to one folder, quiz grade
    writes the grades to another; grade keeps a copy of the key there, so review needs no --key."""
    root, _ = sitting
    exported = tmp_path / "2026-答卷"
    exported.mkdir()
    key = exported / "key.json"
    shutil.copy(root / "private" / "test-exam" / "key.json", key)
    results = grade(root, key, PEOPLE_2025, tmp_path / "2026-成绩")
    assert (results / "key.json").read_bytes() == key.read_bytes()
    out = tmp_path / "plans"
    assert main(["quiz", "review", str(results), "--root", str(root), "--out", str(out)]) == 0
    assert (out / "学习计划-骨科.pdf").is_file()
    assert load_sitting(results).label == "测试考试"  # the exam title, not the folder name


def _with_absentees(results: Path, folder: Path, rows: str) -> Path:
    folder.mkdir()
    for name in ("scores.csv", "items.csv", "key.json"):
        shutil.copy(results / name, folder / name)
    (folder / "absent.csv").write_text("工号,姓名,科室\n" + rows, encoding="utf-8-sig")
    return folder


@pytest.mark.pdf
def test_absentees_and_a_department_nobody_sat_for(sitting, tmp_path, capsys):
    root, results = sitting
    folder = _with_absentees(
        results, tmp_path / "grades", "A1,缺考甲,骨科\nA2,缺考乙,骨科\nB1,丙,医保办\nB2,丁,医保办\n"
    )
    result = review(load_sitting(folder), load_corpus(root))
    assert (result.expected, result.takers, result.absent) == (20, 16, 4)
    plans = {p.name: p for p in result.plans}
    ortho, insurance = plans["骨科"], plans["医保办"]
    assert (ortho.expected, ortho.takers, ortho.absent) == (10, 8, 2)
    assert round(ortho.participation, 3) == 0.8
    assert insurance.nobody and insurance.expected == 2 and insurance.rules == []
    assert [g.rule for g in insurance.study_rules] == [g.rule for g in result.hospital_rules[:3]]
    out = tmp_path / "plans"
    assert main(["quiz", "review", str(folder), "--root", str(root), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "应考 20 人，实考 16 人，缺考 4 人（参考率 80.0%）" in said
    assert "医保办：实考 0/2 人，无人参考" in said
    text = _text(out / "学习计划-医保办.pdf")
    assert "应考2人，实考0人，缺考2人（参考率0.0%）" in text
    assert "无人参加本次考试" in text and "清廉查房单" in text
    assert "应考10人，实考8人，缺考2人（参考率80.0%）" in _text(out / "学习计划-骨科.pdf")
    combined = _text(out / "学习计划-全院汇编.pdf")
    assert "科室应考实考缺考参考率合格率" in combined and "医保办202" in combined
    # without absent.csv: 应考 = 实考 (the plans say so, see test_plan_pdfs)
    plain = review(load_sitting(results), load_corpus(root))
    assert (plain.expected, plain.absent) == (16, 0) and not plain.roster_known


def test_absentee_list_that_contradicts_the_grades(sitting, tmp_path, capsys):
    root, results = sitting
    folder = _with_absentees(
        results, tmp_path / "grades", "G1,甲,骨科\n,乙,骨科\nA1,丙,骨科\nA1,丙,骨科\n"
    )
    assert (
        main(["quiz", "review", str(folder), "--root", str(root), "--out", str(tmp_path / "o")])
        == 1
    )
    err = capsys.readouterr().err
    absent = folder / "absent.csv"
    # the grader's reader (the same lines quiz grade --absent prints) plus review's own check
    assert err.splitlines() == [
        f"{absent}:2: 工号 G1（甲）在 scores.csv 中已有成绩，不能同时列为缺考"
        "（quiz grade 写出的缺考名单不列有成绩的人，这个文件被改过；"
        "请删除这一行，或用 quiz grade 的 --absent 选项重新评分）",
        f"{absent}:3: 缺少工号",
        f"{absent}:5: 工号 A1 重复（第 4 行已有）",
        "共 3 个问题，请逐条修改后再运行。",
    ]
    assert not (tmp_path / "o").exists()


def test_review_reads_absent_list_as_the_grader_does(sitting, tmp_path):
    """One reader: an absent.csv saved by Excel on a Chinese Windows (GB18030, tab-separated,
    a guarded cell) reads the same in review as in quiz grade; a header-only list means nobody
    was absent (应考 = 实考, yet the roster is known), an empty file is a located problem."""
    root, results = sitting
    folder = _with_absentees(results, tmp_path / "grades", "")
    (folder / "absent.csv").write_bytes(
        "工号\t姓名\t科室\r\n'-9\t钱某\t医保办\r\n".encode("gb18030")
    )
    loaded = load_sitting(folder)
    assert loaded.absent == read_absent(folder / "absent.csv") == [Absentee("-9", "钱某", "医保办")]
    assert (loaded.sat(), loaded.missing(), loaded.departments[-1]) == (16, 1, "医保办")
    (folder / "absent.csv").write_text("工号,姓名,科室\n", encoding="utf-8")
    header_only = load_sitting(folder)
    assert header_only.roster_known and header_only.missing() == 0
    (folder / "absent.csv").write_bytes(b"")
    with pytest.raises(ValidationError) as caught:
        load_sitting(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'absent.csv'}: 缺考名单是空的：第一行应为表头 工号、姓名、科室"
        "（没有人缺考时只留表头这一行）"
    ]


def test_talking_points_never_nest_quotation_marks():
    corpus = load_corpus(MINI)
    stem = "某医院医生告知患者，可到被纳入医保“双通道”管理的定点零售药店购药，这一做法是否符合第一条的规定？"
    worst = [QuestionGap("q-x", "single", (1,), 0.2, 0.6, stem, public=True)]
    sheet = _sheet(corpus, "骨科", [RuleGap(1, "", 0.2, 0.6)], worst, [], own=True)
    point = next(p for p in sheet.points if "双通道" in p)
    assert point.startswith("“某医院医生告知患者，可到被纳入医保‘双通道’") and "”——" in point
    depth = 0
    for ch in point:
        depth += (ch == "“") - (ch == "”")
        assert depth <= 1

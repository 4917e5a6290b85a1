"""``qinglian import bank`` and ``qinglian export bank``: layouts people use, located problems,
nothing written on a problem, round trip, formula guard, suggested rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.importing.bank_sheet import read_rows, sheet_questions, split_options
from generator.importing.bank_text import text_questions
from generator.importing.docx_read import paragraph_lines, read_docx
from generator.importing.questions import build_bank, choice_answer, judge_answer, rule_numbers
from generator.sources.loader import load_bank_files, load_corpus
from tests.conftest import REPO, copy_root
from tests.import_fixtures import (
    csv_bytes,
    docx_paper,
    expected,
    imported,
    paper_lines,
    paper_order,
    sheet_layout_a,
    sheet_layout_b,
    sheet_layout_c,
    shipped_questions,
    xlsx_bytes,
)

QUESTIONS = shipped_questions()


def no_suggest(text: str) -> list[int]:
    raise AssertionError(f"no rule should be suggested here: {text[:20]}")


def _exact(got: list[dict], want: list[dict]) -> float:
    assert len(got) == len(want)
    return sum(imported(g) == w for g, w in zip(got, want, strict=True)) / len(want)


@pytest.mark.parametrize(
    ("name", "layout", "encoding"),
    [
        ("title-row.xlsx", sheet_layout_a, None),
        ("one-option-cell-gbk.csv", sheet_layout_b, "gbk"),
        ("one-option-cell.csv", sheet_layout_b, "utf-8"),
    ],
)
def test_sheet_layouts_import_exactly(name, layout, encoding):
    rows = layout(QUESTIONS)
    data = csv_bytes(rows, encoding) if encoding else xlsx_bytes(rows)
    raws, problems = sheet_questions(read_rows(name, data), name)
    questions, more = build_bank(raws, name, no_suggest, set())
    assert problems + more == []
    assert _exact(questions, [expected(q) for q in QUESTIONS]) == 1.0


def test_sheet_without_rules_column_gets_suggested_rules():
    from generator.commands.importing import rule_texts
    from generator.importing.suggest import RuleSuggester

    rows = sheet_layout_c(QUESTIONS)
    raws, problems = sheet_questions(read_rows("c.xlsx", xlsx_bytes(rows)), "c.xlsx")
    questions, more = build_bank(raws, "c.xlsx", RuleSuggester(rule_texts(REPO)), set())
    assert problems + more == []
    assert all(q["rules_suggested"] is True for q in questions)
    want = [expected(q) for q in QUESTIONS]
    same = [
        {k: v for k, v in imported(g).items() if k != "rules"}
        == {k: v for k, v in w.items() if k != "rules"}
        for g, w in zip(questions, want, strict=True)
    ]
    assert all(same)
    # The suggestion is only a suggestion, but it should mostly name the question's main rule.
    hits = sum(g["rules"][0] == w["rules"][0] for g, w in zip(questions, want, strict=True))
    assert hits / len(want) >= 0.9


@pytest.mark.parametrize("style", ["lines", "brackets"])
def test_text_papers_import_exactly(style):
    raws, problems = text_questions(paper_lines(QUESTIONS, style), "paper.txt")
    questions, more = build_bank(raws, "paper.txt", no_suggest, set())
    assert problems + more == []
    want = [expected(q, bracket=style == "brackets") for q in paper_order(QUESTIONS)]
    assert _exact(questions, want) == 1.0


def test_word_paper_imports_exactly():
    docx = read_docx(docx_paper(paper_lines(QUESTIONS, "lines")))
    raws, problems = text_questions(paragraph_lines(docx), "paper.docx", unit="段")
    questions, more = build_bank(raws, "paper.docx", no_suggest, set())
    assert problems + more == []
    assert _exact(questions, [expected(q) for q in paper_order(QUESTIONS)]) == 1.0


def test_small_readings():
    assert choice_answer("AC") == choice_answer("A,C") == choice_answer("A、C") == ["A", "C"]
    assert choice_answer("ＡＣ") == choice_answer("a c") == ["A", "C"]
    assert choice_answer("AZ") is None
    assert [judge_answer(t) for t in ("对", "√", "正确", "错", "×", "错误", "也许")] == [
        True,
        True,
        True,
        False,
        False,
        False,
        None,
    ]
    assert rule_numbers("8") == rule_numbers("第8条") == rule_numbers("第八条") == [8]
    assert rule_numbers("第一条、第九条") == [1, 9]
    assert rule_numbers("红包") is None
    assert rule_numbers("10") is None
    assert split_options("A.是；B.否；C.不一定") == ["是", "否", "不一定"]
    assert split_options("A、收下 B、退还") == ["收下", "退还"]
    assert split_options("是；否") is None


BROKEN = [
    ["2025年题库"],
    ["题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "条款"],
    ["单选题", "第一题", "甲", "乙", "丙", "D", "依据第八条。", "8"],
    ["多选题", "第二题", "甲", "乙", "丙", "AZ", "依据第八条。", "第八条"],
    ["判断题", "第三题", "", "", "", "也许", "依据第八条。", "8"],
    ["填空题", "第四题没有空格", "", "", "", "统方", "依据第一条。", "1"],
    ["问答题", "第五题", "", "", "", "略", "依据第一条。", "1"],
    ["单选题", "第六题", "甲", "乙", "丙", "A", "", "第十条"],
    ["单选题", "第七题", "甲", "乙", "丙", "AB", "依据第八条。", "8"],
]


def test_broken_rows_are_all_named_and_nothing_is_written(tmp_path, capsys):
    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    src = tmp_path / "旧题库.csv"
    src.write_bytes(csv_bytes(BROKEN, "gbk"))
    before = sorted(p.name for p in (root / "quizzes").iterdir())
    code = main(["--root", str(root), "import", "bank", str(src), "--bank", "old"])
    err = capsys.readouterr().err
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith(str(src))]
    f = str(src)
    assert lines == [
        f"{f}:第3行（第1题）: 答案：D 不在选项之中（本题只有 A、B、C）",
        f"{f}:第4行（第2题）: 答案：“AZ”不是选项字母（如 B、AC、A,C）",
        f"{f}:第5行（第3题）: 答案：判断题的答案应为 对/错、√/×、正确/错误，写的是“也许”",
        f"{f}:第6行（第4题）: 题干：填空题的题干中没有空格（___ 或（ ））",
        f"{f}:第7行（第5题）: 题型：无法识别“问答题”（可用：单选题、多选题、判断题、填空题）",
        f"{f}:第8行（第6题）: 条款：“第十条”不是九项准则的条款（如 8、第八条、第一条、第九条）",
        f"{f}:第8行（第6题）: 解析：为空（每道题都要有解析，说明依据哪一条）",
        f"{f}:第9行（第7题）: 答案：单选题只能有一个答案，写的是“AB”",
    ]
    assert "共 8 个问题" in err
    assert sorted(p.name for p in (root / "quizzes").iterdir()) == before


def test_import_writes_a_bank_that_passes_check(tmp_path, capsys):
    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    src = tmp_path / "题库.xlsx"
    src.write_bytes(xlsx_bytes(sheet_layout_a(QUESTIONS[:40])))
    assert main(["--root", str(root), "import", "bank", str(src), "--bank", "old-2025"]) == 0
    out = capsys.readouterr().out
    assert "已导入 40 题" in out
    data = yaml.safe_load((root / "quizzes/old-2025.yml").read_text(encoding="utf-8"))
    assert data["title"] == "2025年度廉洁从业知识题库"  # the title row
    corpus = load_corpus(root)
    assert len([q for q in corpus.questions if q.id.startswith("old-2025-")]) == 40
    # Stable ids: the same file imported again (rows in another order) gives the same ids.
    first = {q["stem"]: q["id"] for q in data["questions"]}
    rows = sheet_layout_a(QUESTIONS[:40])
    src.write_bytes(xlsx_bytes(rows[:3] + rows[3:][::-1]))
    args = ["--root", str(root), "import", "bank", str(src), "--bank", "old-2025", "--force"]
    assert main(args) == 0
    again = yaml.safe_load((root / "quizzes/old-2025.yml").read_text(encoding="utf-8"))
    assert {q["stem"]: q["id"] for q in again["questions"]} == first


def test_dry_run_and_existing_file(tmp_path, capsys):
    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    src = tmp_path / "paper.txt"
    src.write_text("\n".join(paper_lines(QUESTIONS[:5], "lines")), encoding="gb18030")
    args = ["--root", str(root), "import", "bank", str(src), "--bank", "paper", "--dry-run"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "bank: paper" in out and "未写任何文件" in out
    assert not (root / "quizzes/paper.yml").exists()
    assert main(args[:-1]) == 0
    capsys.readouterr()
    assert main(args[:-1]) == 1
    assert "已存在：加 --force 覆盖" in capsys.readouterr().err


def test_suggested_rules_are_reminded_and_not_shown_as_confirmed(tmp_path, capsys):
    from generator.site.selftest import question_data

    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    src = tmp_path / "c.xlsx"
    src.write_bytes(xlsx_bytes(sheet_layout_c(QUESTIONS[:6])))
    assert main(["--root", str(root), "import", "bank", str(src), "--bank", "c"]) == 0
    assert "条款是按准则原文自动建议的" in capsys.readouterr().out
    assert main(["--root", str(root), "check"]) == 0
    err = capsys.readouterr().err
    assert err.count("是导入时自动建议的，请核对后删去 rules_suggested") == 6
    assert "quizzes/c.yml:" in err
    corpus = load_corpus(root)
    data = {q["id"]: q for q in question_data(corpus)["questions"]}
    imported_ids = [q.id for q in corpus.questions if q.rules_suggested]
    assert len(imported_ids) == 6
    assert all(data[i]["rules"] == [] for i in imported_ids)
    by_rule = corpus.public_questions_by_rule
    assert not any(q.rules_suggested for qs in by_rule.values() for q in qs)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_bank(tmp_path, capsys, fmt):
    root = copy_root(REPO, tmp_path / "root")
    for bank_file in sorted((REPO / "quizzes").glob("*.yml")):
        (original,) = load_bank_files([bank_file])
        sheet = tmp_path / f"{bank_file.stem}.{fmt}"
        assert main(["export", "bank", str(bank_file), "--format", fmt, "--out", str(sheet)]) == 0
        (root / "quizzes" / bank_file.name).unlink()
        out = root / "quizzes" / bank_file.name
        args = ["--root", str(root), "import", "bank", str(sheet), "--bank", original.bank]
        assert main([*args, "--out", str(out)]) == 0
        (again,) = load_bank_files([out])
        assert again.title == original.title
        assert [q.model_dump() for q in again.questions] == [
            q.model_dump() for q in original.questions
        ]
    capsys.readouterr()


def test_formula_guard_round_trip(tmp_path, capsys):
    bank = {
        "bank": "guard",
        "title": "公式防护",
        "questions": [
            {
                "id": "guard-1",
                "type": "fill",
                "stem": '=HYPERLINK("http://x") 是 ____',
                "answer": ["-1", "@SUM(A1)"],
                "explanation": "+依据第八条。",
                "rules": [8],
            },
            {
                "id": "guard-2",
                "type": "single",
                "stem": "\t以制表符开头的题干",
                "options": ["=1+1", "+2", "-3", "@4"],
                "answer": "A",
                "explanation": "依据第八条。",
                "rules": [8],
            },
        ],
    }
    path = tmp_path / "guard.yml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True), encoding="utf-8")
    (original,) = load_bank_files([path])
    for fmt in ("csv", "xlsx"):
        sheet = tmp_path / f"guard.{fmt}"
        assert main(["export", "bank", str(path), "--format", fmt, "--out", str(sheet)]) == 0
        rows = read_rows(sheet.name, sheet.read_bytes())
        cells = [c for row in rows for c in row if c]
        assert "'=1+1" in cells and "'+2" in cells and "'-3" in cells and "'@4" in cells
        assert not any(c[:1] in "=+-@\t\r" for c in cells)
        out = tmp_path / f"back-{fmt}.yml"
        args = ["import", "bank", str(sheet), "--bank", "guard", "--out", str(out), "--force"]
        assert main(["--root", str(REPO), *args]) == 0
        (again,) = load_bank_files([out])
        assert [q.model_dump() for q in again.questions] == [
            q.model_dump() for q in original.questions
        ]
    capsys.readouterr()


def test_unreadable_inputs_get_chinese_messages(tmp_path, capsys):
    old = tmp_path / "题库.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    empty = tmp_path / "empty.csv"
    empty.write_bytes("说明\n没有表头\n".encode())
    assert main(["import", "bank", str(old), "--bank", "x", "--dry-run"]) == 1
    assert "不支持旧格式 .xls，请用 Excel 或 WPS 另存为 .xlsx" in capsys.readouterr().err
    assert main(["import", "bank", str(fake), "--bank", "x", "--dry-run"]) == 1
    assert "不是有效的 xlsx 文件" in capsys.readouterr().err
    assert main(["import", "bank", str(empty), "--bank", "x", "--dry-run"]) == 1
    assert f"{empty}: 找不到表头：前 10 行中应有一行列名" in capsys.readouterr().err
    binary = tmp_path / "题库.csv"
    binary.write_bytes(b"a\x00b")
    assert main(["import", "bank", str(binary), "--bank", "x", "--dry-run"]) == 1
    assert f"{binary}：不是 CSV 文本文件（含有二进制内容）" in capsys.readouterr().err
    text, word = tmp_path / "试卷.txt", tmp_path / "试卷.docx"
    text.write_text("一、单选题\n请认真作答\n", encoding="utf-8")
    word.write_bytes(b"PK\x03\x04 broken")
    assert main(["import", "bank", str(text), str(word), "--bank", "x", "--dry-run"]) == 1
    # problems with a whole file name no row or paragraph
    assert capsys.readouterr().err.splitlines() == [
        f"{word}: 不是 Word 文档（.docx），或文件已损坏：请用 Word 或 WPS 打开，另存为 .docx 后再导入",
        f"{text}: 没有找到题目：题目应以题号开头（如 1. 或 1、或（1）），选项以 A. 开头，"
        "并有“答案：”一行或把答案写在题干括号里",
        "共 2 个问题，请逐条修改后再运行。",
    ]
    assert main(["import", "bank", str(empty), "--bank", "X Y", "--dry-run"]) == 1
    assert "只能用小写字母" in capsys.readouterr().err


def test_paper_problems_are_located_by_line(tmp_path, capsys):
    paper = tmp_path / "试卷.txt"
    paper.write_text(
        "\n".join(
            [
                "一、单选题",
                "1. 医生可以收红包吗？",
                "A. 可以  B. 不可以",
                "解析：依据第八条。",
                "2. 患方宴请可以参加吗？（C）",
                "A. 可以",
                "B. 不可以",
                "解析：依据第八条。",
                "二、判断题",
                "1. 收受购物卡不违反第八条。",
                "答案：×",
                "解析：依据第八条。",
            ]
        ),
        encoding="utf-8",
    )
    assert (
        main(["--root", str(REPO), "import", "bank", str(paper), "--bank", "p", "--dry-run"]) == 1
    )
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(paper))]
    assert err == [
        f"{paper}:第2行（第1题）: 答案：为空",
        f"{paper}:第5行（第2题）: 答案：C 不在选项之中（本题只有 A、B）",
    ]


def test_word_paper_through_the_cli(tmp_path, capsys):
    src = tmp_path / "试卷.docx"
    src.write_bytes(docx_paper(paper_lines(QUESTIONS[:12], "lines")))
    out = tmp_path / "p.yml"
    args = ["--root", str(REPO), "import", "bank", str(src), "--bank", "p", "--out", str(out)]
    assert main(args) == 0
    (bank,) = load_bank_files([out])
    want = [expected(q) for q in paper_order(QUESTIONS[:12])]
    got = [imported(q.model_dump(exclude_defaults=True) | {"type": q.type}) for q in bank.questions]
    assert got == want
    assert Path(out).read_text(encoding="utf-8").startswith("bank: p\n")
    capsys.readouterr()


MESSY_PAPER = """2025年度廉洁从业知识测试
科室：________ 姓名：________
一、单项选择题（每题2分，共4分）
1．医务人员收到患者家属塞的红包，正确的做法是（ ）A.收下 B.当场婉拒并退还 C.交给护士长 D.分给同事
解析：依据第八条，严禁收受患者及其亲友的礼金。
2、医药代表请医生吃饭，医生应当（  ）
A、欣然赴宴
B、婉言谢绝
解析：依据第九条。
二、判断题
1. 以商业目的统方违反第一条。
解析：依据第一条“严禁以商业目的进行统方”。
参考答案
一、1-2 BB
二、1.√
"""


def test_messy_paper_with_options_on_the_stem_line_and_an_answer_key(tmp_path, capsys):
    paper = tmp_path / "试卷.txt"
    paper.write_text(MESSY_PAPER, encoding="gb18030")
    out = tmp_path / "messy.yml"
    args = ["--root", str(REPO), "import", "bank", str(paper), "--bank", "messy"]
    assert main([*args, "--out", str(out)]) == 0
    capsys.readouterr()
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["title"] == "2025年度廉洁从业知识测试"
    got = [(q["type"], q["stem"], q.get("options"), q["answer"]) for q in data["questions"]]
    assert got == [
        (
            "single",
            "医务人员收到患者家属塞的红包，正确的做法是（ ）",
            ["收下", "当场婉拒并退还", "交给护士长", "分给同事"],
            "B",
        ),
        ("single", "医药代表请医生吃饭，医生应当（  ）", ["欣然赴宴", "婉言谢绝"], "B"),
        ("judge", "以商业目的统方违反第一条。", None, True),
    ]
    # The explanation cites the rule: that is the suggestion, still marked for an editor.
    assert [q["rules"] for q in data["questions"]] == [[8], [9], [1]]
    assert all(q["rules_suggested"] for q in data["questions"])


def test_answer_key_without_sections_cannot_match_restarted_numbers(tmp_path, capsys):
    paper = tmp_path / "试卷.txt"
    text = MESSY_PAPER.replace("一、1-2 BB\n二、1.√\n", "1.B 2.B 1.√\n")
    paper.write_text(text, encoding="utf-8")
    args = ["--root", str(REPO), "import", "bank", str(paper), "--bank", "messy", "--dry-run"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert (
        f"{paper}:第14行: 答案表没有分节（如 一、单选题），而各题型的题号都从 1 开始，无法对应；"
        "请在答案表中按题型分节"
    ) in err
    assert f"{paper}:第4行（第1题）: 答案：为空" in err


def test_type_names_people_write():
    from generator.importing.questions import question_type

    assert question_type("单选题（2分）") == "single"
    assert question_type("【单选题】") == "single"
    assert question_type("不定项选择题") == "multiple"
    assert question_type("是非题") == "judge"
    assert question_type("问答题") is None


def test_judge_written_as_two_options_and_a_letter():
    rows = [
        ["题型", "题干", "选项A", "选项B", "答案", "解析", "条款"],
        ["判断题", "收受患者购物卡违反第八条。", "正确", "错误", "A", "依据第八条。", "8"],
        ["判断题", "参加患方宴请不违反准则。", "对", "错", "B", "依据第八条。", "8"],
    ]
    raws, problems = sheet_questions(read_rows("j.csv", csv_bytes(rows)), "j.csv")
    questions, more = build_bank(raws, "j.csv", no_suggest, set())
    assert problems + more == []
    assert [(q["type"], q["answer"], "options" in q) for q in questions] == [
        ("judge", True, False),
        ("judge", False, False),
    ]


@pytest.fixture(scope="module")
def suggested_site(tmp_path_factory):
    """The mini root with a bank imported from a sheet without 条款 (rules suggested), built."""
    from generator.build import build

    tmp = tmp_path_factory.mktemp("suggested")
    root = copy_root(REPO / "tests/fixtures/mini", tmp / "root")
    src = tmp / "c.xlsx"
    questions = [q for q in QUESTIONS if q["type"] == "single"][:3]
    src.write_bytes(xlsx_bytes(sheet_layout_c(questions)))
    assert main(["--root", str(root), "import", "bank", str(src), "--bank", "c"]) == 0
    build(root, tmp / "dist", only="site")
    data = yaml.safe_load((root / "quizzes/c.yml").read_text(encoding="utf-8"))
    return tmp / "dist/site", data["questions"][0]


@pytest.mark.browser
def test_a_suggested_rule_is_not_shown_as_the_questions_rule(page, serve_dir, suggested_site):
    from playwright.sync_api import expect

    site, question = suggested_site
    base = serve_dir(site)
    page.goto(base + f"quiz/practice/?ids={question['id']}")
    form = page.locator(".ql-quiz .ql-q")
    expect(form).to_contain_text(question["stem"])
    assert page.locator(".ql-q__rules").inner_text().strip() == ""
    form.locator("input[type=radio]").first.check()
    form.get_by_role("button", name="提交答案").click()
    feedback = page.locator(".ql-fb")
    expect(feedback).to_contain_text(question["explanation"])
    expect(feedback).not_to_contain_text("对应准则")
    expect(feedback).not_to_contain_text("null")


def test_several_files_make_one_bank(tmp_path, capsys):
    sheet = tmp_path / "a.xlsx"
    sheet.write_bytes(xlsx_bytes(sheet_layout_a(QUESTIONS[:10])))
    paper = tmp_path / "b.docx"
    paper.write_bytes(docx_paper(paper_lines(QUESTIONS[10:20], "lines")))
    out = tmp_path / "ab.yml"
    args = ["--root", str(REPO), "import", "bank", str(sheet), str(paper), "--bank", "ab"]
    assert main([*args, "--out", str(out), "--title", "合并题库"]) == 0
    (bank,) = load_bank_files([out])
    assert bank.title == "合并题库"
    assert len(bank.questions) == 20
    assert len({q.id for q in bank.questions}) == 20
    capsys.readouterr()


def test_one_sheet_per_type(tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    single = wb.active
    single.title = "单选题"
    for row in sheet_layout_a([q for q in QUESTIONS if q["type"] == "single"][:3]):
        single.append(row)
    judge = wb.create_sheet("判断题")
    rows = sheet_layout_a([q for q in QUESTIONS if q["type"] == "judge"][:2])
    rows[4][8] = "也许"
    for row in rows:
        judge.append(row)
    wb.create_sheet("说明").append(["本题库共两类题目"])
    src = tmp_path / "分表.xlsx"
    wb.save(src)
    args = ["--root", str(REPO), "import", "bank", str(src), "--bank", "t", "--dry-run"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert (
        f"{src}（工作表“判断题”）:第5行（第5题）: 答案：判断题的答案应为 对/错、√/×、正确/错误，"
        "写的是“也许”"
    ) in err
    rows[4][8] = "对"
    judge.delete_rows(1, judge.max_row)
    for row in rows:
        judge.append(row)
    wb.save(src)
    assert main(args) == 0
    assert "共 5 题（单选 3、判断 2）" in capsys.readouterr().out

"""The formula guard and its inverse, the absent list reader, 应考/实考/缺考 per department."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import ValidationError
from generator.exam.key import parse_key
from generator.grading.attendance import EMPTY_ABSENT, Absentee, attendance, read_absent
from generator.grading.checker import check_sheet, result_files
from generator.model.cells import FORMULA_STARTS, guard, unguard
from generator.model.order import departments_order
from tests.quiz_helpers import ROWS, write_csv, write_key


@given(st.text())
def test_guard_round_trips_every_text(text):
    assert unguard(guard(text)) == text
    assert guard(text)[:1] not in FORMULA_STARTS


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=x", "''=x"),
        ("统方", "统方"),
        ("'引号'", "'引号'"),
    ],
)
def test_guard_writes_a_leading_quote_only_before_formula_starts(text, written):
    assert guard(text) == written


def test_pinyin_order_of_departments():
    assert departments_order(["医保办", "护理部", "药剂科", "骨科"]) == [
        "骨科",
        "护理部",
        "药剂科",
        "医保办",
    ]


def test_absent_list_problems_are_located_all_at_once(tmp_path):
    path = tmp_path / "absent.csv"
    path.write_text("工号,姓名,科室\n1,甲,骨科\n,乙,骨科\n1,丙,骨科\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_absent(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3: 缺少工号",
        f"{path}:4: 工号 1 重复（第 2 行已有）",
    ]
    path.write_text("编号,名字\n1,甲\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_absent(path)
    assert "找到的表头：编号、名字" in str(caught.value.problems[0])


def test_absent_list_reads_back_guarded_cells(tmp_path):
    path = tmp_path / "absent.csv"
    path.write_text("\ufeff工号,姓名,科室\n'-7,'=甲,医保办\n", encoding="utf-8")
    assert read_absent(path) == [Absentee("-7", "=甲", "医保办")]


def test_a_department_with_nobody_present_appears():
    absent = [
        Absentee("3", "丙", "医保办"),
        Absentee("4", "丁", "医保办"),
        Absentee("1", "甲", "骨科"),
    ]
    result = attendance(["骨科", "骨科", "药剂科"], {"1", "2", "5"}, absent)
    rows = {(d.name, d.expected, d.present, d.absent) for d in result.departments}
    # 甲 (1) was graded after all: present, not absent
    assert rows == {("骨科", 2, 2, 0), ("药剂科", 1, 1, 0), ("医保办", 2, 0, 2)}
    assert [d.name for d in result.departments] == ["骨科", "药剂科", "医保办"]
    assert (result.total.expected, result.total.present, result.total.absent) == (5, 3, 2)
    assert result.listed_but_graded == [Absentee("1", "甲", "骨科")]


def test_absent_list_remembers_lines_and_reads_excel_saves(tmp_path):
    path = tmp_path / "absent.csv"
    path.write_bytes("工号\t姓名\t科室\r\n\r\n１００２\t乙\t骨科\r\n".encode("gb18030"))
    assert [(a.staff_id, a.name, a.line) for a in read_absent(path)] == [("1002", "乙", 3)]
    path.write_text("工号,姓名,科室\n", encoding="utf-8")
    assert read_absent(path) == []  # only the header: nobody was absent
    path.write_bytes(b"")
    with pytest.raises(ValidationError) as caught:
        read_absent(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}: {EMPTY_ABSENT}"]


def test_quiz_grade_counts_a_listed_person_with_answers_as_present(tmp_path, capsys):
    """The documented policy: the answer sheet wins, the trainer is told where (path:line), and
    the absent.csv written beside the scores no longer lists that person."""
    key = write_key(tmp_path)
    answers = write_csv(tmp_path / "answers.csv", ROWS[:4])  # 1001–1004 graded
    listed = tmp_path / "缺考.csv"
    listed.write_text("工号,姓名,科室\n1001,张三,内科\n2001,钱某,医保办\n1003,,内科\n", "utf-8")
    out = tmp_path / "grades"
    args = ["--root", str(tmp_path), "quiz", "grade", str(key), str(answers), "--out", str(out)]
    assert main([*args, "--absent", str(listed)]) == 0
    said = capsys.readouterr()
    assert "应考 5 人，实考 4 人，缺考 1 人（参考率 80.0%" in said.out
    assert said.err.splitlines() == [
        f"{listed}:2: 提醒：工号 1001（张三）列在缺考名单中，但答题表中有其答卷并已评分，"
        "按实考计（成绩目录的 absent.csv 不再列出此人）",
        f"{listed}:4: 提醒：工号 1003 列在缺考名单中，但答题表中有其答卷并已评分，"
        "按实考计（成绩目录的 absent.csv 不再列出此人）",
    ]
    assert read_absent(out / "absent.csv") == [Absentee("2001", "钱某", "医保办")]
    # a bad list stops grading before anything is written, with every problem located
    listed.write_text("工号,姓名,科室\n,甲,内科\n2001,乙,内科\n2001,乙,内科\n", "utf-8")
    again = tmp_path / "again"
    assert main([*args[:-1], str(again), "--absent", str(listed)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{listed}:2: 缺少工号",
        f"{listed}:4: 工号 2001 重复（第 3 行已有）",
        "共 2 个问题，请逐条修改后再运行。",
    ]
    assert not again.exists()


def test_result_files_are_the_files_quiz_grade_writes(tmp_path):
    """The exam service's downloads (``result_files``) are byte for byte what ``check_sheet``
    writes, absent.csv and rejected.csv included."""
    key = parse_key(write_key(tmp_path).read_text("utf-8"))
    answers = write_csv(tmp_path / "answers.csv", [*ROWS, ["", "无工号", "内科", "A"]])
    absent = [Absentee("2001", "钱某", "医保办")]
    report = check_sheet(key, answers, tmp_path / "grades", absent=absent)
    files = result_files(report.grading, absent=absent)
    assert {"absent.csv", "rejected.csv"} <= set(files)
    assert sorted(files) == sorted(set(report.files) - {"scores.xlsx"})
    for name, data in files.items():
        assert data == (tmp_path / "grades" / name).read_bytes(), name

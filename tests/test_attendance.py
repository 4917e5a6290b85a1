"""The formula guard and its inverse, the absent list reader, 应考/实考/缺考 per department."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import ValidationError
from generator.grading.attendance import Absentee, attendance, read_absent
from generator.model.cells import FORMULA_STARTS, guard, unguard
from generator.model.order import departments_order


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

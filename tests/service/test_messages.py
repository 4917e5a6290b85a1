"""A trainer's mistakes get Chinese messages that say where and what, and nothing is written:
a title row above the roster's header, wrong column names, an empty 科室, an end already past,
people added to an ended sitting, a weak trainer password. Codes and lists in pinyin order."""

from __future__ import annotations

import csv

import pytest

from .conftest import ROSTER, exam_root, execute_sql, open_sitting, read_codes, run, write_roster

pytestmark = pytest.mark.service
EXAM = "site_config/exams/test-exam.yml"


def open_exam(root, roster, *extra, check=False):
    return run(
        "--root", str(root), "exam", "open", str(root / EXAM), "--roster", str(roster), *extra,
        check=check,
    )  # fmt: skip


def open_roster_text(tmp_path, text, name="r.csv"):
    """Open the test exam with a roster written from ``text``: (root, roster, process)."""
    root = exam_root(tmp_path)
    roster = tmp_path / name
    roster.write_text(text, encoding="utf-8")
    return root, roster, open_exam(root, roster)


def test_a_title_row_above_the_header_is_named_with_the_header_row(tmp_path):
    text = "2026年度廉洁考试名单,,\n工号,姓名,科室\n1001,张三,骨科\n"
    root, roster, proc = open_roster_text(tmp_path, text, "名单.csv")
    assert proc.returncode == 1
    assert f"{roster}:1: 这一行是标题“2026年度廉洁考试名单”，不是表头；表头在第 2 行" in proc.stderr
    assert not (root / "private").exists()


def test_wrong_column_names_list_the_headers_found(tmp_path):
    _, roster, proc = open_roster_text(tmp_path, "员工号,姓名,部门\n1001,张三,骨科\n")
    assert (
        f"{roster}:1: 表头缺少列：工号、科室（找到的表头：“员工号”、“姓名”、“部门”" in proc.stderr
    )


def test_an_empty_department_is_located(tmp_path):
    text = "工号,姓名,科室\n1001,张三,骨科\n1002,李四,\n1003,,骨科\n"
    root, roster, proc = open_roster_text(tmp_path, text)
    assert proc.returncode == 1
    assert f"{roster}:3: 工号 1002（李四）缺少科室" in proc.stderr
    assert f"{roster}:4: 工号 1003 缺少姓名" in proc.stderr  # all problems at once
    assert not (root / "private").exists()


def test_an_end_already_past_is_located_in_the_exam_file(tmp_path):
    online = (
        "\nonline:\n  start: 2020-01-01 08:00\n  end: 2020-01-02 08:00\n  url: http://e.local/\n"
    )
    root = exam_root(tmp_path, online)
    roster = write_roster(tmp_path / "r.csv", ROSTER[:2])
    proc = open_exam(root, roster)
    assert proc.returncode == 1
    lines = (root / EXAM).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("  end:"))
    assert f"test-exam.yml:{line}: 截止时间 end（2020-01-02 08:00）已经过去" in proc.stderr
    assert not (root / "private").exists()


def test_no_one_is_added_to_an_ended_sitting(tmp_path, postgres):
    db = postgres("messages_ended")
    s = open_sitting(tmp_path, db)
    execute_sql(db, "UPDATE exam_sitting SET closed_at = starts_at")
    roster = write_roster(tmp_path / "more.csv", [*ROSTER, ("2001", "新人", "骨科")])
    before = (s.root / "private" / "test-exam" / "codes.csv").read_bytes()
    proc = open_exam(s.root, roster, "--db", db)
    assert proc.returncode == 1
    assert (
        "已于" in proc.stderr and "由培训员结束，不能再添加考生（名单中有 1 位新人）" in proc.stderr
    )
    assert (s.root / "private" / "test-exam" / "codes.csv").read_bytes() == before


def test_codes_are_in_pinyin_order_of_department_then_name(tmp_path):
    root = exam_root(tmp_path)
    people = [
        ("1", "王五", "医保办"),
        ("2", "赵六", "护理部"),
        ("3", "张三", "药剂科"),
        ("4", "李四", "骨科"),
    ]
    open_exam(root, write_roster(tmp_path / "r.csv", people), check=True)
    codes = read_codes(root / "private" / "test-exam")
    with (root / "private" / "test-exam" / "codes.csv").open(encoding="utf-8-sig") as f:
        departments = [r["科室"] for r in csv.DictReader(f)]
    assert departments == ["骨科", "护理部", "药剂科", "医保办"]
    assert len(codes) == 4


def test_a_weak_trainer_password_is_refused_in_chinese(tmp_path):
    s = open_sitting(tmp_path)
    proc = run(
        "--root", str(s.root), "exam", "admin", "li", "--db", s.db, "--password-stdin",
        stdin="12345678\n", check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "密码不合格" in proc.stderr and "密码至少 10 个字符" in proc.stderr
    assert "This password" not in proc.stderr and "too short" not in proc.stderr
    assert "密码不合格：太短，至少要 10 个字符；是常见密码，很容易被猜中；全是数字。" in proc.stderr

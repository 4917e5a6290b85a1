"""``qinglian quiz grade`` as a trainer runs it: exit codes, Chinese messages, no tracebacks."""

from __future__ import annotations

import pytest

from generator.cli import main
from tests.quiz_helpers import ROWS, write_csv, write_key


def test_grade_clean(tmp_path, capsys):
    key = write_key(tmp_path)
    answers = write_csv(tmp_path / "a.csv", ROWS[:4])
    assert main(["quiz", "grade", str(key), str(answers), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "已评分 4 人：合格 2 人（50.0%），平均 6.3 分，中位数 7.5 分（满分 10）。" in out
    assert (tmp_path / "out" / "report.html").exists()
    assert not (tmp_path / "out" / "rejected.csv").exists()


def test_grade_with_rejected_rows_exits_2(tmp_path, capsys):
    key = write_key(tmp_path)
    answers = write_csv(tmp_path / "a.csv", ROWS)
    assert main(["quiz", "grade", str(key), str(answers), "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert "已评分 4 人" in captured.out
    assert "6 行未评分（见 rejected.csv）" in captured.err
    assert "第 9 行 1007 周八：第 1 题答案“E”中的 E 不是本题的选项（本题只有 A–D）" in captured.err
    assert (tmp_path / "out" / "rejected.csv").exists()


def test_grade_default_out_is_private(tmp_path):
    key = write_key(tmp_path)
    answers = write_csv(tmp_path / "a.csv", ROWS[:1])
    assert main(["quiz", "grade", str(key), str(answers), "--root", str(tmp_path)]) == 0
    assert (tmp_path / "private" / "hand-grades" / "scores.csv").exists()


@pytest.mark.parametrize(
    "key_text, answers_text, message",
    [
        ("{oops", None, "key.json:1: 不是有效的 JSON"),
        ('{"exam": "x"}', None, "key.json：不是有效的答案文件："),
        (None, "工号,姓名\n", "a.csv:1: 表头缺少列：科室、版本、题号 1–5。"),
        (None, "", "a.csv：文件是空的，没有表头"),
    ],
)
def test_grade_bad_input_files(tmp_path, capsys, key_text, answers_text, message):
    key = write_key(tmp_path)
    if key_text is not None:
        key.write_text(key_text, encoding="utf-8")
    answers = write_csv(tmp_path / "a.csv", ROWS[:1])
    if answers_text is not None:
        answers.write_text(answers_text, encoding="utf-8")
    assert main(["quiz", "grade", str(key), str(answers), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert str(tmp_path) in err  # the file is named
    assert not (tmp_path / "out").exists()


def test_grade_missing_files(tmp_path, capsys):
    key = write_key(tmp_path)
    out = str(tmp_path / "out")
    assert main(["quiz", "grade", str(tmp_path / "nope.json"), "x.csv", "--out", out]) == 1
    assert "nope.json：找不到答案文件" in capsys.readouterr().err
    assert main(["quiz", "grade", str(key), str(tmp_path / "nope.csv"), "--out", out]) == 1
    assert "nope.csv：找不到答题文件" in capsys.readouterr().err


@pytest.mark.browser
def test_report_in_chromium(tmp_path, page):
    key = write_key(tmp_path)
    rows = [*ROWS[:4], ["3001", "<img src=x onerror=alert(1)>", "内科", "Q", "", "", "", "", ""]]
    answers = write_csv(tmp_path / "a.csv", rows)
    assert main(["quiz", "grade", str(key), str(answers), "--out", str(tmp_path / "out")]) == 2
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((tmp_path / "out" / "report.html").as_uri())
    assert page.locator("h1").inner_text() == "手算考试 成绩分析报告"
    images = page.locator("figure img")
    assert images.count() == 3
    assert all(w > 300 for w in images.evaluate_all("els => els.map(e => e.naturalWidth)"))
    assert "<img src=x onerror=alert(1)>" in page.locator("td", has_text="onerror").inner_text()
    assert not dialogs
    assert [u for u in page.requested if not u.startswith(("file:", "data:"))] == []

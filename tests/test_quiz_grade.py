"""Grading by hand-computed cases: answer spellings, scoring rules, rejected rows, statistics.

The key (KEY) and the sheet rows (ROWS), with their hand-computed totals, are in quiz_helpers.py.
"""

from __future__ import annotations

import csv
import json

import pytest

from generator.errors import ConfigError
from generator.exam.key import load_key
from generator.grading.checker import check_sheet
from generator.grading.grade import grade, read_response, score
from generator.grading.sheet import read_sheet
from generator.grading.spelling import Unreadable
from generator.grading.stats import analyse
from tests.quiz_helpers import KEY, ROWS, write_csv, write_key


@pytest.fixture
def key(tmp_path):
    return load_key(write_key(tmp_path))


def item(key, version, no):
    return key.versions[version][no - 1]


# --- one cell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, points",
    [
        ("ACD", 4), ("dca", 4), ("C A D", 4), ("Ａ、Ｃ、Ｄ", 4), ("ａｃｄ", 4), ("A,C,D", 4),
        ("A；C；D", 4), ("AC", 2), ("Ａ，Ｃ", 2), ("d", 2), ("AB", 0), ("ABCD", 0), ("B", 0),
        ("", 0), ("  ", 0),
    ],
)  # fmt: skip
def test_multiple_partial_half(key, cell, points):
    m1 = item(key, "A", 2)
    assert score(m1, read_response(m1, cell), "partial_half") == points


@pytest.mark.parametrize("cell, points", [("CDA", 4), ("AC", 0), ("A", 0), ("", 0)])
def test_multiple_all_or_nothing(key, cell, points):
    m1 = item(key, "A", 2)
    assert score(m1, read_response(m1, cell), "all_or_nothing") == points


@pytest.mark.parametrize(
    "cell, points", [("B", 2), ("b", 2), ("Ｂ", 2), (" B ", 2), ("A", 0), ("AB", 0), ("", 0)]
)
def test_single(key, cell, points):
    s1 = item(key, "A", 1)
    assert score(s1, read_response(s1, cell), "partial_half") == points


@pytest.mark.parametrize(
    "cell, points",
    [
        ("对", 1), ("√", 1), ("✓", 1), ("✔️", 1), ("T", 1), ("t", 1), ("Ｔ", 1), ("正确", 1),
        ("错", 0), ("×", 0), ("F", 0), ("错误", 0), ("", 0),
    ],
)  # fmt: skip
def test_judge(key, cell, points):
    j1 = item(key, "A", 3)
    assert score(j1, read_response(j1, cell), "partial_half") == points


@pytest.mark.parametrize(
    "cell, points",
    [
        ("统方", 2), (" 统方 ", 2), ("DRG付费", 2), ("ＤＲＧ付费", 2), ("drg付费", 2),
        ("统方行为", 0), ("统", 0), ("", 0),
    ],
)  # fmt: skip
def test_fill(key, cell, points):
    f1 = item(key, "A", 4)
    assert score(f1, read_response(f1, cell), "partial_half") == points


@pytest.mark.parametrize(
    "number, cell, reason",
    [
        (1, "E", "“E”中的 E 不是本题的选项（本题只有 A–D）"),
        (2, "ACE", "“ACE”中的 E 不是本题的选项（本题只有 A–D）"),
        (1, "B?", "“B?”含有无法识别的字符 “?”"),
        (1, "2", "“2”含有无法识别的字符 “2”"),
        (2, "、", "“、”里没有选项字母"),
        (3, "好", "“好”不是判断题答案（应为 对/错、√/×、T/F 或 正确/错误）"),
        (3, "A", "“A”不是判断题答案（应为 对/错、√/×、T/F 或 正确/错误）"),
    ],
)
def test_unreadable_cells(key, number, cell, reason):
    with pytest.raises(Unreadable) as caught:
        read_response(item(key, "A", number), cell)
    assert str(caught.value) == reason


# --- whole sheets --------------------------------------------------------------------------


def test_sheet_graded_by_hand(tmp_path):
    key = load_key(write_key(tmp_path))
    sheet = read_sheet(write_csv(tmp_path / "answers.csv", ROWS), key.question_count)
    grading = grade(key, sheet)
    totals = {r.staff_id: r.total for r in grading.results}
    assert totals == {"1001": 10, "1002": 10, "1003": 5, "1004": 0}
    assert [r.passed for r in grading.results] == [True, True, False, False]
    assert grading.results[2].scores == [2, 2, 0, 0, 1]
    assert grading.results[2].version == "A"
    rejected = [(r.row, r.staff_id, r.reason) for r in grading.rejected]
    assert rejected == [
        (6, "1005", "工号 1005 重复（另见第 7 行），无法确定哪一行有效"),
        (7, "1005", "工号 1005 重复（另见第 6 行），无法确定哪一行有效"),
        (8, "1006", "版本“C”不存在（应为 A、B）"),
        (9, "1007", "第 1 题答案“E”中的 E 不是本题的选项（本题只有 A–D）"),
        (10, "", "缺少工号"),
        (
            12,
            "1008",
            "第 2 题答案“AX”中的 X 不是本题的选项（本题只有 A–D）；"
            "第 3 题答案“好”不是判断题答案（应为 对/错、√/×、T/F 或 正确/错误）",
        ),
    ]


def test_all_or_nothing_sheet(tmp_path):
    key = load_key(write_key(tmp_path, "all_or_nothing"))
    sheet = read_sheet(write_csv(tmp_path / "answers.csv", ROWS[:4]), key.question_count)
    totals = [r.total for r in grade(key, sheet).results]
    assert totals == [10, 10, 3, 0]


def test_columns_in_any_order_and_xlsx(tmp_path):
    from openpyxl import Workbook

    key = load_key(write_key(tmp_path))
    wb = Workbook()
    ws = wb.active
    ws.append(["5", "4", "3", "2", "1", "版本", "科室", "姓名", "工号", "备注"])
    ws.append(["错", "统方", True, "ACD", "B", "A", "内科", "张三", 1001, "补考"])
    ws.append([None, None, "AC", None, None, "B", "外科", "李四", "0102", None])  # half of 4
    wb.save(tmp_path / "answers.xlsx")
    grading = grade(key, read_sheet(tmp_path / "answers.xlsx", key.question_count))
    assert [(r.staff_id, r.total) for r in grading.results] == [("1001", 10), ("0102", 2)]
    assert not grading.rejected


def test_csv_without_bom_and_gb18030(tmp_path):
    key = load_key(write_key(tmp_path))
    plain = write_csv(tmp_path / "plain.csv", ROWS[:1], bom=False)
    assert grade(key, read_sheet(plain, 5)).results[0].total == 10
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(plain.read_text(encoding="utf-8").encode("gb18030"))
    assert grade(key, read_sheet(gbk, 5)).results[0].name == "张三"


def test_unquoted_comma_in_csv_is_rejected(tmp_path):
    key = load_key(write_key(tmp_path))
    path = tmp_path / "a.csv"
    path.write_text("工号,姓名,科室,版本,1,2,3,4,5\n1001,张三,内科,A,B,A,C,D,对,统方,错\n", "utf-8")
    grading = grade(key, read_sheet(path, 5))
    assert not grading.results
    assert "比表头多出 2 个值" in grading.rejected[0].reason


@pytest.mark.parametrize(
    "content, message",
    [
        ("工号,姓名,科室,1,2,3,4,5\n", ":1: 表头缺少列：版本。"),
        ("工号,姓名,科室,版本,1,2,3\n", ":1: 表头缺少列：题号 4–5。"),
        ("工号,姓名,科室,版本,1,2,3,4,5,6\n", ":1: 表头有题号 6，但答案文件只有 5 题"),
        ("工号,姓名,科室,版本,1,1,2,3,4,5\n", ":1: 表头中“1”列出现了两次"),
        ("hello world\n", ":1: 找不到表头"),
        ("", "：文件是空的，没有表头"),
    ],
)
def test_bad_sheets(tmp_path, content, message):
    path = tmp_path / "a.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_sheet(path, 5)
    assert str(caught.value).startswith(f"{path}{message}")


def test_binary_and_xls_files(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(ConfigError, match="不是 CSV 文本文件"):
        read_sheet(tmp_path / "a.csv", 5)
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(ConfigError, match=r"旧版 Excel（\.xls）"):
        read_sheet(tmp_path / "b.xls", 5)
    (tmp_path / "c.xlsx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是有效的 xlsx 文件"):
        read_sheet(tmp_path / "c.xlsx", 5)


def _repeat_question(key: dict) -> None:
    """m1 renamed s1 on every version: same ids everywhere, but s1 twice on each paper."""
    for entries in key["versions"].values():
        for entry in entries:
            if entry["id"] == "m1":
                entry["id"] = "s1"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda k: k.pop("versions"), "versions（版本） 缺失"),
        (lambda k: k["versions"]["A"][0].update(answer=["E"]), "A 卷第 1 题（s1）的答案"),
        (lambda k: k["versions"]["A"][2].update(answer=["true"]), "是判断题"),
        (lambda k: k["versions"]["B"].pop(), "各版本题数不一致"),
        (lambda k: k.update(total=99), "与满分 99 不符"),
        (
            lambda k: k["versions"]["A"][0].update(answer=["B", "C"]),
            "单选题的答案只能是一个选项字母",
        ),
        (lambda k: k["versions"]["A"][1].update(answer=["A", "A"]), "答案中有重复的选项字母"),
        (_repeat_question, "A 卷中题目编号 s1 重复（同一道题在一卷中只能出现一次）"),
    ],
)
def test_bad_keys(tmp_path, change, message):
    data = json.loads(json.dumps(KEY))
    change(data)
    path = tmp_path / "key.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_key(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_key_not_json(tmp_path):
    path = tmp_path / "key.json"
    path.write_text('{"exam": "x",\n  oops}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"key\.json:2: 不是有效的 JSON"):
        load_key(path)


# --- statistics ----------------------------------------------------------------------------


def _judge_key(tmp_path, points):
    items = [
        {"no": n, "id": f"j{n}", "type": "judge", "answer": ["对"], "points": p, "rules": [n]}
        for n, p in enumerate(points, start=1)
    ]
    data = {
        "exam": "s",
        "pass_score": 1,
        "total": sum(points),
        "versions": {"A": items},
    }
    path = tmp_path / "key.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _sheet(tmp_path, patterns):
    header = ["工号", "姓名", "科室", "版本", *(str(n) for n in range(1, len(patterns[0]) + 1))]
    rows = [
        [str(i), f"人{i}", "科", "A", *("对" if x else "错" for x in pattern)]
        for i, pattern in enumerate(patterns, start=1)
    ]
    return write_csv(tmp_path / "s.csv", rows, header=header)


def test_kr20_by_hand(tmp_path):
    # p = .75 .5 .25, Σpq = .625; totals 3 2 1 0, variance 1.25; KR-20 = 3/2 · (1 − .5) = .75
    key = load_key(_judge_key(tmp_path, [1, 1, 1]))
    patterns = [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)]
    stats = analyse(grade(key, read_sheet(_sheet(tmp_path, patterns), 3)))
    assert stats.kr20 == pytest.approx(0.75)
    assert stats.alpha == pytest.approx(0.75)
    assert [s.difficulty for s in stats.items] == pytest.approx([0.75, 0.5, 0.25])


def test_item_statistics_by_hand(tmp_path):
    # Points 4, 2, 1; totals 6, 5, 3, 1. Upper 27 % of 4 people = 1 person (6), lower = (1).
    key = load_key(_judge_key(tmp_path, [4, 2, 1]))
    patterns = [(1, 1, 0), (1, 0, 1), (0, 1, 1), (0, 0, 1)]
    stats = analyse(grade(key, read_sheet(_sheet(tmp_path, patterns), 3)))
    i1, i2, i3 = stats.items
    assert [i.difficulty for i in stats.items] == pytest.approx([0.5, 0.5, 0.75])
    assert [i.discrimination for i in stats.items] == pytest.approx([1, 1, -1])
    assert i3.flags == ["负区分"]
    # r(i3, total): x = 0 1 1 1, y = 6 5 3 1 → −2.25 / √(.75 · 14.75)
    assert i3.point_biserial == pytest.approx(-2.25 / (0.75 * 14.75) ** 0.5)
    # KR-20 on right/wrong: totals 2 2 2 1 (variance .1875), Σpq = .6875 → 1.5 · (1 − 11/3)
    assert stats.kr20 == pytest.approx(-4.0)
    # α on points: item variances 4 + 1 + .1875, total variance 3.6875
    assert stats.alpha == pytest.approx(1.5 * (1 - 5.1875 / 3.6875))
    assert i3.choices == [("对", "对", 3, True), ("错", "错", 1, False)]


def test_option_counts_follow_the_text_across_versions(tmp_path):
    key = load_key(write_key(tmp_path))
    rows = [
        ["1", "甲", "内科", "A", "B", "AC", "", "", ""],  # 乙; 回扣 旅游
        ["2", "乙", "内科", "B", "", "D", "BD", "", ""],  # 乙; 回扣 培训
    ]
    stats = analyse(grade(key, read_sheet(write_csv(tmp_path / "s.csv", rows), 5)))
    by_id = {s.id: s for s in stats.items}
    assert [(label, n) for label, _, n, _ in by_id["s1"].choices] == [
        ("A", 0),
        ("B", 2),
        ("C", 0),
        ("D", 0),
    ]
    assert [(text, n) for _, text, n, _ in by_id["m1"].choices] == [
        ("回扣", 2),
        ("培训", 1),
        ("旅游", 1),
        ("宴请", 0),
    ]
    assert by_id["f1"].blank == 2


def test_outputs_and_escaped_report(tmp_path):
    rows = [*ROWS[:4], ["2001", "钱一", "<b>科</b>", "A", "B", "", "", "", ""]]
    rows.append(["2002", '=HYPERLINK("x")', "内科", "Z", "", "", "", "", ""])
    rows.append(["2003", "<script>alert(1)</script>", "内科", "Q", "", "", "", "", ""])
    out = tmp_path / "out"
    (out / "rejected.csv").parent.mkdir()
    (out / "rejected.csv").write_text("old", encoding="utf-8")
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    report = check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "a.csv", rows), out)
    assert report.files == [
        "items.csv",
        "rejected.csv",
        "report.html",
        "scores.csv",
        "scores.xlsx",
    ]
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;科&lt;/b&gt;" in html
    assert "http://" not in html and "https://" not in html
    assert html.count('src="data:image/png;base64,') == 3
    for needle in ("合格率", "平均分", "中位数", "KR-20", "区分度", "各科室成绩", "各条款掌握情况"):
        assert needle in html
    scores = list(csv.reader((out / "scores.csv").open(encoding="utf-8-sig")))
    assert scores[0][:8] == ["行号", "工号", "姓名", "科室", "版本", "得分", "满分", "合格"]
    assert [row[1:8] for row in scores[1:3]] == [
        ["1001", "张三", "内科", "A", "10", "10", "是"],
        ["1002", "李四", "外科", "B", "10", "10", "是"],
    ]
    rejected = list(csv.reader((out / "rejected.csv").open(encoding="utf-8-sig")))
    assert rejected[1] == ["7", "2002", '\'=HYPERLINK("x")', "版本“Z”不存在（应为 A、B）"]
    items = list(csv.reader((out / "items.csv").open(encoding="utf-8-sig")))
    assert items[0][:4] == ["题目ID", "题号", "题型", "涉及条款"]
    assert {"作答人数", "难度", "区分度", "点二列相关"} <= set(items[0])
    assert [row[0] for row in items[1:]] == ["s1", "m1", "j1", "f1", "j2"]

    # A clean second run removes the stale rejected.csv.
    check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "b.csv", ROWS[:2]), out)
    assert not (out / "rejected.csv").exists()


def test_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "a.csv", ROWS), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "rejected.csv" in before

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("generator.grading.checker.render_report", broken)
    with pytest.raises(RuntimeError):
        check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "b.csv", ROWS[:2]), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_progress_bar_for_many_rows(tmp_path, progress_recorder):
    calls = progress_recorder.calls

    key = load_key(write_key(tmp_path))
    rows = [[str(i), "某", "科", "A", "B", "", "", "", ""] for i in range(600)]
    sheet = read_sheet(write_csv(tmp_path / "many.csv", rows), 5)
    grading = grade(key, sheet, progress=progress_recorder)
    assert len(grading.results) == 600 and calls.count("task") == 600

"""The grader by column gives exactly what grading one row at a time gives.

A plain per-row reference (below, written for this test the obvious way: csv.reader, one row,
one question at a time, the scoring rules of DESIGN.md spelled out) is compared with
``read_sheet`` + ``grade`` + ``analyse`` and the writers on random keys and sheets: random
spellings, blanks, unreadable cells, duplicate 工号, unknown 版本, extra and missing values,
blank lines, columns in any order, three encodings and three delimiters.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.exam.answer_sheet import PERSON_COLUMNS
from generator.exam.key import load_key
from generator.grading import results
from generator.grading import sheet as sheet_module
from generator.grading.checker import check_sheet
from generator.grading.grade import grade
from generator.grading.sheet import read_sheet
from generator.grading.spelling import LABELS, Unreadable, read_choice, read_fill, read_judge
from generator.grading.stats import analyse
from generator.model.answers import fold
from generator.model.cells import guard, unguard
from generator.model.numbers import number
from tests.quiz_helpers import ROWS, write_csv, write_key

# --- the reference: one row at a time ------------------------------------------------------


def ref_table(path: Path) -> list[tuple[int, list[str]]]:
    text, delimiter = sheet_module.csv_text(path, path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return list(enumerate(reader, start=1))


def ref_read(path: Path, question_count: int):
    filled = [(n, v) for n, v in ref_table(path) if any(x.strip() for x in v)]
    header_row, names = filled[0]
    columns = sheet_module._columns(path, header_row, names, question_count)
    rows = []
    for number_, values in filled[1:]:
        # our own files carry the formula guard (DESIGN.md): readers strip it
        person = {
            c: unguard(fold(values[i])) if i < len(values) else ""
            for c, i in columns.person.items()
        }
        answers = {
            q: unguard(values[i]) if i < len(values) else "" for q, i in columns.questions.items()
        }
        overflow = sum(1 for v in values[len(names) :] if v.strip())
        rows.append((number_, person, answers, overflow))
    return rows


def ref_score(item, response, scoring: str) -> float:
    if response is None:
        return 0.0
    if item.type in ("fill", "judge"):
        return item.points if response in item.answer else 0.0
    if response == item.answer:
        return item.points
    partial = response and response <= item.answer and response != item.answer
    if item.type == "multiple" and scoring == "partial_half" and partial:
        return item.points / 2
    return 0.0


def ref_grade(key, path: Path):
    rows = ref_read(path, key.question_count)
    ids = Counter(p["工号"] for _, p, _, _ in rows if p["工号"])
    graded, rejected = [], []
    for number_, person, answers, overflow in rows:
        reasons = []
        staff = person["工号"]
        if not staff:
            reasons.append("缺少工号")
        elif ids[staff] > 1:
            others = "、".join(str(n) for n, p, _, _ in rows if p["工号"] == staff and n != number_)
            reasons.append(f"工号 {staff} 重复（另见第 {others} 行），无法确定哪一行有效")
        version = fold(person["版本"]).upper().removesuffix("卷").strip()
        if not version and len(key.versions) == 1:
            version = next(iter(key.versions))
        items = key.versions.get(version)
        if items is None:
            known = "、".join(key.versions)
            given_ = person["版本"]
            reasons.append(f"版本“{given_}”不存在（应为 {known}）" if given_ else "缺少版本")
        if overflow:
            reasons.append(
                f"比表头多出 {overflow} 个值（答案里的英文逗号需要加引号，或改用顿号、不加分隔）"
            )
        responses = []
        for item in items or []:
            cell = answers[item.no]
            try:
                if item.type in ("single", "multiple"):
                    responses.append(read_choice(cell, len(item.options)))
                elif item.type == "judge":
                    responses.append(read_judge(cell))
                else:
                    responses.append(read_fill(cell))
            except Unreadable as exc:
                reasons.append(f"第 {item.no} 题答案{exc}")
        if reasons:
            rejected.append((number_, staff, person["姓名"], "；".join(reasons)))
            continue
        scores = [
            ref_score(i, r, key.multiple_scoring) for i, r in zip(items, responses, strict=True)
        ]
        total = sum(scores)
        graded.append(
            (number_, staff, person["姓名"], person["科室"], version, responses, scores, total,
             total >= key.pass_score - 1e-9)
        )  # fmt: skip
    return graded, rejected


def pearson(x: list[float], y: list[float]) -> float | None:
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def alpha(per_item: list[list[float]], totals: list[float]) -> float | None:
    if len(set(totals)) < 2:
        return None
    k = len(per_item)
    return (
        k
        / (k - 1)
        * (1 - sum(statistics.pvariance(v) for v in per_item) / statistics.pvariance(totals))
    )


def ref_stats(key, graded):
    """Per id (first version's order): difficulty, discrimination, both point-biserials,
    choices, blanks, wrong fills; then reliability, departments, rules and histogram."""
    first = next(iter(key.versions.values()))
    ids = [i.id for i in first]
    by_id = [
        {i.id: (i, r, s) for i, r, s in zip(key.versions[g[4]], g[5], g[6], strict=True)}
        for g in graded
    ]
    totals = [g[7] for g in graded]
    n = len(graded)
    ranked = sorted(range(n), key=lambda i: (totals[i], graded[i][0]))
    group = max(1, round(n * 0.27)) if n >= 2 else 0
    lower, upper = ranked[:group], ranked[n - group :]
    items = {}
    for qid in ids:
        frac = [row[qid][2] / row[qid][0].points for row in by_id]
        pts = [row[qid][2] for row in by_id]
        chosen, wrong, blank = Counter(), Counter(), 0
        for row in by_id:
            item, response, _ = row[qid]
            if response is None:
                blank += 1
            elif item.type in ("single", "multiple"):
                for label in response:
                    chosen[item.options[LABELS.index(label)]] += 1
            elif item.type == "judge":
                chosen[response] += 1
            elif response not in item.answer:
                wrong[response] += 1
        items[qid] = {
            "difficulty": statistics.fmean(frac) if n else None,
            "discrimination": (
                statistics.fmean(frac[i] for i in upper) - statistics.fmean(frac[i] for i in lower)
                if group
                else None
            ),
            "point_biserial": pearson(frac, totals) if group else None,
            "item_rest": pearson(frac, [t - p for t, p in zip(totals, pts, strict=True)])
            if group
            else None,
            "chosen": chosen,
            "blank": blank,
            "wrong": wrong.most_common(3),
        }
    if n >= 2 and len(ids) >= 2:
        marks = [
            [1.0 if row[q][2] >= row[q][0].points - 1e-9 else 0.0 for row in by_id] for q in ids
        ]
        kr20 = alpha(marks, [sum(m[i] for m in marks) for i in range(n)])
        a = alpha([[row[q][2] for row in by_id] for q in ids], totals)
    else:
        kr20 = a = None
    departments = defaultdict(list)
    for g in graded:
        departments[g[3] or "（未填科室）"].append(g)
    groups = {
        name: (len(gs), statistics.fmean(x[7] for x in gs), statistics.median(x[7] for x in gs),
               sum(x[8] for x in gs), min(x[7] for x in gs), max(x[7] for x in gs))
        for name, gs in departments.items()
    }  # fmt: skip
    scored, possible = defaultdict(float), defaultdict(float)
    for g in graded:
        for item, s in zip(key.versions[g[4]], g[6], strict=True):
            if item.document:
                continue
            for r in set(item.rules):
                scored[r] += s
                possible[r] += item.points
    rules = {r: scored[r] / possible[r] for r in possible}
    width = key.total / 10
    bins = [0] * 10
    for t in totals:
        bins[max(min(int(t / width + 1e-9), 9), 0)] += 1
    return items, kr20, a, groups, rules, bins


# --- random keys and sheets ----------------------------------------------------------------

SPELLINGS = [
    "", " ", "A", "b", "C", "ac", "AC", "CA", "Ａ、Ｃ", "a,c", "A；B", "abc", "ABCD", "AA", "E",
    "e", "B?", "1", "、", "对", "错", "√", "×", "T", "f", "正确", "错误", "✔️", "好", "x",
    "统方", " 统方 ", "ＤＲＧ付费", "drg付费", "统方行为", "红包", "回扣 ", "A B",
]  # fmt: skip
IDS = ["1001", "1002", "１００１", " 1003", "1004", "", "0007", "=1+1", "1005"]
NAMES = ["张三", "李四", "a,b", 'q"uote', "-1", "王 五", "", "<b>x</b>", "李四"]
DEPARTMENTS = ["内科", "外科", "", "急诊科", "内科 "]
FILL_ANSWERS = [["统方"], ["统方", "DRG付费"], ["红包"]]


@st.composite
def keys(draw):
    count = draw(st.integers(1, 6))
    base = []
    for n in range(count):
        kind = draw(st.sampled_from(["single", "multiple", "judge", "fill"]))
        q = {"id": f"q{n}", "type": kind, "points": draw(st.sampled_from([1, 2, 0.5, 1.5, 3])),
             "rules": draw(st.lists(st.integers(1, 9), min_size=1, max_size=2, unique=True)),
             "document": draw(st.booleans())}  # fmt: skip
        if kind in ("single", "multiple"):
            size = draw(st.integers(2, 5))
            q["options"] = [f"选项{n}{i}" for i in range(size)]
            if kind == "single":
                q["right"] = [draw(st.sampled_from(q["options"]))]
            else:
                q["right"] = draw(
                    st.lists(st.sampled_from(q["options"]), min_size=1, max_size=size, unique=True)
                )
        elif kind == "judge":
            q["answer"] = [draw(st.sampled_from(["对", "错"]))]
        else:
            q["answer"] = draw(st.sampled_from(FILL_ANSWERS))
        base.append(q)
    names = draw(st.sampled_from([["A"], ["A", "B"], ["A", "B", "C"]]))
    versions = {}
    for v in names:
        order = draw(st.permutations(base))
        entries = []
        for no, q in enumerate(order, start=1):
            e = {"no": no, "id": q["id"], "type": q["type"], "points": q["points"],
                 "rules": q["rules"]}  # fmt: skip
            if q["document"]:
                e["document"] = True
            if "options" in q:
                options = draw(st.permutations(q["options"]))
                e["options"] = list(options)
                e["answer"] = sorted(LABELS[options.index(o)] for o in q["right"])
            else:
                e["answer"] = q["answer"]
            entries.append(e)
        versions[v] = entries
    total = sum(q["points"] for q in base)
    scoring = draw(st.sampled_from(["all_or_nothing", "partial_half"]))
    return {"exam": "p", "title": "性质测试", "pass_score": draw(st.sampled_from([0, total / 2, total])),
            "multiple_scoring": scoring, "total": total, "versions": versions}  # fmt: skip


@st.composite
def sheets(draw, key: dict):
    count = len(key["versions"]["A"])
    versions = [*key["versions"], "a", "b卷", " B ", "Z", "", "C卷"]
    header = [*PERSON_COLUMNS, *(str(n) for n in range(1, count + 1)), "备注"]
    order = draw(st.permutations(range(len(header))))
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        row = [draw(st.sampled_from(IDS)) if draw(st.booleans()) else str(draw(st.integers(1, 10**6))),
               draw(st.sampled_from(NAMES)), draw(st.sampled_from(DEPARTMENTS)),
               draw(st.sampled_from(versions)),
               *(draw(st.sampled_from(SPELLINGS)) for _ in range(count)),
               draw(st.sampled_from(["", "补考"]))]  # fmt: skip
        row = [row[i] for i in order]
        shape = draw(st.sampled_from(["whole"] * 6 + ["extra", "short", "blank"]))
        if shape == "extra":
            row += draw(st.lists(st.sampled_from(["", "x", " "]), min_size=1, max_size=2))
        elif shape == "short":
            row = row[: draw(st.integers(0, len(row) - 1))]
        elif shape == "blank":
            row = ["", " "][: draw(st.integers(0, 2))]
        rows.append(row)
    return [header[i] for i in order], rows


def _write(path: Path, header, rows, encoding: str, delimiter: str) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _fast(grading):
    graded = [
        (r.row, r.staff_id, r.name, r.department, r.version, r.responses, r.scores, r.total,
         r.passed)
        for r in grading.results
    ]  # fmt: skip
    return graded, [(r.row, r.staff_id, r.name, r.reason) for r in grading.rejected]


def _approx(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fast_path_equals_the_row_by_row_reference(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("p")
    raw_key = data.draw(keys())
    (tmp / "key.json").write_text(json.dumps(raw_key, ensure_ascii=False), "utf-8")
    key = load_key(tmp / "key.json")
    header, rows = data.draw(sheets(raw_key))
    encoding = data.draw(st.sampled_from(["utf-8-sig", "utf-8", "gb18030"]))
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]))
    path = _write(tmp / "a.csv", header, rows, encoding, delimiter)

    grading = grade(key, read_sheet(path, key.question_count))
    expected = ref_grade(key, path)
    assert _fast(grading) == expected

    # Statistics, question by question and as a whole.
    stats = analyse(grading)
    items, kr20, a, groups, rules, bins = ref_stats(key, expected[0])
    for s in stats.items:
        want = items[s.id]
        for name in ("difficulty", "discrimination", "point_biserial", "item_rest"):
            assert _approx(getattr(s, name), want[name]), (s.id, name)
        assert s.blank == want["blank"]
        assert {text: n for _, text, n, _ in s.choices if n} == {
            t: n for t, n in want["chosen"].items() if n
        }
        assert s.wrong_fills == want["wrong"]
    assert _approx(stats.kr20, kr20) and _approx(stats.alpha, a)
    got_groups = {
        g.name: (g.count, g.mean, g.median, g.passed, g.low, g.high) for g in stats.departments
    }
    assert got_groups.keys() == groups.keys()
    for name, values in groups.items():
        assert got_groups[name] == pytest.approx(values)
    assert {r.rule: r.rate for r in stats.rules} == pytest.approx(rules)
    assert [c for _, _, c in stats.histogram] == bins

    # scores.csv and scores.xlsx hold what the reference would have written.
    want_rows = [
        [str(g[0]), guard(g[1]), guard(g[2]), guard(g[3]), g[4],
         number(round(g[7], 2)), number(key.total), "是" if g[8] else "否",
         *(number(s) for s in g[6])]
        for g in expected[0]
    ]  # fmt: skip
    results.write_scores_csv(grading, tmp / "scores.csv")
    with (tmp / "scores.csv").open(encoding="utf-8-sig", newline="") as f:
        written = list(csv.reader(f))
    assert written == [results.score_header(key.question_count), *want_rows]
    results.write_scores_xlsx(grading, tmp / "scores.xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(tmp / "scores.xlsx", read_only=True).worksheets[0]
    cells = [list(r) for r in ws.iter_rows(values_only=True)]
    assert cells[0] == results.score_header(key.question_count)
    assert [[r[0], r[1], r[2], r[3], r[4], r[5], r[7], *r[8:]] for r in cells[1:]] == [
        [
            g[0],
            *(guard(v) for v in g[1:4]),
            g[4],
            round(g[7], 2),
            "是" if g[8] else "否",
            *g[6],
        ]
        for g in expected[0]
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab,;\t \r\n统Ａ")), max_size=60),
    st.sampled_from([",", ";", "\t"]),
)
def test_quote_free_split_is_what_csv_reader_reads(text, delimiter):
    """The fast CSV path (no quote in the file) gives csv.reader's records, blank ones aside."""
    lines = io.StringIO(text, newline="")
    fast = [line.rstrip("\r\n").split(delimiter) for line in lines]
    slow = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert len(fast) == len(slow)
    for f, s in zip(fast, slow, strict=True):
        assert f == s or (not "".join(f).strip() and not "".join(s).strip())


def test_xlsx_and_csv_give_the_same_grades(tmp_path):
    from openpyxl import Workbook

    key = load_key(write_key(tmp_path))
    csv_path = write_csv(tmp_path / "a.csv", ROWS)
    wb = Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "科室", "版本", "1", "2", "3", "4", "5"])
    for row in ROWS:
        ws.append([int(v) if v.isdigit() and i == 0 else v or None for i, v in enumerate(row)])
    wb.save(tmp_path / "a.xlsx")
    assert _fast(grade(key, read_sheet(tmp_path / "a.xlsx", 5))) == _fast(
        grade(key, read_sheet(csv_path, 5))
    )


def test_document_questions_count_in_scores_but_not_per_rule(tmp_path):
    from tests.quiz_helpers import KEY

    data = json.loads(json.dumps(KEY))
    for entries in data["versions"].values():
        for e in entries:
            if e["id"] == "f1":  # the only other question on rule 1 is j1
                e["document"] = True
    path = tmp_path / "key.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    key = load_key(path)
    grading = grade(key, read_sheet(write_csv(tmp_path / "a.csv", ROWS[:4]), 5))
    assert [r.total for r in grading.results] == [10, 10, 5, 0]
    stats = analyse(grading)
    rule1 = next(r for r in stats.rules if r.rule == 1)
    assert rule1.questions == 1  # j1 only: right for 1001, 1002; wrong 1003; blank 1004
    assert rule1.rate == pytest.approx(2 / 4)
    assert next(s for s in stats.items if s.id == "f1").document
    out = tmp_path / "out"
    check_sheet(key, write_csv(tmp_path / "b.csv", ROWS[:4]), out)
    items = list(csv.DictReader((out / "items.csv").open(encoding="utf-8-sig")))
    assert {row["题目ID"]: row["计入条款统计"] for row in items}["f1"] == "否（文件题）"
    assert "文件题" in (out / "report.html").read_text(encoding="utf-8")


def test_above_excel_row_limit_only_csv(tmp_path, monkeypatch):
    monkeypatch.setattr("generator.grading.xlsx.MAX_ROWS", 3)  # header + 2 people
    key = load_key(write_key(tmp_path))
    out = tmp_path / "out"
    report = check_sheet(key, write_csv(tmp_path / "a.csv", ROWS[:4]), out)
    assert "scores.xlsx" not in report.files and not (out / "scores.xlsx").exists()
    assert len(report.notes) == 1 and "未生成 scores.xlsx" in report.notes[0]
    assert report.notes[0] in (out / "report.html").read_text(encoding="utf-8")
    with (out / "scores.csv").open(encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 5


def test_report_lists_at_most_the_first_rejected_rows(tmp_path, monkeypatch):
    monkeypatch.setattr("generator.grading.report.SHOW_REJECTED", 2)
    out = tmp_path / "out"
    check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "a.csv", ROWS), out)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "重复甲" in html and "重复乙" in html and "孙七" not in html
    assert "其余 4 行见" in html
    with (out / "rejected.csv").open(encoding="utf-8-sig") as f:
        assert len(list(csv.reader(f))) == 7


def test_scores_xlsx_opens_as_a_spreadsheet(tmp_path):
    """Styles, frozen header and text cells read back with openpyxl and python-calamine."""
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    rows = [*ROWS[:4], ["0042", "_x0041_ & <金>", "内科", "A", "", "", "", "", ""]]
    rows.append(
        ["0043", "响\x07铃</t></is></c><c><f>1+1</f></c>", " 外科", "A", "", "", "", "", ""]
    )
    out = tmp_path / "out"
    check_sheet(load_key(write_key(tmp_path)), write_csv(tmp_path / "a.csv", rows), out)
    wb = load_workbook(out / "scores.xlsx")
    ws = wb["成绩"]
    assert ws.freeze_panes == "F2"
    assert ws["A1"].font.b and ws["B2"].value == "1001" and ws["B2"].number_format == "@"
    assert (
        ws["F2"].value == 10 and ws["H4"].value == "否" and ws["H4"].fill.fgColor.rgb == "FFF8D7D3"
    )
    # Excel reads _xHHHH_ as a character: the name is stored escaped (_x005F_ is "_"), as
    # XlsxWriter does; calamine (like Excel) reads it back as typed, openpyxl does not unescape.
    assert ws["B6"].value == "0042" and ws["C6"].value == "_x005F_x0041_ & <金>"
    assert ws["C7"].value == "响\ufffd铃</t></is></c><c><f>1+1</f></c>" and ws["D7"].value == "外科"
    assert ws["D7"].data_type == "s" and ws.max_column == 13  # text, never a formula or a cell
    grid = CalamineWorkbook.from_path(str(out / "scores.xlsx")).get_sheet_by_index(0).to_python()
    assert grid[5][:3] == [6.0, "0042", "_x0041_ & <金>"]


def test_cli_says_when_scores_xlsx_is_left_out(tmp_path, monkeypatch, capsys):
    from generator.cli import main

    monkeypatch.setattr("generator.grading.xlsx.MAX_ROWS", 2)
    key = write_key(tmp_path)
    answers = write_csv(tmp_path / "a.csv", ROWS[:4])
    assert main(["quiz", "grade", str(key), str(answers), "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "超过 Excel 单个工作表的上限" in captured.err and "未生成 scores.xlsx" in captured.err
    assert "scores.xlsx" not in captured.out and "scores.csv" in captured.out


def test_a_zip_that_is_not_a_workbook(tmp_path):
    import zipfile

    from generator.errors import ConfigError

    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as zf:
        zf.writestr("hello.txt", "不是工作簿")
    with pytest.raises(ConfigError, match=r"a\.xlsx：不是有效的 xlsx 文件"):
        read_sheet(tmp_path / "a.xlsx", 5)


def test_xlsx_rows_keep_spreadsheet_numbers_when_data_starts_lower(tmp_path):
    from openpyxl import Workbook

    key = load_key(write_key(tmp_path))
    wb = Workbook()
    ws = wb.active
    for c, v in enumerate(["工号", "姓名", "科室", "版本", "1", "2", "3", "4", "5"], start=2):
        ws.cell(row=3, column=c, value=v)
    for c, v in enumerate(ROWS[7], start=2):  # 1007 with an E: rejected, so its row is named
        ws.cell(row=5, column=c, value=v)
    wb.save(tmp_path / "a.xlsx")
    grading = grade(key, read_sheet(tmp_path / "a.xlsx", 5))
    assert [(r.row, r.staff_id) for r in grading.rejected] == [(5, "1007")]


def test_a_sheet_built_from_rows_grades_like_the_file(tmp_path):
    """The exam service grades stored answers as Row objects: Sheet(rows) gives the same."""
    from generator.grading.sheet import Row, Sheet

    key = load_key(write_key(tmp_path))
    from_file = read_sheet(write_csv(tmp_path / "a.csv", ROWS), 5)
    rows = from_file.rows
    assert rows[0] == Row(2, {"工号": "1001", "姓名": "张三", "科室": "内科", "版本": "A"},
                          {1: "B", 2: "ACD", 3: "对", 4: "统方", 5: "错"})  # fmt: skip
    assert _fast(grade(key, Sheet(rows))) == _fast(grade(key, from_file))
    one = Row(2, {"工号": "9", "姓名": "甲", "科室": "内科", "版本": "B"}, {1: "错", 2: "D"})
    (result,) = grade(key, Sheet([one])).results  # questions 3–5 left out: blank
    assert result.scores == [1, 2, 0, 0, 0] and result.responses[2:] == [None, None, None]

"""``qinglian quiz trend``: two graded sittings of the mini fixture side by side."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from generator.cli import main
from tests.conftest import MINI, copy_root
from tests.loop_helpers import PEOPLE_2025, PEOPLE_2026, grade, make_paper


@pytest.fixture(scope="module")
def sittings(tmp_path_factory):
    root = copy_root(MINI, tmp_path_factory.mktemp("trend") / "root")
    key = make_paper(root)
    first = grade(root, key, PEOPLE_2025, root / "private" / "2025")
    second = grade(root, key, PEOPLE_2026, root / "private" / "2026")
    # quiz grade keeps a copy of the key with the grades: both are labelled by the exam title,
    # and as the title repeats, with their folder names
    assert (first / "key.json").read_bytes() == key.read_bytes()
    return root, first, second


@pytest.fixture(scope="module")
def report(sittings):
    root, first, second = sittings
    assert main(["quiz", "trend", str(first), str(second), "--root", str(root)]) == 0
    return root / "private" / "trend"


def _rows(report) -> dict[tuple[str, str, str], list[str]]:
    with (report / "trend.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "类别",
        "对象",
        "指标",
        "测试考试（2025）",
        "测试考试（2026）",
        "变化（末次−首次）",
        "说明",
    ]
    return {tuple(r[:3]): r[3:] for r in rows[1:]}


def test_csv_side_by_side(report):
    rows = _rows(report)
    assert rows[("全院", "全院", "参考人数")][:3] == ["16", "14", "-2"]
    assert rows[("科室", "骨科", "合格率")][:3] == ["0.500", "1.000", "+0.500"]
    assert rows[("科室", "骨科", "平均分")][:2] == ["55.0", "100.0"]
    assert rows[("科室", "药剂科", "平均分")][:3] == ["65.0", "60.0", "-5.0"]
    assert rows[("科室", "儿科", "参考人数")] == [
        "2",
        "",
        "",
        "有的考试参考人数少于 5 人，仅供参考",
    ]
    assert rows[("条款", "第八条", "得分率")][:2] == ["0.463", "1.000"]
    assert rows[("题目", "q-r8-001", "难度")] == ["0.375", "1.000", "+0.625", "变易"]
    assert rows[("题目", "q-r1-001", "难度")] == ["1.000", "0.571", "-0.429", "变难"]
    assert rows[("题目", "q-r9-001", "难度")][3] == ""  # +0.071: below the threshold


def test_html_is_self_contained(report):
    html = (report / "trend.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 3  # departments, rules, items
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for text in ("测试考试（2025）", "测试考试（2026）", "骨科", "变难", "q-r1-001", "人少"):
        assert text in html
    # changed questions are shown by their stem; an exam-only one by its topic, never its stem
    assert "为商业目的统计医师个人用药量属于统方。" in html  # q-r1-001, harder
    assert "患者家属在出院时塞给医生一个红包，医生应当怎么做？" in html  # q-r8-001, easier
    assert "考点：" in html and "机密考题" not in html  # q-r8-002, easier


def test_threshold_option(sittings, tmp_path):
    root, first, second = sittings
    out = tmp_path / "t"
    args = ["quiz", "trend", str(first), str(second), "--threshold", "0.05", "--out", str(out)]
    assert main([*args, "--root", str(root)]) == 0
    rows = _rows(out)
    assert rows[("题目", "q-r9-001", "难度")][3] == "变易"
    # nothing moves beyond 0.99: no item chart, no item table, still a report
    args[args.index("0.05")] = "0.99"
    assert main([*args, "--root", str(root)]) == 0
    html = (out / "trend.html").read_text(encoding="utf-8")
    assert html.count("data:image/png") == 2 and "变易 0 道，变难 0 道" in html


def test_errors(sittings, tmp_path, capsys):
    root, first, _ = sittings
    assert main(["quiz", "trend", str(first), "--root", str(root)]) == 1
    assert "至少需要两次考试的成绩目录" in capsys.readouterr().err
    assert main(["quiz", "trend", str(first), str(tmp_path), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}：不是成绩目录" in err and "Traceback" not in err
    other = tmp_path / "other"
    other.mkdir()
    (other / "scores.csv").write_text(
        "工号,姓名,科室,版本,得分,满分,合格,第1题\n1,甲,外科,A,5,10,否,5\n", encoding="utf-8"
    )
    (other / "items.csv").write_text("题目ID,难度,分值\nzzz,0.500,10\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["quiz", "trend", str(first), str(other), "--out", str(out)]) == 1
    assert "没有共同的科室、条款或题目" in capsys.readouterr().err
    assert not out.exists()
    assert main(["quiz", "trend", str(first), str(first), "--out", str(root / "dist" / "t")]) == 1
    assert "dist/" in capsys.readouterr().err


def test_absentees_per_department(sittings, tmp_path):
    """absent.csv in a results folder: 应考/实考/缺考 and 参考率; a department nobody sat for
    appears; a sitting without absent.csv counts 应考 = 实考 and the report says so."""
    root, first, second = sittings
    later = tmp_path / "2026"
    shutil.copytree(second, later)
    (later / "absent.csv").write_text(
        "工号,姓名,科室\nG9,甲,骨科\nB1,乙,医保办\nB2,丙,医保办\n", encoding="utf-8-sig"
    )
    out = tmp_path / "t"
    assert (
        main(["quiz", "trend", str(first), str(later), "--out", str(out), "--root", str(root)]) == 0
    )
    with (out / "trend.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {tuple(r[:3]): r[3:] for r in list(csv.reader(f))[1:]}
    assert rows[("全院", "全院", "应考人数")][:3] == ["16", "17", "+1"]
    assert rows[("全院", "全院", "缺考人数")][:2] == ["0", "3"]
    assert rows[("科室", "骨科", "应考人数")][:2] == ["8", "9"]
    assert rows[("科室", "骨科", "参考率")][:3] == ["1.000", "0.889", "-0.111"]
    assert rows[("科室", "医保办", "应考人数")][:2] == ["", "2"]
    assert rows[("科室", "医保办", "参考人数")][:2] == ["", "0"]
    assert rows[("科室", "医保办", "参考率")][:2] == ["", "0.000"]
    html = (out / "trend.html").read_text(encoding="utf-8")
    assert "医保办" in html and "无人参考" in html
    assert "测试考试（2025） 没有缺考名单，应考按实考计" in html

"""Item statistics and reliability on simulated sittings, checked against scipy and pingouin.

People answer by a one-parameter logistic model (ability θ, question difficulty b), so the
statistics have real spread. The grader's values come from the whole pipeline (sheet → grade →
analyse); the references are scipy.stats (point-biserial, Pearson), pingouin.cronbach_alpha
(KR-20 is α on right/wrong scores) and the textbook upper/lower 27 % rule.
"""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats as sps

from generator.exam.key import load_key
from generator.grading.checker import check_sheet
from generator.grading.grade import grade
from generator.grading.sheet import read_sheet
from generator.grading.stats import analyse

PEOPLE = 400


def _sitting(tmp_path, partial: bool, seed: int):
    """A key of single, judge and (with ``partial``) multiple questions, and a filled sheet."""
    rng = np.random.default_rng(seed)
    kinds = ["single"] * 6 + ["judge"] * 4 + (["multiple"] * 4 if partial else [])
    items = []
    for no, kind in enumerate(kinds, start=1):
        item = {"no": no, "id": f"q{no}", "type": kind, "points": 3 if kind == "multiple" else 2,
                "rules": [1 + no % 9]}  # fmt: skip
        if kind == "single":
            item |= {"options": ["甲", "乙", "丙", "丁"], "answer": ["B"]}
        elif kind == "multiple":
            item |= {"options": ["甲", "乙", "丙", "丁"], "answer": ["A", "C", "D"]}
        else:
            item["answer"] = ["对"]
        items.append(item)
    total = sum(i["points"] for i in items)
    key = {"exam": "sim", "title": "模拟", "pass_score": total * 0.6, "total": total,
           "multiple_scoring": "partial_half" if partial else "all_or_nothing",
           "versions": {"A": items}}  # fmt: skip
    (tmp_path / "key.json").write_text(json.dumps(key, ensure_ascii=False), "utf-8")
    ability = rng.normal(0, 1, PEOPLE)
    difficulty = np.linspace(-1.5, 1.5, len(items))
    chance = 1 / (1 + np.exp(-(ability[:, None] - difficulty[None, :])))
    right = rng.random(chance.shape) < chance
    half = rng.random(chance.shape) < 0.5  # of the wrong multiple answers: a strict subset
    rows = []
    for p in range(PEOPLE):
        cells = []
        for j, item in enumerate(items):
            if item["type"] == "single":
                cells.append("B" if right[p, j] else rng.choice(["A", "C", "D"]))
            elif item["type"] == "judge":
                cells.append("对" if right[p, j] else "错")
            else:
                cells.append("ACD" if right[p, j] else ("AC" if half[p, j] else "AB"))
        rows.append([str(1000 + p), f"人{p}", f"科{p % 5}", "A", *cells])
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(
            [["工号", "姓名", "科室", "版本", *(str(i["no"]) for i in items)], *rows]
        )
    return load_key(tmp_path / "key.json"), path


def _graded(tmp_path, partial: bool, seed: int):
    key, path = _sitting(tmp_path, partial, seed)
    grading = grade(key, read_sheet(path, key.question_count))
    assert grading.count == PEOPLE
    scores = np.array([r.scores for r in grading.results])  # one version: id order = printed
    points = np.array([i.points for i in key.versions["A"]])
    return key, path, grading, analyse(grading), scores, points


@pytest.mark.parametrize("seed", [1, 2])
def test_item_statistics_match_scipy_and_the_textbook(tmp_path, seed):
    _, _, grading, stats, scores, points = _graded(tmp_path, partial=False, seed=seed)
    right = scores / points  # 0/1
    totals = scores.sum(axis=1)
    order = sorted(range(PEOPLE), key=lambda i: (totals[i], grading.results[i].row))
    group = round(PEOPLE * 0.27)
    lower, upper = order[:group], order[-group:]
    for j, s in enumerate(stats.items):
        assert s.difficulty == pytest.approx(right[:, j].mean(), abs=1e-12)
        assert s.discrimination == pytest.approx(
            right[upper, j].mean() - right[lower, j].mean(), abs=1e-12
        )
        assert s.point_biserial == pytest.approx(
            sps.pointbiserialr(right[:, j].astype(bool), totals).statistic, abs=1e-10
        )
        assert s.item_rest == pytest.approx(
            sps.pearsonr(right[:, j], totals - scores[:, j]).statistic, abs=1e-10
        )
    assert stats.stdev == pytest.approx(np.std(totals), abs=1e-10)


@pytest.mark.parametrize("seed", [3, 4])
def test_kr20_is_pingouins_alpha_on_right_and_wrong(tmp_path, seed):
    key, path, _, stats, scores, points = _graded(tmp_path, partial=False, seed=seed)
    right = pd.DataFrame((scores / points).astype(int))
    assert stats.kr20 == pytest.approx(pingouin.cronbach_alpha(data=right)[0], abs=1e-10)
    assert stats.alpha == pytest.approx(pingouin.cronbach_alpha(data=pd.DataFrame(scores))[0])
    assert not stats.partial_credit and stats.reliability == ("KR-20", stats.kr20)
    report = check_sheet(key, path, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "信度 KR-20" in html and "本次显示：KR-20" in html
    assert report.stats.kr20 == stats.kr20


@pytest.mark.parametrize("seed", [5, 6])
def test_alpha_with_partial_credit_is_pingouins(tmp_path, seed):
    key, path, _, stats, scores, points = _graded(tmp_path, partial=True, seed=seed)
    assert {0.0, 1.5, 3.0} <= set(np.unique(scores[:, -4:]))  # half points do occur
    assert stats.alpha == pytest.approx(pingouin.cronbach_alpha(data=pd.DataFrame(scores))[0])
    full = pd.DataFrame((scores >= points - 1e-9).astype(int))
    assert stats.kr20 == pytest.approx(pingouin.cronbach_alpha(data=full)[0], abs=1e-10)
    assert stats.partial_credit and stats.reliability == ("Cronbach α", stats.alpha)
    check_sheet(key, path, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "信度 Cronbach α" in html and "本次显示：Cronbach α" in html
    items = list(csv.reader((tmp_path / "out" / "items.csv").open(encoding="utf-8-sig")))
    assert "点二列相关" in items[0] and "校正点二列相关（与其余题总分）" in items[0]

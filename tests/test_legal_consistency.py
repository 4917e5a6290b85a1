"""Legal statements in the cases agree with the 法规依据 page — the rules `qinglian check` runs.

The rules live in ``generator.sources.content_rules``; these tests run them on the shipped
content (which must pass clean), on the defects the content reviews found (which must be
caught), and through the CLI on a content root with a new, wrong case (located message, exit 1).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.corpus import Case
from generator.sources.content_rules import (
    LEGAL_BASIS_FACTS,
    check_case,
    check_content,
    check_legal_basis,
    check_rule_page,
    crimes,
    sentences,
)
from generator.sources.loader import load_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT)


def test_shipped_content_passes_the_content_rules_clean(corpus):
    found = check_content(corpus)
    assert [str(p) for p in found.errors] == []
    assert [str(p) for p in found.warnings] == []


def test_every_case_is_checked(corpus):
    """Each case has the two sections the legal rules read (an empty section checks nothing)."""
    for case in corpus.cases:
        assert case.sections.get("基本案情") and case.sections.get("处理结果"), case.id
        assert case.body_line > 1 and case.body.startswith("## 基本案情"), case.id


def test_roles_match_the_text(corpus):
    """A case about a 护士长 is not filed under 护士; a 科长 is not a clinical 科室主任."""
    for case in corpus.cases:
        if "护士长" in case.title and "护士长" in case.summary:
            assert case.role != "护士", case.id
        if "科长" in case.title and "科长" in case.summary:
            assert case.role != "科室主任", case.id


def test_the_legal_basis_page_states_the_thresholds_the_rules_use(corpus):
    page = corpus.pages["legal-basis"]
    assert check_legal_basis(page).warnings == []
    assert all(fact in page.body for fact in LEGAL_BASIS_FACTS)
    stub = page.model_copy(update={"body": "## 谁给予什么处理\n\n医院给予处分。\n"})
    (warning,) = check_legal_basis(stub).warnings
    assert "人社部发〔2023〕58号" in warning.message and warning.path == page.path


def test_rule_page_penalty_wording(corpus):
    for rule in corpus.rules.values():
        assert check_rule_page(rule).errors == [], rule.rule
    rule = corpus.rules[8]
    bad = rule.model_copy(
        update={
            "body": rule.body + "\n医师收受红包的，判处有期徒刑并处罚金；涉嫌违反政务纪律的移交。\n"
        }
    )
    found = check_rule_page(bad)
    assert (
        len(found.errors) == 1 and found.errors[0].line == bad.body_line + bad.body.count("\n") - 1
    )
    assert "政务纪律" in found.warnings[0].message


def test_crimes_are_read_however_the_judgment_is_worded():
    assert crimes("法院以受贿罪判处其有期徒刑2年") == {"受贿罪"}
    assert crimes("李某犯受贿罪，被判处有期徒刑2年") == {"受贿罪"}
    assert crimes("其行为构成非国家工作人员受贿罪") == {"非国家工作人员受贿罪"}
    assert crimes("涉嫌犯罪问题移送司法机关依法处理") == set()
    assert crimes("构成犯罪的，依法追究刑事责任") == set()


def test_sentences_are_read_in_both_numeral_styles():
    assert [s.months for s in sentences("判处有期徒刑三年六个月，并处罚金")] == [42]
    assert [s.months for s in sentences("判处有期徒刑2年")] == [24]
    (s,) = sentences("判处有期徒刑一年，缓刑二年")
    assert s.probation and s.months == 12
    assert [s.months for s in sentences("拘役五个月")] == [5]


# ---- the rules catch the defects the reviews found (texts as they stood before the fixes) ----

FACTS = "## 基本案情\n\n{facts}\n\n## 处理结果\n\n{outcome}\n\n## 违反条款\n\n违反第九条。\n"

OLD = {
    # issue 18: an editor's new case, 500万 and two years
    "bribery-500-wan": (
        "院领导",
        "2023年至2024年，冯某收受器械企业回扣共计500万元。",
        "冯某被开除党籍、开除公职。法院以受贿罪判处其有期徒刑2年，并处罚金50万元。",
        "数额特别巨大",
    ),
    "bribery-500-wan-worded-as-committed": (
        "院领导",
        "2023年至2024年，冯某收受器械企业回扣共计500万元。",
        "冯某被开除党籍、开除公职。冯某犯受贿罪，被判处有期徒刑2年，并处罚金50万元。",
        "数额特别巨大",
    ),
    "non-state-500-wan": (
        "医生",
        "2023年至2024年，冯某收受器械企业回扣共计500万元。",
        "医院给予冯某开除处分。法院以非国家工作人员受贿罪判处其有期徒刑2年。",
        "100万元以上",
    ),
    "r5-finance": (
        "行政人员",
        "至2019年11月，吴某共提供伤者信息1600余条，获利8万元。",
        "医院与吴某解除劳动合同。法院以侵犯公民个人信息罪判处吴某有期徒刑一年十个月，"
        "并处罚金3万元，没收违法所得。",
        "情节特别严重",
    ),
    "r5-emergency": (
        "护士",
        "冯某拍摄视频。",
        "医院给予冯某政务记过处分，责令其删除视频。",
        "政务处分",
    ),
    "r5-pediatrics": (
        "护士",
        "杨某出售信息。",
        "杨某受到政务记大过处分，退缴全部所得。",
        "监察对象",
    ),
    "r1-oncology-hospital": (
        "医生",
        "赵某开药。",
        "医院给予赵某记大过处分，暂停处方权6个月。",
        "记大过",
    ),
    "r6-ortho-administrative": (
        "医生",
        "2022年5月起，陈某介绍患者。",
        "市卫生健康委依法给予其暂停执业活动六个月的行政处理。",
        "行政处罚",
    ),
    "r6-ortho-suspension-only": (
        "医生",
        "2022年5月起，陈某介绍患者，收取介绍费2.8万元。",
        "市卫生健康委依据医师法给予其暂停执业活动六个月的行政处罚。",
        "一并给予",
    ),
    "probation-over-three-years": (
        "院领导",
        "骗取医保基金326万元。",
        "周某以诈骗罪被判处有期徒刑十二年，并处罚金30万元；两名中介人员分别被判处有期徒刑"
        "四年至七年不等，其中部分适用缓刑。周某被开除。",
        "缓刑",
    ),
    "bribery-too-high": (
        "院领导",
        "共计折合11.2万元。",
        "冯某被开除党籍、开除公职。法院以受贿罪判处其有期徒刑四年，并处罚金十万元。",
        "未达20万元",
    ),
    "fraud-too-low": (
        "院领导",
        "骗取医保基金83.6万元。",
        "刘某以诈骗罪被判处有期徒刑二年，并处罚金；二人被开除党籍、开除公职。",
        "数额特别巨大",
    ),
    "r1-cardiology-not-referred": (
        "医生",
        "至2022年8月，他共领取服务费4.7万元。",
        "医院给予李某记过处分，退缴违规所得4.7万元。",
        "移送司法机关",
    ),
    "r1-rehabilitation-rating": (
        "技师",
        "武某收到提成1.6万元。",
        "武某退还全部提成，医院给予其警告处分，当年年度考核定为不合格。",
        "优秀等次",
    ),
    "r2-chronic-disease-art-40": (
        "医保专员",
        "白某收受好处费，造成医保基金损失21万元。",
        "医保部门依据第四十条，责令医院退回基金损失21万元，处二倍罚款，并责令暂停医院门诊慢特病初审服务六个月。"
        "白某涉嫌犯罪问题移送公安机关。",
        "初审服务",
    ),
    "prison-without-dismissal": (
        "医生",
        "收受回扣共计8万元。",
        "法院以非国家工作人员受贿罪判处其有期徒刑一年。医院给予其记过处分。",
        "开除",
    ),
}


def _case(key: str, role: str, facts: str, outcome: str) -> Case:
    body = FACTS.format(facts=facts, outcome=outcome)
    return Case.model_construct(
        id=key,
        title="某医院测试案例",
        date=dt.date(2024, 1, 1),
        rules=[9],
        category="收受回扣",
        department="骨科",
        role=role,
        source="教学案例（综合改编，人物与机构均为化名）",
        summary="",
        tags=[],
        path=f"cases/{key}.md",
        body=body,
        body_line=12,
    )


@pytest.mark.parametrize("key", list(OLD))
def test_rules_reject_the_old_texts(key: str):
    role, facts, outcome, expected = OLD[key]
    found = check_case(_case(key, role, facts, outcome))
    assert found.errors, key
    assert any(expected in p.message for p in found.errors), [p.message for p in found.errors]
    # located on the 处理结果 section: body line 5 and below (file line 12 + 4)
    assert all(p.path == f"cases/{key}.md" and p.line >= 16 for p in found.errors), found.errors


def test_the_fixed_texts_pass():
    fixed = _case(
        "fixed",
        "医生",
        "至2022年8月，他共领取服务费4.7万元。",
        "医院给予李某记过处分，退缴违规所得4.7万元；其收受服务费已达3万元，"
        "涉嫌犯罪问题移送司法机关依法处理。",
    )
    assert check_case(fixed).errors == []
    manager = _case(
        "manager", "院领导", "罗某违规提供数据。", "医院给予罗某降级处分，免去其分管职务。"
    )
    assert check_case(manager).errors == []  # 降级 is lawful for a manager (人社部发〔2023〕58号)


def test_check_fails_on_a_new_case_with_a_located_message(tmp_path, capsys):
    """Issue 18: an editor's new case with a 500万 bribe sentenced to 2 years fails `check`."""
    root = tmp_path / "root"
    for folder in ("content", "cases", "quizzes", "site_config"):
        shutil.copytree(ROOT / folder, root / folder)
    text = (
        "---\nid: r9-new-bribe\ntitle: 某医院设备科科长收受回扣案\ndate: 2025-03-01\nrules: [9]\n"
        "category: 收受回扣\ndepartment: 医学装备部\nrole: 职能科室负责人\n"
        "source: 教学案例（综合改编，人物与机构均为化名）\n---\n\n"
        "## 基本案情\n\n2023年至2024年，设备科科长冯某收受供应商回扣共计500万元。\n\n"
        "## 处理结果\n\n冯某被开除党籍、开除公职。\n"
        "法院以受贿罪判处冯某有期徒刑2年，并处罚金50万元。\n\n"
        "## 违反条款\n\n违反第九条。\n\n## 案例剖析\n\n略。\n\n## 警示启示\n\n略。\n\n## 以案促改\n\n略。\n"
    )
    (root / "cases" / "r9-new-bribe.md").write_text(text, encoding="utf-8")
    assert main(["--root", str(root), "check"]) == 1
    err = capsys.readouterr().err
    line = text.splitlines().index("法院以受贿罪判处冯某有期徒刑2年，并处罚金50万元。") + 1
    assert f"cases/r9-new-bribe.md:{line}: 受贿500万元（数额特别巨大" in err, err
    assert "Traceback" not in err


def test_check_passes_the_shipped_content_without_warnings(capsys):
    assert main(["--root", str(ROOT), "check"]) == 0
    captured = capsys.readouterr()
    assert "检查通过" in captured.out
    assert "提醒" not in captured.err and captured.err.strip() == ""


def test_check_passes_with_warnings_only(tmp_path, capsys):
    """A warning (here a single-choice stem ending in “：”) is shown, located, and check exits 0."""
    root = tmp_path / "root"
    for folder in ("content", "cases", "quizzes", "site_config"):
        shutil.copytree(ROOT / folder, root / folder)
    bank = root / "quizzes" / "r1.yml"
    text = bank.read_text(encoding="utf-8")
    stem = "    stem: 九项准则第一条的标题是？\n"
    assert stem in text
    bank.write_text(text.replace(stem, stem.replace("？", "：")), encoding="utf-8")
    line = text.splitlines().index(stem.rstrip("\n")) + 1
    assert main(["--root", str(root), "check"]) == 0
    captured = capsys.readouterr()
    assert f"quizzes/r1.yml:{line}: 提醒：题目 " in captured.err, captured.err
    assert "另有 1 条提醒" in captured.err and "检查通过" in captured.out

"""Audit of the shipped knowledge base: coverage, labelling, privacy and fidelity to the official text."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from generator.model.terms import CHINESE_NUMERALS
from generator.sources.checks import personal_numbers
from generator.sources.content_rules import check_bank, check_case
from generator.sources.loader import load_corpus

REPO = Path(__file__).resolve().parent.parent
# A copy of shared/reference/nine-rules.md kept with the tests, so they run in any clone; where the
# team's shared folder sits beside the repo (as in CI), the copy must still match it.
REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference" / "nine-rules.md"
SHARED_REFERENCE = REPO.parent / "shared" / "reference" / "nine-rules.md"
STORY_GROUPS = {"历代清官", "医德楷模", "革命与当代楷模", "身边的故事"}
FESTIVALS = {"元旦", "春节", "端午节", "中秋节", "国庆节", "中国医师节", "国际护士节"}
# The 12 节点话廉 occasions across the year (issue 10), matched inside reminder names.
OCCASIONS = [
    "元旦",
    "春节",
    "元宵",
    "清明",
    "五一",
    "护士节",
    "端午",
    "七一",
    "医师节",
    "中秋",
    "国庆",
    "年终考核",
]
SURNAMES = "张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺赖龚文"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(REPO)


def _reference_rules() -> dict[int, tuple[str, bool, str]]:
    text = REFERENCE.read_text(encoding="utf-8")
    found = re.findall(
        r"^([一二三四五六七八九])、(.+?)。 — \*\*(verified|to verify)\*\*\n(.+?)\n", text, re.M
    )
    return {
        CHINESE_NUMERALS.index(n) + 1: (title, status == "verified", body)
        for n, title, status, body in found
    }


def _plain_quotes(text: str) -> str:
    """The reference writes ASCII quotes; the pages use Chinese typographic quotes."""
    return text.replace("“", '"').replace("”", '"')


def test_reference_copy_is_current():
    copy = REFERENCE.read_text(encoding="utf-8")
    assert "国卫医发〔2021〕37号" in copy
    if SHARED_REFERENCE.exists():
        assert copy == SHARED_REFERENCE.read_text(encoding="utf-8"), (
            "请用 shared/reference 更新副本"
        )


def test_official_text_is_verbatim_with_document_number(corpus):
    reference = _reference_rules()
    assert len(reference) == 9
    for n, rule in corpus.rules.items():
        title, verified, body = reference[n]
        assert _plain_quotes(rule.title) == title, n
        assert _plain_quotes(rule.official) == body, n
        assert rule.verified is verified, n
        assert rule.source == "国卫医发〔2021〕37号"
    assert corpus.rules[5].title.startswith("恪守保密准则")


def test_rule_pages_are_complete(corpus):
    for rule in corpus.rules.values():
        for section in ("释义", "红线清单", "常见情形", "自查要点", "违规处理"):
            assert f"## {section}" in rule.body, (rule.rule, section)
        assert rule.body.count("**情景**") >= 4, rule.rule
        assert len(rule.body) > 1200, rule.rule


# Departments named in a typical hospital's 医药领域腐败问题集中整治 meeting, by the taxonomy name
# the cases use (the meeting's own name in the comment where it differs).
MEETING_DEPARTMENTS = {
    "医务科": "医务部",
    "纪委办": "纪委办",
    "总务科": "总务基建科",
    "设备科": "医学装备部",
    "医保科": "医保办",
    "财务物价科": "财务科",
    "信息办": "信息中心",
    "普通外科": "普外科",
    "泌尿外科": "泌尿外科",
    "骨科": "骨科",
    "心血管内科": "心血管内科",
    "妇产科": "妇产科",
    "药剂科": "药剂科",
    "检验科": "检验科",
    "麻醉科": "麻醉科",
}


def test_case_counts_spread_and_labels(corpus):
    assert len(corpus.cases) >= 90
    main_rules = Counter(case.rules[0] for case in corpus.cases)
    assert all(main_rules[n] >= 8 for n in range(1, 10)), main_rules
    departments = Counter(case.department for case in corpus.cases)
    taxonomy = [d.name for d in corpus.departments]
    assert all(departments[name] >= 2 for name in taxonomy), departments
    assert all(departments[name] >= 2 for name in MEETING_DEPARTMENTS.values()), departments
    assert set(MEETING_DEPARTMENTS.values()) <= set(taxonomy)
    for case in corpus.cases:
        # 查处一案、整改一片: every case ends with what the department changed.
        assert "## 以案促改" in case.body, case.id
    assert len({case.category for case in corpus.cases}) >= 10
    assert len({case.department for case in corpus.cases}) >= 15
    assert len({case.role for case in corpus.cases}) >= 7
    for case in corpus.cases:
        assert "教学案例" in case.source and "化名" in case.source, case.id
        assert re.search(f"[{SURNAMES}]某", case.body), case.id


def test_stories(corpus):
    assert len(corpus.stories) >= 36
    groups = Counter(story.group for story in corpus.stories)
    assert set(groups) == STORY_GROUPS and min(groups.values()) >= 5, groups
    for story in corpus.stories:
        assert "## 启示" in story.body, story.id
        if story.group == "身边的故事":
            assert "化名" in story.source, story.id


def test_risk_register_and_reminders(corpus):
    assert len(corpus.risks) >= 24
    assert len({reg.department for reg in corpus.risks}) >= 24
    levels = Counter(r.level for reg in corpus.risks for post in reg.posts for r in post.risks)
    assert set(levels) == {"高", "中", "低"}
    assert {r.name for r in corpus.reminders} >= FESTIVALS
    names = [r.name for r in corpus.reminders]
    missing = [o for o in OCCASIONS if not any(o in name for name in names)]
    assert not missing, missing
    months = [r.month for r in corpus.reminders]
    assert months == sorted(months)


def test_question_banks(corpus):
    questions = corpus.questions
    assert len(questions) >= 360
    types = Counter(q.type for q in questions)
    assert all(types[t] >= 60 for t in ("single", "multiple", "judge", "fill")), types
    for n in range(1, 10):
        # Questions about the document itself (document: true) do not count toward a rule.
        on_rule = [q for q in corpus.questions_by_rule[n] if not q.document]
        assert len(on_rule) >= 36, n
    exam_only = sum(q.exam_only for q in questions)
    assert 0.2 <= exam_only / len(questions) <= 0.4
    scenarios = sum(bool(re.search(r"某", q.stem)) for q in questions)
    assert scenarios / len(questions) >= 0.6, scenarios
    # Rule citations, option letters, 原文 for unverified rules, the 保密原则 misquote as truth:
    # the content rules `qinglian check` runs (generator.sources.content_rules).
    for bank in corpus.banks:
        found = check_bank(bank, corpus)
        assert found.errors == [] and found.warnings == [], (found.errors, found.warnings)


def test_no_personal_numbers_anywhere():
    """Every text file of the content, read raw, through the library's personal-number rule."""
    folders = ["content", "cases", "quizzes", "site_config"]
    for folder in folders:
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in {".md", ".yml", ".yaml", ".txt"}:
                continue
            assert personal_numbers(path.read_text(encoding="utf-8"), 1, str(path)) == []
    assert personal_numbers("联系电话 13912345678", 7, "x.yml") != []  # the rule does fire


def test_cases_never_name_a_real_institution(corpus):
    """Institutions are 某医院/某市: no named hospital such as 第一人民医院 (a check error)."""
    for case in corpus.cases:
        assert "某" in case.title, case.id
        assert not [p for p in check_case(case).errors if "医院名称" in p.message], case.id
    case = corpus.cases[0]
    named = case.model_copy(update={"body": case.body.replace("某医院", "江城市第一人民医院", 1)})
    (error,) = [p for p in check_case(named).errors if "医院名称" in p.message]
    assert error.path == case.path and error.line >= case.body_line

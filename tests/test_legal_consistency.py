"""Legal statements in the cases agree with the thresholds on the 法规依据 page.

What can be checked mechanically is checked: amounts and sentences under the crimes a case names,
who imposes which 处分, and the penalty wording of the rule pages. The rules follow
content/pages/legal-basis.md (the page is checked to still state them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").glob("*.md"))
RULES = sorted((ROOT / "content" / "rules").glob("*.md"))
LEGAL_BASIS = ROOT / "content" / "pages" / "legal-basis.md"

DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_number(text: str) -> float:
    """'3' / '3.5' / '十二' / '二十' / '十' → number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[ones] if ones else 0)
    return float(DIGITS[text])


NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+)"


def amounts(text: str, before: str = "") -> list[float]:
    """Amounts in 元 ('6.48万元', '3200元', '十万元'), optionally only those right after a keyword."""
    pattern = (rf"(?:{before})[^，。；0-9]{{0,6}}?" if before else "") + NUM + r"(万)?元"
    found = []
    for m in re.finditer(pattern, text):
        value = cn_number(m.group(1)) * (10_000 if m.group(2) else 1)
        found.append(value)
    return found


@dataclass
class Sentence:
    months: float  # 拘役 counts with its months
    kind: str  # 有期徒刑 | 拘役
    probation: bool
    text: str


def sentences(text: str) -> list[Sentence]:
    found = []
    pattern = rf"(有期徒刑|拘役)(?:{NUM}年)?(?:{NUM}个月)?(?:[，,]\s*(缓刑))?"
    for m in re.finditer(pattern, text):
        years, months = m.group(2), m.group(3)
        if years is None and months is None:
            continue  # "判处有期徒刑三年至七年不等" etc. handled by ranges()
        total = (cn_number(years) * 12 if years else 0) + (cn_number(months) if months else 0)
        found.append(Sentence(total, m.group(1), bool(m.group(4)), m.group(0)))
    for m in re.finditer(rf"{NUM}年至{NUM}年不等的有期徒刑|有期徒刑{NUM}年至{NUM}年", text):
        low, high = [g for g in m.groups() if g]
        found.append(Sentence(cn_number(low) * 12, "有期徒刑", False, m.group(0)))
        found.append(Sentence(cn_number(high) * 12, "有期徒刑", False, m.group(0)))
    return found


def fines(text: str) -> list[float]:
    return amounts(text, before="罚金")


@dataclass
class CaseText:
    name: str
    meta: dict
    whole: str
    facts: str
    outcome: str


def split_case(name: str, text: str) -> CaseText:
    _, front, body = text.split("---", 2)
    meta = yaml.safe_load(front)
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", body, flags=re.M | re.S))
    return CaseText(name, meta, body, sections.get("基本案情", ""), sections.get("处理结果", ""))


def crimes(outcome: str) -> set[str]:
    names = set()
    for m in re.finditer(r"以([\u4e00-\u9fff]{2,12}?罪)", outcome):
        names.add(m.group(1))
    return names


def gain(case: CaseText) -> float:
    """Money the offender obtained, as the facts state it."""
    found = amounts(
        case.facts + case.outcome,
        before="获利|违法所得|所得|好处费|好处|收取|收受|共计|合计|折合|骗取医保基金|骗取",
    )
    return max(found, default=0.0)


def record_count(case: CaseText) -> float:
    counts = [
        cn_number(m.group(1)) * (10_000 if m.group(2) else 1)
        for m in re.finditer(r"(\d+(?:\.\d+)?)(万)?(?:余)?(?:条|份|名)", case.facts)
    ]
    return max(counts, default=0.0)


# ---- the checks; each returns a list of problems (Chinese, like the rest of the project) ----


def check_personal_information(case: CaseText) -> list[str]:
    """刑法253之一 with the 2017 解释: 5千/5万元 (halved for information obtained at work)."""
    if "侵犯公民个人信息罪" not in crimes(case.outcome):
        return []
    problems = []
    money, count = gain(case), record_count(case)
    for s in sentences(case.outcome):
        if s.months > 7 * 12:
            problems.append(f"{s.text}：超过七年，超出法定刑")
        if money >= 50_000 and not (36 <= s.months <= 84 and s.kind == "有期徒刑"):
            problems.append(
                f"违法所得{money:g}元（≥5万元，情节特别严重）却判{s.text}，应为三年以上七年以下"
            )
        if s.months > 36 and money < 25_000 and count < 2_500:
            problems.append(
                f"{s.text}：违法所得{money:g}元、{count:g}条都未达情节特别严重，应在三年以下"
            )
    for fine in fines(case.outcome):
        if money and not (money <= fine <= 5 * money):
            problems.append(f"罚金{fine:g}元不在违法所得{money:g}元的一至五倍之间")
    return problems


def check_fraud(case: CaseText) -> list[str]:
    """刑法266: 较大 3年以下; 巨大 (3万–10万起) 3–10年; 特别巨大 (50万起) 10年以上."""
    if "诈骗罪" not in crimes(case.outcome):
        return []
    money = max(
        amounts(case.facts + case.outcome, before="骗取医保基金|骗取|涉及医保基金"), default=0.0
    )
    ss = sentences(case.outcome)
    problems = []
    if not money:
        return ["诈骗罪案例没有写明骗取金额"]
    longest = max((s.months for s in ss), default=0)
    for s in ss:
        if money < 30_000 and s.months > 36:
            problems.append(f"骗取{money:g}元（未达数额巨大）却判{s.text}")
        if money < 500_000 and s.months > 120:
            problems.append(f"骗取{money:g}元（未达数额特别巨大）却判{s.text}")
    if money >= 100_000 and ss and longest < 36:
        problems.append(f"骗取{money:g}元（数额巨大），最重的刑罚却不足三年")
    if money >= 500_000 and ss and longest < 120:
        problems.append(f"骗取{money:g}元（数额特别巨大），主犯的刑罚却不足十年")
    return problems


def check_bribery(case: CaseText) -> list[str]:
    """刑法385/386/383 with the 2016 解释: 3万/20万/300万元; fines 10–50万, 20万–2倍."""
    if "受贿罪" not in crimes(case.outcome):
        return []
    money = max(
        amounts(case.facts + case.outcome, before="共计|合计|折合|收受|共收受|返点|回扣"),
        default=0.0,
    )
    problems = []
    for s in sentences(case.outcome):
        months = s.months
        if money < 200_000 and months > 36:
            problems.append(f"受贿{money:g}元（未达20万元）却判{s.text}")
        if 200_000 <= money < 3_000_000 and not 36 <= months <= 120:
            problems.append(f"受贿{money:g}元（数额巨大）却判{s.text}，应为三年以上十年以下")
        if money >= 3_000_000 and months < 120:
            problems.append(f"受贿{money:g}元（数额特别巨大）却判{s.text}")
        for fine in fines(case.outcome):
            if months <= 36 and not 100_000 <= fine <= 500_000:
                problems.append(f"判{s.text}并处罚金{fine:g}元：应在十万至五十万元之间")
            if 36 < months <= 120 and not 200_000 <= fine <= 2 * money:
                problems.append(f"判{s.text}并处罚金{fine:g}元：应在二十万元至犯罪数额二倍之间")
    return problems


def check_sentences_general(case: CaseText) -> list[str]:
    problems = []
    ss = sentences(case.outcome)
    for s in ss:
        if s.probation and s.months > 36:
            problems.append(f"{s.text}：缓刑只适用于拘役或者三年以下有期徒刑")
        if s.kind == "拘役" and not 1 <= s.months <= 6:
            problems.append(f"{s.text}：拘役为一个月以上六个月以下")
    if "部分适用缓刑" in case.outcome and ss and min(s.months for s in ss) > 36:
        problems.append("刑期都在三年以上，不能适用缓刑")
    # a prison term means 开除 (党籍 / 公职 / 单位的开除处分), never a mild 处分 only
    if any(s.kind == "有期徒刑" for s in ss) and not re.search(
        r"开除|解除劳动合同|民营|中介|药贩子", case.outcome + case.facts
    ):
        problems.append("被判处有期徒刑的人员，处理结果里没有开除（党籍、公职或单位开除处分）")
    return problems


CLAUSE = re.compile(r"[^。；]+")


def check_bodies(case: CaseText) -> list[str]:
    """政务处分 only by 监察机关; 事业单位 处分 has no 记大过/降级/撤职; 行政处罚 not 行政处理."""
    problems = []
    for clause in CLAUSE.findall(case.outcome):
        if "政务" in clause and re.search(
            r"医院(?:给予|对[^，]*给予|[^，]{0,12}给予)[^，]*政务", clause
        ):
            problems.append(f"医院给予了政务处分：{clause}")
        for kind in ("记大过", "降级", "撤职"):
            if (
                kind in clause
                and f"政务{kind}" not in clause
                and not re.search(f"政务[^，]{{0,12}}{kind}", clause)
            ):
                problems.append(f"“{kind}”只是政务处分的种类，事业单位处分没有：{clause}")
        if "行政处理" in clause:
            problems.append(f"卫生健康、医保部门作出的是行政处罚，不是“行政处理”：{clause}")
    return problems


MANAGERS = re.compile(r"主任|院长|护士长|科长|负责人|领导|书记")
NON_MANAGER_ROLES = {"医生", "护士", "药师", "技师", "工程师", "收费员", "信息科职员", "门诊导医"}


def check_monitored_persons(case: CaseText) -> list[str]:
    """政务处分 needs a 监察对象: for an ordinary clinician or technician write a hospital 处分."""
    if case.meta.get("role") not in NON_MANAGER_ROLES:
        return []
    return [
        f"{case.meta.get('role')}不一定是监察对象，不宜写政务处分：{clause}"
        for clause in CLAUSE.findall(case.outcome)
        if "政务" in clause and not MANAGERS.search(clause)
    ]


def check_left_unprosecuted(case: CaseText) -> list[str]:
    """Facts above a criminal threshold need a criminal outcome (or at least a referral)."""
    problems = []
    referred = re.search(r"罪|移送公安|移送检察|审查起诉|移送司法", case.outcome)
    health = re.search(r"诊断|病历|检查结果|受伤部位|伤情", case.facts)
    if (
        5 in case.meta.get("rules", [])
        and health
        and re.search(r"出售|提供|发给|交给", case.facts)
        and record_count(case) >= 250
        and not re.search("侵犯公民个人信息", case.outcome)
    ):
        problems.append(
            f"{record_count(case):g}条健康信息（工作中获取，≥250条即情节严重）却没有刑事处理"
        )
    kickback = re.search(r"回扣|返点|返利|提成|劳务|分成|介绍费|好处费|服务费", case.facts)
    if kickback and gain(case) >= 60_000 and not referred:
        problems.append(
            f"收受{gain(case):g}元{kickback.group(0)}，已达刑事追诉标准，处理结果却只有纪律处分"
        )
    return problems


CHECKS = [
    check_left_unprosecuted,
    check_monitored_persons,
    check_personal_information,
    check_fraud,
    check_bribery,
    check_sentences_general,
    check_bodies,
]


def problems_of(name: str, text: str) -> list[str]:
    case = split_case(name, text)
    return [p for check in CHECKS for p in check(case)]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_outcome_is_lawful(path: Path):
    assert problems_of(path.name, path.read_text(encoding="utf-8")) == []


def test_roles_match_the_text():
    """A case about a 护士长 is not filed under 护士 (and the like)."""
    for path in CASES:
        case = split_case(path.name, path.read_text(encoding="utf-8"))
        if (
            "护士长" in case.meta["title"]
            and "护士长" in case.meta.get("summary", "")
            and case.meta.get("role") == "护士"
        ):
            pytest.fail(f"{path.name}: role 护士，案主是护士长")


def test_the_legal_basis_page_states_the_thresholds_used_here():
    page = LEGAL_BASIS.read_text(encoding="utf-8")
    for fact in [
        "三年以上七年以下",
        "5000元以上",
        "5万元以上",
        "一半",
        "一倍以上五倍以下",
        "三千元至一万元以上",
        "三万元至十万元以上",
        "五十万元以上",
        "3万元以上不满20万元",
        "20万元以上不满300万元",
        "300万元以上",
        "警告、记过、降低岗位等级、开除",
        "警告、记过、记大过、降级、撤职、开除",
        "第五十六条",
        "第四十条",
        "二倍以上五倍以下",
    ]:
        assert fact in page, fact


@pytest.mark.parametrize("path", RULES, ids=lambda p: p.stem)
def test_rule_page_penalty_wording(path: Path):
    text = path.read_text(encoding="utf-8")
    assert (
        "判处有期徒刑并处罚金" not in text
    )  # 266/253之一/163 also allow 拘役, the first two a fine alone
    assert (
        "情节严重的吊销执业证书" not in text
    )  # 医师法56: 警告+没收+罚款 together; suspension for 情节严重
    assert "警告、罚款、暂停执业活动" not in text
    assert "情节严重的还可能暂停相关医药服务" not in text  # 条例40: not conditional


# ---- the checks catch the defects the review found (texts as they stood before the fix) ----

OLD = {
    "r5-finance": (
        "## 基本案情\n\n至2019年11月，吴某共提供伤者信息1600余条，获利8万元。\n\n"
        "## 处理结果\n\n医院与吴某解除劳动合同。法院以侵犯公民个人信息罪判处吴某有期徒刑一年十个月，并处罚金3万元，没收违法所得。\n"
    ),
    "r5-emergency": "## 处理结果\n\n医院给予冯某政务记过处分，责令其删除视频。\n",
    "r5-pediatrics": "## 处理结果\n\n杨某受到政务记大过处分，退缴全部所得。\n",
    "r1-oncology-hospital": "## 处理结果\n\n医院给予赵某记大过处分，暂停处方权6个月。\n",
    "r6-ortho": "## 处理结果\n\n市卫生健康委依法给予其暂停执业活动六个月的行政处理。\n",
    "probation-over-three-years": (
        "## 基本案情\n\n骗取医保基金326万元。\n\n## 处理结果\n\n周某以诈骗罪被判处有期徒刑十二年，并处罚金30万元；"
        "两名中介人员分别被判处有期徒刑四年至七年不等，其中部分适用缓刑。周某被开除。\n"
    ),
    "bribery-too-high": (
        "## 基本案情\n\n共计折合11.2万元。\n\n## 处理结果\n\n冯某被开除党籍、开除公职。法院以受贿罪判处其有期徒刑四年，并处罚金十万元。\n"
    ),
    "fraud-too-low": (
        "## 基本案情\n\n骗取医保基金83.6万元。\n\n## 处理结果\n\n刘某以诈骗罪被判处有期徒刑二年，并处罚金；二人被开除党籍、开除公职。\n"
    ),
}


@pytest.mark.parametrize("key", list(OLD))
def test_checks_reject_the_old_texts(key: str):
    role = "护士" if key in ("r5-pediatrics", "r5-emergency") else "院领导"
    text = f"---\nid: x\nrole: {role}\n---\n" + OLD[key]
    assert problems_of(key, text), key

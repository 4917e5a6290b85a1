"""Content rules ``qinglian check`` runs on a loaded Corpus: what the text teaches must be right.

The schema checks in ``loader``/``checks`` say whether a file can be read; these say whether what
it says is lawful and fair to a learner:

- **cases** agree with the 法规依据 page (content/pages/legal-basis.md): amounts against sentences
  and fines for the crimes a case names, the stated referral rule (收受财物累计3万元), who may
  impose which 处分, 医师法第五十六条 and 医保条例 penalties;
- **rule pages** use the same penalty wording as that page;
- **questions**: keys spread over option positions, explanations that do not point at an option
  letter (options are shuffled) and cite the rule, no 原文 for a rule whose text is unverified;
- **personal data**: no ID, phone or bank-card numbers in any YAML text.

Each finding is an *error* where the content would teach something wrong, or a *warning* where
an editor should look. Every finding names the source file and line (``path:line: 说明``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from ..model.corpus import Bank, Case, Corpus, Page, RiskRegister, Rule, Story
from ..model.terms import OPTION_LABELS, rule_label, rule_refs
from .checks import personal_numbers


@dataclass
class Findings:
    """What ``check`` reports beyond the schema: errors fail the check, warnings do not."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, error: bool, path: str, line: int, message: str) -> None:
        (self.errors if error else self.warnings).append(Problem(path, line, message))

    def extend(self, other: Findings) -> None:
        self.errors += other.errors
        self.warnings += other.warnings


ERROR, WARNING = True, False


# ---- reading amounts, sentences and crimes out of Chinese legal prose ------------------------

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_DIGITS |= {"八": 8, "九": 9}
NUM = r"(\d+(?:\.\d+)?|[零一二两三四五六七八九十]+)"


def cn_number(text: str) -> float:
    """'3' / '3.5' / '十二' / '二十' / '十' → number."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return float(_DIGITS[text])


def amounts(text: str, before: str = "") -> list[float]:
    """Amounts in 元 ('6.48万元', '3200元', '十万元'), optionally only those right after a keyword."""
    pattern = (rf"(?:{before})[^，。；0-9]{{0,6}}?" if before else "") + NUM + r"(万)?元"
    return [
        cn_number(m.group(1)) * (10_000 if m.group(2) else 1) for m in re.finditer(pattern, text)
    ]


@dataclass(frozen=True)
class Sentence:
    months: float  # 拘役 counts with its months
    kind: str  # 有期徒刑 | 拘役
    probation: bool
    text: str


def sentences(text: str) -> list[Sentence]:
    """Prison terms a text states: '有期徒刑三年六个月，缓刑四年', '拘役五个月', ranges '四年至七年不等'."""
    found = []
    pattern = rf"(有期徒刑|拘役)(?:{NUM}年)?(?:{NUM}个月)?(?:[，,]\s*(缓刑))?"
    for m in re.finditer(pattern, text):
        years, months = m.group(2), m.group(3)
        if years is None and months is None:
            continue
        total = (cn_number(years) * 12 if years else 0) + (cn_number(months) if months else 0)
        found.append(Sentence(total, m.group(1), bool(m.group(4)), m.group(0)))
    for m in re.finditer(rf"{NUM}年至{NUM}年不等的有期徒刑|有期徒刑{NUM}年至{NUM}年", text):
        low, high = [g for g in m.groups() if g]
        found.append(Sentence(cn_number(low) * 12, "有期徒刑", False, m.group(0)))
        found.append(Sentence(cn_number(high) * 12, "有期徒刑", False, m.group(0)))
    return found


def _yuan(value: float) -> str:
    """12.6万元 / 3200元, as the cases write amounts."""
    return f"{value / 10_000:g}万元" if value >= 10_000 else f"{value:g}元"


def fines(text: str) -> list[float]:
    return amounts(text, before="罚金")


_CRIME = re.compile(r"(?:以|犯|构成)([\u4e00-\u9fff]{2,12}?罪)")


def crimes(text: str) -> set[str]:
    """Crimes a text convicts of, however the judgment is worded: '以受贿罪判处…', '犯受贿罪，
    被判处…', '构成受贿罪' → {'受贿罪'}. ('构成犯罪', '涉嫌犯罪' name no crime.)"""
    return {name for name in _CRIME.findall(text) if "犯罪" not in name}


# ---- the thresholds the 法规依据 page states (the page is checked to still state them) -------

REFERRAL_THRESHOLD = 30_000  # 收受回扣等财物累计3万元：移送司法机关（本站统一写法）
BRIBERY_LARGE, BRIBERY_HUGE = 200_000, 3_000_000  # 受贿罪 2016年两高解释
NON_STATE_HUGE = 1_000_000  # 非国家工作人员受贿罪“数额巨大”：受贿罪标准的五倍
LEGAL_BASIS_FACTS = (
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
    "二倍、五倍执行",
    "累计达到3万元",
    "警告、记过、降低岗位等级、开除",
    "警告、记过、记大过、降级、撤职、开除",
    "从事管理的人员",
    "人社部发〔2023〕58号",
    "第五十六条",
    "第三十八条",
    "第四十条",
    "二倍以上五倍以下",
    "一倍以上二倍以下",
)

KICKBACK = re.compile(
    r"红包|礼金|回扣|返点|返利|提成|分成|介绍费|好处费|服务费|劳务费|辛苦费|感谢费"
)
REFERRED = re.compile(
    r"罪|移送公安|移送检察|审查起诉|移送司法|移送[^，。；]{0,4}(?:公安|司法|检察)"
)
MANAGER_TITLE = re.compile(r"主任|院长|护士长|科长|负责人|领导|书记|部长")
MANAGER_ROLES = {"院领导", "科室主任", "职能科室负责人", "护士长"}
NON_MANAGER_ROLES = {
    "医生",
    "护士",
    "助产士",
    "药师",
    "技师",
    "工程师",
    "收费员",
    "信息科职员",
    "门诊导医",
    "后勤人员",
}
CLAUSE = re.compile(r"[^。；\n]+")
NOT_PHYSICIANS = {"护士", "护士长", "助产士", "药师", "技师", "工程师", "收费员", "后勤人员"}


@dataclass
class _CaseText:
    case: Case
    facts: str
    outcome: str

    @property
    def whole(self) -> str:
        return self.facts + "\n" + self.outcome

    def line(self, anchor: str, within: str | None = None) -> int:
        """The file line of ``anchor`` (searched inside ``within``, a section, when given)."""
        body = self.case.body
        start = body.find(within) if within else 0
        at = body.find(anchor, max(start, 0)) if anchor else -1
        if at < 0:
            at = max(start, 0)
        return self.case.body_line + body[:at].count("\n")


def _gain(text: _CaseText) -> float:
    """Money the offender obtained, as the facts state it."""
    found = amounts(
        text.whole,
        before="获利|违法所得|所得|好处费|好处|收取|收受|共计|合计|折合|骗取医保基金|骗取",
    )
    return max(found, default=0.0)


def _record_count(text: _CaseText) -> float:
    counts = [
        cn_number(m.group(1)) * (10_000 if m.group(2) else 1)
        for m in re.finditer(r"(\d+(?:\.\d+)?)(万)?(?:余)?(?:条|份|名)", text.facts)
    ]
    return max(counts, default=0.0)


Finding = tuple[bool, str, str]  # (error?, anchor text in the outcome, message)


def _personal_information(t: _CaseText) -> Iterator[Finding]:
    """刑法253之一 with the 2017 解释: 5千/5万元 (halved for information obtained at work)."""
    if "侵犯公民个人信息罪" not in crimes(t.outcome):
        return
    money, count = _gain(t), _record_count(t)
    for s in sentences(t.outcome):
        if s.months > 7 * 12:
            yield ERROR, s.text, f"侵犯公民个人信息罪判{s.text}：超过七年，超出法定刑"
        if money >= 50_000 and not (36 <= s.months <= 84 and s.kind == "有期徒刑"):
            yield (
                ERROR,
                s.text,
                f"违法所得{_yuan(money)}（5万元以上，情节特别严重）却判{s.text}，"
                "应为三年以上七年以下有期徒刑",
            )
        if s.months > 36 and money < 25_000 and count < 2_500:
            yield (
                ERROR,
                s.text,
                f"{s.text}：违法所得{_yuan(money)}、{count:g}条信息都未达情节特别严重，应在三年以下",
            )
    for fine in fines(t.outcome):
        if money and not (money <= fine <= 5 * money):
            yield ERROR, "罚金", f"罚金{_yuan(fine)}不在违法所得{_yuan(money)}的一倍至五倍之间"


def _fraud(t: _CaseText) -> Iterator[Finding]:
    """刑法266: 较大 3年以下; 巨大 (3万–10万起) 3–10年; 特别巨大 (50万起) 10年以上."""
    if "诈骗罪" not in crimes(t.outcome):
        return
    money = max(amounts(t.whole, before="骗取医保基金|骗取|涉及医保基金"), default=0.0)
    if not money:
        yield WARNING, "诈骗罪", "以诈骗罪判决的案例没有写明骗取金额，无法核对刑期"
        return
    ss = sentences(t.outcome)
    for s in ss:
        if money < 30_000 and s.months > 36:
            yield ERROR, s.text, f"骗取{_yuan(money)}（未达数额巨大）却判{s.text}，应在三年以下"
        if money < 500_000 and s.months > 120:
            yield ERROR, s.text, f"骗取{_yuan(money)}（未达数额特别巨大）却判{s.text}，应在十年以下"
    longest = max(ss, key=lambda s: s.months, default=None)
    if longest and money >= 100_000 and longest.months < 36:
        yield ERROR, longest.text, f"骗取{_yuan(money)}（数额巨大），最重的刑罚却不足三年"
    if longest and money >= 500_000 and longest.months < 120:
        yield ERROR, longest.text, f"骗取{_yuan(money)}（数额特别巨大），主犯的刑罚却不足十年"


def _bribe_amount(t: _CaseText) -> float:
    return max(
        amounts(t.whole, before="共计|合计|折合|收受|共收受|返点|回扣|好处费|介绍费"), default=0.0
    )


def _bribery(t: _CaseText) -> Iterator[Finding]:
    """刑法385/386/383 with the 2016 解释: 3万/20万/300万元; fines 10–50万, 20万–2倍, 50万–2倍."""
    if "受贿罪" not in crimes(t.outcome.replace("非国家工作人员受贿罪", "")):
        return
    money = _bribe_amount(t)
    for s in sentences(t.outcome):
        if money < BRIBERY_LARGE and s.months > 36:
            yield ERROR, s.text, f"受贿{_yuan(money)}（未达20万元）却判{s.text}，应在三年以下"
        if BRIBERY_LARGE <= money < BRIBERY_HUGE and not 36 <= s.months <= 120:
            yield (
                ERROR,
                s.text,
                f"受贿{_yuan(money)}（数额巨大）却判{s.text}，应为三年以上十年以下有期徒刑",
            )
        if money >= BRIBERY_HUGE and s.months < 120:
            yield (
                ERROR,
                s.text,
                f"受贿{_yuan(money)}（数额特别巨大，300万元以上）却判{s.text}，应为十年以上有期徒刑",
            )
        for fine in fines(t.outcome):
            if s.months <= 36 and not 100_000 <= fine <= 500_000:
                yield ERROR, "罚金", f"判{s.text}并处罚金{_yuan(fine)}：应在十万至五十万元之间"
            if 36 < s.months <= 120 and not 200_000 <= fine <= 2 * money:
                yield (
                    ERROR,
                    "罚金",
                    f"判{s.text}并处罚金{_yuan(fine)}：应在二十万元至犯罪数额二倍之间",
                )


def _large_bribes(t: _CaseText) -> Iterator[Finding]:
    """Either bribery crime: 100万元 or more is at least 数额巨大 — three years or more."""
    named = crimes(t.outcome.replace("非国家工作人员受贿罪", "非国家工作人员受贿"))
    if "受贿罪" in named:
        return  # the 受贿罪 rule above says more
    if not KICKBACK.search(t.facts) and "非国家工作人员受贿" not in t.outcome:
        return
    money = _bribe_amount(t)
    ss = [s for s in sentences(t.outcome) if s.kind in ("有期徒刑", "拘役")]
    if money >= NON_STATE_HUGE and ss:
        longest = max(ss, key=lambda s: s.months)
        if longest.months < 36:
            yield (
                ERROR,
                longest.text,
                f"收受财物{_yuan(money)}（100万元以上，受贿罪和非国家工作人员受贿罪都已达数额巨大）"
                f"却判{longest.text}，应为三年以上有期徒刑",
            )


def _sentences_general(t: _CaseText) -> Iterator[Finding]:
    ss = sentences(t.outcome)
    for s in ss:
        if s.probation and s.months > 36:
            yield ERROR, s.text, f"{s.text}：缓刑只适用于拘役或者三年以下有期徒刑"
        if s.kind == "拘役" and not 1 <= s.months <= 6:
            yield ERROR, s.text, f"{s.text}：拘役为一个月以上六个月以下"
    if "部分适用缓刑" in t.outcome and ss and min(s.months for s in ss) > 36:
        yield ERROR, "部分适用缓刑", "刑期都在三年以上，不能适用缓刑"
    if ss and not crimes(t.outcome):
        yield WARNING, ss[0].text, "写了刑期却没有写罪名：请写明“以××罪判处……”"
    # a prison term means 开除 (党籍 / 公职 / 单位的开除处分), never a mild 处分 only
    if any(s.kind == "有期徒刑" for s in ss) and not re.search(
        r"开除|解除劳动合同|民营|中介|药贩子|号贩子", t.whole
    ):
        yield (
            ERROR,
            ss[0].text,
            "被判处有期徒刑的人员应当给予开除处分（党员开除党籍），处理结果里没有写",
        )


def _is_non_manager(t: _CaseText, clause: str) -> bool:
    return t.case.role in NON_MANAGER_ROLES and not MANAGER_TITLE.search(clause)


def _who_imposes(t: _CaseText) -> Iterator[Finding]:
    """政务处分 only by 监察机关; 记大过/降级/撤职 only for managers; 行政处罚 not 行政处理."""
    for clause in CLAUSE.findall(t.outcome):
        if re.search(r"医院(?:给予|对[^，]*给予|[^，]{0,12}给予)[^，]*政务", clause):
            yield (
                ERROR,
                clause,
                f"医院不能给予政务处分（由监察机关作出），医院给予的称“处分”：{clause}",
            )
        elif "政务" in clause and _is_non_manager(t, clause):
            yield (
                ERROR,
                clause,
                f"{t.case.role}一般不是监察对象，不宜写政务处分，应写医院给予的处分：{clause}",
            )
        for kind in ("记大过", "降级", "撤职"):
            if kind in clause and "政务" not in clause and _is_non_manager(t, clause):
                yield (
                    ERROR,
                    clause,
                    f"“{kind}”不是医院对{t.case.role}可给的处分：管理人员以外的工作人员只有警告、"
                    f"记过、降低岗位等级、开除（人社部发〔2023〕58号）：{clause}",
                )
        if "降低岗位等级" in clause and t.case.role == "院领导" and not _names_someone_else(clause):
            yield (
                WARNING,
                clause,
                "院领导属于从事管理的人员，处分种类是警告、记过、记大过、降级、撤职、开除，"
                f"没有“降低岗位等级”：{clause}",
            )
        if "行政处理" in clause:
            yield ERROR, clause, f"卫生健康、医保部门作出的是行政处罚，不是“行政处理”：{clause}"
        if re.search(
            r"撤销(?!党内)[^，。；]{0,8}(?:主任|护士长|组长|科长)[^，。；]{0,2}职务", clause
        ):
            yield (
                WARNING,
                clause,
                f"免去科室主任、护士长等职务是组织处理，写“免去”而非“撤销”：{clause}",
            )


def _names_someone_else(clause: str) -> bool:
    return bool(re.search(r"(?:主任|科长|护士长|医生|护士)[^，]{0,4}(?:受到|被给予|给予)", clause))


def _referral(t: _CaseText) -> Iterator[Finding]:
    """The stated rule: 收受回扣、提成、介绍费、好处费等累计3万元 → 移送司法机关或写出判决."""
    kickback = KICKBACK.search(t.facts)
    if not kickback:
        return
    money = _gain(t)
    referred = REFERRED.search(t.outcome)
    if money >= REFERRAL_THRESHOLD and not referred:
        yield (
            ERROR,
            "",
            f"收受{kickback.group(0)}等{_yuan(money)}，已达3万元，按法规依据页的统一写法，"
            "处理结果应写明涉嫌犯罪问题移送司法机关（或写出刑事判决）",
        )
    other_crime = re.search(r"诈骗|个人信息|骗取|骗保", t.whole)
    if 0 < money < REFERRAL_THRESHOLD and referred and not other_crime:
        yield (
            WARNING,
            referred.group(0),
            f"收受财物{_yuan(money)}，不足3万元，按法规依据页的统一写法不写刑事追究；"
            "如另有依据，请在案情中写明",
        )


def _health_records(t: _CaseText) -> Iterator[Finding]:
    """Health information obtained at work: 250 records or more is 情节严重 (halved 500)."""
    health = re.search(r"诊断|病历|检查结果|受伤部位|伤情", t.facts)
    if (
        5 in t.case.rules
        and health
        and re.search(r"出售|卖给|提供给", t.facts)
        and _record_count(t) >= 250
        and not re.search("侵犯公民个人信息|移送", t.outcome)
    ):
        yield (
            WARNING,
            "",
            f"出售或提供{_record_count(t):g}条健康信息（工作中获取，250条以上即属情节严重），"
            "处理结果却没有刑事追究或移送",
        )


def _physicians_act(t: _CaseText) -> Iterator[Finding]:
    """医师法第五十六条: 警告、没收违法所得、罚款1–3万 together; 暂停执业 only if 情节严重."""
    for clause in CLAUSE.findall(t.outcome):
        if not re.search(r"卫生健康|卫健委|医师法", clause):
            continue
        if t.case.role in NOT_PHYSICIANS and "医师" not in clause:
            continue  # 护士条例 and others: not what this rule knows
        before_act = _conduct_starts_before_act(t)
        suspends = re.search(r"暂停[^，]{0,8}执业", clause) or (
            "吊销" in clause and "医师法" in clause
        )
        if suspends and "警告" not in clause and "执业医师法" not in clause:
            if before_act:
                yield (
                    WARNING,
                    clause,
                    "行为在医师法施行（2022年3月1日）之前，请写明“依照当时施行的执业医师法”，"
                    f"免得读者按医师法第五十六条理解：{clause}",
                )
            else:
                yield (
                    ERROR,
                    clause,
                    "医师法第五十六条：警告、没收违法所得和罚款一并给予，暂停执业、吊销证书只在"
                    f"情节严重时另加，不能单独适用：{clause}",
                )
        for fine in amounts(clause, before="罚款|并处"):
            if "医师法" in clause and not 10_000 <= fine <= 30_000:
                yield (
                    ERROR,
                    clause,
                    f"医师法第五十六条的罚款为一万元以上三万元以下，写的是{_yuan(fine)}",
                )
        if "医师法" in clause and "执业医师法" not in clause and before_act:
            yield (
                WARNING,
                clause,
                "行为始于医师法施行（2022年3月1日）之前，适用哪部法律见法规依据页；"
                "本站案例写医师法处罚时，行为期间应在施行之后",
            )


def _conduct_starts_before_act(t: _CaseText) -> bool:
    """The facts' earliest date lies before the 医师法 came into force (2022-03-01)."""
    months = [(int(y), int(m)) for y, m in re.findall(r"(20\d\d)年(\d{1,2})月", t.facts)]
    years = [(int(y), 12) for y in re.findall(r"(20\d\d)年(?!\d{1,2}月)", t.facts)]
    dates = months or years
    return bool(dates) and min(dates) < (2022, 3)


def _insurance_fines(t: _CaseText) -> Iterator[Finding]:
    """医保条例: 第三十八条 1–2倍 of the loss; 第四十条 (骗取) 2–5倍."""
    for clause in CLAUSE.findall(t.outcome):
        for m in re.finditer(rf"{NUM}倍(?:罚款|的罚款)", clause):
            times = cn_number(m.group(1))
            if "第三十八条" in clause and not 1 <= times <= 2:
                yield (
                    ERROR,
                    clause,
                    f"医保条例第三十八条的罚款为损失金额一倍以上二倍以下，写的是{times:g}倍",
                )
            elif "第三十八条" not in clause and not 1 <= times <= 5:
                yield ERROR, clause, f"医保条例的罚款最高为五倍，写的是{times:g}倍"
            elif "骗取" in clause + t.facts and "第三十八条" not in clause and times < 2:
                yield WARNING, clause, "骗取医保基金的，罚款为骗取金额二倍以上五倍以下"
        if "第四十条" in clause and re.search(r"暂停[^，]*初审|初审服务", clause):
            yield ERROR, clause, f"医保条例第四十条没有“暂停初审服务”这种处罚：{clause}"


def _annual_rating(t: _CaseText) -> Iterator[Finding]:
    """A 警告 bars an 优秀 rating in the year; it does not make the year 不合格."""
    for clause in re.findall(r"[^。\n]+", t.outcome):
        if (
            "警告处分" in clause
            and "不合格" in clause
            and not re.search(r"记过|降低|撤职|降级", clause)
        ):
            yield (
                ERROR,
                clause,
                "受警告处分的，当年年度考核不能确定为优秀等次，并不因此定为不合格：" + clause,
            )


CASE_RULES = (
    _referral,
    _health_records,
    _personal_information,
    _fraud,
    _bribery,
    _large_bribes,
    _sentences_general,
    _who_imposes,
    _physicians_act,
    _insurance_fines,
    _annual_rating,
)


def check_case(case: Case) -> Findings:
    """Legal consistency of one case, located on the lines of its 基本案情/处理结果."""
    sections = case.sections
    text = _CaseText(case, sections.get("基本案情", ""), sections.get("处理结果", ""))
    found = Findings()
    seen = set()
    for rule in CASE_RULES:
        for error, anchor, message in rule(text):
            if message in seen:
                continue
            seen.add(message)
            found.add(error, case.path, text.line(anchor, text.outcome or None), message)
    if case.source and not ("教学案例" in case.source and ("化名" in case.source)):
        found.add(WARNING, case.path, 1, "source 应注明“教学案例”和“化名”（人物机构均为化名）")
    for m in re.finditer(
        r"[\u4e00-\u9fff]{2,}(?:人民医院|中心医院|附属医院|中医院|妇幼保健院)", case.body
    ):
        if "某" not in m.group(0):
            line = case.body_line + case.body[: m.start()].count("\n")
            found.add(ERROR, case.path, line, f"出现了具体医院名称“{m.group(0)}”：机构一律写某医院")
    return found


# ---- rule pages and the 法规依据 page ---------------------------------------------------------

RULE_PAGE_WORDING = (
    ("判处有期徒刑并处罚金", ERROR, "刑罚写法不全：诈骗罪、侵犯公民个人信息罪还可处拘役或单处罚金"),
    (
        "情节严重的吊销执业证书",
        ERROR,
        "医师法第五十六条：警告、没收违法所得和罚款一并给予，情节严重的才暂停执业直至吊销",
    ),
    (
        "警告、罚款、暂停执业活动",
        ERROR,
        "医师法第五十六条的处罚不是任选其一：警告、没收违法所得、罚款一并给予",
    ),
    ("情节严重的还可能暂停相关医药服务", ERROR, "医保条例第四十条的暂停医药服务不以情节严重为前提"),
    ("政务纪律", WARNING, "“政务纪律”不是法律用语，写“违纪或者职务违法”"),
)


def _text_line(record: Rule | Page | Case, at: int) -> int:
    return record.body_line + record.body[:at].count("\n")


def check_rule_page(rule: Rule) -> Findings:
    found = Findings()
    for words, error, message in RULE_PAGE_WORDING:
        for m in re.finditer(re.escape(words), rule.body):
            found.add(error, rule.path, _text_line(rule, m.start()), f"“{words}”：{message}")
    return found


def check_legal_basis(page: Page) -> Findings:
    """The page states every threshold the case rules apply."""
    found = Findings()
    missing = [fact for fact in LEGAL_BASIS_FACTS if fact not in page.body]
    if missing:
        found.add(
            WARNING,
            page.path,
            page.body_line,
            f"法规依据页没有写明 check 核对案例所用的 {len(missing)} 项标准："
            + "、".join(f"“{fact}”" for fact in missing),
        )
    return found


# ---- question banks ---------------------------------------------------------------------------

POSITION_POINTER = re.compile(
    r"选项\s*[A-J]|[A-J]\s*项(?:正确|错误|是|不)|答案(?:是|为|选)\s*[A-J](?![A-Za-z])|"
    r"[（(]\s*[A-J]\s*[)）]|(?<![A-Za-z])[A-J][、和与][A-J](?![A-Za-z])"
)
MIN_SINGLES_FOR_BALANCE = 8  # a share of a handful of questions says nothing


def _keys(q: Any) -> list[str]:
    return q.answer_labels


def position_shares(questions: list[Any]) -> dict[str, float]:
    """Single-choice keys by option position (A–D), as shares of the single-choice questions."""
    singles = [q for q in questions if q.type == "single"]
    counts = Counter(_keys(q)[0] for q in singles)
    return {letter: counts[letter] / len(singles) for letter in "ABCD"} if singles else {}


def multiple_letter_shares(questions: list[Any]) -> dict[str, float]:
    multiples = [q for q in questions if q.type == "multiple"]
    counts = Counter(letter for q in multiples for letter in _keys(q))
    return {letter: n / len(multiples) for letter, n in sorted(counts.items())}


def key_is_longest(q: Any) -> bool:
    """The right option is strictly longer (in characters) than every other option."""
    right = OPTION_LABELS.index(_keys(q)[0])
    options = q.options or []
    if right >= len(options):
        return False
    others = [len(o) for k, o in enumerate(options) if k != right]
    return bool(others) and len(options[right]) > max(others)


def longest_share(questions: list[Any]) -> float:
    singles = [q for q in questions if q.type == "single"]
    return sum(key_is_longest(q) for q in singles) / len(singles) if singles else 0.0


def balance_messages(questions: list[Any]) -> list[str]:
    """What breaks the key balance of one bank (or all banks together), as Chinese sentences."""
    messages = []
    if sum(q.type == "single" for q in questions) >= MIN_SINGLES_FOR_BALANCE:
        for letter, share in position_shares(questions).items():
            if not 0.20 <= share <= 0.30:
                messages.append(
                    f"单选题答案为 {letter} 的占 {share:.0%}（应在 20%–30% 之间），"
                    "请调整选项顺序，别让位置泄露答案"
                )
        share = longest_share(questions)
        if share > 0.35:
            messages.append(f"单选题中正确选项最长的占 {share:.0%}（应不超过 35%）")
    if sum(q.type == "multiple" for q in questions) >= MIN_SINGLES_FOR_BALANCE:
        for letter, share in multiple_letter_shares(questions).items():
            if share > 0.70:
                messages.append(f"多选题答案含 {letter} 的占 {share:.0%}（应不超过 70%）")
    return messages


def _cited_rules(text: str) -> set[int]:
    return set(rule_refs(text))


def check_bank(bank: Bank, corpus: Corpus) -> Findings:
    found = Findings()
    unverified = {n for n, rule in corpus.rules.items() if not rule.verified}
    for message in balance_messages(bank.questions):
        found.add(
            WARNING,
            bank.path,
            corpus.line_of(bank.path, "questions"),
            f"题库 {bank.bank}：{message}",
        )
    for i, q in enumerate(bank.questions):

        def at(key: str, i: int = i) -> int:
            return corpus.line_of(bank.path, "questions", i, key)

        pointer = POSITION_POINTER.search(q.explanation)
        if pointer and q.type in ("single", "multiple"):
            found.add(
                ERROR,
                bank.path,
                at("explanation"),
                f"题目 {q.id}：解析写了“{pointer.group(0)}”，但选项会被打乱，"
                "请直接写出选项内容，不要用字母指代",
            )
        if (
            not _cited_rules(q.explanation) & set(q.rules)
            and "国卫医发〔2021〕37号" not in q.explanation
        ):
            labels = "、".join(rule_label(n) for n in q.rules)
            found.add(
                WARNING,
                bank.path,
                at("explanation"),
                f"题目 {q.id}：解析应点明依据的条款（{labels}）",
            )
        if set(q.rules) & unverified and "原文" in q.stem + q.explanation:
            labels = "、".join(rule_label(n) for n in sorted(set(q.rules) & unverified))
            found.add(
                WARNING,
                bank.path,
                at("explanation" if "原文" in q.explanation else "stem"),
                f"题目 {q.id}：{labels}正文尚未逐字核对（verified: false），不要称“原文”，"
                "写“准则规定”或“释义”",
            )
        for option in q.options or []:
            if re.match(r"以上(?:都|皆|均)|上述(?:都|皆|均)|全部(?:正确|错误)", option):
                found.add(
                    WARNING,
                    bank.path,
                    at("options"),
                    f"题目 {q.id}：选项“{option}”指向其他选项，题目规范不允许",
                )
        stem = q.stem.rstrip()
        if q.type == "single" and stem.endswith("："):
            found.add(WARNING, bank.path, at("stem"), f"题目 {q.id}：单选题题干以问句结尾，用“？”")
        if q.type == "multiple" and stem.endswith("？") and "哪" not in stem:
            found.add(
                WARNING, bank.path, at("stem"), f"题目 {q.id}：多选题题干写成“……的有：”，以“：”结尾"
            )
        if q.type in ("single", "multiple"):
            for label in q.answer_labels:
                k = OPTION_LABELS.find(label)
                if 0 <= k < len(q.options or []) and "保密原则" in (q.options or [])[k]:
                    found.add(
                        ERROR,
                        bank.path,
                        at("answer"),
                        f"题目 {q.id}：正确选项写成了“保密原则”，第五条标题是“恪守保密准则”",
                    )
        if q.type == "judge" and q.answer is True and "保密原则" in q.stem:
            found.add(ERROR, bank.path, at("stem"), f"题目 {q.id}：判断为对的题干写成了“保密原则”")
    return found


# ---- personal data in YAML text ----------------------------------------------------------------


REMINDERS = "content/reminders.yml"


def _strings(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*loc, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _strings(item, (*loc, i))


def personal_data(corpus: Corpus, records: Iterable[tuple[str, tuple, Any]]) -> Findings:
    """ID, phone and bank-card numbers anywhere in YAML records: ``(path, key path of the record
    in its file, record)`` (Markdown bodies are checked on loading)."""
    found = Findings()
    for path, at, record in records:
        data = record.model_dump(mode="json", exclude={"path", "body", "body_line", "slug"})
        for loc, text in _strings(data):
            found.errors += personal_numbers(text, corpus.line_of(path, *at, *loc), path)
    return found


# ---- everything -------------------------------------------------------------------------------


def check_content(corpus: Corpus) -> Findings:
    """Every content rule on a loaded corpus: errors (content that teaches something wrong) and
    warnings (for an editor to look at), each located."""
    found = Findings()
    for case in corpus.cases:
        found.extend(check_case(case))
    for rule in corpus.rules.values():
        found.extend(check_rule_page(rule))
    if "legal-basis" in corpus.pages:
        found.extend(check_legal_basis(corpus.pages["legal-basis"]))
    for bank in corpus.banks:
        found.extend(check_bank(bank, corpus))
    everything = corpus.questions
    if len(corpus.banks) > 1:
        first = corpus.banks[0]
        for message in balance_messages(everything):
            found.add(WARNING, first.path, 1, f"全部题库合计：{message}")
    files: list[Bank | RiskRegister | Case | Story] = [
        *corpus.banks,
        *corpus.risks,
        *corpus.cases,
        *corpus.stories,
    ]
    records: list[tuple[str, tuple, Any]] = [(r.path, (), r) for r in files]
    records += [(REMINDERS, ("reminders", i), r) for i, r in enumerate(corpus.reminders)]
    found.extend(personal_data(corpus, records))
    found.errors.sort()
    found.warnings.sort()
    return found

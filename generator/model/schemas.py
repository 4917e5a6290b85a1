"""Schemas of every source file. Editors get these as JSON Schemas (`qinglian schema`).

Field names are the YAML keys. Semantic checks that need other files (taxonomy names, unique ids,
answers among options) live in ``checks.py``; these models only check shape and ranges.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# Chinese labels by YAML key: the JSON Schema titles (editors show them) and the names in messages.
FIELD_LABELS = {
    "words": "词语",
    "synonyms": "同义说法",
    "stopwords": "略去的词",
    "rule": "条款号",
    "title": "标题",
    "source": "来源",
    "verified": "核对状态",
    "official": "准则原文",
    "id": "编号",
    "date": "日期",
    "rules": "涉及条款",
    "category": "案例类别",
    "department": "科室",
    "era": "年代",
    "figure": "人物",
    "group": "故事分组",
    "risk": "风险点",
    "level": "风险等级",
    "controls": "防控措施",
    "post": "岗位",
    "posts": "岗位列表",
    "risks": "风险列表",
    "name": "名称",
    "when": "时间",
    "month": "月份",
    "reminders": "节点列表",
    "type": "题型",
    "stem": "题干",
    "options": "选项",
    "answer": "答案",
    "explanation": "解析",
    "difficulty": "难度",
    "exam_only": "仅用于考试",
    "rules_suggested": "条款待确认",
    "document": "文件知识题",
    "bank": "题库编号",
    "questions": "题目列表",
    "categories": "案例类别表",
    "departments": "科室表",
    "slug": "网址标识",
    "short_name": "简称",
    "site_url": "站点网址",
    "banks": "题库",
    "versions": "试卷版本",
    "seed": "随机种子",
    "pass_score": "合格分",
    "multiple_scoring": "多选题计分方式",
    "sections": "题型分节",
    "count": "题数",
    "points": "每题分值",
    "handbooks": "手册列表",
    "kind": "手册类型",
    "page_size": "纸张尺寸",
    "subtitle": "副标题",
    "edition": "版次",
    "online": "在线考试",
    "start": "开考时间",
    "end": "截止时间",
    "minutes": "每人作答时长（分钟）",
    "show_score": "交卷后显示得分",
    "show_explanations": "考试结束后显示答案与解析",
    "shuffle_questions": "每人题目顺序不同",
    "url": "考试网址",
    "duration_minutes": "考试时长（分钟）",
    "shuffle_options": "打乱选项顺序",
    "min_per_rule": "每条准则至少题数",
}

RuleNo = Annotated[int, Field(ge=1, le=9, description="九项准则条款号 1–9")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SLUG_PATTERN = r"[a-z0-9-]+"
Slug = Annotated[str, StringConstraints(strip_whitespace=True, pattern=f"^{SLUG_PATTERN}$")]
RuleList = Annotated[list[RuleNo], Field(min_length=1)]


def _title(name: str, _info: Any) -> str:
    """Each field's JSON Schema title: its Chinese label (so editors show 标题, 题干 …)."""
    return FIELD_LABELS.get(name, name)


class Source(BaseModel):
    """Markdown front matter: more keys are welcome (kept), near-misses of known keys are not
    (``checks.near_miss_keys`` reports them)."""

    model_config = ConfigDict(extra="allow", field_title_generator=_title)


class Strict(BaseModel):
    """Configuration and data YAML (banks, exams, hospital, taxonomy, handbooks): an unknown key
    is an error, because a typo such as ``exam_onyl`` would otherwise be ignored silently."""

    model_config = ConfigDict(extra="forbid", field_title_generator=_title)


class RuleMeta(Source):
    rule: RuleNo
    title: Text
    source: Text = Field(description="文号，如 国卫医发〔2021〕37号")
    verified: bool = Field(description="正文是否已与原文逐字核对")
    official: Text = Field(description="准则正文（逐字引用）")
    summary: str = ""
    keywords: list[Text] = []


class CaseMeta(Source):
    id: Slug
    title: Text
    date: dt.date
    rules: RuleList
    category: Text
    department: Text
    source: Text
    role: str = ""
    summary: str = ""
    tags: list[Text] = []


RiskLevel = Literal["高", "中", "低"]
StoryGroup = Literal["历代清官", "医德楷模", "革命与当代楷模", "身边的故事"]


class StoryMeta(Source):
    id: Slug
    title: Text
    era: Text
    figure: Text
    source: Text
    group: StoryGroup = "身边的故事"
    rules: list[RuleNo] = []
    summary: str = ""


class PageMeta(Source):
    title: Text


class Risk(Source):
    risk: Text
    level: RiskLevel
    controls: Annotated[list[Text], Field(min_length=1)]
    rules: RuleList


class Post(Source):
    post: Text
    risks: Annotated[list[Risk], Field(min_length=1)]


class RiskRegisterFile(Source):
    department: Text
    overview: str = ""
    posts: Annotated[list[Post], Field(min_length=1)]


class Reminder(Source):
    id: Slug
    name: Text
    when: Text
    month: Annotated[int, Field(ge=1, le=12)]
    risks: list[Text] = []
    dos: list[Text] = []
    rules: list[RuleNo] = []
    message: str = ""


class RemindersFile(Source):
    reminders: list[Reminder]


QuestionType = Literal["single", "multiple", "judge", "fill"]


class Question(Strict):
    id: Slug
    type: QuestionType
    stem: Text
    options: list[Text] | None = None
    answer: Any = Field(
        description="single: 选项字母; multiple: 字母列表; judge: true/false; fill: 可接受答案列表"
    )
    explanation: Text
    rules: RuleList
    difficulty: Annotated[int, Field(ge=1, le=3)] | None = None
    exam_only: bool = False
    document: bool = Field(
        False,
        title="文件知识题",
        description="true：考的是九项准则文件本身（文号、印发部门、印发时间、前身“九不准”等），"
        "不是所标条款的内容，不计入该条的题数统计；rules 仍须填写",
    )
    rules_suggested: bool = Field(
        False,
        description="true：rules 是导入时按准则原文自动建议的，编辑核对后删去此行（或改为 false）；"
        "qinglian check 会提醒，站点不把它当作已确认的条款",
    )

    @property
    def answer_labels(self) -> list[str]:
        """single/multiple: the answer as option letters, trimmed and uppercased, always a list.

        ``answer: [a, ' c']`` and ``answer: C`` read as ``["A", "C"]`` and ``["C"]`` everywhere
        (checks, the draw, LMS exports, the self-test data), never one way here and another there.
        """
        values = self.answer if isinstance(self.answer, list) else [self.answer]
        return [str(v).strip().upper() for v in values]


class BankFile(Strict):
    bank: Slug
    title: Text
    questions: Annotated[list[Question], Field(min_length=1)]


class Category(Strict):
    slug: Slug
    name: Text
    description: str = ""


class Department(Strict):
    slug: Slug
    name: Text
    group: str = ""


class TaxonomyFile(Strict):
    categories: Annotated[list[Category], Field(min_length=1)]
    departments: Annotated[list[Department], Field(min_length=1)]


class GlossaryFile(Strict):
    """``site_config/glossary.yml``: how staff put things, for the site search (DESIGN.md
    "Search": people type phrases). Rule keywords, taxonomy names and tags are words already."""

    words: list[Text] = Field(default=[], description="整体当作一个词的说法")
    synonyms: list[Annotated[list[Text], Field(min_length=2)]] = Field(
        default=[], description="同义说法：每组几种说法，搜索其中一种也找包含其他几种的页面"
    )
    stopwords: list[Text] = Field(default=[], description="提问时常带、本身不是搜索内容的词")


class HospitalFile(Strict):
    name: Text
    short_name: Text
    site_url: Text
    issuer: str = ""
    logo: str = ""
    edition: str = ""


class ExamSection(Strict):
    type: QuestionType
    count: Annotated[int, Field(ge=1)]
    points: Annotated[float, Field(gt=0)]
    pool: Literal["exam_only", "public", "all"] = Field(
        "all",
        title="抽题范围",
        description="exam_only：只抽仅用于考试（exam_only: true）的题目，与站内公开自测题分开；"
        "public：只抽公开题；all（默认）：都抽",
    )


class OnlineExam(Strict):
    """``online:`` of an exam file: what ``qinglian exam open`` needs for an intranet sitting.

    Times without a zone are the hospital's local time (the service's time zone, Asia/Shanghai
    unless QINGLIAN_TIME_ZONE says otherwise).
    """

    start: dt.datetime = Field(title="开考时间", description="如 2026-03-02 08:00")
    end: dt.datetime = Field(title="截止时间", description="此后不能再作答，考试自动结束")
    minutes: Annotated[int, Field(ge=1, le=24 * 60)] | None = Field(
        None,
        title="每人作答时长（分钟）",
        description="从本人登录开始计时；不填则用 duration_minutes，都不填则到截止时间为止",
    )
    show_score: bool = Field(True, title="交卷后显示得分")
    show_explanations: bool = Field(
        False,
        title="考试结束后显示答案与解析",
        description="只在考试关闭（截止或培训员结束）后显示",
    )
    shuffle_questions: bool = Field(True, title="每人题目顺序不同", description="各题型内打乱")
    shuffle_options: bool = Field(True, title="每人选项顺序不同")
    url: str = Field("", title="考试网址", description="考试码条上的二维码指向这里")

    @model_validator(mode="after")
    def _end_after_start(self) -> OnlineExam:
        start, end = self.start, self.end
        if (start.tzinfo is None) != (end.tzinfo is None):
            raise ValueError("开考时间 start 与截止时间 end 要么都写时区，要么都不写")
        if end <= start:
            raise ValueError(
                f"截止时间 end（{end:%Y-%m-%d %H:%M}）应晚于开考时间 start（{start:%Y-%m-%d %H:%M}）"
            )
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"考试网址 url“{self.url}”应以 http:// 或 https:// 开头")
        return self


class ExamFile(Strict):
    id: Slug
    title: Text
    banks: Annotated[list[Slug], Field(min_length=1)]
    versions: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]], Field(min_length=1)
    ]
    seed: int
    pass_score: Annotated[float, Field(ge=0)]
    multiple_scoring: Literal["all_or_nothing", "partial_half"] = "all_or_nothing"
    shuffle_options: bool = True
    min_per_rule: Annotated[int, Field(ge=0)] = 0
    duration_minutes: Annotated[int, Field(ge=1)] | None = None
    sections: Annotated[list[ExamSection], Field(min_length=1)]
    online: OnlineExam | None = Field(None, title="在线考试", description="qinglian exam open 使用")


HandbookKind = Literal["rules", "cases", "stories", "risks", "ward-cards"]


class HandbookSpec(Strict):
    """One entry of site_config/handbooks.yml: a printable handbook (or a set of booklets)."""

    id: Slug = Field(description="手册编号，也是 PDF 文件名（如 jiuxiang → jiuxiang.pdf）")
    title: Text
    kind: HandbookKind = Field(
        description="rules 九项准则学习手册；cases 警示教育案例汇编；stories 清廉故事汇；"
        "risks 岗位廉洁风险提示（每个有风险台账的科室一册）；ward-cards 清廉查房卡（每科一页）"
    )
    page_size: Literal["A4", "A5"]
    description: str = ""
    subtitle: str = ""
    edition: str = Field("", description="版次，不填则用 hospital.yml 的 edition")
    departments: list[Text] = Field(
        [], description="risks、ward-cards：只为这些科室生成（不填则为全部适用科室）"
    )


class HandbooksFile(Strict):
    handbooks: Annotated[list[HandbookSpec], Field(min_length=1)]

"""What goes into each handbook: the books a handbooks.yml entry makes, and their chapters.

``plan`` turns the declared handbooks into books (one file each: a risk-register entry makes one
booklet per department). ``contents`` gathers a book's chapters from the Corpus into plain view
objects the print templates lay out; nothing here knows about HTML beyond Markdown bodies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sized
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError
from ..model import links
from ..model.corpus import Case, Corpus, Rule, Story
from ..model.order import by_pinyin
from ..model.schemas import Department, HandbookSpec
from ..model.terms import RISK_LEVELS
from ..model.text import clip, date_cn, first_paragraph, list_items, plain_text
from .typeset import markdown_html


@dataclass
class Book:
    """One PDF file to print."""

    spec: HandbookSpec
    filename: str
    title: str  # as listed on the 下载 page
    subtitle: str = ""
    department: Department | None = None
    weight: int = 1  # rough page estimate: the biggest books start first
    blurb: str = ""  # what this file holds, when more specific than the handbook's description

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def cover_title(self) -> str:
        return self.spec.title

    @property
    def description(self) -> str:
        return self.blurb or self.spec.description

    @property
    def size_class(self) -> str:
        return self.spec.page_size.lower()


@dataclass
class TocEntry:
    id: str
    title: str
    level: int = 1


@dataclass
class CaseView:
    id: str
    title: str
    url: str
    date_cn: str
    department: str
    role: str
    category: str
    rule_labels: str
    summary: str
    source: str
    sections: dict[str, str]  # Markdown; templates convert what they print (| md)
    body: str


@dataclass
class Contents:
    """Everything a kind's template needs besides the shared frame."""

    toc: list[TocEntry]
    note: str  # 收录内容, for the colophon
    values: dict[str, Any] = field(default_factory=dict)


# --- planning ----------------------------------------------------------------------------------


def plan(corpus: Corpus) -> list[Book]:
    """Every book handbooks.yml declares, in its order."""
    books: list[Book] = []
    for spec in corpus.handbooks:
        books += _PLANNERS[spec.kind](corpus, spec)
    return books


def pick(corpus: Corpus, books: list[Book], names: list[str]) -> list[Book]:
    """The planned books that ``names`` (handbook ids or file names) ask for."""
    wanted: set[str] = set()
    for name in names:
        stem = name.removesuffix(".pdf")
        matches = [b for b in books if stem in (b.spec.id, b.filename.removesuffix(".pdf"))]
        if not matches:
            spec = next((s for s in corpus.handbooks if s.id == stem), None)
            if spec is not None:
                raise ConfigError(f"手册“{stem}”（{spec.title}）目前没有可排印的内容")
            known = "、".join(s.id for s in corpus.handbooks) or "（无）"
            raise ConfigError(
                f"未知的手册“{name}”：site_config/handbooks.yml 中的手册编号有 {known}"
            )
        wanted.update(b.filename for b in matches)
    return [b for b in books if b.filename in wanted]


def _single_book(items: Callable[[Corpus], Sized], pages_each: int):
    """A planner for a kind that makes one book of all its items (none when there are none)."""

    def planner(corpus: Corpus, spec: HandbookSpec) -> list[Book]:
        count = len(items(corpus))
        if not count:
            return []
        return [Book(spec, f"{spec.id}.pdf", spec.title, spec.subtitle, weight=pages_each * count)]

    return planner


def _plan_risks(corpus: Corpus, spec: HandbookSpec) -> list[Book]:
    books = []
    for dept in _departments(corpus, spec, lambda d: d.name in corpus.risks_by_department):
        register = corpus.risks_by_department[dept.name]
        levels = register.level_counts
        risks = sum(levels.values())
        cases = len(corpus.cases_by_department.get(dept.name, []))
        blurb = (
            f"{dept.name}：{len(register.posts)} 个岗位、{risks} 个廉洁风险点"
            f"（高风险 {levels['高']} 个），附防控措施、相关准则条款和"
            + (f"本科室警示案例 {cases} 个。" if cases else "同类岗位警示案例。")
        )
        books.append(
            Book(
                spec,
                f"{spec.id}-{dept.slug}.pdf",
                f"{spec.title} · {dept.name}",
                dept.name,
                department=dept,
                weight=6 + risks // 2 + cases,
                blurb=blurb,
            )
        )
    return books


def _plan_ward_cards(corpus: Corpus, spec: HandbookSpec) -> list[Book]:
    depts = _departments(corpus, spec, lambda d: _card_case(corpus, d) is not None)
    if not depts:
        return []
    return [Book(spec, f"{spec.id}.pdf", spec.title, spec.subtitle, weight=3 + len(depts))]


def _departments(corpus: Corpus, spec: HandbookSpec, applies) -> list[Department]:
    chosen = set(spec.departments)
    return [d for d in corpus.departments if (not chosen or d.name in chosen) and applies(d)]


_PLANNERS = {
    "rules": _single_book(lambda c: c.rules, pages_each=4),
    "cases": _single_book(lambda c: c.cases, pages_each=2),
    "stories": _single_book(lambda c: c.stories, pages_each=2),
    "risks": _plan_risks,
    "ward-cards": _plan_ward_cards,
}


# --- contents ---------------------------------------------------------------------------------


def contents(corpus: Corpus, book: Book) -> Contents:
    return _CONTENTS[book.kind](corpus, book)


def _rules_contents(corpus: Corpus, book: Book) -> Contents:
    chapters: list[dict[str, Any]] = []
    for rule in corpus.rules.values():
        sections = rule.sections
        case = _short_case(corpus, rule)
        chapters.append(
            {
                "id": f"r{rule.rule}",
                "title": f"{rule.label}　{rule.title}",
                "rule": rule,
                "url": site_url(corpus, links.rule_page(rule.rule)),
                "sections": sections,
                "case": _case_view(corpus, case) if case else None,
            }
        )
    toc = [TocEntry(c["id"], c["title"]) for c in chapters]
    cases = sum(1 for c in chapters if c["case"])
    return Contents(
        toc, f"九项准则 {len(chapters)} 条，警示案例 {cases} 个", {"chapters": chapters}
    )


def _short_case(corpus: Corpus, rule: Rule) -> Case | None:
    """The most recent case whose main rule is this one (else any case citing it)."""
    cited = corpus.cases_by_rule.get(rule.rule, [])
    main = corpus.cases_by_main_rule.get(rule.rule)
    return main[0] if main else (cited[0] if cited else None)


def _cases_contents(corpus: Corpus, book: Book) -> Contents:
    chapters, toc = [], []
    for n, rule in corpus.rules.items():
        cases = corpus.cases_by_main_rule.get(n, [])
        if not cases:
            continue
        views = [_case_view(corpus, c) for c in cases]
        chapter: dict[str, Any] = {
            "id": f"rule-{n}",
            "title": f"{rule.label}　{rule.title}",
            "rule": rule,
            "url": site_url(corpus, links.cases_facet_page("rule"), links.rule_anchor(n)),
            "cases": views,
        }
        chapters.append(chapter)
        toc.append(TocEntry(chapter["id"], chapter["title"]))
    by_department = [
        (d.name, [_case_link(c) for c in corpus.cases_by_department[d.name]])
        for d in by_pinyin(corpus.departments, lambda d: d.name)  # an index: looked up by name
        if corpus.cases_by_department.get(d.name)
    ]
    by_category = [
        (c.name, [_case_link(x) for x in corpus.cases_by_category[c.name]])
        for c in corpus.categories
        if corpus.cases_by_category.get(c.name)
    ]
    indexes: list[dict[str, Any]] = [
        {
            "id": "index-department",
            "title": "科室索引",
            "url": site_url(corpus, links.cases_facet_page("department")),
            "groups": by_department,
        },
        {
            "id": "index-category",
            "title": "类别索引",
            "url": site_url(corpus, links.cases_facet_page("category")),
            "groups": by_category,
        },
    ]
    toc += [TocEntry(i["id"], i["title"]) for i in indexes]
    note = f"警示案例 {len(corpus.cases)} 个，按准则条款编排，附科室索引和类别索引"
    return Contents(toc, note, {"chapters": chapters, "indexes": indexes})


def _case_link(case: Case) -> dict[str, str]:
    return {"id": f"case-{case.id}", "title": case.title}


def _stories_contents(corpus: Corpus, book: Book) -> Contents:
    groups, toc = [], []
    for i, (name, stories) in enumerate(corpus.stories_by_group.items(), start=1):
        views = [_story_view(corpus, s) for s in stories]
        groups.append({"id": f"group-{i}", "title": name, "stories": views})
        toc.append(TocEntry(f"group-{i}", name))
        toc += [TocEntry(v["id"], v["title"], 2) for v in views]
    return Contents(toc, f"清廉故事 {len(corpus.stories)} 个", {"groups": groups})


def _story_view(corpus: Corpus, story: Story) -> dict[str, Any]:
    return {
        "id": f"story-{story.id}",
        "title": story.title,
        "story": story,
        "url": site_url(corpus, links.story_page(story.id)),
        "rules": "、".join(corpus.rules[n].label for n in story.rules if n in corpus.rules),
        "body": markdown_html(story.body, 1, corpus.markdown),
    }


def _risks_contents(corpus: Corpus, book: Book) -> Contents:
    dept = book.department
    assert dept is not None
    register = corpus.risks_by_department[dept.name]
    posts: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    rule_numbers: set[int] = set()
    for post in register.posts:
        risks = []
        for risk in sorted(post.risks, key=lambda r: RISK_LEVELS.index(r.level)):
            counts[risk.level] += 1
            rule_numbers.update(risk.rules)
            risks.append(
                {
                    "risk": risk.risk,
                    "level": risk.level,
                    "controls": risk.controls,
                    "rules": "、".join(corpus.rules[n].label for n in risk.rules),
                }
            )
        level_counts = Counter(r["level"] for r in risks)
        posts.append({"post": post.post, "risks": risks, "counts": level_counts})
    rules = [
        {
            "rule": corpus.rules[n],
            "redlines": markdown_html(
                corpus.rules[n].sections.get("红线清单", ""), 0, corpus.markdown
            ),
        }
        for n in sorted(rule_numbers)
    ]
    own = corpus.cases_by_department.get(dept.name, [])
    cases = own or [c for c in corpus.cases if c.rules[0] in rule_numbers][:3]
    case_url = (
        site_url(corpus, links.cases_facet_page("department"), dept.slug)
        if own
        else site_url(corpus, links.cases_facet_page("rule"))
    )
    chapters: list[dict[str, str]] = [
        {"id": "risk-points", "title": "岗位风险点与防控措施"},
        {"id": "rules", "title": "相关准则条款"},
        {"id": "cases", "title": "本科室警示案例" if own else "同类岗位警示案例"},
    ]
    toc = [TocEntry(c["id"], c["title"]) for c in chapters]
    toc[1:1] = [TocEntry(f"post-{i}", p["post"], 2) for i, p in enumerate(posts, start=1)]
    total = sum(counts.values())
    note = (
        f"{dept.name}：{len(posts)} 个岗位、{total} 个风险点（"
        + "，".join(f"{lv}风险 {counts[lv]} 个" for lv in RISK_LEVELS if counts[lv])
        + f"），相关准则 {len(rules)} 条，案例 {len(cases)} 个"
    )
    return Contents(
        toc,
        note,
        {
            "dept": dept,
            "register": register,
            "overview": markdown_html(register.overview, 0, corpus.markdown),
            "posts": posts,
            "counts": counts,
            "levels": RISK_LEVELS,
            "total": total,
            "rules": rules,
            "cases": [_case_view(corpus, c) for c in cases],
            "own_cases": bool(own),
            "chapters": chapters,
            "risk_url": site_url(corpus, links.risk_page(dept.slug)),
            "rules_url": site_url(corpus, "rules/index.md"),
            "case_url": case_url,
        },
    )


def _ward_cards_contents(corpus: Corpus, book: Book) -> Contents:
    cards = []
    for dept in _departments(corpus, book.spec, lambda d: True):
        case = _card_case(corpus, dept)
        if case is not None:
            cards.append(_card(corpus, dept, case, corpus.rules[case.rules[0]]))
    toc = [TocEntry(c["id"], c["dept"].name) for c in cards]
    return Contents(toc, f"清廉查房卡 {len(cards)} 张（每科一页）", {"cards": cards})


def _card_case(corpus: Corpus, dept: Department) -> Case | None:
    """The department's latest case; without one, the latest case on its main risk's rule."""
    own = corpus.cases_by_department.get(dept.name)
    if own:
        return own[0]
    register = corpus.risks_by_department.get(dept.name)
    if register is None:
        return None
    for _, risk in register.ranked_risks:
        for n in risk.rules:
            if corpus.cases_by_main_rule.get(n):
                return corpus.cases_by_main_rule[n][0]
    return None


def _card(corpus: Corpus, dept: Department, case: Case, rule: Rule) -> dict[str, Any]:
    case_sections, rule_sections = case.sections, rule.sections
    lesson = case_sections.get("警示启示", "")
    points = []
    register = corpus.risks_by_department.get(dept.name)
    if register:
        for post, risk in register.ranked_risks[:3]:
            points.append(f"【{post}】{clip(plain_text(risk.risk), 60)}：本岗位现在怎么防？")
    checks = list_items(rule_sections.get("自查要点", ""))
    points += checks[: 5 - len(points)]
    return {
        "id": f"card-{dept.slug}",
        "dept": dept,
        "own_case": case.department == dept.name,
        "case": _case_view(corpus, case),
        "case_text": clip(
            plain_text(case.summary or first_paragraph(case_sections.get("基本案情", ""))), 150
        ),
        "lesson": clip(plain_text(first_paragraph(lesson)), 170),
        "rule": rule,
        "rule_url": site_url(corpus, links.rule_page(rule.rule)),
        "explain": clip(plain_text(first_paragraph(rule_sections.get("释义", ""))), 190),
        "points": points,
    }


_CONTENTS = {
    "rules": _rules_contents,
    "cases": _cases_contents,
    "stories": _stories_contents,
    "risks": _risks_contents,
    "ward-cards": _ward_cards_contents,
}


# --- helpers -----------------------------------------------------------------------------------


def site_url(corpus: Corpus, path: str, anchor: str = "") -> str:
    """The intranet address of a generated page (``rules/r1.md`` → ``…/rules/r1/``)."""
    return links.published_url(corpus, path, anchor)


def _case_view(corpus: Corpus, case: Case) -> CaseView:
    return CaseView(
        id=case.id,
        title=case.title,
        url=site_url(corpus, links.case_page(case.id)),
        date_cn=date_cn(case.date),
        department=case.department,
        role=case.role,
        category=case.category,
        rule_labels="、".join(corpus.rules[n].label for n in case.rules if n in corpus.rules),
        summary=case.summary,
        source=case.source,
        sections={k: _case_images(corpus, v) for k, v in case.sections.items()},
        body=_case_images(corpus, case.body),
    )


_CASE_IMAGE = re.compile(r"(!\[[^\]]*\]\()([a-z0-9-]+/[^)\s/]+\))")


def _case_images(corpus: Corpus, markdown: str) -> str:
    """Images beside a case (``cases/<id>/x.png``, linked relative to the case) as file URLs,
    so the print HTML (based elsewhere) finds them."""
    if "![" not in markdown:
        return markdown
    base = (corpus.root / "cases").as_uri()
    return _CASE_IMAGE.sub(lambda m: f"{m.group(1)}{base}/{m.group(2)}", markdown)

"""Helpers for the search tests: page text as a reader sees it, and running queries in Chromium."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Domain terms (held out from the rules' keyword lists where possible), a few everyday words,
# a term no page contains, a Latin/digit term and a two-term query.
TERMS = [
    "红包",
    "统方",
    "号源",
    "骗保",
    "医联体",
    "开单提成",
    "回扣",
    "双通道",
    "过度诊疗",
    "隐私",
    "捐赠",
    "宴请",
    "床源",
    "转介",
    "耗材",
    "讲课费",
    "医药代表",
    "购物卡",
    "挂号",
    "处方",
    "纪委",
    "集采",
    "跟台",
    "套餐",
    "医保基金",
    "进修",
    "赞助",
    "学术会议",
    "廉",
    "冷链运输",
    "2021",
    "红包 手术",
]
# Pages the index leaves out on purpose: the self-test (no text), tags, 404, the search page, and
# the listing pages (home, rules/, cases/ and its facets, risks/, stories/: lists of links to pages
# that are found themselves).
NOT_SEARCHED = ("404.html", "search/", "quiz/", "tags/")
LISTINGS = {"", "rules/", "cases/", "risks/", "stories/"}

_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_BLOCK = {"p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "br", "dd", "dt"}


class _ArticleText(HTMLParser):
    """The text of a page's <article> (tag chips one a line), without permalink signs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.skip = 0  # inside something a reader does not read as content
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in _VOID:
            if tag == "br":
                self.parts.append("\n")
            return
        if tag == "article":
            self.depth += 1
        if self.depth and (
            self.skip or "headerlink" in (a.get("class") or "") or tag in ("script", "style")
        ):
            self.skip += 1
        if tag in _BLOCK or "md-tag" in (a.get("class") or "").split():
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        if self.skip:
            self.skip -= 1
        if tag == "article":
            self.depth -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def page_texts(site: Path) -> dict[str, str]:
    """site-relative URL → article text, for every page search is meant to cover."""
    out = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
        if rel.startswith(NOT_SEARCHED) or url in LISTINGS or url.startswith("cases/by-"):
            continue
        parser = _ArticleText()
        parser.feed(path.read_text(encoding="utf-8"))
        out[url] = "".join(parser.parts)
    return out


def truth(texts: dict[str, str], query: str) -> set[str]:
    terms = query.lower().split()
    return {
        url
        for url, text in texts.items()
        if all(any(t in line.lower() for line in text.split("\n")) for t in terms)
    }


def result_urls(page, base: str, query: str, limit: int = 10_000) -> list[str]:
    """All results of ``query`` (site-relative URLs, best first) from the browser-side engine."""
    hrefs = page.evaluate(
        "async ([q, n]) => (await new qlSearch.Query(q).more(n)).map((r) => r.url)",
        [query, limit],
    )
    return [unquote(h) for h in hrefs]


def site_relative(href: str, base: str) -> str:
    return unquote(urlsplit(href).path)[len(urlsplit(base).path) :]


def indexed_urls(site: Path) -> set[str]:
    """The pages our search index holds (from its chunk files)."""
    import json

    urls = set()
    for path in (site / "search" / "c").glob("*.js"):
        text = path.read_text(encoding="utf-8")
        args = json.loads("[" + text[len("qlSearch.chunk(") : text.rindex(")")] + "]")
        urls.add(args[1]["u"])
    return urls


def answer_first_question(page) -> str:
    """Answer the first question of a self-test page; return the feedback text."""
    question = page.locator(".ql-quiz .ql-q").first
    question.wait_for()
    fill = question.locator(".ql-fill__input")
    if fill.count():
        fill.first.fill("不知道")
    else:
        question.locator("input").first.check()
    question.get_by_role("button", name="提交答案").click()
    feedback = page.locator(".ql-fb").first
    feedback.wait_for()
    return feedback.inner_text()

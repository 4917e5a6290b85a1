"""Generated parts of pages: tables of cases and a case's details box.

Every listing links every case it lists, so on a site with a thousand cases these tables are most
of the text an engine would parse. Where the engine is MkDocs (``html=True``) they are written as
ready HTML — a raw HTML block, which Python-Markdown passes through untouched — with the final
relative URLs MkDocs gives pages (``links.html_url``, with or without directory URLs as the
site's ``use_directory_urls`` says), marked for our MkDocs plugin to set aside
while Python-Markdown reads the page (``plugin.py``). Zensical rewrites relative links, even in
raw HTML, into its own URL scheme, so for it (``html=False``) they stay Markdown tables with
``.md`` links, which it resolves and checks itself.
"""

from __future__ import annotations

from html import escape

from ..model import links
from ..model.corpus import Case, Corpus, Rule
from .plugin import HTML_END, HTML_START

CASE_COLUMNS = ("日期", "案例", "科室", "类别", "涉及条款")
CASE_HEAD = "| " + " | ".join(CASE_COLUMNS) + " |\n|---|---|---|---|---|\n"
DETAILS_CLASS = "ql-meta"


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def text(value: object) -> str:
    """Text safe inside HTML."""
    return escape(str(value), quote=False)


def _table_html(head: tuple[str, ...], rows: list[str]) -> str:
    """A table in the markup Python-Markdown's tables extension writes (the theme styles it)."""
    return (
        "<table>\n<thead>\n<tr>\n"
        + "".join(f"<th>{text(h)}</th>\n" for h in head)
        + "</tr>\n</thead>\n<tbody>\n"
        + "".join(rows)
        + "</tbody>\n</table>"
    )


def _row_html(cells: list[str]) -> str:
    return "<tr>\n" + "".join(f"<td>{c}</td>\n" for c in cells) + "</tr>\n"


def _ready(html: str) -> str:
    return f"{HTML_START}\n{html}\n{HTML_END}"


class Fragments:
    """The generated blocks of one tree: ready HTML (``html``) or Markdown."""

    def __init__(self, corpus: Corpus, html: bool = True, directory_urls: bool = True):
        self.corpus = corpus
        self.html = html
        self.directory_urls = directory_urls
        self.rules: dict[int, Rule] = corpus.rules
        self._rows: dict[tuple, str] = {}

    def _links(self, here: str, items) -> str:
        """Links [(label, target page, anchor, separator)], in the order given."""
        out = []
        for label, target, anchor, sep in items:
            fragment = f"#{anchor}" if anchor else ""
            if self.html:
                href = escape(links.html_url(here, target, self.directory_urls) + fragment)
                out.append(f'{text(sep)}<a href="{href}">{text(label)}</a>')
            else:
                out.append(f"{sep}[{cell(label)}]({links.md_link(here, target)}{fragment})")
        return "".join(out)

    def _text(self, value: object) -> str:
        return text(value) if self.html else cell(value)

    def _rule_links(self, numbers, here: str, full: bool, sep: str) -> str:
        return self._links(
            here,
            [
                (r.full_title if full else r.label, links.rule_page(n), "", sep if i else "")
                for i, n in enumerate(numbers)
                for r in (self.rules[n],)
            ],
        )

    def _row(self, case: Case, here: str) -> str:
        cells = [
            case.date.isoformat(),
            self._links(here, [(case.title, links.case_page(case.id), "", "")]),
            self._text(case.department),
            self._text(case.category),
            self._rule_links(case.rules, here, False, "、"),
        ]
        return _row_html(cells) if self.html else "| " + " | ".join(cells) + " |\n"

    def case_table(self, cases: list[Case], here: str) -> str:
        """日期 | 案例 | 科室 | 类别 | 涉及条款, one row per case, linked from page ``here``."""
        url = links.page_url(here, self.directory_urls)
        folder = here.rpartition("/")[0]
        if not self.directory_urls:
            # Links are relative to the URL's folder (cases/ for cases/by-rule.html): the same
            # from every page whose URL and source are in the same folders.
            shared: tuple | None = (folder, url.rpartition("/")[0])
        elif url.count("/") >= 2:
            # A row's links are the same from every page whose URL is a sibling folder of this
            # one (cases/by-rule/, cases/<id>/) and whose source is in the same folder (cases/),
            # unless one of them points into that page's own folder.
            shared = (folder, url.rsplit("/", 2)[0], url.count("/"))
        else:
            shared = None
        rows = []
        for case in cases:
            inside = shared is None or (
                self.directory_urls and any(t.startswith(url) for t in self._targets(case))
            )
            key = (case.id, here if inside else shared)
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = self._row(case, here)
            rows.append(row)
        if self.html:
            block = _ready(_table_html(CASE_COLUMNS, rows))
        else:
            block = (CASE_HEAD + "".join(rows)).rstrip("\n")
        return block + "\n"  # a blank line after it, whatever follows in the template

    def _targets(self, case: Case) -> list[str]:
        """The URLs (from the site root) a case's row links to."""
        pages = [links.case_page(case.id), *(links.rule_page(n) for n in case.rules)]
        return [links.page_url(p, self.directory_urls) for p in pages]

    def case_details(self, case: Case, here: str) -> str:
        """The details box at the top of a case page (a two-column table; its header is hidden)."""
        c = self.corpus
        slug = c.department_by_name[case.department].slug
        if case.department in c.risks_by_department:
            target, anchor = links.risk_page(slug), ""
        else:
            target, anchor = links.cases_facet_page("department"), slug
        department = self._links(here, [(case.department, target, anchor, "")])
        if case.role:
            department += self._text(f"（{case.role}）")
        category_slug = c.category_by_name[case.category].slug
        rows = [
            ("日期", case.date.isoformat()),
            ("涉及条款", self._rule_links(case.rules, here, True, "；")),
            (
                "类别",
                self._links(
                    here, [(case.category, links.cases_facet_page("category"), category_slug, "")]
                ),
            ),
            ("科室", department),
            ("来源", self._text(case.source)),
        ]
        if "legal-basis" in c.pages:
            basis = self._links(here, [("法规依据", "about/legal-basis.md", "", "")])
            rows.append(("处理依据", basis + "：处分、处罚和刑罚由谁作出、依据哪些条款"))
        if self.html:
            body = _table_html(("", ""), [_row_html([text(n), v]) for n, v in rows])
            return _ready(f'<div class="{DETAILS_CLASS}">\n{body}\n</div>')
        return "\n".join(
            [f'<div class="{DETAILS_CLASS}" markdown>', "", "| | |", "|---|---|"]
            + [f"| {name} | {value} |" for name, value in rows]
            + ["", "</div>"]
        )

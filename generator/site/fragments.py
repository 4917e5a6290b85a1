"""Generated parts of pages as ready HTML: tables of cases and a case's details.

The site engine stashes a raw HTML block cheaply, while a Markdown table with a link in every
row costs it a parse of every cell and a check of every link — most of its time on a site with
a thousand cases, where every listing links every case. These blocks carry the final relative
URLs (``links.html_url``, the directory URLs MkDocs gives pages) and the same markup Python-
Markdown writes for the Markdown tables they replace, so pages, styles and search are unchanged.
"""

from __future__ import annotations

import functools

from ..model import links
from ..model.corpus import Case, Corpus, Rule

_html_url = functools.lru_cache(maxsize=65536)(links.html_url)

CASE_COLUMNS = ("日期", "案例", "科室", "类别", "涉及条款")


def text(value: object) -> str:
    """Text for an HTML text node, escaped as Python-Markdown escapes it (&, <, >)."""
    s = str(value)
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


def a(href: str, label: str) -> str:
    """A link; ``label`` is HTML already."""
    return f'<a href="{text(href).replace(chr(34), "&quot;")}">{label}</a>'


def table(head: tuple[str, ...], rows: list[list[str]]) -> str:
    """A table as Python-Markdown's tables extension writes it; cells are HTML already."""
    parts = ["<table>\n<thead>\n<tr>\n"]
    parts += [f"<th>{h}</th>\n" for h in head]
    parts.append("</tr>\n</thead>\n<tbody>\n")
    for row in rows:
        parts.append("<tr>\n")
        parts += [f"<td>{cell}</td>\n" for cell in row]
        parts.append("</tr>\n")
    parts.append("</tbody>\n</table>")
    return "".join(parts)


class Fragments:
    """The HTML blocks of one tree, with what they share cached (rule links, rows)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.rules: dict[int, Rule] = corpus.rules
        self._rows: dict[tuple, str] = {}
        self._row_targets: dict[str, list[str]] = {}
        self.blocks: set[str] = set()  # every block handed out (speedups.RawBlocks stashes them)

    def url(self, here: str, target: str, anchor: str = "") -> str:
        return _html_url(here, target) + (f"#{anchor}" if anchor else "")

    def rule_links(self, numbers, here: str, full: bool, sep: str) -> str:
        return sep.join(
            a(
                self.url(here, links.rule_page(n)),
                text(self.rules[n].full_title if full else self.rules[n].label),
            )
            for n in numbers
        )

    def _row(self, case: Case, here: str) -> str:
        cells = [
            case.date.isoformat(),
            a(self.url(here, links.case_page(case.id)), text(case.title)),
            text(case.department),
            text(case.category),
            self.rule_links(case.rules, here, False, "、"),
        ]
        return "<tr>\n" + "".join(f"<td>{cell}</td>\n" for cell in cells) + "</tr>\n"

    def case_table(self, cases: list[Case], here: str) -> str:
        """日期 | 案例 | 科室 | 类别 | 涉及条款, one row per case, linked from page ``here``."""
        url = links.page_url(here)
        # A row's links are the same from every page whose URL is a sibling folder of this one
        # (cases/by-rule/, cases/<id>/), unless one of them points into that folder itself.
        shared = (url.rsplit("/", 2)[0], url.count("/")) if url.count("/") >= 2 else None
        parts = ["<table>\n<thead>\n<tr>\n"]
        parts += [f"<th>{h}</th>\n" for h in CASE_COLUMNS]
        parts.append("</tr>\n</thead>\n<tbody>\n")
        for case in cases:
            inside = shared is None or any(t.startswith(url) for t in self._targets(case))
            key = (case.id, url if inside else shared)
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = self._row(case, here)
            parts.append(row)
        parts.append("</tbody>\n</table>")
        block = "".join(parts)
        self.blocks.add(block)
        return block

    def _targets(self, case: Case) -> list[str]:
        """The URLs (from the site root) a case's row links to."""
        found = self._row_targets.get(case.id)
        if found is None:
            pages = [links.case_page(case.id), *(links.rule_page(n) for n in case.rules)]
            found = self._row_targets[case.id] = [links.page_url(p) for p in pages]
        return found

    def case_details(self, case: Case, here: str) -> str:
        """The details box at the top of a case page (a two-column table; its header is hidden)."""
        c = self.corpus
        department = text(case.department)
        slug = c.department_by_name[case.department].slug
        if case.department in c.risks_by_department:
            department = a(self.url(here, links.risk_page(slug)), department)
        else:
            facet = links.cases_facet_page("department")
            department = a(self.url(here, facet, slug), department)
        if case.role:
            department += f"（{text(case.role)}）"
        category = a(
            self.url(
                here, links.cases_facet_page("category"), c.category_by_name[case.category].slug
            ),
            text(case.category),
        )
        rows = [
            ["日期", case.date.isoformat()],
            ["涉及条款", self.rule_links(case.rules, here, True, "；")],
            ["类别", category],
            ["科室", department],
            ["来源", text(case.source)],
        ]
        if "legal-basis" in c.pages:
            basis = a(self.url(here, "about/legal-basis.md"), "法规依据")
            rows.append(["处理依据", basis + "：处分、处罚和刑罚由谁作出、依据哪些条款"])
        block = '<div class="ql-meta">\n' + table(("", ""), rows) + "\n</div>"
        self.blocks.add(block)
        return block

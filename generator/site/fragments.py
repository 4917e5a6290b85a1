"""Generated parts of pages: tables of cases and a case's details, as Markdown plus the HTML an
engine makes of it.

The tree stays plain Markdown with ``.md`` links, which every engine resolves and checks in its
own URL scheme (Zensical rewrites relative links even in raw HTML, MkDocs does not, so ready
HTML could not serve both). Parsing these tables is most of MkDocs' time on a site with a
thousand cases, though — every listing links every case — so each block's HTML is worked out
here as well, with the final relative URLs MkDocs gives pages (``links.html_url``) and the markup
Python-Markdown writes; ``speedups.RawBlocks`` hands it to our in-process MkDocs build in place of
the Markdown. A block whose text Markdown could read as anything but plain text gets no HTML and
is parsed as usual.
"""

from __future__ import annotations

import re

from ..model import links
from ..model.corpus import Case, Corpus, Rule

CASE_COLUMNS = ("日期", "案例", "科室", "类别", "涉及条款")
CASE_HEAD = "| " + " | ".join(CASE_COLUMNS) + " |\n|---|---|---|---|---|\n"
DETAILS_START = '<div class="ql-meta" markdown>'
# Characters with a meaning to Markdown's inline patterns or the enabled extensions (escapes,
# code, emphasis, links, images, raw HTML, entities, attribute lists, footnotes…).
_SPECIAL = re.compile(r"[\\`*_\[\]!<>&{}^~=|\n]|  ")


def plain(value: object) -> bool:
    """True if Markdown renders ``value`` in a table cell as the same text."""
    s = str(value)
    return not _SPECIAL.search(s) and s == s.strip()


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _row_html(cells: list[str]) -> str:
    return "<tr>\n" + "".join(f"<td>{c}</td>\n" for c in cells) + "</tr>\n"


def _table_html(head: tuple[str, ...], rows: list[str]) -> str:
    """A table as Python-Markdown's tables extension writes it; rows are HTML already."""
    return (
        "<table>\n<thead>\n<tr>\n"
        + "".join(f"<th>{h}</th>\n" for h in head)
        + "</tr>\n</thead>\n<tbody>\n"
        + "".join(rows)
        + "</tbody>\n</table>"
    )


class Fragments:
    """The generated blocks of one tree, and the HTML of those that are plain text."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.rules: dict[int, Rule] = corpus.rules
        self.html: dict[str, str] = {}  # Markdown block → its HTML (speedups.RawBlocks)
        self._rows: dict[tuple, tuple[str, str | None]] = {}

    def _links(self, here: str, items) -> tuple[str, str | None]:
        """Markdown and HTML of links [(label, target page, anchor)], in the order given."""
        md, html, ok = [], [], True
        for label, target, anchor, sep in items:
            fragment = f"#{anchor}" if anchor else ""
            md.append(f"{sep}[{cell(label)}]({links.md_link(here, target)}{fragment})")
            html.append(f'{sep}<a href="{links.html_url(here, target)}{fragment}">{label}</a>')
            ok = ok and plain(label) and plain(anchor) and plain(sep)
        return "".join(md), "".join(html) if ok else None

    def _rule_links(self, numbers, here: str, full: bool, sep: str):
        return self._links(
            here,
            [
                (r.full_title if full else r.label, links.rule_page(n), "", sep if i else "")
                for i, n in enumerate(numbers)
                for r in (self.rules[n],)
            ],
        )

    def _row(self, case: Case, here: str) -> tuple[str, str | None]:
        title_md, title_html = self._links(here, [(case.title, links.case_page(case.id), "", "")])
        rules_md, rules_html = self._rule_links(case.rules, here, False, "、")
        md = (
            f"| {case.date.isoformat()} | {title_md} | {cell(case.department)} | "
            f"{cell(case.category)} | {rules_md} |\n"
        )
        ok = title_html is not None and rules_html is not None
        ok = ok and plain(case.department) and plain(case.category)
        cells = [case.date.isoformat(), title_html, case.department, case.category, rules_html]
        return md, _row_html(cells) if ok else None

    def case_table(self, cases: list[Case], here: str) -> str:
        """日期 | 案例 | 科室 | 类别 | 涉及条款, one row per case, linked from page ``here``."""
        url = links.page_url(here)
        # A row's links are the same from every page whose URL is a sibling folder of this one
        # (cases/by-rule/, cases/<id>/) and whose source is in the same folder (cases/), unless
        # one of them points into that page's own folder.
        folder = here.rpartition("/")[0]
        shared = (folder, url.rsplit("/", 2)[0], url.count("/")) if url.count("/") >= 2 else None
        md, html = [CASE_HEAD], []
        for case in cases:
            inside = shared is None or any(t.startswith(url) for t in self._targets(case))
            key = (case.id, here if inside else shared)
            row = self._rows.get(key)
            if row is None:
                row = self._rows[key] = self._row(case, here)
            md.append(row[0])
            html.append(row[1])
        block = "".join(md).rstrip("\n")
        if html and all(h is not None for h in html):  # (no rows: Markdown writes an empty one)
            self.html[block] = _table_html(CASE_COLUMNS, html)
        return block + "\n"  # a blank line after it, whatever follows in the template

    def _targets(self, case: Case) -> list[str]:
        """The URLs (from the site root) a case's row links to."""
        pages = [links.case_page(case.id), *(links.rule_page(n) for n in case.rules)]
        return [links.page_url(p) for p in pages]

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
            role = f"（{case.role}）"
            ok = department[1] is not None and plain(role)
            department = (department[0] + cell(role), department[1] + role if ok else None)
        category_slug = c.category_by_name[case.category].slug
        rows = [
            ("日期", (case.date.isoformat(), case.date.isoformat())),
            ("涉及条款", self._rule_links(case.rules, here, True, "；")),
            (
                "类别",
                self._links(
                    here, [(case.category, links.cases_facet_page("category"), category_slug, "")]
                ),
            ),
            ("科室", department),
            ("来源", (cell(case.source), case.source if plain(case.source) else None)),
        ]
        if "legal-basis" in c.pages:
            basis = self._links(here, [("法规依据", "about/legal-basis.md", "", "")])
            note = "：处分、处罚和刑罚由谁作出、依据哪些条款"
            rows.append(("处理依据", (basis[0] + note, basis[1] + note)))
        md = "\n".join(
            [DETAILS_START, "", "| | |", "|---|---|"]
            + [f"| {name} | {value[0]} |" for name, value in rows]
            + ["", "</div>"]
        )
        if all(value[1] is not None for _, value in rows):
            body = _table_html(("", ""), [_row_html([n, v[1]]) for n, v in rows])
            self.html[md] = f'<div class="ql-meta">\n{body}\n</div>'
        return md

"""Which pages search covers, in which order, and what the browser needs besides the index."""

from __future__ import annotations

from ...model import links
from ...model.corpus import Corpus
from .index import PageEntry, html_path

SEARCH_PAGE = "search/index.md"
LISTINGS = ("cases/index.md",)  # lists of other pages: last among equal hits


def search_pages(corpus: Corpus, written: list[str], unsearched: set[str]) -> list[PageEntry]:
    """Every written page except those marked ``search: exclude``, ranked for ties.

    Order among pages with equally good hits: rule pages (by number), other pages (as written),
    cases newest first, then listings of cases.
    """
    rules = {links.rule_page(n): rule for n, rule in corpus.rules.items()}
    cases = {links.case_page(c.id): c for c in corpus.cases}
    entries = []
    for i, path in enumerate(written):
        if path in unsearched:
            continue
        if path in rules:
            rule = rules[path]
            entries.append(PageEntry(path, (0, rule.rule), [rule.title, *rule.keywords]))
        elif path in cases:
            case = cases[path]
            entries.append(PageEntry(path, (2, -case.date.toordinal(), case.id)))
        elif path in LISTINGS or path.startswith("cases/by-"):
            entries.append(PageEntry(path, (3, i)))
        else:
            entries.append(PageEntry(path, (1, i)))
    return entries


def search_meta(corpus: Corpus, directory_urls: bool, has_selftest: bool) -> dict:
    """The search page's address, and the nine rules and the self-test for a query without hits."""

    def url(path: str) -> str:
        return html_path(path, directory_urls)[1]

    meta = {
        "page": url(SEARCH_PAGE),
        "rules": [[url(links.rule_page(n)), r.full_title] for n, r in corpus.rules.items()],
    }
    if has_selftest:
        meta["quiz"] = url("quiz/index.md")
    return meta

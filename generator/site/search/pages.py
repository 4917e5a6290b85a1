"""Which pages search covers, in which order, and what the browser needs besides the index."""

from __future__ import annotations

from ...model import links
from ...model.corpus import Corpus
from .index import PageEntry

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
            entries.append(
                PageEntry(path, (0, rule.rule), [rule.title, *rule.keywords], rule=rule.rule)
            )
        elif path in cases:
            case = cases[path]
            entries.append(PageEntry(path, (2, -case.date.toordinal(), case.id)))
        elif path in LISTINGS or path.startswith("cases/by-"):
            entries.append(PageEntry(path, (3, i)))
        else:
            entries.append(PageEntry(path, (1, i)))
    return entries


def search_meta(corpus: Corpus, directory_urls: bool, has_selftest: bool) -> dict:
    """The search page's address; the nine rules (address, title, own terms: for a query
    without hits and for a query naming a rule); the words a phrase is split into."""

    def url(path: str) -> str:
        return links.page_address(path, directory_urls)[1]

    meta = {
        "page": url(SEARCH_PAGE),
        "rules": [
            [url(links.rule_page(n)), r.full_title, r.keywords, n] for n, r in corpus.rules.items()
        ],
        **search_words(corpus),
    }
    if has_selftest:
        meta["quiz"] = url("quiz/index.md")
    return meta


def search_words(corpus: Corpus) -> dict:
    """What the browser splits a phrase with (DESIGN.md "Search": people type phrases): words
    from the Corpus — categories, departments, tags, the glossary's words; the rules' keywords
    it reads from ``meta.rules`` —, the glossary's groups of synonyms and its stop words
    (question words, particles)."""
    words: dict[str, None] = {}
    words.update(dict.fromkeys(c.name for c in corpus.categories))
    words.update(dict.fromkeys(d.name for d in corpus.departments))
    for item in [*corpus.cases, *corpus.stories]:
        words.update(dict.fromkeys(getattr(item, "tags", None) or []))
    words.update(dict.fromkeys(corpus.glossary.words))
    glossary = corpus.glossary
    return {
        "words": sorted(w for w in words if len(w) > 1),
        "synonyms": [list(dict.fromkeys(group)) for group in glossary.synonyms],
        "stop": list(dict.fromkeys(glossary.stopwords)),
    }

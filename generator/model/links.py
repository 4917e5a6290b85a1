"""Relative links between pages of the generated tree, so the site works from any sub-path."""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .corpus import Corpus


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for two clean relative paths (no ``..``), without asking the file
    system for the working directory twice per call, as ``relpath`` does (a large site makes
    tens of thousands of links)."""
    parts = [p for p in path.split("/") if p and p != "."]
    base = [p for p in start.split("/") if p and p != "."]
    if ".." in parts or ".." in base:
        return posixpath.relpath(path, start)
    common = 0
    for a, b in zip(parts, base, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


# md_link and html_url: pure functions of two page paths, called tens of thousands of times on a
# large site (every listing links every case), mostly with pairs seen before.
@functools.lru_cache(maxsize=65536)
def md_link(here: str, target: str) -> str:
    """A link MkDocs resolves: from docs-relative ``here`` to docs-relative ``target`` (.md)."""
    return _relpath(target, posixpath.dirname(here) or ".")


def served_file(url: str) -> str:
    """The file a relative site URL (no query or anchor) is served from: a folder URL (``a/b/``,
    ``""``, ``.``, ``..``) from the folder's ``index.html``, any other URL from itself. What a web
    server does, and what a page opened from disk (file://) needs spelled out."""
    if not url:
        return "index.html"
    if url.endswith("/"):
        return url + "index.html"
    if url.rpartition("/")[2] in (".", ".."):
        return url + "/index.html"
    return url


def page_address(path: str, directory_urls: bool = True) -> tuple[str, str]:
    """(file, URL) of docs page ``path`` in the built site, both relative to the site root, as
    MkDocs and Zensical place pages: ``a/b.md`` → ``a/b/index.html``, ``a/b/`` (directory URLs)
    or ``a/b.html``, ``a/b.html``; ``a/index.md`` → ``a/index.html``, ``a/`` or ``a/index.html``.
    The one rule for the site's links, the search index and the offline copy."""
    if not path.endswith(".md"):
        return path, path
    stem = path[:-3]
    if not directory_urls:
        url = f"{stem}.html"
    elif stem == "index" or stem.endswith("/index"):
        url = stem[: -len("index")]
    else:
        url = f"{stem}/"
    return served_file(url), url


def page_url(path: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a page (``use_directory_urls``), relative to the site root."""
    return page_address(path, directory_urls)[1]


@functools.lru_cache(maxsize=65536)
def html_url(here: str, target: str, directory_urls: bool = True) -> str:
    """A link for raw HTML, which MkDocs does not rewrite: ``target``'s URL relative to the
    folder of ``here``'s URL. From ``cases/index.md`` to ``cases/x.md`` it is ``x/`` (URLs
    ``cases/`` and ``cases/x/``) or, without directory URLs, ``x.html`` (``cases/index.html``
    and ``cases/x.html``)."""
    here_url, target_url = page_url(here, directory_urls), page_url(target, directory_urls)
    rel = _relpath(target_url or ".", posixpath.dirname(here_url) or ".")
    if rel == ".":
        return "./"
    folder = not target_url or target_url.endswith("/")  # (the site root's URL is "")
    return rel + "/" if folder and not rel.endswith("/") else rel


def uses_directory_urls(site_config: dict | None) -> bool:
    """Whether the site has directory URLs: the content root's mkdocs.yml
    ``use_directory_urls`` (a bool, checked on loading), true unless it says otherwise (as in
    MkDocs)."""
    return (site_config or {}).get("use_directory_urls") is not False


# Where the site puts each kind of page. The site writer, the templates, the self-test and the
# handbooks' QR codes all ask here, so a printed QR code can never point where no page is.


def rule_page(n: int) -> str:
    return f"rules/r{n}.md"


def case_page(case_id: str) -> str:
    return f"cases/{case_id}.md"


def story_page(story_id: str) -> str:
    return f"stories/{story_id}.md"


def risk_page(department_slug: str) -> str:
    return f"risks/{department_slug}.md"


def practice_page(n: int) -> str:
    return f"quiz/r{n}.md"


def cases_facet_page(facet: str) -> str:
    """cases/by-rule.md, by-category, by-department, by-year."""
    return f"cases/by-{facet}.md"


def rule_anchor(n: int) -> str:
    """The anchor of rule n's group on cases/by-rule.md."""
    return f"rule-{n}"


def absolute_url(base: str, path: str, anchor: str = "", directory_urls: bool = True) -> str:
    """The published address of a page: ``base`` (hospital site_url) + its URL."""
    url = page_url(path, directory_urls)
    return base.rstrip("/") + "/" + url + (f"#{anchor}" if anchor else "")


def published_url(corpus: Corpus, path: str, anchor: str = "") -> str:
    """The published address of a page of ``corpus``'s site (QR codes, handbooks, decks, review
    plans): its hospital's site_url and the URLs its mkdocs.yml chooses."""
    directory_urls = uses_directory_urls(corpus.site_config)
    return absolute_url(corpus.hospital.site_url, path, anchor, directory_urls)


def practice_set_page() -> str:
    """The self-test page that practises a set chosen in its URL (``?rules=3,5`` or ``?ids=…``)."""
    return "quiz/practice.md"


def practice_set_url(base: str, rules=(), ids=(), directory_urls: bool = True) -> str:
    """The published address of a practice set: rules and/or question ids in the query."""
    from urllib.parse import quote

    query = []
    if rules:
        query.append("rules=" + ",".join(str(n) for n in rules))
    if ids:
        query.append("ids=" + ",".join(quote(i, safe="-_") for i in ids))
    url = absolute_url(base, practice_set_page(), directory_urls=directory_urls)
    return url + ("?" + "&".join(query) if query else "")

"""A link checker for built sites: every relative link of every page must name a file."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.search_helpers import call_data

# href/src and the self-test's data-src/data-home (HTML-escaped, so quotes inside are &quot;)
_ATTR = re.compile(r'\s(href|src|data-src|data-home|data-rules)="([^"]*)"')


def page_links(text: str) -> list[str]:
    """The relative links of one page (anchors, queries and external addresses left out)."""
    found = []
    for name, value in _ATTR.findall(text):
        value = unescape(value)
        if name == "data-rules":  # {"1": "../rules/r1/", …}
            found += re.findall(r':"([^"]*)"', value)
            continue
        found.append(value)
    out = []
    for link in found:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or link.startswith(("/", "#")) or not parts.path:
            continue
        out.append(unquote(parts.path))
    return out


def broken_links(site: Path, folders_serve_index: bool) -> tuple[list[str], int]:
    """(``page: link`` for every relative link that names no file, number of links checked).

    ``folders_serve_index``: a link to a folder counts when the folder has an index.html (a web
    server serves it); without it (pages opened from disk) a link must name the file itself.
    404.html is left out: MkDocs writes it with links from the published root."""
    broken, checked = [], 0
    for html in sorted(site.rglob("*.html")):
        if html.name == "404.html" and html.parent == site:
            continue
        for link in page_links(html.read_text(encoding="utf-8")):
            target = html.parent / link
            if folders_serve_index and (link.endswith("/") or target.is_dir()):
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{html.relative_to(site).as_posix()}: {link}")
    return broken, checked


def names_file(site: Path, url: str, folders_serve_index: bool) -> bool:
    """Whether a URL relative to the site root (as the search index holds them) names a file."""
    target = site / url
    if folders_serve_index and (not url or url.endswith("/")):
        target = target / "index.html"
    return target.is_file()


def search_urls(site: Path) -> list[str]:
    """Every page address the search index hands the browser: the search page, the rules' pages,
    the self-test, and the address of every indexed page."""
    meta = call_data(site / "search" / "meta.js")
    urls = [meta["page"], *(rule[0] for rule in meta["rules"])]
    urls += [meta["quiz"]] if "quiz" in meta else []
    for chunk in sorted((site / "search" / "c").glob("*.js")):
        urls.append(call_data(chunk)["u"])
    return urls

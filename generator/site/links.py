"""Relative links between pages of the generated tree, so the site works from any sub-path."""

from __future__ import annotations

import posixpath


def md_link(here: str, target: str) -> str:
    """A link MkDocs resolves: from docs-relative ``here`` to docs-relative ``target`` (.md)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


def page_url(path: str) -> str:
    """The directory URL MkDocs gives a page (``use_directory_urls``), relative to the site root."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def html_url(here: str, target: str) -> str:
    """A link for raw HTML, which MkDocs does not rewrite: final URL relative to ``here``'s URL."""
    here_url, target_url = page_url(here), page_url(target)
    rel = posixpath.relpath(target_url or ".", here_url.rstrip("/") or ".")
    if rel == ".":
        return "./"
    return rel + "/" if target_url.endswith("/") and not rel.endswith("/") else rel

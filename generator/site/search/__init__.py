"""Our own site search: a Chinese bigram index built from the built site's text.

Engine-independent (DESIGN.md "Search"): after MkDocs or Zensical has written the HTML, the
article text of every page is split into blocks (title, headings, paragraphs, table rows) and
chunks of a few thousand characters, and indexed by token — every Han character (unigram), every
pair of adjacent Han characters (bigram) and every Latin/digit word. Postings record, per chunk,
whether the token occurs in the title, a heading, the body or (rule pages) the rule's own
keywords. The browser (``assets/search.js``) loads only the shards its query's tokens hash to,
intersects them, and verifies each candidate against the chunk's stored text before showing it,
so results are exact. Everything is written as JavaScript loaded by ``<script>`` (JSONP-style) so
search works from file:// with zero requests.
"""

from __future__ import annotations

from .index import IndexCache, IndexStats, PageEntry, build_index

__all__ = ["IndexCache", "IndexStats", "PageEntry", "build_index"]

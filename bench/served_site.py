"""A built site served on 127.0.0.1 for the benchmarks that run its search in Chromium
(``site_build.py``, ``search_phrases.py``), and what one query costs a reader there."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _QuietHandler


@contextlib.contextmanager
def served(site: Path) -> Iterator[str]:
    """Serve ``site`` while the block runs; yields its base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def index_bytes(site: Path, base: str, requested: list[str]) -> int:
    """Bytes of the search index files among the ``requested`` URLs (of the site at ``base``)."""
    files = [u[len(base) :] for u in requested if "/search/" in u]
    return sum((site / f).stat().st_size for f in files)


@contextlib.contextmanager
def searched(site: Path) -> Iterator[tuple[str, object, Callable[[str], tuple[list[str], int]]]]:
    """``site`` served and Chromium running while the block runs; yields (base URL, browser,
    ``ask``): ``ask(q)`` runs query ``q`` for its first 10 results on a fresh start page and
    returns (their URLs, unquoted; the bytes it cost: search.js and the index files, meta.js
    included)."""
    from playwright.sync_api import sync_playwright

    script = (site / "assets" / "search.js").stat().st_size
    with served(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))

        def ask(q: str) -> tuple[list[str], int]:
            requested.clear()
            page.goto(base)  # a fresh page per query (meta.js counted): what one query costs
            got = page.evaluate(
                "async (q) => (await new qlSearch.Query(q).more(10)).map((r) => r.url)", q
            )
            return [unquote(u) for u in got], script + index_bytes(site, base, requested)

        try:
            yield base, browser, ask
        finally:
            browser.close()

"""A built site served on 127.0.0.1 for the benchmarks that run its search in Chromium
(``site_build.py``, ``search_phrases.py``), and the bytes of search index one query fetched."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import _QuietHandler


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

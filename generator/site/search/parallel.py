"""Index pages in a second process while the site engine is still rendering the others.

The engine hands every page's HTML over as it writes it (``IndexWorker.page``); the worker cuts
it into chunks and tokens at once (``page_chunks``, most of the index's work), and numbers and
writes the index when the site is complete (``IndexWorker.finish``) — the very files
``build_index`` writes on its own. On a machine with a second core the index then costs the
build little more than its last step. If the worker fails in any way, ``finish`` returns None
and the caller builds the index in its own process as before.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from .index import IndexStats, PageEntry, build_index, extract_blocks, html_path, page_chunks


class IndexWorker:
    def __init__(self, pages: list[PageEntry], directory_urls: bool):
        context = multiprocessing.get_context("spawn")  # no state shared with the parent
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_work, args=(child, pages, directory_urls), daemon=True, name="qinglian-index"
        )
        self.process.start()
        child.close()
        self.broken = False

    def page(self, file: str, html: str) -> None:
        """A built page: ``file`` its path in the site (``cases/x/index.html``)."""
        if not self.broken:
            try:
                self.conn.send(("page", file, html))
            except (OSError, ValueError):
                self.broken = True

    def finish(self, site_dir: Path, meta: dict | None) -> IndexStats | None:
        """Write the index into the finished ``site_dir``; None if the worker could not."""
        result = None
        if not self.broken:
            try:
                self.conn.send(("index", str(site_dir), meta))
                kind, value = self.conn.recv()
                result = value if kind == "ok" else None
            except (OSError, EOFError, ValueError):
                result = None
        self.stop()
        return result

    def stop(self) -> None:
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _work(conn, pages: list[PageEntry], directory_urls: bool) -> None:
    entries = {}
    for entry in pages:
        file, url = html_path(entry.source, directory_urls)
        entries[file] = (entry, url)
    prepared: dict[str, tuple] = {}
    try:
        while True:
            message = conn.recv()
            if message[0] == "page":
                _, file, html = message
                found = entries.get(file)
                if found is not None:
                    entry, url = found
                    prepared[file] = page_chunks(entry, url, extract_blocks(html))
            elif message[0] == "index":
                _, site_dir, meta = message
                try:
                    stats = build_index(Path(site_dir), pages, directory_urls, meta, None, prepared)
                except Exception as exc:  # the parent builds the index itself
                    conn.send(("error", repr(exc)))
                else:
                    conn.send(("ok", stats))
                return
    except EOFError:  # the parent stopped (a failed build)
        return
    finally:
        conn.close()

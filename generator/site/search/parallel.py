"""Index pages in a second process while the site engine is still rendering the others.

The engine hands every page's HTML over as it writes it (``IndexWorker.page``); the worker cuts
it into chunks and tokens at once (``page_chunks``, most of the index's work), and numbers and
writes the index when the site is complete (``IndexWorker.finish``) — the very files
``build_index`` writes on its own. On a machine with a second core the index then costs the
build little more than its last step. If the worker fails in any way, ``finish`` returns None
and the caller builds the index in its own process as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from .index import IndexStats, PageEntry, build_index, extract_blocks, html_path, page_chunks

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding generator/
_START = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from generator.site.search.parallel import main; main()"
)


def start_worker(pages: list[PageEntry], directory_urls: bool) -> IndexWorker | None:
    """An index worker, or None where a second process cannot be started."""
    try:
        return IndexWorker(pages, directory_urls)
    except (OSError, ValueError, NotImplementedError):
        return None


class IndexWorker:
    def __init__(self, pages: list[PageEntry], directory_urls: bool):
        # A fresh interpreter running this module (not multiprocessing's spawn, which would run
        # the caller's main script again in the worker), from the package this process runs —
        # never from the working directory (a content root may hold a copy of generator/).
        from_parent, to_worker = os.pipe()  # (read end, write end)
        from_worker, to_parent = os.pipe()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-P",
                "-c",
                _START.format(root=_ROOT),
                str(from_parent),
                str(to_parent),
            ],
            pass_fds=(from_parent, to_parent),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a failing worker is replaced, never shown (no tracebacks)
        )
        os.close(from_parent)
        os.close(to_parent)
        self.send = Connection(to_worker, readable=False)
        self.receive = Connection(from_worker, writable=False)
        self.broken = False
        self.page("", "")  # nothing: checks the pipe
        if not self.broken:
            try:
                self.send.send(("start", pages, directory_urls))
            except (OSError, ValueError):
                self.broken = True

    def page(self, file: str, html: str) -> None:
        """A built page: ``file`` its path in the site (``cases/x/index.html``)."""
        if not self.broken:
            try:
                self.send.send(("page", file, html))
            except (OSError, ValueError):
                self.broken = True

    def finish(self, site_dir: Path, meta: dict | None) -> IndexStats | None:
        """Write the index into the finished ``site_dir``; None if the worker could not."""
        result = None
        if not self.broken:
            try:
                self.send.send(("index", str(site_dir), meta))
                kind, value = self.receive.recv()
                result = value if kind == "ok" else None
            except (OSError, EOFError, ValueError):
                result = None
        self.stop()
        return result

    def stop(self) -> None:
        self.send.close()
        self.receive.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _work(receive: Connection, send: Connection) -> None:
    entries: dict[str, tuple[PageEntry, str]] = {}
    prepared: dict[str, tuple] = {}
    pages: list[PageEntry] = []
    directory_urls = True
    try:
        while True:
            message = receive.recv()
            if message[0] == "start":
                _, pages, directory_urls = message
                for entry in pages:
                    file, url = html_path(entry.source, directory_urls)
                    entries[file] = (entry, url)
            elif message[0] == "page":
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
                    send.send(("error", repr(exc)))
                else:
                    send.send(("ok", stats))
                return
    except (EOFError, OSError):  # the parent stopped (a failed build)
        return
    finally:
        receive.close()
        send.close()


def main() -> None:
    """The worker process: ``python -c … FD_IN FD_OUT`` (see ``IndexWorker``)."""
    receive = Connection(int(sys.argv[1]), writable=False)
    _work(receive, Connection(int(sys.argv[2]), readable=False))

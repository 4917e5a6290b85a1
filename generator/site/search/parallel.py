"""Index pages in a second process while the site engine is still rendering the others.

The engine hands every page's HTML over as it writes it (``IndexWorker.page``); the worker cuts
it into chunks and tokens, numbers it and writes its chunk files at once (``IndexWriter.add``:
the engine writes pages in the order they are numbered in) into a folder of its own, and writes
the shards and ``meta.js`` when the site is complete (``IndexWorker.finish``), then moves the
index into the site — the very files ``build_index`` writes on its own. On a machine with a
second core the index then costs the build little more than its shards. If the worker fails in
any way, ``finish`` returns None and the caller builds the index in its own process as before.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from contextlib import suppress
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from .index import (
    IndexStats,
    IndexWriter,
    PageEntry,
    chunks_from_site,
    extract_blocks,
    page_chunks,
)

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding generator/
_START = (
    "import sys; sys.path.insert(0, {root!r}); "
    "from generator.site.search.parallel import main; main()"
)


def start_worker(pages: list[PageEntry], directory_urls: bool, scratch: Path) -> IndexWorker | None:
    """An index worker writing into ``scratch`` (a new folder on the site's file system) until
    ``finish``; None where a second process cannot be started."""
    try:
        return IndexWorker(pages, directory_urls, scratch)
    except (OSError, ValueError, NotImplementedError):
        return None


class IndexWorker:
    def __init__(self, pages: list[PageEntry], directory_urls: bool, scratch: Path):
        # A fresh interpreter running this module (not multiprocessing's spawn, which would run
        # the caller's main script again in the worker), from the package this process runs —
        # never from the working directory (a content root may hold a copy of generator/).
        from_parent, to_worker = os.pipe()  # (read end, write end)
        # room for many pages, so that rendering seldom waits for the worker (Linux)
        with suppress(AttributeError, OSError):
            fcntl.fcntl(to_worker, fcntl.F_SETPIPE_SZ, 1 << 20)
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
                self.send.send(("start", pages, directory_urls, str(scratch)))
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
        """Complete the index and move it into the finished ``site_dir`` (``search/``); None if
        the worker could not (then nothing of it is in ``site_dir``)."""
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
    index: IndexWriter | None = None
    entries: dict[str, tuple[PageEntry, str]] = {}
    failed = None  # what went wrong while pages came (reported at "index")
    try:
        while True:
            message = receive.recv()
            if message[0] == "start":
                _, pages, directory_urls, scratch = message
                try:
                    index = IndexWriter(Path(scratch), pages, directory_urls)
                except Exception as exc:
                    failed = exc
                    continue
                entries = {file: (entry, url) for entry, file, url in index.queue}
            elif message[0] == "page" and failed is None:
                _, file, html = message
                found = entries.get(file)
                if found is not None:
                    entry, url = found
                    assert index is not None  # entries come from the index that "start" made
                    try:
                        index.add(file, page_chunks(entry, url, extract_blocks(html)))
                    except Exception as exc:
                        failed = exc
            elif message[0] == "index":
                _, site_dir, meta = message
                try:
                    if failed is not None:
                        raise failed
                    if index is None:
                        raise RuntimeError("index requested before start")
                    stats = index.finish(partial(chunks_from_site, Path(site_dir), None), meta)
                    _move_into(index.out, Path(site_dir) / "search")
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


def _move_into(scratch: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in ("c", "i", "meta.js"):
        if (target / name).exists():
            raise FileExistsError(target / name)
    for name in ("c", "i", "meta.js"):
        os.replace(scratch / name, target / name)


def main() -> None:
    """The worker process: ``python -c … FD_IN FD_OUT`` (see ``IndexWorker``)."""
    receive = Connection(int(sys.argv[1]), writable=False)
    _work(receive, Connection(int(sys.argv[2]), readable=False))

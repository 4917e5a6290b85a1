"""Every second page's Markdown converted in a forked process while this one converts the rest.

MkDocs reads and converts the Markdown of every page (``_populate_page``) one after the other
before it writes any; the search index worker (``search/parallel.py``) waits for written pages,
so during that stage the second core is idle. In ``qinglian build`` (in process only, like
``speedups.py``; never named in the generated config) the first page MkDocs populates forks a
child, which populates every second page the way MkDocs does and sends back what
``Page.render`` left on each (the HTML, its table of contents, the title, the anchors, the
links to anchors, and what it logged). This process populates the other pages; for the
child's it runs every plugin event itself and only takes the rendering from the child.

The site is byte for byte the one a single process writes (tests/test_site_speed.py). If the
child fails in any way — an error on one of its pages, a lost pipe — this process renders the
rest of the child's pages itself, so an error in a page is reported as MkDocs reports it.
Used only where forking is safe (a POSIX system, no other thread in the process) and with
plugins known not to depend on the order pages are read in.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection

# Plugins whose page events give the same result whichever pages this process populated before.
KNOWN_PLUGINS = frozenset(["material/tags", "tags", "qinglian-speedups"])


def can_fork(config) -> bool:
    return (
        hasattr(os, "fork")
        and threading.active_count() == 1
        and set(config.plugins) <= KNOWN_PLUGINS
    )


class _Records(logging.Handler):
    """What a page's rendering logged (in the child), to be logged again in the parent."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _rendered(page) -> tuple:
    links = getattr(page, "links_to_anchors", None)
    if links is not None:
        links = {file.src_uri: anchors for file, anchors in links.items()}
    return (
        page.content,
        page.toc,
        page._title_from_render,
        page.present_anchor_ids,
        "links_to_anchors" in vars(page),
        links,
    )


class _Split:
    def __init__(self, populate, stats: dict[str, int]):
        self.populate_one = populate  # MkDocs' _populate_page
        self.stats = stats
        self.started = False
        self.theirs: set[str] = set()  # src_uri of the pages the child renders
        self.pid = 0
        self.receive: Connection | None = None
        self.pending = 0  # child's pages not taken yet

    # -- in this process -------------------------------------------------------------------
    def populate(self, page, config, files, dirty: bool = False) -> None:
        if not self.started:
            self.started = True
            self._fork(config, files, dirty)
        if self.receive is None or page.file.src_uri not in self.theirs:
            return self.populate_one(page, config, files, dirty)
        page.render = lambda config, files: self._take(page, config, files)
        try:
            return self.populate_one(page, config, files, dirty)
        finally:
            del page.render

    def _fork(self, config, files, dirty: bool) -> None:
        from mkdocs.structure.files import InclusionLevel

        pages = list(files.documentation_pages(inclusion=InclusionLevel.is_included))
        theirs = pages[1::2]
        if not theirs:
            return
        try:
            read, write = os.pipe()
        except OSError:  # (out of file descriptors) every page is rendered here
            return
        # room for a few pages' HTML, so that the child seldom waits for this process
        with suppress(AttributeError, OSError):
            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            pid = os.fork()
        except OSError:  # (no memory or processes left) every page is rendered here
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: never returns
            code = 0
            try:
                os.close(read)
                self._child(Connection(write, readable=False), theirs, config, files, dirty)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.receive = pid, Connection(read, writable=False)
        self.theirs = {f.src_uri for f in theirs}
        self.pending = len(theirs)

    def _take(self, page, config, files) -> None:
        """``page.render``, from the child's message for it (or done here, if there is none)."""
        message = None
        self.pending -= 1
        with suppress(EOFError, OSError):
            message = self.receive.recv()
        if not message or message[0] != "page" or message[1] != page.file.src_uri:
            self._give_up()
            type(page).render(page, config, files)
            self.stats["here"] += 1
            return
        _, _, content, toc, title, anchors, has_links, links, records = message
        page.content, page.toc, page._title_from_render = content, toc, title
        page.present_anchor_ids = anchors
        if has_links:
            page.links_to_anchors = {
                files.get_file_from_path(uri): found for uri, found in (links or {}).items()
            }
        for name, level, text in records:
            logging.getLogger(name).log(level, text)
        self.stats["forked"] += 1

    def _give_up(self) -> None:
        """Stop using the child: this process renders the rest of its pages."""
        self.stats["here"] += self.pending
        self.theirs = set()
        self.close()

    def close(self) -> None:
        if self.receive is not None:
            self.receive.close()
            self.receive = None
        if self.pid:
            if self.pending:  # this process stopped early, or gave up on the child
                with suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0

    # -- in the child ----------------------------------------------------------------------
    def _child(self, send: Connection, theirs, config, files, dirty: bool) -> None:
        from mkdocs.structure.pages import Page

        logger = logging.getLogger("mkdocs")
        records = _Records()
        logger.addHandler(records)
        for file in theirs:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)  # as MkDocs' loop does
            page = file.page
            done: list[tuple] = []

            def render(config, files, page=page, done=done):
                records.records = []
                type(page).render(page, config, files)
                done.append(_rendered(page) + (records.records,))

            page.render = render
            try:
                self.populate_one(page, config, files, dirty)
            except Exception:
                send.send(("error", file.src_uri))
                return
            if not done:  # the page was not rendered (it is not for the parent either)
                send.send(("error", file.src_uri))
                return
            send.send(("page", file.src_uri, *done[0]))
        send.close()


@contextmanager
def forked_population(config, stats: dict[str, int] | None = None):
    """While MkDocs builds (``config``), every second page's Markdown converted in a child.

    ``stats`` counts pages rendered by the child (``"forked"``) and, after a failure of the
    child, here (``"here"``).
    """
    import mkdocs.commands.build as build

    stats = {} if stats is None else stats
    stats.setdefault("forked", 0)
    stats.setdefault("here", 0)
    if not can_fork(config):
        yield stats
        return
    original = build._populate_page
    split = _Split(original, stats)
    build._populate_page = split.populate
    try:
        yield stats
    finally:
        build._populate_page = original
        split.close()

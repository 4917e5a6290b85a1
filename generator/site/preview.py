"""``qinglian serve``: the editor's preview, MkDocs' live-reload server on a generated tree.

Nothing is handed to MkDocs through our plugin (``plugin.py``) here: a watcher thread of ours
polls the source folders, reloads the sources (parsing again only the files that changed) and
regenerates the tree in place, writing only the pages whose text changed (the edited case and
the index pages that list it). MkDocs' own watcher sees those files change and rebuilds in
``dirty`` mode — only the changed pages are rendered again — and a hook rebuilds our search index
afterwards, in the background.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import ValidationError
from ..model.corpus import Corpus
from ..sources.loader import SourceCache
from .config import directory_urls, site_config, write_config
from .engine import index_site, located_warning, mkdocs_warnings_to
from .search import IndexCache
from .tree import TreeWriter, site_logo, write_tree

SOURCE_DIRS = ("content", "cases", "quizzes", "site_config")
POLL_SECONDS = 0.3

_current: Preview | None = None  # the running preview, for the hook below


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook (named in the generated config): index the freshly built preview.

    In the background, so the edited page shows at once; search catches up a moment later.
    """
    if _current is not None:
        site = Path(config.site_dir)
        threading.Thread(target=_current.index, args=(site,), daemon=True).start()


def _snapshot(root: Path) -> dict[Path, int]:
    seen = {}
    for name in SOURCE_DIRS:
        for path in (root / name).rglob("*"):
            if path.is_file():
                seen[path] = path.stat().st_mtime_ns
    return seen


class Preview:
    def __init__(self, root: Path, work: Path, on_problems: Callable[[ValidationError], None]):
        self.root, self.work, self.on_problems = root, work, on_problems
        self.docs = work / "docs"
        self.corpus: Corpus | None = None
        self.writer: TreeWriter | None = None
        self.cache = SourceCache()
        self.seen = _snapshot(root)
        self.stop = threading.Event()
        self.indexing = threading.Lock()
        self.index_cache = IndexCache()
        self.site_dir: Path | None = None  # the served site, once built
        self.directory_urls = True  # use_directory_urls, as the first load of mkdocs.yml said

    def regenerate(self, strict: bool = False) -> bool:
        """Load the sources and bring ``docs/`` up to date; False (tree kept) on problems.

        ``strict``: raise the ValidationError instead (before the server starts).
        """
        from ..sources.loader import load_corpus

        try:
            corpus = load_corpus(self.root, self.cache)
        except ValidationError as exc:
            if strict:
                raise
            self.on_problems(exc)
            return False
        if self.writer is None:
            shutil.rmtree(self.docs, ignore_errors=True)
            # (the served config is written once, at the start: its addresses stay)
            self.directory_urls = directory_urls(corpus)
        writer = write_tree(
            corpus, self.docs, previous=self.writer, directory_urls=self.directory_urls
        )
        self.corpus, self.writer = corpus, writer
        return True

    def index(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        with self.indexing:
            if self.corpus is not None and self.writer is not None:
                index_site(self.corpus, site_dir, self.writer, self.index_cache)

    def watch(self) -> None:
        while not self.stop.wait(POLL_SECONDS):
            now = _snapshot(self.root)
            if now != self.seen:
                self.seen = now
                self.index_cache.cancel = True  # the index being built is out of date anyway
                fresh = self.regenerate()
                if self.site_dir and not (fresh and self.writer and self.writer.changed):
                    # no page changed, so no rebuild follows: finish the stopped index now
                    threading.Thread(target=self.index, args=(self.site_dir,), daemon=True).start()


class _Warnings(logging.Handler):
    """MkDocs' warnings during the preview, each passed on as it comes (located)."""

    def __init__(self, preview: Preview, on_warning: Callable[[str], None]):
        super().__init__(logging.WARNING)
        self.preview, self.on_warning = preview, on_warning

    def emit(self, record: logging.LogRecord) -> None:
        sources = self.preview.writer.sources if self.preview.writer else {}
        self.on_warning(located_warning(record.getMessage(), sources))


def preview_config(corpus: Corpus, work: Path) -> Path:
    """The generated config for the preview in ``work``: the site's, served at the root, with
    our hook added to the content root's hooks (which stay)."""
    config = site_config(corpus, site_logo(corpus))
    hook = work / "hooks.py"
    hook.write_text(
        "from generator.site.preview import on_post_build  # noqa: F401\n", encoding="utf-8"
    )
    config["hooks"] = [*(config.get("hooks") or []), str(hook)]
    config["site_url"] = None  # served at http://ADDR/, not under the intranet sub-path
    return write_config(config, work / "mkdocs.yml")


def serve(
    root: Path,
    addr: str,
    on_problems: Callable[[ValidationError], None],
    on_warning: Callable[[str], None] = print,
) -> None:
    """Serve the preview on ``addr`` until interrupted; raises OSError if the port is taken.

    ``on_problems`` receives the sources' problems after a save, ``on_warning`` each of MkDocs'
    warnings (a link to no page…), pointed at the source file where it is about one."""
    global _current
    from mkdocs.commands.serve import serve as mkdocs_serve

    with tempfile.TemporaryDirectory(prefix="qinglian-preview-") as scratch:
        work = Path(scratch)
        preview = Preview(root, work, on_problems)
        preview.regenerate(strict=True)
        assert preview.corpus is not None  # (strict: raised otherwise)
        config_file = preview_config(preview.corpus, work)
        _current = preview
        watcher = threading.Thread(target=preview.watch, daemon=True)
        watcher.start()
        try:
            with mkdocs_warnings_to(_Warnings(preview, on_warning)):
                mkdocs_serve(
                    config_file=str(config_file),
                    dev_addr=addr,
                    livereload=True,
                    build_type="dirty",
                )
        finally:
            preview.stop.set()
            _current = None

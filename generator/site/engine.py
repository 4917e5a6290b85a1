"""Build the site: generated tree + generated config → MkDocs or Zensical → our search index.

Everything happens in a work folder inside the build's temporary folder (``site_dir``'s parent):
``docs/`` (the Markdown tree), ``mkdocs.yml`` (the generated config) and ``site/``, which is moved
to ``site_dir`` when the engine is done. The content root is never written to.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, ConfigError
from ..model.corpus import Corpus
from .config import directory_urls, site_config, write_config
from .search import IndexCache, IndexStats, build_index
from .search.index import indexed_part
from .search.pages import search_meta, search_pages
from .tree import SiteExtras, TreeWriter, site_logo, write_tree

ENGINES = ("mkdocs", "zensical")


@dataclass
class SiteReport:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    index: IndexStats | None = None
    engine: str = "mkdocs"
    parallel_index: bool = False  # the index was built by the worker, beside MkDocs


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def mkdocs_warnings_to(handler: logging.Handler):
    """MkDocs' warnings to ``handler`` instead of to stderr in English, unexplained; its
    messages below warnings (the server's address, "Building documentation…") left out."""
    logger = logging.getLogger("mkdocs")
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


@contextmanager
def quiet_mkdocs():
    """Collect MkDocs' warnings (the list yielded) instead of letting them reach stderr."""
    handler = _Collect()
    with mkdocs_warnings_to(handler):
        yield handler.messages


def prepare(
    corpus: Corpus,
    work: Path,
    extras: SiteExtras | None = None,
    *,
    engine: str = "mkdocs",
    pages: bool = False,
) -> tuple[TreeWriter, Path]:
    """Write ``work/docs`` and ``work/mkdocs.yml``; return the tree writer and the config path.

    ``pages``: keep the Markdown pages in memory (``writer.pages``), for ``run_mkdocs`` to
    hand MkDocs directly — writing a thousand small files is a good part of a build on a slow
    disk. Without it (Zensical, ``mkdocs build -f``) every page is written into ``docs``.
    The tree's links and the config follow the content root's ``use_directory_urls``.
    """
    docs = work / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    writer = write_tree(
        corpus,
        docs,
        extras,
        pages_in_memory=pages,
        engine=engine,
        directory_urls=directory_urls(corpus),
    )
    bank = docs / "quiz" / "questions.json"
    if bank.exists():  # the same data for pages opened from disk, where fetch is not allowed
        data = bank.read_text(encoding="utf-8")
        (docs / "quiz" / "questions.js").write_text(f"window.__qlQuestionBank = {data};\n", "utf-8")
    config = site_config(corpus, site_logo(corpus), engine=engine)
    return writer, write_config(config, work / "mkdocs.yml")


def run_mkdocs(
    config_file: Path,
    feed: Callable[[str, str], None] | None = None,
    pages: dict[str, str] | None = None,
) -> list[str]:
    """Build with MkDocs in this process; return its warnings.

    Through our plugin (``plugin.py``, named in the generated config): ``pages``, the tree's
    Markdown pages kept in memory (``prepare(pages=True)``), are handed to MkDocs as files;
    ``feed(file, html)`` receives every page MkDocs writes.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .plugin import NAME, QinglianPlugin

    with quiet_mkdocs() as warnings:
        try:
            config = load_config(config_file=str(config_file))
            plugin = config.plugins.get(NAME)
            if isinstance(plugin, QinglianPlugin):
                plugin.pages, plugin.feed = pages, feed
            elif pages or feed:
                raise BuildError(f"{config_file}: 生成的站点配置缺少 {NAME} 插件")
            mkdocs_build(config)
        except MkDocsException as exc:  # what MkDocs logged before giving up says why
            said = "".join(f"\n  {w}" for w in warnings)
            raise BuildError(f"MkDocs 构建站点失败：{exc}{said}") from exc
    return list(warnings)


def run_zensical(config_file: Path) -> list[str]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config_file)],
            cwd=config_file.parent,
            capture_output=True,
            text=True,
        )
    except OSError as exc:
        raise BuildError(f"无法运行 Zensical：{exc}") from None
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or "No module named zensical" in output:
        tail = "\n".join(output.splitlines()[-8:])
        raise BuildError(f"Zensical 构建站点失败（退出码 {done.returncode}）：\n{tail}")
    return [line for line in output.splitlines() if "warning" in line.lower()]


def located_warning(message: str, sources: dict[str, str]) -> str:
    """An engine warning about a generated page, pointed at the source file an editor opens.

    MkDocs names the page of the generated tree (``Doc file 'rules/r1.md' …``); the editor's
    file is ``content/rules/r1.md``. Warnings about generated index pages stay as they are.
    """
    for page, source in sources.items():
        quoted = f"'{page}'"
        if quoted in message:
            shown = message.replace(quoted, f"'{source}'")
            return f"{source}：{shown}（生成的页面 {page}）"
    return message


def index_site(
    corpus: Corpus,
    site_dir: Path,
    writer: TreeWriter,
    cache: IndexCache | None = None,
) -> IndexStats:
    """The search index of a built site, at the URLs the writer's tree has."""
    return build_index(
        site_dir,
        search_pages(corpus, writer.written, writer.unsearched),
        writer.directory_urls,
        search_meta(corpus, writer.directory_urls, bool(corpus.public_questions)),
        cache,
    )


def build_site(
    corpus: Corpus,
    site_dir: Path,
    extras: SiteExtras | None = None,
    *,
    engine: str = "mkdocs",
    parallel: bool = True,
) -> SiteReport:
    """Build the static site into ``site_dir`` (which must not exist yet), with the addresses
    the content root's mkdocs.yml chooses (``use_directory_urls``).

    ``parallel``: index the pages for search in a second process while MkDocs renders them.
    """
    if engine not in ENGINES:
        raise ConfigError(f"未知的站点引擎 {engine}（可选：{'、'.join(ENGINES)}）")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    in_process = engine == "mkdocs"
    with tempfile.TemporaryDirectory(prefix=".site-", dir=site_dir.parent) as scratch:
        work = Path(scratch)
        writer, config_file = prepare(corpus, work, extras, engine=engine, pages=in_process)
        urls = writer.directory_urls
        pages = search_pages(corpus, writer.written, writer.unsearched)
        meta = search_meta(corpus, urls, bool(corpus.public_questions))
        worker = None
        if in_process and parallel:
            from .search.parallel import start_worker

            worker = start_worker(pages, urls, work / "index")
        fed = [0]

        def feed(file: str, html: str) -> None:
            fed[0] += 1
            if worker is not None:
                worker.page(file, indexed_part(html))

        try:
            if in_process:
                found = run_mkdocs(config_file, feed=feed, pages=writer.pages)
            else:
                found = run_zensical(config_file)
        except BaseException:
            if worker:
                worker.stop()
            raise
        warnings = [located_warning(w, writer.sources) for w in found]
        report = SiteReport(warnings=warnings, engine=engine)
        if engine == "zensical":  # the index of its own search, switched off
            (work / "site" / "search.json").unlink(missing_ok=True)
        shutil.move(str(work / "site"), str(site_dir))
        if worker is not None:
            report.index = worker.finish(site_dir, meta)
            report.parallel_index = report.index is not None
    if in_process:  # every page MkDocs wrote went by (404.html, a theme template, did not)
        report.pages = fed[0]
    else:  # (a walk of the whole site opens every folder twice)
        report.pages = sum(1 for _ in site_dir.rglob("*.html")) - (site_dir / "404.html").exists()
    if report.index is None:
        report.index = build_index(site_dir, pages, urls, meta)
    return report

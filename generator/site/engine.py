"""Run MkDocs on a generated tree and collect what it warns about."""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..errors import BuildError, ConfigError
from ..model.corpus import Corpus
from .plugin import site_identity
from .search import IndexStats, build_index
from .search.pages import search_meta, search_pages
from .tree import SiteExtras, write_tree

DOCS_DIR = Path("build") / "docs"  # under the content root; mkdocs.yml's docs_dir says the same


@dataclass
class SiteReport:
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    index: IndexStats | None = None


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _quiet_mkdocs():
    """Collect MkDocs' warnings instead of letting them reach stderr in English, unexplained."""
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.WARNING)
    try:
        yield handler.messages
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def build_site(corpus: Corpus, site_dir: Path, docs_dir: Path, extras: SiteExtras) -> SiteReport:
    """Generate the Markdown tree into ``docs_dir`` and build the static site into ``site_dir``."""
    config_file = corpus.root / "mkdocs.yml"
    if not config_file.exists():
        raise ConfigError(f"{config_file}: 缺少站点配置文件 mkdocs.yml")
    shutil.rmtree(docs_dir, ignore_errors=True)
    docs_dir.mkdir(parents=True)
    writer = write_tree(corpus, docs_dir, extras)
    with _quiet_mkdocs() as warnings:
        try:
            config = load_config(
                config_file=str(config_file),
                docs_dir=str(docs_dir),
                site_dir=str(site_dir),
                **site_identity(corpus),
            )
            plugin = config.plugins.get("qinglian")
            if plugin is not None:  # hand over what is already loaded and written
                plugin.corpus, plugin.tree_ready = corpus, True
            mkdocs_build(config)
        except MkDocsException as exc:
            raise BuildError(f"MkDocs 构建站点失败：{exc}") from exc
    report = SiteReport(warnings=list(warnings))
    report.pages = sum(1 for _ in site_dir.rglob("index.html"))
    directory_urls = bool(config.use_directory_urls)
    report.index = build_index(
        site_dir,
        search_pages(corpus, writer.written, writer.unsearched),
        directory_urls,
        search_meta(corpus, directory_urls, bool(corpus.public_questions)),
    )
    return report

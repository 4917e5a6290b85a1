"""The ``qinglian`` MkDocs plugin (mkdocs.yml ``plugins:``), so plain ``mkdocs build``/``serve`` work too.

- on_config (before Material's search plugin reads the dictionary): resolve the jieba user
  dictionary against the content root (Material resolves it against the working directory); for a
  plain MkDocs run, load the Corpus and take the site name and footer from it.
- on_pre_build: for a plain MkDocs run, regenerate the Markdown tree (``qinglian build`` has
  already written it and hands the plugin its Corpus with ``tree_ready`` set).
- on_serve: watch the source folders so an edit rebuilds the preview.
- on_post_build: rewrite the search index as UTF-8.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import Abort
from mkdocs.plugins import BasePlugin, event_priority

from ..errors import ValidationError
from ..model.corpus import Corpus

log = logging.getLogger("mkdocs.plugins.qinglian")
SOURCE_DIRS = ("content", "cases", "quizzes", "site_config")


def site_identity(corpus: Corpus) -> dict[str, str]:
    """MkDocs config values that come from site_config/hospital.yml."""
    h = corpus.hospital
    return {
        "site_name": f"{h.short_name}清廉知识库",
        # Pages link relatively either way; site_url lets MkDocs write a 404 page that works at
        # the published sub-path, and canonical links for the intranet address.
        "site_url": h.site_url,
        "copyright": f"{h.name} · {h.issuer or h.name}编制 · 内部学习资料，注意保存",
    }


class QinglianPlugin(BasePlugin):
    """Regenerates the tree for plain MkDocs runs and post-processes the built site."""

    corpus: Corpus | None = None  # set by `qinglian build`; loaded here for plain MkDocs runs
    tree_ready = False  # `qinglian build` has written the tree already

    @staticmethod
    def _root(config) -> Path:
        return Path(config.config_file_path).resolve().parent

    @event_priority(100)
    def on_config(self, config):
        root = self._root(config)
        if self.corpus is None:
            from ..sources.loader import load_corpus

            try:
                self.corpus = load_corpus(root)
            except ValidationError as exc:
                for problem in exc.problems:
                    log.error(str(problem))
                raise Abort(f"源文件有 {len(exc.problems)} 个问题，未生成站点") from None
            for key, value in site_identity(self.corpus).items():
                config[key] = value
        from .tree import site_logo

        config.theme["logo"] = config.theme["favicon"] = site_logo(self.corpus)
        return config

    def on_pre_build(self, *, config):
        if self.tree_ready:
            return
        import tempfile

        from ..outputs import sync_folder
        from .tree import write_tree

        # Write into a scratch folder and copy over only what changed: rewriting the whole docs
        # folder would wake `mkdocs serve`'s watcher and rebuild forever.
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "docs"
            write_tree(self.corpus, fresh)
            sync_folder(fresh, Path(config.docs_dir))

    def on_serve(self, server, *, config, builder):
        root = self._root(config)
        for name in SOURCE_DIRS:
            if (root / name).is_dir():
                server.watch(str(root / name))
        return server

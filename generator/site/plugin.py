"""The ``qinglian`` MkDocs plugin: what our build hands MkDocs, through MkDocs' plugin events.

Named in every generated mkdocs.yml (``config.site_config``) and registered as an entry point
(``mkdocs.plugins`` in pyproject.toml), as Material's plugins are. Plain ``mkdocs build -f`` of a
generated config runs it too; with nothing handed to it, it changes nothing in the site.

- ``on_files``: the tree's Markdown pages kept in memory (``pages``, set by ``engine.run_mkdocs``)
  join the files MkDocs found in the docs folder, as ``File.generated`` files, in the order
  MkDocs gives the files it finds, so the site is the one built from the folder with the pages
  written into it — without writing a thousand small files first.
- ``on_post_page``: every page's HTML as MkDocs writes it goes to ``feed(file, html)`` (the search
  index worker beside MkDocs: ``search/parallel.py``).
- ``on_env``: Jinja's ``auto_reload`` as configured (default off: no template file changes during
  a build, so no check of its modification time on every include).
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority

NAME = "qinglian"


class QinglianConfig(base.Config):
    # Jinja checks every template file for changes on every include when on.
    auto_reload = c.Type(bool, default=False)


class QinglianPlugin(BasePlugin[QinglianConfig]):
    def __init__(self) -> None:
        self.pages: dict[str, str] | None = None  # docs-relative path → Markdown
        self.feed: Callable[[str, str], None] | None = None  # (dest_uri, html)

    @event_priority(100)  # before other plugins: they see the pages as if read from the folder
    def on_files(self, files, *, config):
        if self.pages:
            return add_pages(files, config, self.pages)
        return files

    def on_env(self, env, *, config, files):
        env.auto_reload = self.config.auto_reload
        return env

    @event_priority(-100)  # after other plugins: the HTML as it is written
    def on_post_page(self, output, *, page, config):
        if self.feed is not None:
            self.feed(page.file.dest_uri, output)
        return output


def add_pages(files, config, pages: dict[str, str]):
    """``files`` with ``pages`` (docs-relative path → Markdown) added as files in memory, in the
    place MkDocs gives files it finds in the docs folder (``get_files``: folder by folder as
    ``os.walk`` goes, each folder's index first; the theme's files after them)."""
    from mkdocs.structure.files import File, Files

    from .search.index import site_order

    added = [File.generated(config, path, content=text) for path, text in pages.items()]
    found = list(files)
    docs = [f for f in found if f.src_dir == config.docs_dir and f.src_uri not in pages]
    theme = [f for f in found if f.src_dir != config.docs_dir]
    return Files(sorted(docs + added, key=lambda f: site_order(f.src_uri)) + theme)

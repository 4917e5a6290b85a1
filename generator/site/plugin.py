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
- ``on_page_markdown`` / ``on_page_content``: the ready HTML our tree writer made of its generated
  tables (``fragments.py``, between ``HTML_START`` and ``HTML_END``) is set aside before
  Python-Markdown reads the page and put back into the HTML it made. Python-Markdown passes raw
  HTML through unchanged, but only after its HTML parser has read every tag of it — and a
  listing of a thousand cases has tens of thousands. Built without the plugin, the same blocks are
  raw HTML and come out the same.
- ``on_env``: Jinja's ``auto_reload`` as configured (default off: no template file changes during
  a build, so no check of its modification time on every include); and parts of Material's
  page template rendered once and reused where they are the same for many pages
  (``cache_navigation``, ``cache_blocks``, below).

Material renders the sidebar and the tabs for every page. For a page that is not in the
navigation (every case, story, risk…) nothing in them is marked active, so they differ only by
their relative links, which are the same for every page in sibling folders (``cases/a/``,
``cases/b/``). Likewise the ``styles``, ``config`` and ``scripts`` blocks of Material's
``base.html`` (stylesheets, the theme's settings and translations as JSON, scripts) depend on
the page only through ``base_url``, the relative way up to the site root: they are rendered once
per depth. Both go through Jinja's documented APIs: a ``ChoiceLoader`` puts small templates of
ours in front of the theme's — a one-line partial that includes the theme's own and keeps its
output per folder, and a ``main.html`` that extends the theme's and wraps each block's
``super()`` in a ``{% call %}`` that renders it only the first time per depth. Only where the
templates are Material's own: a ``custom_dir`` that overrides any of them (a template that may
depend on the page) switches that cache off, as do ``cache_navigation: false`` and
``cache_blocks: false``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority

NAME = "qinglian"
# Around a block of ready HTML in a generated page (HTML comments: raw HTML to any engine).
HTML_START = "<!-- qinglian:html -->"
HTML_END = "<!-- /qinglian:html -->"
# What stands in the Markdown for the n-th block: a paragraph of letters and digits, which no
# Markdown extension changes.
_TOKEN = "QINGLIANHTMLBLOCK{}X"
_TOKEN_PARAGRAPH = re.compile(r"<p>QINGLIANHTMLBLOCK(\d+)X</p>")


# Material's partials that depend on the page only through the active item and relative links,
# and the partials they include.
NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")
NAV_INCLUDED = ("partials/nav-item.html", "partials/tabs-item.html", "partials/logo.html")
# Blocks of Material's base.html that depend on the page only through ``base_url``, and the
# templates that must be Material's own for that to hold (icons.html: included by ``styles``).
DEPTH_BLOCKS = ("styles", "config", "scripts")
BLOCK_TEMPLATES = ("main.html", "base.html", "partials/icons.html")
_ORIGINAL = "qinglian-original"  # prefix of the theme's own templates, behind our wrappers


class QinglianConfig(base.Config):
    # Jinja checks every template file for changes on every include when on.
    auto_reload = c.Type(bool, default=False)
    # Material's sidebar and tabs rendered once per folder for pages outside the navigation.
    cache_navigation = c.Type(bool, default=True)
    # Material's styles, config and scripts blocks rendered once per page depth.
    cache_blocks = c.Type(bool, default=True)


class QinglianPlugin(BasePlugin[QinglianConfig]):
    def __init__(self) -> None:
        self.pages: dict[str, str] | None = None  # docs-relative path → Markdown
        self.feed: Callable[[str, str], None] | None = None  # (dest_uri, html)
        self.blocks: dict[str, list[str]] = {}  # src_uri → its HTML blocks, while it renders

    @event_priority(100)  # before other plugins: they see the pages as if read from the folder
    def on_files(self, files, *, config):
        if self.pages:
            return add_pages(files, config, self.pages)
        return files

    @event_priority(-100)  # after other plugins: they see the page as written
    def on_page_markdown(self, markdown, *, page, config, files):
        if HTML_START not in markdown:
            return markdown
        blocks: list[str] = []
        parts: list[str] = []
        pos = 0
        while (start := markdown.find(HTML_START, pos)) >= 0:
            end = markdown.find(HTML_END, start)
            if end < 0:
                break
            parts += [markdown[pos:start], f"\n\n{_TOKEN.format(len(blocks))}\n\n"]
            blocks.append(markdown[start + len(HTML_START) : end].strip("\n"))
            pos = end + len(HTML_END)
        self.blocks[page.file.src_uri] = blocks
        return "".join(parts) + markdown[pos:]

    @event_priority(100)  # before other plugins: they see the page's whole HTML
    def on_page_content(self, html, *, page, config, files):
        blocks = self.blocks.pop(page.file.src_uri, None)
        if not blocks:
            return html
        return _TOKEN_PARAGRAPH.sub(lambda m: blocks[int(m.group(1))], html)

    def on_env(self, env, *, config, files):
        env.auto_reload = self.config.auto_reload
        wrappers: dict[str, str] = {}
        if self.config.cache_navigation and _material_own(env, NAV_PARTIALS + NAV_INCLUDED):
            wrappers |= navigation_wrappers(env)
        if self.config.cache_blocks and _material_own(env, BLOCK_TEMPLATES):
            wrappers |= block_wrappers(env)
        if wrappers:
            _put_in_front(env, wrappers)
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


def _material_own(env, names) -> bool:
    """True if the templates ``names`` are Material's own (no ``custom_dir`` overrides them)."""
    from jinja2 import TemplateNotFound

    try:
        import material
    except ImportError:  # another theme
        return False
    home = Path(material.__file__).parent
    for name in names:
        try:
            _, filename, _ = env.loader.get_source(env, name)
        except TemplateNotFound:
            return False
        if not filename or not Path(filename).resolve().is_relative_to(home):
            return False
    return True


def _put_in_front(env, wrappers: dict[str, str]) -> None:
    """Templates ``wrappers`` (name → source) in front of the theme's; the theme's own stay
    reachable as ``qinglian-original/<name>``."""
    from jinja2 import ChoiceLoader, DictLoader, PrefixLoader

    original = env.loader
    env.loader = ChoiceLoader([DictLoader(wrappers), PrefixLoader({_ORIGINAL: original}), original])


def navigation_wrappers(env) -> dict[str, str]:
    """Wrappers for Material's navigation partials that render each once per key (``_key``)
    and reuse the output."""
    from jinja2 import pass_context
    from markupsafe import Markup

    rendered: dict[tuple, str] = {}
    state: dict = {}

    @pass_context
    def include_cached(context, name: str):
        template = context.environment.get_template(f"{_ORIGINAL}/{name}")
        key = _key(context, state)
        if key is None:
            return Markup(template.render(context.get_all()))
        key = (name, *key)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = template.render(context.get_all())
        return Markup(html)

    env.globals["qinglian_include_cached"] = include_cached
    return {name: f'{{{{ qinglian_include_cached("{name}") }}}}' for name in NAV_PARTIALS}


def block_wrappers(env) -> dict[str, str]:
    """A ``main.html`` extending the theme's whose ``DEPTH_BLOCKS`` are rendered once per
    ``base_url`` (a page's depth; pages without one — 404.html — apart) and reused."""
    from jinja2 import pass_context
    from markupsafe import Markup

    rendered: dict[tuple, str] = {}

    @pass_context
    def per_depth(context, name: str, caller):
        key = (name, context.get("base_url"), context.get("page") is None)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = caller()
        return Markup(html)

    env.globals["qinglian_per_depth"] = per_depth
    blocks = "".join(
        f'{{% block {name} %}}{{% call qinglian_per_depth("{name}") %}}{{{{ super() }}}}'
        "{% endcall %}{% endblock %}"
        for name in DEPTH_BLOCKS
    )
    return {"main.html": f'{{% extends "{_ORIGINAL}/main.html" %}}{blocks}'}


def _base(url: str) -> str:
    """The folder relative links on a page at ``url`` are computed from: ``a/b/`` for ``a/b/``
    and ``a/b/c.html``, ``""`` for ``c.html`` (the site root)."""
    folder = posixpath.dirname(url)
    return folder + "/" if folder else ""


def _key(context, state: dict):
    """A key under which the partial's output for this page can be shared, or None."""
    page, nav, config = context.get("page"), context.get("nav"), context.get("config")
    if page is None or nav is None or config is None:
        return None
    if state.get("nav") is not nav:  # a new build: what the partials link to
        theme = config.theme
        state["nav"] = nav
        state["in_nav"] = {id(p) for p in nav.pages}
        state["targets"] = [p.url for p in nav.pages] + [
            str(theme.get(k)) for k in ("logo", "favicon") if theme.get(k)
        ]
    # A page in the navigation has an active item (itself, its sections): rendered each time.
    if id(page) in state["in_nav"] or page.parent is not None or not page.url:
        return None
    base = _base(page.url)
    if any(t.startswith(base) for t in state["targets"]):
        return ("same", base)  # a link into this very folder: shared only within that folder
    parent = base.rstrip("/").rpartition("/")[0]
    return ("sibling", parent, base.count("/"))

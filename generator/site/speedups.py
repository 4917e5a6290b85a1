"""Speed-ups for our in-process MkDocs build that leave every byte of the site as it was.

They live only in the Python process ``qinglian build`` runs MkDocs in; the generated mkdocs.yml
names none of them, so plain ``mkdocs build -f`` and Zensical build the same tree into the same
site, only slower. Tests build both ways and compare.

- ``RawBlocks`` (a Markdown extension): the blocks our tree writer generated (tables of cases,
  a case's details — ``fragments.py``) go into Python-Markdown's HTML stash as the HTML it would
  make of them, worked out once by the tree writer, instead of being parsed cell by cell and
  link by link on every page. So do the cases' paragraphs of plain text (one line, nothing an
  inline pattern reads, nothing a block syntax starts with), as ``<p>text</p>``, those in a row
  in one entry. A paragraph that is only such an entry, and any heading, paragraph, list item
  or table cell of plain text, is skipped by the inline patterns.
- ``reused_markdown``: MkDocs makes a new Python-Markdown instance, with every extension, for
  every page; where all configured extensions keep no state across ``Markdown.reset()`` one
  instance is reset and reused instead (MkDocs' per-page processors replace their namesakes).
- ``cache_navigation``: Jinja stops checking every template file for changes on every include
  (``auto_reload``; nothing changes them during a build) and keeps loaded templates in a plain
  dict, not its small LRU cache. Material renders the navigation sidebar and the header tabs for every
  page. For a page that is not in the navigation (every case, story, …) nothing in them is
  marked active, so they differ only by the relative links, which are the same for every page in
  sibling folders (``cases/a/``, ``cases/b/``): rendered once per folder, reused after. The
  base template's styles, configuration and scripts blocks link only to files under ``assets/``:
  rendered once per depth of page (``../../``), reused after.
"""

from __future__ import annotations

import posixpath
import re
import types
from contextlib import contextmanager

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString

from .fragments import CASE_HEAD, DETAILS_START, plain

STARTS = {CASE_HEAD.split("\n", 1)[0], DETAILS_START}  # first lines of the blocks we generate

# Material's partials that depend on the page only through the active item and relative links.
NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")
# Blocks of Material's base template that link only to its own files and ours (assets/…).
BASE_TEMPLATE = "base.html"
ROOT_LINK_BLOCKS = ("styles", "config", "scripts")


class _StashBlocks(Preprocessor):
    def __init__(self, md, extension: RawBlocks):
        super().__init__(md)
        self.extension = extension
        self.html = extension.html

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            end = None
            if line in STARTS and (not out or not out[-1].strip()):
                end = self._end(lines, i)
            if end is None:
                out.append(line)
                i += 1
                continue
            html = self.html.get("\n".join(lines[i:end]))
            if html is None:  # not a block we made, or not plain text: parsed as usual
                out += lines[i:end]
            else:  # a paragraph of its own that Markdown replaces by the HTML
                out += ["", self.md.htmlStash.store(html), ""]
                self.extension.stashed += 1
            i = end
        return out

    @staticmethod
    def _end(lines: list[str], start: int) -> int | None:
        """Where the block starting at ``start`` ends (exclusive): a table at the first blank
        line, the details box after its ``</div>`` line, which a blank line must follow."""
        n = len(lines)
        if lines[start] == DETAILS_START:
            for j in range(start + 1, n):
                if lines[j] == "</div>":
                    return j + 1 if j + 1 == n or not lines[j + 1].strip() else None
            return None
        j = start + 1
        while j < n and lines[j].strip():
            j += 1
        return j


_DEFINITION = re.compile(r"[ ]{0,3}:[ ]{1,3}")  # a def_list definition line: makes a term of
# the paragraph before it


class _StashParagraphs(Preprocessor):
    """Paragraphs of one line of plain text, as Python-Markdown would write them: ``<p>text</p>``,
    those in a row (blank lines between) in one stash entry.

    Runs after the HTML block parser (raw HTML is in the stash by then, so is every fenced code
    block), on lines with a blank line before and after. Plain (``fragments.plain``: nothing an
    inline pattern reads) and starting with a character no block syntax starts with (not ASCII,
    not a space), such a line can only be a paragraph — unless a definition follows it."""

    def __init__(self, md, extension: RawBlocks):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        store = self.md.htmlStash.store
        out: list[str] = []
        run: list[str] = []  # the paragraphs in a row so far
        stashed = 0
        for i, line in enumerate(lines):
            if self._plain(lines, i):
                run.append(f"<p>{line}</p>")
                continue
            if run and not line.strip():  # between (or after) the paragraphs of a run
                continue
            if run:
                out += [store("\n".join(run)), ""]
                stashed += len(run)
                run = []
            out.append(line)
        if run:
            out.append(store("\n".join(run)))
            stashed += len(run)
        self.extension.paragraphs += stashed
        return out

    @staticmethod
    def _plain(lines: list[str], i: int) -> bool:
        line = lines[i]
        return bool(
            line
            and line[0] > "\x7f"
            and not line[0].isspace()
            and (i == 0 or not lines[i - 1].strip())
            and (i + 1 == len(lines) or not lines[i + 1].strip())
            and plain(line)
            and not _definition_after(lines, i)
        )


def _definition_after(lines: list[str], i: int) -> bool:
    for line in lines[i + 1 :]:
        if line.strip():
            return _DEFINITION.match(line) is not None
    return False


# Elements whose text the inline patterns read, and that have no child element when their text
# is all they hold.
_TEXT_LEAVES = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd"])


class _SkipPlainText(Treeprocessor):
    """Text no inline pattern can change is marked atomic, so the inline patterns (some twenty
    regular expressions) are not tried on it: a paragraph that is only a stash placeholder, and
    the whole text of a heading, paragraph, list item, table cell or definition without child
    elements if it is plain (``fragments.plain``) and holds no placeholder of Python-Markdown's."""

    def run(self, root) -> None:
        for element in root.iter():
            text = element.text
            if not text or len(element) or element.tag not in _TEXT_LEAVES:
                continue
            if (element.tag == "p" and HTML_PLACEHOLDER_RE.fullmatch(text.strip())) or (
                plain(text) and "\x02" not in text and "\x03" not in text
            ):
                element.text = AtomicString(text)


class RawBlocks(Extension):
    """Hand Python-Markdown the HTML of our generated blocks (see the module docstring)."""

    def __init__(self, html: dict[str, str], plain_text: bool = True):
        super().__init__()
        self.html = html  # Markdown block → its HTML
        # plain paragraphs stashed and plain text skipped by the inline patterns: only where
        # every other extension leaves plain text alone (``leaves_plain_text``)
        self.plain_text = plain_text
        self.stashed = 0  # blocks replaced so far (tests check the speed-up takes effect)
        self.paragraphs = 0  # plain paragraphs replaced so far

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After whitespace normalisation (30), before the HTML block parser (20).
        md.preprocessors.register(_StashBlocks(md, self), "qinglian_raw_blocks", 25)
        if self.plain_text:
            # After the HTML block parser (20).
            md.preprocessors.register(_StashParagraphs(md, self), "qinglian_paragraphs", 15)
            # Before the inline patterns (20).
            md.treeprocessors.register(_SkipPlainText(md), "qinglian_skip_plain_text", 21)


def _base(url: str) -> str:
    """The folder relative links on a page at ``url`` are computed from."""
    return url if not url or url.endswith("/") else posixpath.dirname(url) + "/"


def cache_navigation(env, stats: dict[str, int] | None = None) -> None:
    """Render Material's navigation partials once per folder for pages outside the navigation.

    ``stats`` counts the renderings reused (``"reused"``) and done (``"rendered"``).
    """
    from jinja2 import TemplateNotFound

    env.auto_reload = False  # templates do not change during a build: no stat per include
    # Unbounded, as Jinja makes it for cache_size=-1: a dict lookup per include, where the LRU
    # cache moves the name to the front of a list each time.
    env.cache = {}
    stats = {} if stats is None else stats
    stats.setdefault("reused", 0)
    stats.setdefault("rendered", 0)
    stats.setdefault("blocks reused", 0)
    stats.setdefault("blocks rendered", 0)
    for name in NAV_PARTIALS:
        try:
            template = env.get_template(name)
        except TemplateNotFound:  # another theme: nothing to speed up
            continue
        state: dict = {}
        template.root_render_func = _cached(
            template.root_render_func, lambda context, state=state: _key(context, state), stats
        )
    try:
        base = env.get_template(BASE_TEMPLATE)
    except TemplateNotFound:
        return
    for name in ROOT_LINK_BLOCKS:
        if name in base.blocks:
            base.blocks[name] = _cached(base.blocks[name], _depth_key, stats, "blocks ")


def cache_tag_links(config, stats: dict[str, int]) -> None:
    """Work out the links of each tag once, for every page that has it.

    Material's tags plugin gives every page the links of its tags to the listings that feature
    them (``on_page_context``: ``listings & mapping``), each time walking the listings and
    building the links. With one listing that has no scope, no inclusion and no exclusion list,
    and outside the listing's own page, a tag's links are the same on every page: a page's tag
    references are then its tags' references, in the plugin's order. ``stats`` counts the tags
    worked out (``"tags linked"``) and the tag references reused (``"tag links reused"``).
    """
    try:
        from material.plugins.tags.plugin import TagsPlugin
        from material.plugins.tags.structure.listing.manager import ListingManager
    except ImportError:  # another theme
        return
    plugin = next((p for p in config.plugins.values() if isinstance(p, TagsPlugin)), None)
    manager = getattr(plugin, "listings", None)
    if type(manager) is not ListingManager:
        return
    stats.setdefault("tags linked", 0)
    stats.setdefault("tag links reused", 0)
    references: dict = {}  # (tag name, hidden) -> its TagReference

    class _CachedListings(ListingManager):
        def __and__(self, mapping):
            listings = list(self.data)
            if len(listings) != 1 or not _plain_listing(listings[0], mapping):
                return ListingManager.__and__(self, mapping)
            keys = [(tag.name, tag.hidden) for tag in self._sort_tags(mapping.tags)]
            if all(key in references for key in keys):
                stats["tag links reused"] += len(keys)
                return iter([references[key] for key in keys])
            found = list(ListingManager.__and__(self, mapping))
            for reference in found:  # a reference is a copy of its tag, with links
                key = (reference.name, reference.hidden)
                stats["tags linked"] += key not in references
                references[key] = reference
            return iter(found)

    manager.__class__ = _CachedListings


def _plain_listing(listing, mapping) -> bool:
    """True if ``listing`` features every tag of every page but its own (``Listing.__and__``)."""
    options = listing.config
    return not (options.scope or options.include or options.exclude) and (
        mapping.item != listing.page
    )


def _cached(render, key_of, stats: dict[str, int], counted: str = ""):
    """``render`` (a Jinja render function of a context), run once per ``key_of(context)``
    (None: every time); ``stats[counted + "reused" / "rendered"]`` count."""
    rendered: dict[tuple, str] = {}

    def cached_render(context, *args, **kwargs):
        key = key_of(context)
        if key is None:
            stats[counted + "rendered"] += 1
            yield from render(context, *args, **kwargs)
            return
        html = rendered.get(key)
        if html is None:
            stats[counted + "rendered"] += 1
            html = rendered[key] = "".join(render(context, *args, **kwargs))
        else:
            stats[counted + "reused"] += 1
        yield html

    return cached_render


def _depth_key(context):
    """For output whose only page-dependent parts are links to files in the site's ``assets/``
    (Material's styles, its configuration, its scripts): the page's way to the site root."""
    page, base = context.get("page"), context.get("base_url")
    if page is None or base is None or not page.url or page.url.startswith("assets/"):
        return None
    return ("root", base)


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


def add_pages(files, config, pages: dict[str, str]):
    """``files`` with ``pages`` (docs-relative path → Markdown) added as files in memory, in the
    place MkDocs gives files it finds in the docs folder (``get_files``: folder by folder as
    ``os.walk`` goes, each folder's index first; the theme's files after them), so the site is
    the one built from the folder with the pages written into it."""
    from mkdocs.structure.files import File, Files, set_exclusions

    from .search.index import site_order

    added = [File.generated(config, path, content=text) for path, text in pages.items()]
    set_exclusions(added, config)
    found = list(files)
    docs = [f for f in found if f.src_dir == config.docs_dir and f.src_uri not in pages]
    theme = [f for f in found if f.src_dir != config.docs_dir]
    return Files(sorted(docs + added, key=lambda f: site_order(f.src_uri)) + theme)


# Extensions (as named in mkdocs.yml) whose state Markdown.reset() clears, or that keep none
# from one document to the next: checked in Python-Markdown 3.11 and PyMdown Extensions 10.
REUSABLE = frozenset(
    [
        "abbr",
        "admonition",
        "attr_list",
        "def_list",
        "fenced_code",
        "footnotes",
        "md_in_html",
        "tables",
        "toc",
        "pymdownx.details",
        "pymdownx.highlight",
        "pymdownx.superfences",
        "pymdownx.tasklist",
    ]
)


# Of those, the ones known to change nothing in plain text (``fragments.plain``) outside block
# syntax: not abbr, which marks up defined abbreviations anywhere (nor are smarty, emoji,
# magiclink… in either list).
PLAIN_TEXT_SAFE = REUSABLE - {"abbr"}


def _known(extension, names: frozenset) -> bool:
    """True if ``extension`` (as a config names it) is one of ``names``."""
    return isinstance(extension, str) and extension.removeprefix("markdown.extensions.") in names


def leaves_plain_text(extensions: list) -> bool:
    """True if every one of ``extensions`` (a config's) is in ``PLAIN_TEXT_SAFE``."""
    return all(_known(e, PLAIN_TEXT_SAFE) for e in extensions)


def _reusable(extension) -> bool:
    return isinstance(extension, RawBlocks) or _known(extension, REUSABLE)


@contextmanager
def reused_markdown(extensions: list, stats: dict[str, int] | None = None):
    """While MkDocs builds, one Python-Markdown instance per extension list, reset per page.

    Only if every one of ``extensions`` (the config's) is known to be reusable; ``stats``
    counts instances ``"made"`` and ``"reused"``.
    """
    import markdown
    import mkdocs.structure.pages as pages

    stats = {} if stats is None else stats
    stats.setdefault("made", 0)
    stats.setdefault("reused", 0)
    if not all(map(_reusable, extensions)):
        yield stats
        return
    made: list[tuple[list, dict, markdown.Markdown]] = []

    def factory(**kwargs):
        # MkDocs' call, Markdown(extensions=config's list, extension_configs=…), is reused
        as_mkdocs = kwargs.keys() == {"extensions", "extension_configs"}
        wanted, configs = kwargs.get("extensions"), kwargs.get("extension_configs") or {}
        for listed, listed_configs, md in made if as_mkdocs else ():
            if listed is wanted and listed_configs == configs:
                stats["reused"] += 1
                return md.reset()
        md = markdown.Markdown(**kwargs)
        stats["made"] += 1
        if as_mkdocs:
            made.append((wanted, dict(configs), md))
        return md

    proxy = types.ModuleType(markdown.__name__)
    proxy.__dict__.update(markdown.__dict__)
    proxy.Markdown = factory
    saved = pages.markdown
    pages.markdown = proxy
    try:
        yield stats
    finally:
        pages.markdown = saved

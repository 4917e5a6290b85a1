"""Speed-ups for our in-process MkDocs build that leave every byte of the site as it was.

They live only in the Python process ``qinglian build`` runs MkDocs in; the generated mkdocs.yml
names none of them, so plain ``mkdocs build -f`` and Zensical build the same tree into the same
site, only slower. Tests build both ways and compare.

- ``RawBlocks`` (a Markdown extension): the HTML blocks our tree writer generated (tables of
  cases, a case's details — ``fragments.py``) are put into Python-Markdown's HTML stash as they
  are, before its HTML block parser would walk them tag by tag to find where they end, which it
  does with the very same result.
- ``cache_navigation``: Material renders the navigation sidebar and the header tabs for every
  page. For a page that is not in the navigation (every case, story, …) nothing in them is
  marked active, so they differ only by the relative links, which are the same for every page in
  sibling folders (``cases/a/``, ``cases/b/``): rendered once per folder, reused after.
"""

from __future__ import annotations

import posixpath

from markdown import Extension
from markdown.preprocessors import Preprocessor

# Material's partials that depend on the page only through the active item and relative links.
NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")


class _StashBlocks(Preprocessor):
    def __init__(self, md, extension: RawBlocks):
        super().__init__(md)
        self.extension = extension
        self.blocks = extension.blocks  # first line → the generated blocks starting with it

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        i, n = 0, len(lines)
        while i < n:
            line = lines[i]
            known = self.blocks.get(line)
            if known is None or (out and out[-1].strip()):
                out.append(line)
                i += 1
                continue
            end = self._end(lines, i, known)
            if end is None:
                out.append(line)
                i += 1
                continue
            # What HTMLExtractor does with a top-level raw block followed by a blank line: stash
            # its text plus one newline, a blank line before, two after.
            text = "\n".join(lines[i : end + 1]) + "\n"
            out += ["", self.md.htmlStash.store(text), "", ""]
            self.extension.stashed += 1
            i = end + 1
        return out

    @staticmethod
    def _end(lines: list[str], start: int, known: frozenset[str]) -> int | None:
        """The last line of the generated block starting at ``start``, if it is one and a blank
        line (not the end of the text) follows it."""
        closing = "</table>" if lines[start] == "<table>" else "</div>"
        for j in range(start + 1, len(lines)):
            if lines[j] == closing:
                blank_after = j + 1 < len(lines) and not lines[j + 1].strip()
                if blank_after and "\n".join(lines[start : j + 1]) in known:
                    return j
                return None
        return None


class RawBlocks(Extension):
    """Stash the given generated HTML blocks without parsing them (see the module docstring)."""

    def __init__(self, blocks: set[str]):
        super().__init__()
        by_first: dict[str, set[str]] = {}
        for block in blocks:
            by_first.setdefault(block.split("\n", 1)[0], set()).add(block)
        self.blocks = {first: frozenset(found) for first, found in by_first.items()}
        self.stashed = 0  # blocks stashed so far (tests check the speed-up takes effect)

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After whitespace normalisation (30), before the HTML block parser (20).
        md.preprocessors.register(_StashBlocks(md, self), "qinglian_raw_blocks", 25)


def _base(url: str) -> str:
    """The folder relative links on a page at ``url`` are computed from."""
    return url if not url or url.endswith("/") else posixpath.dirname(url) + "/"


def cache_navigation(env, stats: dict[str, int] | None = None) -> None:
    """Render Material's navigation partials once per folder for pages outside the navigation.

    ``stats`` counts the renderings reused (``"reused"``) and done (``"rendered"``).
    """
    from jinja2 import TemplateNotFound

    stats = {} if stats is None else stats
    stats.setdefault("reused", 0)
    stats.setdefault("rendered", 0)
    for name in NAV_PARTIALS:
        try:
            template = env.get_template(name)
        except TemplateNotFound:  # another theme: nothing to speed up
            continue
        template.root_render_func = _cached(template.root_render_func, stats)


def _cached(render, stats: dict[str, int]):
    rendered: dict[tuple, str] = {}
    state: dict = {}

    def root_render_func(context):
        key = _key(context, state)
        if key is None:
            stats["rendered"] += 1
            yield from render(context)
            return
        html = rendered.get(key)
        if html is None:
            stats["rendered"] += 1
            html = rendered[key] = "".join(render(context))
        else:
            stats["reused"] += 1
        yield html

    return root_render_func


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

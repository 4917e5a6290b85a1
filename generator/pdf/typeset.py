"""Shared typesetting for every PDF the toolkit prints (handbooks, exam papers, keys).

One Jinja2 environment over ``generator/pdf/templates``, one print stylesheet (``base.css``),
one Markdown → HTML helper, one vector QR helper and one WeasyPrint entry point that writes
atomically and returns the page count. Renderers build lean HTML from the Corpus with these;
they never reuse the site's HTML or CSS.

Fonts are named explicitly (Noto Serif CJK SC for text, Noto Sans CJK SC for headings, margin
boxes and page numbers): a generic stack resolves to the JP variant, whose glyphs are wrong for
Chinese.
"""

from __future__ import annotations

import logging
import os
import re
from functools import cache, lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import ConfigError
from ..model.markdown import DEFAULT_DIALECT, MarkdownDialect
from ..outputs import replacing

TEMPLATES = Path(__file__).parent / "templates"


def make_environment(dialect: MarkdownDialect = DEFAULT_DIALECT) -> jinja2.Environment:
    """A Jinja2 environment over the print templates; autoescape on for HTML. Its ``md`` filter
    reads Markdown in ``dialect`` (the content root's, ``corpus.markdown``)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = lambda text, shift=0: markdown_html(text, shift, dialect)
    env.filters["qr"] = qr_svg
    return env


@cache
def base_css() -> str:
    """The shared print stylesheet (fonts, A4/A5 pages, running heads, tables, widows)."""
    return (TEMPLATES / "base.css").read_text(encoding="utf-8")


@cache
def stylesheet(extra: Path) -> Markup:
    """The shared print stylesheet followed by a product's own (handbooks, exam papers)."""
    return Markup(base_css() + "\n" + extra.read_text(encoding="utf-8"))


def markdown_html(text: str, shift: int = 0, dialect: MarkdownDialect = DEFAULT_DIALECT) -> Markup:
    """Markdown body → HTML fragment (trusted source text), safe to insert in a template.

    ``shift`` demotes headings (1: ``## 基本案情`` becomes ``<h3>``) to nest a body under a title.
    ``dialect``: the site's (``corpus.markdown``), less what only the site needs — so
    admonitions and collapsible blocks print as boxes (``base.css``).
    """
    md = _markdown(dialect)
    md.reset()
    html = md.convert(text or "")
    if shift:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}", html)
    return Markup(html)


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


@lru_cache(maxsize=8)
def _markdown(dialect: MarkdownDialect):
    import markdown

    extensions, configs = dialect.for_print()
    try:
        return markdown.Markdown(
            extensions=extensions, extension_configs=configs, output_format="html"
        )
    except (ImportError, TypeError, KeyError, ValueError) as exc:  # as MkDocs would reject it
        raise ConfigError(f"mkdocs.yml 的 markdown_extensions 无法用于排印 PDF：{exc}") from None


def qr_svg(url: str) -> Markup:
    """Inline vector SVG of a QR code for ``url`` (sized by CSS)."""
    import segno

    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr", lineclass=None
    )
    return Markup(svg)


def weasyprint_html():
    """WeasyPrint's HTML class, or a Chinese ConfigError when its system libraries are missing."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # cffi cannot dlopen Pango: a machine without the Debian packages
        raise ConfigError(
            "排印 PDF 需要系统库 Pango（Debian 包 libpango-1.0-0、libpangoft2-1.0-0）和 "
            "HarfBuzz 子集化库（libharfbuzz-subset0）：请以 root 运行 make build 自动安装，或执行 "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
            f"（原因：{exc}）"
        ) from None
    return HTML


def render_pdf(html: str, out_path: Path) -> int:
    """Render ``html`` with WeasyPrint into ``out_path`` atomically; returns the page count."""
    document = _document(html)
    with replacing(Path(out_path)) as tmp:
        document.write_pdf(tmp)
    return len(document.pages)


def pdf_bytes(html: str) -> bytes:
    """Render ``html`` with WeasyPrint into PDF bytes (for assembling pages further)."""
    return _document(html).write_pdf()


def _document(html: str):
    """WeasyPrint's laid-out document of ``html``."""
    HTML = weasyprint_html()
    _quiet_font_tools()
    # Relative references in the templates (the hospital logo is inlined) resolve here.
    return HTML(string=html, base_url=str(TEMPLATES) + os.sep).render()


def _quiet_font_tools() -> None:
    """fontTools narrates every font subset at INFO/WARNING; WeasyPrint's own warnings (CSS it
    ignores, missing fonts) stay on — tests assert there are none."""
    logging.getLogger("fontTools").setLevel(logging.ERROR)

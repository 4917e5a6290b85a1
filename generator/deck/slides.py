"""Slide building blocks on python-pptx: a 16:9 deck with the hospital's name and logo, Chinese
fonts named explicitly, text sized to fit its box, QR codes, speaker notes.

Fonts: every run names 微软雅黑 (Microsoft YaHei, on every Windows PC with Office) as its Latin
**and East Asian** (``a:ea``) typeface, with the GB2312 charset and sans pitch family so that a
machine without it substitutes a Simplified Chinese sans. The theme's fonts say the same and name
Noto Sans CJK SC as the Simplified Chinese (``Hans``) script font: the Linux/LibreOffice fallback
(Debian fonts-noto-cjk), never the JP glyphs a generic stack would pick.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from ..errors import BuildError

FONT = "微软雅黑"
FALLBACK = "Noto Sans CJK SC"
PANOSE = "020B0503020204020204"  # Microsoft YaHei
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
RED = RGBColor(0x9B, 0x1C, 0x1C)
DEEP = RGBColor(0x6D, 0x14, 0x14)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x66, 0x66, 0x66)
SOFT = RGBColor(0xFB, 0xF5, 0xF3)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
MARGIN = Inches(0.6)
BODY_TOP = Inches(1.45)
BODY_HEIGHT = Inches(5.35)


@dataclass
class Brand:
    hospital: str
    logo_png: bytes | None  # the hospital's logo as PNG, or None


def logo_png(path: Path | None) -> bytes | None:
    """The logo as PNG: SVG rasterised (resvg), other formats re-encoded by Pillow."""
    if path is None:
        return None
    try:
        if path.suffix.lower() in (".svg", ".svgz"):
            import resvg_py

            return bytes(resvg_py.svg_to_bytes(svg_path=str(path), width=512))
        from PIL import Image

        with Image.open(path) as image:
            buffer = io.BytesIO()
            image.convert("RGBA").save(buffer, format="PNG")
            return buffer.getvalue()
    except Exception as exc:  # an unreadable image: say which file
        raise BuildError(f"{path}：无法读取医院标志图片（{exc}）") from exc


def qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()


def new_deck(title: str, brand: Brand):
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = title
    prs.core_properties.author = brand.hospital
    prs.core_properties.language = "zh-CN"
    _theme_fonts(prs)
    return prs


def _theme_fonts(prs) -> None:
    """Theme major/minor fonts: 微软雅黑 for Latin and East Asian text, Noto for ``Hans``."""
    master = prs.slide_masters[0]
    part = next(
        rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme")
    )
    root = etree.fromstring(part.blob)
    for kind in ("majorFont", "minorFont"):
        for font in root.iter(qn(f"a:{kind}")):
            for tag in ("a:latin", "a:ea"):
                el = font.find(qn(tag))
                if el is not None:
                    el.set("typeface", FONT)
            for script in font.findall(qn("a:font")):
                if script.get("script") == "Hans":
                    font.remove(script)
            hans = etree.SubElement(font, qn("a:font"))
            hans.set("script", "Hans")
            hans.set("typeface", FALLBACK)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def style_run(run, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = color
    font.name = FONT  # a:latin
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")
    rpr.set("altLang", "en-US")
    for tag in ("a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = etree.SubElement(rpr, qn(tag))
        el.set("typeface", FONT)
        el.set("panose", PANOSE)
        el.set("pitchFamily", "34")
        el.set("charset", "-122")
    latin = rpr.find(qn("a:latin"))
    latin.set("panose", PANOSE)
    latin.set("pitchFamily", "34")
    latin.set("charset", "-122")
    # Schema order inside a:rPr: ln, fills, effects, highlight, …, latin, ea, cs, sym, hlinks.
    for tag in ("a:latin", "a:ea", "a:cs"):
        el = rpr.find(qn(tag))
        rpr.remove(el)
        rpr.append(el)


def text_box(slide, left, top, width, height, paragraphs, size, color=INK, bold=False,
             align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP, spacing=1.25, bullet=False):  # fmt: skip
    """A text box; ``paragraphs`` are strings or lists of (text, bold) pieces."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.08)
    for i, para in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.alignment = align
        p.line_spacing = spacing
        p.space_after = Pt(size * 0.45)
        pieces = [(para, bold)] if isinstance(para, str) else para
        if bullet:
            pieces = [("■ ", True), *pieces]
        for text, strong in pieces:
            run = p.add_run()
            run.text = text
            style_run(run, size, strong, RED if bullet and text == "■ " else color)
    return box


def fit_size(paragraphs, width, height, largest=28, smallest=14, spacing=1.25) -> float:
    """The largest size (pt) at which the paragraphs fit the box (a Chinese character ≈ 1 em)."""
    texts = ["".join(t for t, _ in p) if not isinstance(p, str) else p for p in paragraphs]
    usable_w, usable_h = Emu(width).pt - 12, Emu(height).pt - 8
    size = largest
    while size > smallest:
        per_line = max(1, int(usable_w / size))
        lines = sum(max(1, math.ceil(_width(t) / per_line)) for t in texts)
        needed = lines * size * spacing * 1.2 + len(texts) * size * 0.45
        if needed <= usable_h:
            return size
        size -= 1
    return smallest


def _width(text: str) -> float:
    """Width in ems: CJK and full-width characters 1, others about half."""
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text) + 2  # +2: bullet and slack


def blank_slide(prs, brand: Brand, title: str, kicker: str = "", notes: str = ""):
    """A slide with the red title band, the hospital's name and logo in the footer."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(1.15))
    band.fill.solid()
    band.fill.fore_color.rgb = RED
    band.line.fill.background()
    if kicker:
        text_box(slide, MARGIN, Inches(0.08), Inches(10), Inches(0.4), [kicker], 14, WHITE)
    size = fit_size([title], Inches(11.2), Inches(0.7), largest=30, smallest=18, spacing=1.0)
    text_box(slide, MARGIN, Inches(0.36), Inches(11.4), Inches(0.75), [title], size, WHITE,
             bold=True, anchor=MSO_ANCHOR.MIDDLE, spacing=1.0)  # fmt: skip
    _footer(slide, brand)
    set_notes(slide, notes)
    return slide


def _footer(slide, brand: Brand) -> None:
    line = slide.shapes.add_connector(1, MARGIN, Inches(6.95), WIDTH - MARGIN, Inches(6.95))
    line.line.color.rgb = RGBColor(0xC7, 0x9B, 0x94)
    line.line.width = Pt(0.75)
    left: int = MARGIN
    if brand.logo_png:
        slide.shapes.add_picture(io.BytesIO(brand.logo_png), MARGIN, Inches(7.0), Inches(0.38),
                                 Inches(0.38))  # fmt: skip
        left = MARGIN + Inches(0.48)
    text_box(slide, left, Inches(7.0), Inches(8), Inches(0.4), [brand.hospital], 12, MUTED,
             anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip


def cover_slide(prs, brand: Brand, title: str, subtitle: str, line: str, notes: str):
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, Inches(0.35))
    band.fill.solid()
    band.fill.fore_color.rgb = RED
    band.line.fill.background()
    top = Inches(0.95)
    if brand.logo_png:
        slide.shapes.add_picture(io.BytesIO(brand.logo_png), (WIDTH - Inches(1.0)) // 2, top,
                                 Inches(1.0), Inches(1.0))  # fmt: skip
    text_box(slide, MARGIN, Inches(2.05), WIDTH - 2 * MARGIN, Inches(0.6), [brand.hospital], 22,
             INK, align=PP_ALIGN.CENTER)  # fmt: skip
    size = fit_size([title], WIDTH - 2 * MARGIN, Inches(1.6), largest=40, smallest=26, spacing=1.1)
    text_box(slide, MARGIN, Inches(2.8), WIDTH - 2 * MARGIN, Inches(1.7), [title], size, RED,
             bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE, spacing=1.1)  # fmt: skip
    rule = slide.shapes.add_connector(1, Inches(5.67), Inches(4.65), Inches(7.67), Inches(4.65))
    rule.line.color.rgb = RED
    rule.line.width = Pt(1.5)
    text_box(slide, MARGIN, Inches(4.85), WIDTH - 2 * MARGIN, Inches(0.6), [subtitle], 22, INK,
             align=PP_ALIGN.CENTER)  # fmt: skip
    text_box(slide, MARGIN, Inches(6.3), WIDTH - 2 * MARGIN, Inches(0.5), [line], 16, MUTED,
             align=PP_ALIGN.CENTER)  # fmt: skip
    set_notes(slide, notes)
    return slide


def bullets_slide(prs, brand, title, items, notes="", kicker="", lead=""):
    slide = blank_slide(prs, brand, title, kicker, notes)
    top, height = BODY_TOP, BODY_HEIGHT
    if lead:
        text_box(slide, MARGIN, top, WIDTH - 2 * MARGIN, Inches(0.55), [lead], 18, MUTED)
        top, height = top + Inches(0.6), height - Inches(0.6)
    size = fit_size(items, WIDTH - 2 * MARGIN, height, largest=26, smallest=14)
    text_box(slide, MARGIN, top, WIDTH - 2 * MARGIN, height, items, size, bullet=True)
    return slide


def quote_slide(prs, brand, title, text, source, notes="", kicker="", warning=""):
    """Official text, verbatim, in a tinted box; its document number below."""
    slide = blank_slide(prs, brand, title, kicker, notes)
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN,
                                 Inches(4.5))  # fmt: skip
    box.fill.solid()
    box.fill.fore_color.rgb = SOFT
    box.line.color.rgb = RGBColor(0xC7, 0x9B, 0x94)
    inner_w, inner_h = WIDTH - 2 * MARGIN - Inches(0.5), Inches(4.2)
    size = fit_size([text], inner_w, inner_h, largest=28, smallest=14, spacing=1.4)
    text_box(slide, MARGIN + Inches(0.25), BODY_TOP + Inches(0.15), inner_w, inner_h, [text],
             size, INK, spacing=1.4, anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
    text_box(slide, MARGIN, Inches(6.05), WIDTH - 2 * MARGIN, Inches(0.45), [source], 16, MUTED,
             align=PP_ALIGN.RIGHT)  # fmt: skip
    if warning:
        text_box(slide, MARGIN, Inches(6.45), WIDTH - 2 * MARGIN, Inches(0.4), [warning], 13, RED)
    return slide


def sections_slide(prs, brand, title, sections, notes="", kicker="", meta=""):
    """Labelled blocks (案情 / 处理 / 警示): [(label, text), …]."""
    slide = blank_slide(prs, brand, title, kicker, notes)
    top, height = BODY_TOP, BODY_HEIGHT
    if meta:
        text_box(slide, MARGIN, top, WIDTH - 2 * MARGIN, Inches(0.5), [meta], 16, MUTED)
        top, height = top + Inches(0.55), height - Inches(0.55)
    paragraphs = [[(f"{label}　", True), (text, False)] for label, text in sections if text]
    size = fit_size(paragraphs, WIDTH - 2 * MARGIN, height, largest=24, smallest=14)
    box = text_box(slide, MARGIN, top, WIDTH - 2 * MARGIN, height, paragraphs, size)
    for p in box.text_frame.paragraphs:
        p.runs[0].font.color.rgb = RED
    return slide


def qr_slide(prs, brand, title, codes, notes="", kicker="", lead=""):
    """One to three QR codes with captions and their addresses: [(caption, url), …]."""
    slide = blank_slide(prs, brand, title, kicker, notes)
    if lead:
        text_box(slide, MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, Inches(0.6), [lead], 20, INK,
                 align=PP_ALIGN.CENTER)  # fmt: skip
    side = Inches(2.9)
    slot = (WIDTH - 2 * MARGIN) // len(codes)
    for i, (caption, url) in enumerate(codes):
        left = MARGIN + slot * i + (slot - side) // 2
        slide.shapes.add_picture(io.BytesIO(qr_png(url)), left, Inches(2.2), side, side)
        text_box(slide, MARGIN + slot * i, Inches(5.15), slot, Inches(0.5), [caption], 20, INK,
                 bold=True, align=PP_ALIGN.CENTER)  # fmt: skip
        text_box(slide, MARGIN + slot * i, Inches(5.65), slot, Inches(0.8), [url], 12, MUTED,
                 align=PP_ALIGN.CENTER)  # fmt: skip
    return slide


def set_notes(slide, text: str) -> None:
    if text:
        frame = slide.notes_slide.notes_text_frame
        frame.text = text
        for p in frame.paragraphs:
            for run in p.runs:
                style_run(run, 12)

"""Charts for the grading report, drawn as PNG pictures a trainer can copy into a Word report.

Drawn with Pillow (already needed by WeasyPrint) at twice the displayed size so they stay sharp
when pasted. Labels use Noto Sans CJK **SC**, found by family name inside the installed font
collections (index 0 of the collection is the JP variant, whose glyphs are wrong for Chinese).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from ..errors import BuildError

FAMILY = "Noto Sans CJK SC"
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")

INK = (34, 34, 34)
GRID = (225, 225, 225)
BAR = (178, 34, 34)  # the site's deep red
BAR_SOFT = (214, 160, 150)
PASS = (46, 125, 50)
WIDTH = 1400


@cache
def _font_file(style: str) -> tuple[str, int]:
    for folder in _FONT_DIRS:
        base = Path(folder).expanduser()
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("NotoSansCJK*")):
            found = _index_of(path, style)
            if found is not None:
                return str(path), found
    raise BuildError(f"找不到字体 {FAMILY}（Debian 软件包 fonts-noto-cjk），无法绘制图表")


def _index_of(path: Path, style: str) -> int | None:
    from PIL import ImageFont

    for index in range(16):
        try:
            font = ImageFont.truetype(str(path), 12, index=index)
        except OSError:
            return None
        if font.getname() == (FAMILY, style):
            return index
    return None


def font(size: int, bold: bool = False):
    from PIL import ImageFont

    try:
        path, index = _font_file("Bold" if bold else "Regular")
    except BuildError:
        if not bold:
            raise
        path, index = _font_file("Regular")
    return ImageFont.truetype(path, size, index=index)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def histogram(
    bins: list[tuple[float, float, int]], pass_score: float, full: float, title: str
) -> bytes:
    """Columns of people per score band, the pass mark as a dashed green line."""
    from PIL import Image, ImageDraw

    height = 640
    left, right, top, bottom = 110, 40, 100, 110
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((left, 28), title, font=font(36, bold=True), fill=INK)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    peak = max((c for _, _, c in bins), default=0) or 1
    step = _nice_step(peak)
    ceiling = step * -(-peak // step)
    small = font(24)
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * tick / ceiling
        draw.line([(left, y), (left + plot_w, y)], fill=GRID, width=2)
        draw.text((left - 14, y), str(tick), font=small, fill=INK, anchor="rm")
    slot = plot_w / len(bins)
    for n, (low, high, count) in enumerate(bins):
        x0 = left + n * slot + slot * 0.12
        x1 = left + (n + 1) * slot - slot * 0.12
        y = top + plot_h - plot_h * count / ceiling
        color = BAR if low >= pass_score - 1e-9 else BAR_SOFT
        if count:
            draw.rectangle([(x0, y), (x1, top + plot_h)], fill=color)
            draw.text(((x0 + x1) / 2, y - 8), str(count), font=small, fill=INK, anchor="md")
        label = f"{_num(low)}–{_num(high)}"
        draw.text(((x0 + x1) / 2, top + plot_h + 14), label, font=small, fill=INK, anchor="ma")
    draw.line([(left, top + plot_h), (left + plot_w, top + plot_h)], fill=INK, width=2)
    if full:
        x = left + plot_w * pass_score / full
        for y in range(top - 10, top + plot_h, 22):
            draw.line([(x, y), (x, min(y + 12, top + plot_h))], fill=PASS, width=4)
        draw.text((x + 10, top - 12), f"合格线 {_num(pass_score)} 分", font=small, fill=PASS)
    draw.text((left + plot_w / 2, height - 40), "得分区间（分）", font=small, fill=INK, anchor="mm")
    draw.text((30, top + plot_h / 2), "人数", font=small, fill=INK, anchor="mm")
    return _png(image)


def bars(rows: list[tuple[str, float, str]], title: str, mark: float | None = None) -> bytes:
    """Horizontal bars of rates in 0–1: (label, rate, text shown after the bar)."""
    from PIL import Image, ImageDraw

    row_h = 56
    label_font, small = font(26), font(24)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_w = max((probe.textlength(label, font=label_font) for label, _, _ in rows), default=0)
    left = int(min(max(label_w + 40, 160), WIDTH * 0.45))
    right, top, bottom = 200, 100, 60
    height = top + bottom + row_h * max(len(rows), 1)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 28), title, font=font(36, bold=True), fill=INK)
    plot_w = WIDTH - left - right
    for tick in range(0, 101, 20):
        x = left + plot_w * tick / 100
        draw.line([(x, top - 6), (x, top + row_h * len(rows))], fill=GRID, width=2)
        draw.text((x, top + row_h * len(rows) + 10), f"{tick}%", font=small, fill=INK, anchor="ma")
    for n, (label, rate, text) in enumerate(rows):
        y = top + n * row_h
        shown = _fit(probe, label, label_font, left - 30)
        draw.text((left - 16, y + row_h / 2), shown, font=label_font, fill=INK, anchor="rm")
        x1 = left + plot_w * max(0.0, min(rate, 1.0))
        color = BAR if mark is None or rate >= mark else BAR_SOFT
        draw.rectangle([(left, y + 10), (max(x1, left + 2), y + row_h - 10)], fill=color)
        draw.text((x1 + 12, y + row_h / 2), text, font=small, fill=INK, anchor="lm")
    if mark is not None:
        x = left + plot_w * mark
        for y in range(top - 6, top + row_h * len(rows), 22):
            draw.line([(x, y), (x, min(y + 12, top + row_h * len(rows)))], fill=PASS, width=4)
    return _png(image)


def _fit(draw, text: str, face, width: float) -> str:
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text + "…"


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if peak / step <= 6:
            return step
    return 10000


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"

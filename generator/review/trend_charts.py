"""Charts for the trend report, in the grading report's style (``grading/charts.py``: Pillow,
Noto Sans CJK SC, the site's deep red, drawn at twice the displayed size)."""

from __future__ import annotations

from ..grading import charts
from ..grading.charts import GRID, INK, PASS, WIDTH

# One colour per sitting, oldest palest: the latest sitting is the site's deep red.
SERIES = [(190, 190, 190), (214, 160, 150), (178, 34, 34), (110, 20, 20), (60, 60, 60)]


def _colours(n: int) -> list[tuple[int, int, int]]:
    if n <= 3:
        return SERIES[3 - n : 3]
    return [SERIES[i % len(SERIES)] for i in range(n)]


def grouped_bars(groups: list[tuple[str, list[float | None]]], series: list[str], title: str):
    """Horizontal bars of rates in 0–1, one per sitting within each group, with a legend."""
    from PIL import Image, ImageDraw

    label_font, small = charts.font(26), charts.font(22)
    colours = _colours(len(series))
    bar_h, gap = 22, 18
    group_h = bar_h * len(series) + gap
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_w = max((probe.textlength(label, font=label_font) for label, _ in groups), default=0)
    left = int(min(max(label_w + 40, 160), WIDTH * 0.4))
    right, top, bottom = 120, 150, 60
    height = top + bottom + group_h * max(len(groups), 1)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 28), title, font=charts.font(36, bold=True), fill=INK)
    x = 40.0
    for name, colour in zip(series, colours, strict=True):  # legend
        draw.rectangle([(x, 96), (x + 28, 118)], fill=colour)
        shown = charts._fit(probe, name, small, 360)
        draw.text((x + 36, 107), shown, font=small, fill=INK, anchor="lm")
        x += 36 + probe.textlength(shown, font=small) + 40
    plot_w = WIDTH - left - right
    bottom_y = top + group_h * len(groups)
    for tick in range(0, 101, 20):
        tx = left + plot_w * tick / 100
        draw.line([(tx, top - 6), (tx, bottom_y)], fill=GRID, width=2)
        draw.text((tx, bottom_y + 10), f"{tick}%", font=small, fill=INK, anchor="ma")
    for n, (label, values) in enumerate(groups):
        y = top + n * group_h
        shown = charts._fit(probe, label, label_font, left - 30)
        mid = y + bar_h * len(series) / 2
        draw.text((left - 16, mid), shown, font=label_font, fill=INK, anchor="rm")
        for k, (value, colour) in enumerate(zip(values, colours, strict=True)):
            y0 = y + k * bar_h
            if value is None:
                draw.text((left + 8, y0 + bar_h / 2), "—", font=small, fill=INK, anchor="lm")
                continue
            x1 = left + plot_w * max(0.0, min(value, 1.0))
            draw.rectangle([(left, y0 + 2), (max(x1, left + 2), y0 + bar_h - 2)], fill=colour)
            draw.text((x1 + 8, y0 + bar_h / 2), f"{value:.0%}", font=small, fill=INK, anchor="lm")
    return charts._png(image)


def changes(rows: list[tuple[str, float]], title: str):
    """Bars left (harder, red) or right (easier, green) of a zero line: changes in −1…1."""
    from PIL import Image, ImageDraw

    row_h = 46
    label_font, small = charts.font(24), charts.font(22)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    label_w = max((probe.textlength(label, font=label_font) for label, _ in rows), default=0)
    left = int(min(max(label_w + 40, 160), WIDTH * 0.4))
    right, top, bottom = 60, 100, 60
    height = top + bottom + row_h * max(len(rows), 1)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 28), title, font=charts.font(32, bold=True), fill=INK)
    plot_w = WIDTH - left - right
    zero = left + plot_w / 2
    bottom_y = top + row_h * len(rows)
    for tick in range(-100, 101, 25):
        tx = zero + plot_w / 2 * tick / 100
        draw.line([(tx, top - 6), (tx, bottom_y)], fill=GRID, width=2)
        draw.text((tx, bottom_y + 10), f"{tick:+d}" if tick else "0", font=small, fill=INK,
                  anchor="ma")  # fmt: skip
    draw.line([(zero, top - 6), (zero, bottom_y)], fill=INK, width=2)
    for n, (label, change) in enumerate(rows):
        y = top + n * row_h
        shown = charts._fit(probe, label, label_font, left - 30)
        draw.text((left - 16, y + row_h / 2), shown, font=label_font, fill=INK, anchor="rm")
        x1 = zero + plot_w / 2 * max(-1.0, min(change, 1.0))
        colour = PASS if change > 0 else charts.BAR
        draw.rectangle([(min(zero, x1), y + 8), (max(zero, x1), y + row_h - 8)], fill=colour)
        text = f"{change * 100:+.1f}"
        anchor = "lm" if change > 0 else "rm"
        draw.text((x1 + (8 if change > 0 else -8), y + row_h / 2), text, font=small, fill=INK,
                  anchor=anchor)  # fmt: skip
    return charts._png(image)

"""``answer-sheets.pdf``: machine-read answer sheets drawn exactly where ``sheet_layout`` says.

Each page is a box of absolutely positioned elements in points (WeasyPrint keeps them where
they are put), so the PDF and ``sheet-layout.json`` agree to the hundredth of a point.

A hospital prints thousands of named sheets that differ only in their header, so the page is
typeset in two layers: the sheet itself once per kind and version (marks, bubbles, instructions)
and a light layer per person (title, name line, QR code, sheet number). pypdfium2 then stacks
the two as form XObjects on each page: the shared layer is stored once in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from ..model.terms import TYPE_NAMES
from ..outputs import replacing
from ..pdf.typeset import pdf_bytes
from .key import Key
from .sheet_layout import (
    BAR,
    ID_DIGITS,
    MARK,
    PAGE_H,
    PAGE_W,
    Bubble,
    Layout,
    SheetId,
    layout_for,
    printed,
    qr_text,
)

CSS = f"""
@page {{ size: {PAGE_W}pt {PAGE_H}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "Noto Sans CJK SC", sans-serif; color: #000; }}
.sheet {{ position: relative; width: {PAGE_W}pt; height: {PAGE_H}pt; overflow: hidden;
  page-break-after: always; break-after: page; }}
.sheet:last-child {{ page-break-after: auto; break-after: auto; }}
.a {{ position: absolute; margin: 0; padding: 0; }}
.mark {{ background: #000; }}
.b {{ position: absolute; box-sizing: border-box; border: 0.75pt solid #222; border-radius: 50%;
  text-align: center; color: #8a8a8a; font-size: 6pt; }}
.b span {{ display: block; position: absolute; left: 0; right: 0; }}
.no {{ position: absolute; text-align: right; font-size: 8pt; font-weight: bold; }}
.tag {{ position: absolute; font-size: 5.5pt; color: #555; }}
.title {{ font-size: 14pt; font-weight: bold; white-space: nowrap; }}
.who {{ font-size: 11pt; white-space: nowrap; }}
.who b {{ font-size: 13pt; }}
.rules {{ font-size: 7.6pt; line-height: 11.5pt; color: #111; }}
.rules ol {{ margin: 0; padding-left: 11pt; }}
.eg {{ display: inline-block; box-sizing: border-box; width: 8pt; height: 8pt;
  border: 0.6pt solid #222; border-radius: 50%; vertical-align: -1.2pt; font-size: 6pt;
  line-height: 6.5pt; text-align: center; }}
.eg.full {{ background: #000; }}
.eg.half {{ background: linear-gradient(90deg, #000 50%, #fff 50%); }}
.legend {{ font-size: 7.4pt; line-height: 9.5pt; color: #222; }}
.box {{ position: absolute; border: 0.6pt solid #666; box-sizing: border-box; }}
.cap {{ position: absolute; font-size: 8pt; color: #222; white-space: nowrap; }}
.write {{ position: absolute; border-bottom: 0.6pt solid #444; }}
.digit {{ position: absolute; box-sizing: border-box; border: 0.6pt solid #666; }}
.qr img {{ width: 100%; height: 100%; display: block; image-rendering: pixelated; }}
.foot {{ font-size: 6.5pt; color: #555; white-space: nowrap; }}
"""


@dataclass(frozen=True)
class SheetText:
    """What the sheet prints besides bubbles: titles and the key facts of the exam."""

    title: str
    hospital: str = ""
    duration_minutes: int | None = None
    multiple_partial: bool = False
    allow_pen: bool = True


def _document(title: str, pages: list[str]) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)} 答题卡</title><style>{CSS}</style></head><body>"
        + "".join(pages)
        + "</body></html>"
    )


def _base(sheet: SheetId) -> SheetId:
    """What the shared layer depends on: the kind, and a named sheet's version."""
    return SheetId(sheet.exam, sheet.kind, sheet.version if sheet.kind == "named" else "")


def write_sheets_pdf(key: Key, sheets: list[SheetId], text: SheetText, path: Path) -> int:
    """Render the sheets into ``path`` atomically; returns the page count."""
    import pypdfium2 as pdfium

    bases = list(dict.fromkeys(_base(s) for s in sheets))
    shared = _document(
        text.title, [_page(key, b, layout_for(key, b.kind), text, 0, 0, "base") for b in bases]
    )
    own = _document(
        text.title,
        [
            _page(key, s, layout_for(key, s.kind), text, i, len(sheets), "own")
            for i, s in enumerate(sheets, start=1)
        ],
    )
    base_pdf = pdfium.PdfDocument(pdf_bytes(shared))
    out = pdfium.PdfDocument(pdf_bytes(own))  # each sheet's own layer, fonts stored once
    try:
        forms = [base_pdf.page_as_xobject(i, out) for i in range(len(bases))]
        for i, sheet in enumerate(sheets):
            page = out[i]
            page.insert_obj(forms[bases.index(_base(sheet))].as_pageobject())
            page.gen_content()
        with replacing(Path(path)) as tmp:
            out.save(str(tmp))
        return len(out)
    finally:
        out.close()
        base_pdf.close()


# --- one page --------------------------------------------------------------------------------


def _box(x0: float, y0: float, x1: float, y1: float, cls: str, inner: str = "", style: str = ""):
    return (
        f'<div class="{cls}" style="left:{x0:.2f}pt;top:{y0:.2f}pt;'
        f'width:{x1 - x0:.2f}pt;height:{y1 - y0:.2f}pt;{style}">{inner}</div>'
    )


def _bubble(b: Bubble) -> str:
    d = 2 * b.r
    label = escape(b.label)
    size = 5.2 if len(b.label) > 1 else 6.0
    return (
        f'<div class="b" style="left:{b.x - b.r:.2f}pt;top:{b.y - b.r:.2f}pt;width:{d:.2f}pt;'
        f'height:{d:.2f}pt"><span style="top:{b.r - 0.75 - size * 0.62:.2f}pt;'
        f'font-size:{size}pt;line-height:{size * 1.2:.2f}pt">{label}</span></div>'
    )


def _page(
    key: Key, sheet: SheetId, layout: Layout, text: SheetText, n: int, count: int, layer: str
) -> str:
    """One layer of one page: ``base`` (shared by every sheet of its kind and version) or
    ``own`` (this sheet's header: title, name line, QR code, number)."""
    if layer == "own":
        return (
            '<section class="sheet">'
            + "".join(_own(key, sheet, layout, text, n, count))
            + "</section>"
        )
    parts = []
    for x, y in layout.marks:
        parts.append(_box(x - MARK / 2, y - MARK / 2, x + MARK / 2, y + MARK / 2, "a mark"))
    parts.append(_box(*BAR, "a mark"))
    hx0, hy0, hx1, _ = layout.header_box
    if layout.kind == "named":
        parts.append(_box(hx0, hy0 + 50, hx1, hy0 + 106, "a rules", _rules(text, False)))
    else:
        parts += _blank_header(key, layout, text)
    parts.append(_legend(key, layout))
    for q in layout.questions:
        parts.append(
            f'<div class="no" style="left:{q.x - 6:.2f}pt;top:{q.y - 6:.2f}pt;width:24pt;'
            f'line-height:12pt">{q.no}</div>'
        )
        parts += [_bubble(b) for b in q.bubbles if printed(key, sheet, b)]
        if q.type == "fill":
            last = q.bubbles[-1]
            parts.append(
                f'<div class="tag" style="left:{last.x + last.r + 1.5:.2f}pt;'
                f'top:{q.y - 4:.2f}pt">阅卷</div>'
            )
    return '<section class="sheet">' + "".join(parts) + "</section>"


def _qr_image(text: str) -> str:
    """The QR code as a one-pixel-per-module PNG printed with hard edges (an inline SVG would
    carry graphics states that the page assembly cannot keep)."""
    import segno

    uri = segno.make(text, error="m", micro=False).png_data_uri(scale=1, border=2)
    return f'<img alt="" src="{uri}">'


def _own(key: Key, sheet: SheetId, layout: Layout, text: SheetText, n: int, count: int):
    qx0, qy0, qx1, qy1 = layout.qr_box
    parts = [_box(qx0, qy0, qx1, qy1, "a qr", _qr_image(qr_text(sheet)))]
    hx0, hy0, hx1, _ = layout.header_box
    parts.append(_box(hx0, hy0, hx1, hy0 + 20, "a title", f"{escape(text.title)}　答题卡"))
    if layout.kind == "named":
        who = (
            f"姓名 <b>{escape(sheet.name)}</b>　工号 <b>{escape(sheet.staff_id)}</b>　"
            f"科室 <b>{escape(sheet.department)}</b>　<b>{escape(sheet.version)} 卷</b>"
        )
        parts.append(_box(hx0, hy0 + 26, hx1, hy0 + 44, "a who", who))
    foot = (
        f"{escape(key.exam)}　{escape(text.hospital)}　第 {n}/{count} 张　"
        "请勿折叠、勿在四角方块和二维码处书写"
    )
    parts.append(
        _box(70, PAGE_H - 50, PAGE_W - 70, PAGE_H - 38, "a foot", foot, "text-align:center")
    )
    return parts


def _rules(text: SheetText, blank: bool) -> str:
    eg = (
        '<span class="eg full"></span> 正确；'
        '<span class="eg">✓</span> <span class="eg">×</span> <span class="eg half"></span> '
        "打勾、画叉、只涂一半都不行"
    )
    items = [
        f"用 2B 铅笔把所选选项的圆圈涂满、涂黑：{eg}。",
        "改答案：用橡皮把原来的涂痕擦干净，再涂新的选项；擦不干净的交由人工复核。",
    ]
    if text.allow_pen:
        items.append("用钢笔、签字笔作答的，涂错后无法擦除：请向监考人员领取新答题卡重新填涂。")
    if blank:
        items.append(
            "先写姓名、科室，再在左侧“工号”方格内从左起逐位写工号，并在每个数字下方那一列涂对应的数字。"
        )
    items.append("保持答题卡平整清洁，不要折叠；四角黑色方块和二维码处不要书写。")
    return "<ol>" + "".join(f"<li>{i}</li>" for i in items) + "</ol>"


def _blank_header(key: Key, layout: Layout, text: SheetText) -> list[str]:
    hx0, hy0, hx1, _ = layout.header_box
    parts = [
        f'<div class="cap" style="left:{hx0:.2f}pt;top:{hy0 + 30:.2f}pt">姓名</div>',
        f'<div class="write" style="left:{hx0 + 22:.2f}pt;top:{hy0 + 28:.2f}pt;width:110pt;height:12pt"></div>',
        f'<div class="cap" style="left:{hx0 + 146:.2f}pt;top:{hy0 + 30:.2f}pt">科室</div>',
        f'<div class="write" style="left:{hx0 + 168:.2f}pt;top:{hy0 + 28:.2f}pt;width:150pt;height:12pt"></div>',
    ]
    x0, y0, x1, y1 = layout.id_box
    parts.append(_box(x0, y0, x1, y1, "box"))
    parts.append(
        f'<div class="cap" style="left:{x0 + 5:.2f}pt;top:{y0 + 5:.2f}pt;width:22pt;'
        f'white-space:normal;line-height:10pt">工号</div>'
    )
    for position in layout.staff_id:
        first = position[0]
        parts.append(
            f'<div class="digit" style="left:{first.x - 6.5:.2f}pt;top:{y0 + 4:.2f}pt;'
            f'width:13pt;height:15pt"></div>'
        )
        parts += [_bubble(b) for b in position]
    parts.append(
        f'<div class="cap" style="left:{x0 + 3:.2f}pt;top:{y0 + 60:.2f}pt;width:28pt;'
        f'white-space:normal;font-size:6.5pt;line-height:8pt;color:#555">每列<br>涂一<br>个数<br>字，<br>不足<br>{ID_DIGITS}位<br>右侧<br>留空</div>'
    )
    if layout.versions:
        vx0, vy0, vx1, vy1 = layout.version_box
        parts.append(_box(vx0, vy0, vx1, vy1, "box"))
        parts.append(
            f'<div class="cap" style="left:{vx0:.2f}pt;top:{vy0 + 6:.2f}pt;width:{vx1 - vx0:.2f}pt;'
            f'text-align:center">版本</div>'
        )
        parts += [_bubble(b) for b in layout.versions]
        right = vx1 + 12
    else:
        right = x1 + 12
    parts.append(_box(right, y0 + 8, PAGE_W - 52, y1, "a rules", _rules(text, True)))
    return parts


def _legend(key: Key, layout: Layout) -> str:
    runs: list[tuple[str, int, int]] = []
    for q in layout.questions:
        if runs and runs[-1][0] == q.type and runs[-1][2] == q.no - 1:
            runs[-1] = (q.type, runs[-1][1], q.no)
        else:
            runs.append((q.type, q.no, q.no))
    notes = {
        "single": "涂一个",
        "multiple": "涂全部所选",
        "judge": "对或错",
        "fill": "答案写在试卷上，由阅卷人涂分：答对涂满分，答错涂 0",
    }
    shown = "　".join(
        f"{TYPE_NAMES[t]} {a}–{b}（{notes[t]}）" if a != b else f"{TYPE_NAMES[t]} {a}（{notes[t]}）"
        for t, a, b in runs
    )
    y = layout.area_top - 27
    return _box(52, y, PAGE_W - 52, y + 20, "a legend", escape(shown), "white-space:normal")

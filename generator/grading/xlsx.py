"""A streaming writer for one big, plain worksheet (``scores.xlsx``): rows in, XML out, zipped.

Why not XlsxWriter or openpyxl: both build every cell as a Python object and write it with
several calls. Measured on the project's 2-CPU machine (shared, load about 5), XlsxWriter 3.3.1
in constant-memory mode wrote about 180,000 cells a second: 100,000 people × 48 columns would
take about 27 s alone, a province's million rows four to five minutes (bench/grading.py). A score sheet is the same few cells over and over (a 2 on question 7 is always
``<c><v>2</v></c>``), so each distinct cell is turned into XML once and a row is a join of
ready-made pieces. The package holds only what Excel, WPS and LibreOffice need: one sheet, a
frozen header, column widths, four cell styles (header, text, failed, plain); strings are inline
(no shared-string table to hold in memory). Cells carry no ``r`` reference (ECMA-376 makes it
optional; cells follow each other), rows do.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

MAX_ROWS = 1_048_576  # Excel's limit, header included

HEADER, TEXT, FAILED = 1, 2, 3  # cell styles (index into cellXfs)

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")  # Excel would read _x0041_ as "A"


def text_cell(value: str, style: int = TEXT) -> str:
    """An inline-string cell; characters XML cannot carry become U+FFFD."""
    if value.isalnum():  # names, 工号, 科室: nothing to escape
        return f'<c t="inlineStr" s="{style}"><is><t>{value}</t></is></c>'
    value = _ESCAPE_LIKE.sub(r"_x005F_\1", _ILLEGAL.sub("\ufffd", value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c t="inlineStr" s="{style}"><is><t{space}>{escape(value)}</t></is></c>'


def number_cell(value: float | int, style: int = 0) -> str:
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return f'<c s="{style}"><v>{text}</v></c>' if style else f"<c><v>{text}</v></c>"


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>qinglian</Application></Properties>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId0" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "{sheets}</Relationships>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEE6E4"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF8D7D3"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(sheet_names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheet_names, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _sheet_head(header: list[str], widths: Sequence[float], freeze: tuple[int, int]) -> str:
    columns, first_row = freeze
    pane = (
        f'<pane xSplit="{columns}" ySplit="{first_row}" '
        f'topLeftCell="{_column_letter(columns + 1)}{first_row + 1}" '
        'activePane="bottomRight" state="frozen"/>'
        '<selection pane="bottomRight"/>'
    )
    cols = "".join(
        f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
        for n, w in enumerate(widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>"
        '<row r="1">' + "".join(text_cell(h, HEADER) for h in header) + "</row>"
    )


@dataclass
class SmallSheet:
    """A further worksheet of a few rows, each a list of cells from ``text_cell``/``number_cell``."""

    name: str
    header: list[str]
    widths: list[float]
    rows: list[list[str]]


def write_sheet(
    path: Path,
    sheet_name: str,
    header: list[str],
    widths: Sequence[float],
    freeze: tuple[int, int],
    rows: Iterable[str],
    more: Sequence[SmallSheet] = (),
) -> None:
    """Write a workbook: the header row, then ``rows``, which yields chunks of ready
    ``<row r="…">…</row>`` XML (cells built with ``text_cell``/``number_cell``) for row 2 on;
    then the ``more`` sheets after it."""
    count = 1 + len(more)
    numbers = range(1, count + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.replace("{sheets}", "".join(_SHEET_TYPE.format(n=n) for n in numbers)),
        )
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("docProps/app.xml", _APP)
        zf.writestr("xl/workbook.xml", _workbook([sheet_name, *(s.name for s in more)]))
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.replace("{sheets}", "".join(_SHEET_REL.format(n=n) for n in numbers)),
        )
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_sheet_head(header, widths, freeze).encode("utf-8"))
            for chunk in rows:
                out.write(chunk.encode("utf-8"))
            out.write(b"</sheetData></worksheet>")
        for n, sheet in enumerate(more, start=2):
            body = "".join(
                f'<row r="{r}">{"".join(cells)}</row>'
                for r, cells in enumerate(sheet.rows, start=2)
            )
            zf.writestr(
                f"xl/worksheets/sheet{n}.xml",
                _sheet_head(sheet.header, sheet.widths, (1, 1)) + body + "</sheetData></worksheet>",
            )

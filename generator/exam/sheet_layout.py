"""Where everything sits on a machine-read answer sheet (DESIGN.md, paper answer sheets).

The layout is computed here, from the key alone, and then both drawn (``sheets.py``) and read
(``grading/scan``): the scanner needs nothing but ``key.json`` to know where every bubble is.
Two kinds of sheet share one page frame:

- ``named``: one per roster person; name, 工号, 科室 and version are printed and carried in the
  QR code, so the header is short;
- ``blank``: anyone's; the candidate writes the name and fills a 工号 digit grid and a version
  box.

Coordinates are PDF points from the page's top-left corner. Four solid corner marks sit 30 pt in
from each edge (a photocopy that loses 5 mm of margin keeps them); a bar beside the top-left mark
tells upright from upside down. Every question of a 100-question paper fits on one side.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

from ..errors import ConfigError
from ..model.numbers import number
from ..model.terms import OPTION_LABELS
from .key import Key

PAGE_W, PAGE_H = 595.28, 841.89  # A4
MARK = 20.0  # corner mark side
MARK_INSET = 40.0  # mark centre from each edge
MARKS = (  # the four marks' centres: top-left, top-right, bottom-right, bottom-left
    (MARK_INSET, MARK_INSET),
    (PAGE_W - MARK_INSET, MARK_INSET),
    (PAGE_W - MARK_INSET, PAGE_H - MARK_INSET),
    (MARK_INSET, PAGE_H - MARK_INSET),
)
BAR = (70.0, 34.0, 130.0, 46.0)  # orientation bar (x0, y0, x1, y1), beside the top-left mark
BUBBLE_R = 5.5
PITCH = 17.0  # bubble centre to centre within a question
NUMBER_W = 24.0  # question number before the bubbles
COLUMN_GAP = 16.0
MIN_ROW = 15.0
MAX_ROW = 22.0
BLOCK = 5  # questions per block; blocks are parted by a little extra space
BLOCK_GAP = 5.0
ID_DIGITS = 8  # 工号 positions on a blank sheet
QR_SIZE = 78.0
AREA_X0, AREA_X1 = 52.0, PAGE_W - 52.0
AREA_Y1 = PAGE_H - 62.0  # the questions end above the bottom marks
QR_PREFIX = "QL1"


@dataclass(frozen=True)
class Bubble:
    field: str  # answer | 工号 | 版本 | score
    label: str
    x: float
    y: float
    r: float = BUBBLE_R
    no: int | None = None  # question number (answer, score)
    position: int | None = None  # 工号 digit position, 1-based

    def as_json(self, page: int) -> dict:
        out: dict = {"page": page, "field": self.field}
        if self.no is not None:
            out["no"] = self.no
        if self.position is not None:
            out["position"] = self.position
        out.update(label=self.label, x=round(self.x, 2), y=round(self.y, 2), r=self.r)
        return out


@dataclass(frozen=True)
class Question:
    no: int
    type: str  # single | multiple | judge | fill
    labels: tuple[str, ...]
    x: float  # left edge of the number
    y: float  # row centre
    bubbles: tuple[Bubble, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The row's rectangle (for a review crop)."""
        last = self.bubbles[-1]
        return (self.x - 4, self.y - 11, last.x + last.r + 6, self.y + 11)


@dataclass(frozen=True)
class Layout:
    kind: str  # named | blank
    questions: tuple[Question, ...]
    staff_id: tuple[tuple[Bubble, ...], ...] = ()  # blank: one tuple of 10 digits per position
    versions: tuple[Bubble, ...] = ()  # blank, several versions: one bubble per version
    area_top: float = 0.0
    row_height: float = 0.0
    qr_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    id_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    version_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    header_box: tuple[float, float, float, float] = (0, 0, 0, 0)
    marks: tuple[tuple[float, float], ...] = MARKS

    def bubbles(self) -> list[Bubble]:
        out = [b for position in self.staff_id for b in position]
        out += list(self.versions)
        for q in self.questions:
            out += q.bubbles
        return out


def shape(key: Key) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each question number's type and bubble labels: the widest any version prints there."""
    versions = list(key.versions.values())
    out = []
    for i in range(key.question_count):
        items = [v[i] for v in versions]
        kind = items[0].type
        if any(item.type != kind for item in items):
            raise ConfigError(f"第 {i + 1} 题在各版本中的题型不同，无法共用一张答题卡")
        if kind in ("single", "multiple"):
            labels = tuple(OPTION_LABELS[: max(len(item.options) for item in items)])
        elif kind == "judge":
            labels = ("对", "错")
        else:
            labels = ("0", number(max(item.points for item in items)))
        out.append((kind, labels))
    return tuple(out)


def printed(key: Key, sheet: SheetId, bubble: Bubble) -> bool:
    """Whether a named sheet prints ``bubble``: its version may have fewer options at that
    number than the widest version (a blank sheet serves every version and prints them all)."""
    if sheet.kind != "named" or bubble.field != "answer" or sheet.version not in key.versions:
        return True
    if bubble.no is None:  # an answer bubble always has its question number
        return True
    item = key.versions[sheet.version][bubble.no - 1]
    return not item.options or bubble.label in OPTION_LABELS[: len(item.options)]


def layout_for(key: Key, kind: str) -> Layout:
    return _layout(shape(key), tuple(key.versions), kind)


@cache
def _layout(
    questions: tuple[tuple[str, tuple[str, ...]], ...], versions: tuple[str, ...], kind: str
) -> Layout:
    header_top = 58.0
    if kind == "named":
        qr_box = (PAGE_W - 52 - QR_SIZE, header_top, PAGE_W - 52, header_top + QR_SIZE)
        header = (AREA_X0, header_top, qr_box[0] - 10, header_top + QR_SIZE)
        top = header_top + QR_SIZE + 62  # info line + instructions
        staff: tuple = ()
        version_bubbles: tuple = ()
        id_box = version_box = (0.0, 0.0, 0.0, 0.0)
    else:
        qr_box = (PAGE_W - 52 - 56, header_top, PAGE_W - 52, header_top + 56)
        header = (AREA_X0, header_top, qr_box[0] - 10, header_top + 56)
        grid_top = header_top + 84  # first digit row centre
        digit_pitch = 13.0
        x0 = AREA_X0 + 40
        staff = tuple(
            tuple(
                Bubble("工号", str(d), x0 + p * 16.0, grid_top + d * digit_pitch, position=p + 1)
                for d in range(10)
            )
            for p in range(ID_DIGITS)
        )
        id_box = (AREA_X0, grid_top - 30, x0 + (ID_DIGITS - 1) * 16 + 12, grid_top + 9 * 13 + 9)
        if len(versions) > 1:
            vx = id_box[2] + 40
            version_bubbles = tuple(
                Bubble("版本", v, vx + i * 24.0, grid_top + 10) for i, v in enumerate(versions)
            )
            version_box = (
                vx - 14,
                grid_top - 30,
                vx + (len(versions) - 1) * 24 + 14,
                grid_top + 24,
            )
        else:
            version_bubbles = ()
            version_box = (0.0, 0.0, 0.0, 0.0)
        top = id_box[3] + 46  # instructions beside the grid; questions below
    placed, row_h = _questions(questions, top)
    return Layout(
        kind=kind,
        questions=placed,
        staff_id=staff,
        versions=version_bubbles,
        area_top=top,
        row_height=row_h,
        qr_box=qr_box,
        id_box=id_box,
        version_box=version_box,
        header_box=header,
    )


def _questions(questions, top: float) -> tuple[tuple[Question, ...], float]:
    n = len(questions)
    widest = max(len(labels) for _, labels in questions)
    col_w = NUMBER_W + widest * PITCH
    width = AREA_X1 - AREA_X0
    height = AREA_Y1 - top
    best = None
    for cols in range(1, 9):
        if cols * col_w + (cols - 1) * COLUMN_GAP > width:
            break
        rows = math.ceil(n / cols)
        gaps = (rows - 1) // BLOCK
        row_h = min(MAX_ROW, (height - gaps * BLOCK_GAP) / rows)
        if row_h >= MIN_ROW and (best is None or row_h > best[1] + 0.5):
            best = (cols, row_h, rows)
    if best is None:
        raise ConfigError(
            f"共 {n} 题、每题最多 {widest} 个选项，一张 A4 答题卡放不下；请减少题数或选项数"
        )
    cols, row_h, rows = best
    spare = width - cols * col_w
    gap = spare / (cols - 1) if cols > 1 else 0
    placed = []
    for i, (kind, labels) in enumerate(questions):
        c, r = divmod(i, rows)
        x = AREA_X0 + c * (col_w + gap)
        y = top + r * row_h + (r // BLOCK) * BLOCK_GAP + row_h / 2
        field_name = "score" if kind == "fill" else "answer"
        bubbles = tuple(
            Bubble(field_name, label, x + NUMBER_W + j * PITCH + BUBBLE_R, y, no=i + 1)
            for j, label in enumerate(labels)
        )
        placed.append(Question(i + 1, kind, labels, x, y, bubbles))
    return tuple(placed), row_h


# --- the QR code -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetId:
    """What a sheet's QR code says."""

    exam: str
    kind: str  # named | blank
    version: str = ""
    staff_id: str = ""
    name: str = ""
    department: str = ""


def qr_text(sheet: SheetId) -> str:
    if sheet.kind == "blank":
        return json.dumps([QR_PREFIX, sheet.exam, "blank"], ensure_ascii=False)
    fields = [QR_PREFIX, sheet.exam, "named", sheet.version, sheet.staff_id]
    fields += [sheet.name, sheet.department]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def read_qr_text(text: str) -> SheetId | None:
    """The sheet a QR text names, or None when it is not one of our sheets."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or len(data) < 3 or data[0] != QR_PREFIX:
        return None
    if not all(isinstance(x, str) for x in data):
        return None
    if data[2] == "blank":
        return SheetId(data[1], "blank")
    if data[2] == "named" and len(data) == 7:
        return SheetId(data[1], "named", *data[3:7])
    return None


# --- sheet-layout.json -----------------------------------------------------------------------


def layout_json(key: Key, sheets: list[SheetId]) -> str:
    """Every bubble of every page (DESIGN.md): one bubble per line, so the file stays greppable."""
    marks = [{"x": x, "y": y, "size": MARK} for x, y in MARKS]
    pages = [
        {"page": i, "kind": s.kind, "version": s.version or None, "工号": s.staff_id or None}
        for i, s in enumerate(sheets, start=1)
    ]
    lines = []
    for i, s in enumerate(sheets, start=1):
        layout = layout_for(key, s.kind)
        lines += [
            json.dumps(b.as_json(i), ensure_ascii=False)
            for b in layout.bubbles()
            if printed(key, s, b)
        ]

    def rows(items: list) -> str:
        return "[\n  " + ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in items) + "\n ]"

    return (
        f'{{"exam": {json.dumps(key.exam, ensure_ascii=False)},\n'
        f' "page": {{"width_pt": {PAGE_W}, "height_pt": {PAGE_H}}},\n'
        f' "marks": {rows(marks)},\n'
        f' "sheets": {rows(pages)},\n'
        ' "bubbles": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"
    )

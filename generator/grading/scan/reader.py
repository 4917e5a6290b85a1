"""Reading scanned answer sheets: pages in, identified answer rows and what waits for a person out.

``read_page`` handles one page (load → blank? → locate → identify by QR or 工号 grid → read
every bubble → decide each question or send it to review with a crop). ``scan`` reads a batch,
in parallel when asked, applies a trainer's earlier decisions, and finds sheets scanned twice.
A page that cannot be read becomes a reported page, never an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np

from ...exam.key import Key
from ...exam.sheet_layout import (
    PAGE_W,
    Layout,
    SheetId,
    layout_for,
    printed,
    read_qr_text,
    shape,
)
from ...model.terms import OPTION_LABELS
from . import marks as m
from .locate import SCALE, NotFound, crop, is_blank, layout_fit, locate
from .pages import PageError, PageRef

# Page states (scan-report.csv 状态)
READ, BLANK_PAGE, FAILED, UNIDENTIFIED, OTHER_EXAM, DUPLICATE = (
    "已识别",
    "空白页",
    "无法读取",
    "未识别",
    "其他考试",
    "重复扫描",
)
IGNORE = "忽略"
EMPTY_ANSWER = "空"
FILL_WRONG = "判错"  # answers.csv text for a fill question the marker scored 0
MIN_FIT = 0.12  # printed rings must show at least this much for the layout to be ours


@dataclass
class Item:
    """One decision waiting for a person."""

    file: str
    page: int
    field: str  # question number as text, 工号, 版本 or 页
    kind: str  # single | multiple | judge | fill | 工号 | 版本 | 页
    reason: str
    choices: tuple[str, ...] = ()
    seen: str = ""  # what the machine read (filled bubbles), shown as a hint
    crop: bytes = b""  # PNG
    staff_id: str = ""
    version: str = ""


@dataclass
class SheetRead:
    """One scanned page."""

    file: str
    page: int
    status: str
    reason: str = ""
    kind: str = ""  # named | blank
    staff_id: str = ""
    name: str = ""
    department: str = ""
    version: str = ""
    answers: dict[int, str | None] = field(default_factory=dict)  # labels; None = undecided
    items: list[Item] = field(default_factory=list)
    rotation: int = 0
    identified_by: str = ""  # 二维码 | 工号涂卡 | 复核
    decided: int = 0  # decisions applied from the trainer's file
    ignored: bool = False

    @property
    def waiting(self) -> int:
        return len(self.items)

    @property
    def identified(self) -> bool:
        return bool(self.staff_id) and not self.ignored and self.status in (READ, DUPLICATE)


@dataclass
class ScanResult:
    key: Key
    pages: list[SheetRead]

    @property
    def items(self) -> list[Item]:
        return [i for p in self.pages for i in p.items]

    @property
    def sheets(self) -> list[SheetRead]:
        """Pages that become answer rows (identified, not a repeat)."""
        return [p for p in self.pages if p.identified and p.status == READ]

    def answer_rows(self) -> list[list[str]]:
        """answers.csv rows in ``answer_sheet.header`` order: 工号, 姓名, 科室, 版本 and each
        number's cell (``?`` undecided)."""
        labels = shape(self.key)
        numbers = range(1, self.key.question_count + 1)
        return [
            [p.staff_id, p.name, p.department, p.version or "?"]
            + [_cell(self.key, p, no, labels[no - 1][0]) for no in numbers]
            for p in self.sheets
        ]


def _cell(key: Key, sheet: SheetRead, no: int, kind: str) -> str:
    value = sheet.answers.get(no)
    if value is None:
        return "?"
    if kind != "fill":
        return value
    if value == "":
        return "?"  # the marker gave no score: never a guess (listed for review)
    if value == "0":
        return FILL_WRONG
    item = key.versions.get(sheet.version, [None] * no)[no - 1] if sheet.version else None
    return item.accepted[0] if item else "?"


# --- one page ----------------------------------------------------------------------------------


def read_page(key: Key, ref: PageRef) -> SheetRead:
    try:
        return _read_page(key, ref)
    except PageError as exc:
        return SheetRead(ref.file, ref.page, FAILED, str(exc))
    except Exception as exc:  # a bad page never stops the batch; the report names it
        return SheetRead(ref.file, ref.page, FAILED, f"读取出错（{type(exc).__name__}: {exc}）")


def _read_page(key: Key, ref: PageRef) -> SheetRead:
    gray = ref.load()
    if is_blank(gray):
        return SheetRead(ref.file, ref.page, BLANK_PAGE, "空白页（如双面扫描的背面），已跳过")
    layouts = {kind: layout_for(key, kind) for kind in ("named", "blank")}
    try:
        located = locate(gray)
    except NotFound as exc:
        return _unreadable(ref, gray, str(exc))
    image = located.image
    sheet_id = _qr(image, [lay.qr_box for lay in layouts.values()])
    if sheet_id and sheet_id.exam != key.exam:
        return _unreadable(
            ref, gray, f"这是考试“{sheet_id.exam}”的答题卡，不属于 {key.exam}", OTHER_EXAM
        )
    white, black = m.ink_levels(image, layouts["named"])
    if white - black < 60:
        return _unreadable(ref, gray, "图像对比度太低，无法分辨涂卡（请调亮或重新扫描）")
    if sheet_id:
        kind = sheet_id.kind
    else:
        fits = {k: layout_fit(image, lay, white, black) for k, lay in layouts.items()}
        kind = max(fits, key=lambda k: fits[k])
    layout = layouts[kind]
    if layout_fit(image, layout, white, black) < MIN_FIT:
        return _unreadable(ref, gray, "版式与 key.json 不符（可能是另一场考试或旧版答题卡）")
    out = SheetRead(ref.file, ref.page, READ, kind=kind, rotation=located.rotation)
    # A named sheet leaves out the options its version lacks: only printed bubbles are read.
    every = layout.bubbles()
    bubbles = [b for b in every if not sheet_id or printed(key, sheet_id, b)]
    values = m.darkness(image, bubbles, white, black)
    labels = [b.label for b in bubbles]
    levels = m.learn(values, labels, white, black)
    states, _ = m.states(values, labels, levels)
    state = {id(b): m.EMPTY for b in every}
    state.update({id(b): s for b, s in zip(bubbles, states, strict=True)})
    if sheet_id and kind == "named":
        out.staff_id, out.name, out.department = (
            sheet_id.staff_id,
            sheet_id.name,
            sheet_id.department,
        )
        out.version = sheet_id.version
        out.identified_by = "二维码"
    else:
        _identify_blank(key, out, layout, state, image)
    for q in layout.questions:
        answer, reason = _decide(q.type, q.bubbles, state)
        out.answers[q.no] = answer
        if reason:
            out.items.append(
                Item(
                    ref.file,
                    ref.page,
                    str(q.no),
                    q.type,
                    reason,
                    q.labels,
                    "".join(b.label for b in q.bubbles if state[id(b)] == m.FILLED),
                    _png(image, q.box, q.bubbles, state),
                )
            )
    if not out.staff_id and kind == "named":
        out.status = UNIDENTIFIED
        out.reason = "二维码无法读取，不知道是谁的答题卡"
        header = _png(
            image,
            (layout.header_box[0], layout.header_box[1], PAGE_W - 40, layout.header_box[1] + 50),
        )
        found = [Item(ref.file, ref.page, "工号", "工号", out.reason, crop=header)]
        if len(key.versions) > 1:
            found.append(
                Item(
                    ref.file,
                    ref.page,
                    "版本",
                    "版本",
                    "二维码无法读取，请按卡上印的版本选择",
                    tuple(key.versions),
                    crop=header,
                )
            )
        else:
            out.version = next(iter(key.versions))
        out.items[:0] = found
    elif not out.staff_id:
        out.status = UNIDENTIFIED
        out.reason = "工号涂卡无法确定"
    _check_options(key, out, layout, image, state)
    for item in out.items:
        item.staff_id, item.version = out.staff_id, out.version
    return out


def _check_options(key: Key, out: SheetRead, layout: Layout, image, state) -> None:
    """A mark on a bubble this version's paper has no option for (the sheet prints the widest
    version's bubbles) is not an answer to guess from: a person looks."""
    items = key.versions.get(out.version)
    if not items:
        return
    for q in layout.questions:
        answer, options = out.answers.get(q.no), items[q.no - 1].options
        if not answer or not options or q.type not in ("single", "multiple"):
            continue
        extra = [x for x in answer if x not in OPTION_LABELS[: len(options)]]
        if extra:
            out.answers[q.no] = None
            out.items.append(
                Item(
                    out.file,
                    out.page,
                    str(q.no),
                    q.type,
                    f"{out.version} 卷此题没有选项 {'、'.join(extra)}，却涂了",
                    q.labels[: len(options)],
                    answer,
                    _png(image, q.box, q.bubbles, state),
                )
            )


def _unreadable(ref: PageRef, gray: np.ndarray, reason: str, status: str = UNIDENTIFIED):
    """A page that is not a readable sheet: reported, with a picture, to be set aside."""
    out = SheetRead(ref.file, ref.page, status, reason)
    out.items.append(
        Item(ref.file, ref.page, "页", "忽略", reason, (IGNORE,), crop=_thumbnail(gray))
    )
    return out


def _qr(image: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> SheetId | None:
    """The sheet's QR code, looked for where either kind of sheet prints it (``boxes``)."""
    import cv2
    import zxingcpp

    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    region = crop(image, box, margin=14)
    tries = [region, cv2.resize(region, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)]
    for candidate in tries:
        for found in zxingcpp.read_barcodes(
            candidate, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        ):
            sheet = read_qr_text(found.text)
            if sheet:
                return sheet
    return None


def _identify_blank(key: Key, out: SheetRead, layout: Layout, state, image) -> None:
    digits = []
    problem = ""
    ended = False
    for position in layout.staff_id:
        filled = [b.label for b in position if state[id(b)] == m.FILLED]
        doubt = [b for b in position if state[id(b)] == m.DOUBT]
        if doubt:
            problem = f"第 {position[0].position} 位涂痕较浅或未擦净"
            break
        if len(filled) > 1:
            problem = f"第 {position[0].position} 位涂了多个数字"
            break
        if not filled:
            ended = True
            continue
        if ended:
            problem = f"第 {position[0].position} 位之前有空位（工号应从左起连续填涂）"
            break
        digits.append(filled[0])
    if not problem and not digits:
        problem = "未填涂工号"
    all_bubbles = [b for p in layout.staff_id for b in p]
    if problem:
        out.items.append(
            Item(
                out.file,
                out.page,
                "工号",
                "工号",
                f"工号无法确定：{problem}",
                crop=_png(image, layout.id_box, all_bubbles, state),
            )
        )
    else:
        out.staff_id = "".join(digits)
        out.identified_by = "工号涂卡"
    versions = list(key.versions)
    if len(versions) == 1:
        out.version = versions[0]
        return
    answer, reason = _decide("single", layout.versions, state)
    if reason or not answer:
        why = reason or "未涂版本"
        out.items.append(
            Item(
                out.file,
                out.page,
                "版本",
                "版本",
                f"版本无法确定：{why}",
                tuple(versions),
                "".join(b.label for b in layout.versions if state[id(b)] == m.FILLED),
                _png(image, layout.version_box, list(layout.versions), state),
            )
        )
    else:
        out.version = answer


def _decide(kind: str, bubbles, state) -> tuple[str | None, str]:
    """The answer the bubbles give, or None and why a person must look."""
    filled = [b.label for b in bubbles if state[id(b)] == m.FILLED]
    doubt = [b.label for b in bubbles if state[id(b)] == m.DOUBT]
    if doubt:
        what = "、".join(doubt)
        return None, f"{what} 涂痕较浅或未擦净"
    if kind == "fill":
        if len(filled) != 1:
            return None, "阅卷人未给分" if not filled else "阅卷人涂了多个分数"
        return filled[0], ""
    if kind in ("single", "judge") and len(filled) > 1:
        return None, f"只能选一个，却涂了 {'、'.join(filled)}"
    return "".join(filled), ""


# --- pictures for the review page -----------------------------------------------------------


def _png(image, box, bubbles=(), state=None, margin: float = 3) -> bytes:
    import cv2

    part = crop(image, box, margin=margin)
    x0 = max(0.0, box[0] - margin)
    y0 = max(0.0, box[1] - margin)
    colour = cv2.cvtColor(part, cv2.COLOR_GRAY2BGR)
    for b in bubbles:
        s = state.get(id(b)) if state else None
        if s == m.DOUBT:
            rgb = (0, 140, 255)
        elif s == m.FILLED:
            rgb = (60, 170, 40)
        else:
            continue
        centre = (round((b.x - x0) * SCALE), round((b.y - y0) * SCALE))
        cv2.circle(colour, centre, round((b.r + 2.5) * SCALE), rgb, 2, cv2.LINE_AA)
    ok, data = cv2.imencode(".png", colour)
    return data.tobytes() if ok else b""


def _thumbnail(gray: np.ndarray) -> bytes:
    import cv2

    f = 520 / max(gray.shape)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    ok, data = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])
    return data.tobytes() if ok else b""


# --- a batch -------------------------------------------------------------------------------------

Decisions = dict[tuple[str, int, str], str]  # (file name, page, 题号/工号/版本/页) → decision


def decision_key(file: str, page: int, field_name: str) -> tuple[str, int, str]:
    return (PurePath(file).name, page, field_name)


_KEY: Key | None = None


def _init(key: Key) -> None:
    global _KEY
    _KEY = key
    import cv2

    cv2.setNumThreads(1)


def _read_one(ref: PageRef) -> SheetRead:
    assert _KEY is not None
    return read_page(_KEY, ref)


def scan(
    key: Key,
    pages: Iterable[PageRef],
    decisions: Decisions | None = None,
    workers: int = 1,
    progress: Callable | None = None,
    unreadable: Iterable[tuple[str, str]] = (),
) -> ScanResult:
    """Read every page; ``decisions`` (from ``parse_decisions``) settle earlier review items.
    ``unreadable`` files (file, reason: ``page_refs``' second answer) are reported as one page
    each, to be set aside like any page that is not a sheet."""
    refs = list(pages)
    shown, task = progress("读取答题卡", len(refs)) if progress and refs else (None, None)
    with shown if shown is not None else nullcontext():
        reads = list(_read_all(key, refs, workers, lambda: shown.advance(task) if shown else None))
    for file, reason in unreadable:
        read = SheetRead(file, 1, FAILED, reason)
        read.items.append(Item(file, 1, "页", IGNORE, reason, (IGNORE,)))
        reads.append(read)
    _repeats(reads)  # before decisions: a sheet scanned twice is reviewed once
    for read in reads:
        _apply(read, decisions or {})
    _repeats(reads)  # sheets named only by a decision
    return ScanResult(key, reads)


def _read_all(key: Key, refs: list[PageRef], workers: int, advance) -> Iterable[SheetRead]:
    if workers > 1 and len(refs) > 3:  # starting processes costs more than a few pages
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Fresh interpreters, not forks: a fork of a process whose OpenCV thread pool is
        # running can deadlock in the child.
        with ProcessPoolExecutor(
            max_workers=min(workers, len(refs)),
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(key,),
        ) as pool:
            for read in pool.map(_read_one, refs, chunksize=1):
                advance()
                yield read
        return
    for ref in refs:
        read = read_page(key, ref)
        advance()
        yield read


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _apply(read: SheetRead, decisions: Decisions) -> None:
    left = []
    for item in read.items:
        value = decisions.get(decision_key(item.file, item.page, item.field))
        # an unknown page may be set aside instead of named
        page_decision = decisions.get(decision_key(item.file, item.page, "页"))
        if value is None and item.field == "工号" and page_decision == IGNORE:
            value = IGNORE
        if value is None:
            left.append(item)
            continue
        read.decided += 1
        if value == IGNORE and item.field in ("页", "工号"):
            read.ignored = True
            read.reason = (read.reason + "；" if read.reason else "") + "复核决定：忽略此页"
            read.items = []
            return
        if item.field == "工号":
            read.staff_id = value
            read.identified_by = read.identified_by or "复核"
        elif item.field == "版本":
            read.version = value
        elif item.field != "页":
            read.answers[int(item.field)] = "" if value == EMPTY_ANSWER else value
    read.items = left
    if read.status == UNIDENTIFIED and read.staff_id and read.answers:
        read.status = READ
    for item in read.items:
        item.staff_id, item.version = read.staff_id, read.version


def _repeats(reads: list[SheetRead]) -> None:
    """The same 工号 on several pages: identical reads are one sheet scanned twice (the later
    pages are set aside); different reads wait for a person to say which page counts."""
    seen: dict[str, list[SheetRead]] = {}
    for r in reads:
        if r.identified and r.status == READ:
            seen.setdefault(r.staff_id, []).append(r)
    for staff_id, group in seen.items():
        if len(group) < 2:
            continue
        first = group[0]
        for other in group[1:]:
            where = f"{PurePath(first.file).name} 第 {first.page} 页"
            if other.answers == first.answers and other.version == first.version:
                other.status = DUPLICATE
                other.reason = f"与 {where} 相同（同一张答题卡扫描了两次），已略去"
                other.items = []
            else:
                reason = f"工号 {staff_id} 也出现在 {where}，两页的作答不同：请决定忽略哪一页"
                for r in (first, other):
                    if not any(i.field == "页" for i in r.items):
                        r.items.insert(
                            0,
                            Item(
                                r.file,
                                r.page,
                                "页",
                                "忽略",
                                reason,
                                (IGNORE,),
                                staff_id=staff_id,
                                version=r.version,
                            ),
                        )

"""A warning-education case written in Word (or WPS, LibreOffice) → a case: front matter,
Markdown body, images.

Structure decides, not fonts (the mammoth way), with what mammoth misses: a heading is a
paragraph whose own or style's outline level says so, whose style is named heading N / 标题 N,
or whose style id is a bare number WPS wrote with no definition (``"2"`` → level 2). A bold
one-line paragraph is offered as a heading (and listed, so the editor can check). Levels are
kept relative: the document's top section level becomes ``##`` (the case title is the page's
``#``). The case template's sections are recognised under the names people use (案情简介 →
基本案情 …). A leading ``日期：… 科室：… 条款：… 类别：… 来源：…`` block (one line or several)
fills the front matter; whatever is missing is a located problem, never a guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from ..model.answers import fold
from ..model.order import by_pinyin
from ..sources.checks import patient_names, personal_numbers
from .docx_read import HEADING_NAME, Cell, Docx, Paragraph, Run, Table
from .questions import ImportProblem, rule_numbers

CASE_SECTIONS = ("基本案情", "处理结果", "违反条款", "案例剖析", "警示启示")
SECTION_NAMES = {
    "基本案情": (
        "基本案情",
        "案情简介",
        "案情概要",
        "案情摘要",
        "简要案情",
        "案件经过",
        "案情",
        "基本情况",
        "主要事实",
        "案件事实",
        "违纪事实",
        "主要违纪事实",
        "案例简介",
    ),
    "处理结果": (
        "处理结果",
        "处理情况",
        "处理决定",
        "处分情况",
        "查处情况",
        "处理",
        "处理意见",
        "处理处分",
        "处理及处分",
        "查处结果",
    ),
    "违反条款": (
        "违反条款",
        "违反的条款",
        "违反准则条款",
        "涉及条款",
        "违规条款",
        "违反规定",
        "违反的规定",
        "违反九项准则条款",
        "对照条款",
        "违反准则",
    ),
    "案例剖析": (
        "案例剖析",
        "案例分析",
        "原因分析",
        "剖析",
        "案情分析",
        "问题剖析",
        "案例评析",
        "原因剖析",
        "分析",
    ),
    "警示启示": (
        "警示启示",
        "警示教育",
        "启示",
        "警示",
        "案例启示",
        "以案为鉴",
        "警示意义",
        "教训启示",
        "案例警示",
    ),
}
SECTION_BY_NAME = {n: canon for canon, names in SECTION_NAMES.items() for n in names}

META_KEYS = {
    "date": ("日期", "发生日期", "时间", "案发时间", "发生时间"),
    "department": ("科室", "部门", "所在科室", "涉及科室"),
    "rules": ("条款", "涉及条款", "准则条款"),
    "category": ("类别", "案例类别", "类型", "案例类型"),
    "source": ("来源", "案例来源", "资料来源"),
    "role": ("岗位", "角色", "人员类别"),
    "tags": ("标签", "关键词"),
}
META_BY_NAME = {n: key for key, names in META_KEYS.items() for n in names}
META_LABELS = {"date": "日期", "department": "科室", "rules": "条款", "category": "类别"}
META_LABELS["source"] = "来源"
_META_NAMES = "|".join(sorted(map(re.escape, META_BY_NAME), key=len, reverse=True))
_META_START = re.compile(rf"^\s*(?:{_META_NAMES})\s*[:：]")
_META_ITEM = re.compile(rf"({_META_NAMES})\s*[:：]\s*(.*?)\s*(?=(?:{_META_NAMES})\s*[:：]|$)")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+\s*[.．、]"
    r"|第[一二三四五六七八九十]+部分\s*)\s*"
)
_SENTENCE_END = re.compile(r"[。；;，,！？!?]$")
OFFERED_MAX_CHARS = 30


@dataclass
class ImportedCase:
    """What one document gives: the case's file parts, or its problems."""

    id: str = ""
    meta: dict = field(default_factory=dict)
    body: str = ""
    images: dict[str, bytes] = field(default_factory=dict)  # file name → bytes
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # offered headings and other things to check
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text) as written
    tables: int = 0


def heading_level(p: Paragraph) -> int | None:
    """The level (1–9) a paragraph's structure gives it, 0 for a title, None for body text."""
    if p.outline_level is not None and 0 <= p.outline_level <= 8:
        return p.outline_level + 1
    name = p.style_name.strip()
    if name.lower() in ("title", "标题"):
        return 0
    m = HEADING_NAME.match(name)
    if m:
        return int(m.group(1))
    if not name and p.style_id.isdigit() and 1 <= int(p.style_id) <= 9:
        return int(p.style_id)  # WPS: a numeric style id without a definition
    return None


def _offered(p: Paragraph) -> bool:
    """A bold one-line paragraph that acts as a heading."""
    text = p.text.strip()
    runs = [r for r in p.runs if r.text.strip()]
    return (
        bool(runs)
        and all(r.bold for r in runs)
        and 0 < len(text) <= OFFERED_MAX_CHARS
        and "\n" not in text
        and not _SENTENCE_END.search(text)
        and not _META_START.match(text)
    )


def section_name(text: str) -> str | None:
    key = re.sub(r"[\s:：]", "", _NUMBERING.sub("", fold(text)))
    return SECTION_BY_NAME.get(key)


# --- inline Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+] |\d+\. )")


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def _inline(runs: list[Run], image_src) -> str:
    merged: list[Run] = []
    for r in runs:
        if r.image:
            merged.append(r)
        elif (
            merged
            and not merged[-1].image
            and (merged[-1].bold, merged[-1].italic)
            == (
                r.bold,
                r.italic,
            )
        ):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic)
        else:
            merged.append(Run(r.text, r.bold, r.italic))
    out = []
    for r in merged:
        if r.image:
            out.append(f"![{_escape(r.alt or '图片')}]({image_src(r.image)})")
            continue
        text = r.text.replace("\t", " ")
        core = text.strip()
        if not core or not (r.bold or r.italic):
            out.append(_escape(text))
            continue
        mark = "***" if r.bold and r.italic else "**" if r.bold else "*"
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        out.append(f"{lead}{mark}{_escape(core)}{mark}{trail}")
    line = "".join(out).strip()
    line = line.replace("\n", "<br>\n")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def _html_inline(runs: list[Run]) -> str:
    out = []
    for r in runs:
        if r.image:
            continue  # images in table cells are not kept (their address would be the page's)
        text = html.escape(r.text.replace("\t", " ")).replace("\n", "<br>")
        if r.bold and text.strip():
            text = f"<strong>{text}</strong>"
        if r.italic and text.strip():
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out).strip()


def table_markdown(table: Table) -> str:
    """A pipe table when it is a plain grid; an HTML table when cells are merged or hold more
    than one line (Markdown tables cannot say either)."""
    rows = [r for r in table.rows if r]
    if not rows:
        return ""
    plain = (
        all(
            c.span == 1 and not c.merge and len(c.paragraphs) <= 1 and "\n" not in _cell_text(c)
            for row in rows
            for c in row
        )
        and len({len(r) for r in rows}) == 1
    )
    if plain:
        lines = []
        for i, row in enumerate(rows):
            cells = [_escape(_cell_text(c)).replace("|", "\\|") or " " for c in row]
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0:
                lines.append("|" + "|".join(" --- " for _ in row) + "|")
        return "\n".join(lines)
    return _html_table(rows)


def _cell_text(cell) -> str:
    return "\n".join(p.text.strip() for p in cell.paragraphs).strip()


def _html_table(rows) -> str:
    # Grid positions first, so a vertical merge can count the cells below it.
    grid: list[list[tuple[int, Cell]]] = []
    for row in rows:
        col, placed = 0, list[tuple[int, Cell]]()
        for cell in row:
            placed.append((col, cell))
            col += max(cell.span, 1)
        grid.append(placed)
    out = ["<table>"]
    for r, placed in enumerate(grid):
        tag = "th" if r == 0 else "td"
        cells = []
        for col, cell in placed:
            if cell.merge == "continue":
                continue
            attrs = f' colspan="{cell.span}"' if cell.span > 1 else ""
            if cell.merge == "restart":
                span = 1
                for below in grid[r + 1 :]:
                    if any(c == col and x.merge == "continue" for c, x in below):
                        span += 1
                    else:
                        break
                if span > 1:
                    attrs += f' rowspan="{span}"'
            content = "<br>".join(t for t in (_html_inline(p.runs) for p in cell.paragraphs) if t)
            cells.append(f"<{tag}{attrs}>{content}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


# --- the document ---------------------------------------------------------------------------


def convert_case(
    docx: Docx,
    path: str,
    departments: Collection[str] = (),
    categories: Collection[str] = (),
) -> ImportedCase:
    """The case in ``docx`` (read by ``docx_read.read_docx``). ``departments`` and
    ``categories`` are the taxonomy's names (empty: not checked)."""
    case = ImportedCase()

    def problem(number: int, message: str) -> None:
        case.problems.append(ImportProblem(path, number, message, f"第{number}段"))

    blocks = [b for b in docx.blocks if isinstance(b, Table) or b.text.strip() or _has_image(b)]
    title, title_at, meta_at = "", 1, None
    fields: dict[str, tuple[str, int]] = {}
    body_start = 0
    # Title and the leading block: everything before the first section heading.
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            body_start = i
            break
        level = heading_level(block)
        text = block.text.strip()
        if (
            not title
            and (level in (0, 1) or (level is None and _offered(block)))
            and not _META_START.match(text)
        ):
            title, title_at = re.sub(r"\s+", " ", text), block.number
            continue
        if _META_START.match(text):
            meta_at = meta_at or block.number
            for name, value in _META_ITEM.findall(text):
                key = META_BY_NAME[name]
                if key in fields:
                    problem(block.number, f"“{name}”写了两次")
                fields[key] = (value.strip(), block.number)
            continue
        body_start = i
        break
    else:
        body_start = len(blocks)

    if not title:
        problem(1, "缺少标题：第一段应为案例标题（用“标题”或“标题 1”样式，或加粗单独一行）")
    case.meta["title"] = title
    _read_meta(case, fields, meta_at or title_at + 1, departments, categories, problem)

    # Body.
    headings = []
    for block in blocks[body_start:]:
        if isinstance(block, Paragraph):
            level = heading_level(block)
            if level is None and _offered(block):
                level = -1  # offered: placed below
            if level is not None:
                headings.append((block, level))
    levels = sorted({lv for _, lv in headings if lv > 0})
    top = levels[0] if levels else 2
    image_names: dict[str, str] = {}

    def image_src(package_path: str) -> str:
        if package_path not in image_names:
            # The package's own file name (image1.png), made unique and safe as a file name.
            stem, dot, ext = posixpath.basename(package_path).rpartition(".")
            stem = re.sub(r"[^A-Za-z0-9_-]", "", stem) or "image"
            ext = re.sub(r"[^A-Za-z0-9]", "", ext).lower() or "bin"
            name, n = f"{stem}.{ext}", 2
            while name in image_names.values():
                name, n = f"{stem}-{n}.{ext}", n + 1
            image_names[package_path] = name
            if ext in ("emf", "wmf", "tif", "tiff"):
                case.notes.append(
                    f"{path}: 图片 {name} 是 {ext.upper()} 格式，浏览器无法显示：请在 Word 中另存为 "
                    "PNG 或 JPG 后替换 cases/ 中的这张图片，并改正案例中的文件名"
                )
        name = image_names[package_path]
        case.images[name] = docx.images[package_path]
        return f"{case.id}/{name}"

    parts: list[str] = []
    list_open = False
    found_sections: dict[str, int] = {}
    heading_levels = dict((id(b), lv) for b, lv in headings)
    for block in blocks[body_start:]:
        if isinstance(block, Table):
            parts.append(table_markdown(block))
            case.tables += 1
            list_open = False
            continue
        text = block.text.strip()
        level = heading_levels.get(id(block))
        if level is not None:
            canon = section_name(text)
            if canon:
                md_level = 2
                heading = canon
                if canon in found_sections:
                    problem(
                        block.number, f"“{canon}”一节出现了两次（另见第{found_sections[canon]}段）"
                    )
                found_sections[canon] = block.number
            else:
                heading = re.sub(r"\s+", " ", text)
                # An offered heading sits under the document's own headings, if it has any.
                offered = 3 if levels else 2
                md_level = offered if level == -1 else min(max(level - top + 2, 2), 6)
            if level == -1:
                case.notes.append(f"{path}:第{block.number}段: 加粗单独一行“{text}”当作标题")
            case.headings.append((md_level, heading))
            parts.append("#" * md_level + " " + _escape(heading))
            list_open = False
            continue
        line = _inline(block.runs, image_src)
        if not line:
            continue
        for what in _personal(block.text):
            problem(block.number, what)
        if block.list_kind:
            marker = "-" if block.list_kind == "bullet" else "1."
            item = "    " * block.list_level + f"{marker} {line}"
            if list_open:
                parts[-1] += "\n" + item
            else:
                parts.append(item)
            list_open = True
        else:
            parts.append(line)
            list_open = False
    for block in blocks[body_start:]:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    for p in cell.paragraphs:
                        for what in _personal(p.text):
                            problem(block.number, what + "（表格中）")
    missing = [s for s in CASE_SECTIONS if s not in found_sections]
    if missing:
        where = (
            blocks[body_start].number
            if body_start < len(blocks) and isinstance(blocks[body_start], Paragraph)
            else 1
        )
        usual = "；".join(f"{s}（或 {'、'.join(SECTION_NAMES[s][1:4])}）" for s in missing)
        problem(where, f"缺少案例的固定小节：{usual}，请加上这些标题")
    case.body = "\n\n".join(parts).strip() + "\n"
    for what in _personal(title):
        problem(title_at, what)
    return case


def _has_image(block) -> bool:
    return isinstance(block, Paragraph) and any(r.image for r in block.runs)


def _read_meta(case, fields, at, departments, categories, problem) -> None:
    meta = case.meta
    for key, label in META_LABELS.items():
        if key not in fields or not fields[key][0]:
            problem(at, f"缺少“{label}：”（在标题下写一行，如 {_EXAMPLES[key]}）")
    if "date" in fields and fields["date"][0]:
        value, number = fields["date"]
        m = _DATE.search(fold(value))
        try:
            meta["date"] = dt.date(*map(int, m.groups())) if m else None
        except ValueError:
            meta["date"] = None
        if meta["date"] is None:
            problem(number, f"日期“{value}”无法识别：请写成 2023-11-20 或 2023年11月20日")
    if "rules" in fields and fields["rules"][0]:
        value, number = fields["rules"]
        rules = rule_numbers(value)
        if rules is None:
            problem(number, f"条款“{value}”不是九项准则的条款（如 第八条、8、第一条、第九条）")
        meta["rules"] = rules
    for key, names, what in (
        ("department", departments, "科室"),
        ("category", categories, "类别"),
    ):
        if key in fields and fields[key][0]:
            value, number = fields[key]
            if names and value not in names:
                listed = "、".join(by_pinyin(names)[:6])
                problem(
                    number,
                    f"未知的{what}“{value}”：请用 site_config/taxonomy.yml 中的{what}，如 {listed}",
                )
            meta[key] = value
    if "source" in fields and fields["source"][0]:
        meta["source"] = fields["source"][0]
    if "role" in fields and fields["role"][0]:
        meta["role"] = fields["role"][0]
    if "tags" in fields and fields["tags"][0]:
        meta["tags"] = [t for t in re.split(r"[\s,，、;；]+", fields["tags"][0]) if t]
    if meta.get("date") and meta.get("rules") and meta.get("title"):
        digest = hashlib.sha1(meta["title"].encode()).hexdigest()[:6]
        case.id = f"r{meta['rules'][0]}-{meta['date']:%Y%m%d}-{digest}"


_EXAMPLES = {
    "date": "日期：2023-11-20",
    "department": "科室：骨科",
    "rules": "条款：第九条",
    "category": "类别：收受回扣",
    "source": "来源：教学案例（根据公开通报的同类情形综合改编，人物与机构均为化名）",
}


def _personal(text: str) -> list[str]:
    """Personal data in one paragraph: the project's number checks, and patients' names."""
    flat = text.replace("\n", " ")
    return [p.message for p in personal_numbers(flat, 1, "") + patient_names(flat, 1, "")]


def case_markdown(case: ImportedCase) -> str:
    """The case file: front matter in the order the shipped cases use, then the body."""
    import yaml

    order = ("id", "title", "date", "rules", "category", "department", "role", "source", "tags")
    meta = {"id": case.id, **case.meta}
    data = {k: meta[k] for k in order if meta.get(k) not in (None, "", [])}
    # Lists of plain values (rules, tags) inline, as the shipped cases write ``rules: [8]``.
    front = yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return f"---\n{front}---\n\n{case.body}"

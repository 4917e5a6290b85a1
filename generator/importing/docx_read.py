"""A .docx (Word, WPS, LibreOffice) as blocks: paragraphs with their structure, and tables.

Read from the package's XML (ECMA-376, WordprocessingML) with lxml, because what
decides a heading in real documents is not all visible through python-docx's or mammoth's
public API: a paragraph's own outline level (``w:outlineLvl``), a style's outline level inherited
through ``w:basedOn``, and the numeric style ids WPS writes (``w:pStyle w:val="2"``), sometimes
with no definition in ``styles.xml`` at all. Only what the case and bank importers need is kept.
lxml rather than ElementTree: a Word ``styles.xml`` is 100–300 KB of latent styles, and
ElementTree took about 14 ms to parse one, most of an import's time; lxml's parser here resolves
no entities and fetches nothing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
V = "{urn:schemas-microsoft-com:vml}"
OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)

MAX_PART_BYTES = 64 * 1024 * 1024  # a document.xml larger than this is not a case


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class DocxError(ValueError):
    """The bytes are not a Word document we can read (the message is Chinese)."""


OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the compound-file header of .doc / .wps / .xls files


@dataclass
class Run:
    text: str = ""
    bold: bool = False
    italic: bool = False
    image: str = ""  # package path of an image shown here (word/media/image1.png)
    alt: str = ""


@dataclass
class Paragraph:
    number: int  # 1-based, among the body's paragraphs (as a reader counts them)
    runs: list[Run] = field(default_factory=list)
    style_id: str = ""
    style_name: str = ""
    outline_level: int | None = None  # 0 = level 1 … 8; None: body text
    list_kind: str = ""  # "bullet" / "number" / "" (not a list item)
    list_level: int = 0
    style_bold: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    span: int = 1  # gridSpan
    merge: str = ""  # vMerge: "restart", "continue" or ""


@dataclass
class Table:
    number: int  # the paragraph number just before it (for locating)
    rows: list[list[Cell]]


@dataclass
class Style:
    name: str = ""
    based_on: str = ""
    outline_level: int | None = None
    bold: bool | None = None
    num_id: str = ""
    list_level: int = 0


@dataclass
class Docx:
    blocks: list[Paragraph | Table]
    images: dict[str, bytes]  # package path → bytes, for images the text shows


def _on(element) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``) as True/False; None when absent."""
    if element is None:
        return None
    return element.get(f"{W}val", "true").lower() not in ("0", "false", "off", "none")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class _Reader:
    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            if data.startswith(OLE_MAGIC):
                raise DocxError(
                    "这是旧格式的 Word 或 WPS 文档（.doc、.wps），只是文件名以 .docx 结尾："
                    "请用 Word 或 WPS 打开，另存为 .docx 后再导入"
                ) from None
            raise DocxError(
                "不是 Word 文档（.docx），或文件已损坏：请用 Word 或 WPS 打开，另存为 .docx 后再导入"
            ) from None
        self.names = set(self.zip.namelist())
        self.main = self._main_part()
        self.rels = self._rels(self.main)
        self.styles = self._styles()
        self.numbering = self._numbering()
        self.images: dict[str, bytes] = {}
        self.paragraphs = 0

    def xml(self, name: str):
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise DocxError(f"文档过大（{name} 有 {info.file_size // 1_000_000} MB）")
        try:
            return etree.fromstring(self.zip.read(name), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise DocxError(f"文档已损坏（{name} 不是有效的 XML：{exc}）") from None

    def _main_part(self) -> str:
        if "_rels/.rels" in self.names:
            for rel in self.xml("_rels/.rels"):
                if rel.get("Type") == OFFICE_DOCUMENT:
                    target = rel.get("Target", "").lstrip("/")
                    if target in self.names:
                        return target
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise DocxError(
            "不是 Word 文档（.docx）：文件中没有正文（word/document.xml）；"
            "请用 Word 或 WPS 打开，另存为 .docx 后再导入"
        )

    def _rels(self, part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.names:
            return {}
        found = {}
        for rel in self.xml(rels_name):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[rel.get("Id", "")] = posixpath.normpath(path)
        return found

    def _part(self, kind: str) -> str | None:
        for path in self.rels.values():
            if posixpath.basename(path) == kind and path in self.names:
                return path
        path = posixpath.join(posixpath.dirname(self.main), kind)
        return path if path in self.names else None

    def _styles(self) -> dict[str, Style]:
        part = self._part("styles.xml")
        styles: dict[str, Style] = {}
        if part is None:
            return styles
        for s in self.xml(part).iter(f"{W}style"):
            style = Style()
            name = s.find(f"{W}name")
            style.name = name.get(f"{W}val", "") if name is not None else ""
            based = s.find(f"{W}basedOn")
            style.based_on = based.get(f"{W}val", "") if based is not None else ""
            ppr = s.find(f"{W}pPr")
            if ppr is not None:
                level = ppr.find(f"{W}outlineLvl")
                if level is not None:
                    style.outline_level = _int(level.get(f"{W}val"))
                num = ppr.find(f"{W}numPr")
                if num is not None:
                    style.num_id = _val(num.find(f"{W}numId"))
                    style.list_level = _int(_val(num.find(f"{W}ilvl"))) or 0
            rpr = s.find(f"{W}rPr")
            if rpr is not None:
                style.bold = _on(rpr.find(f"{W}b"))
            styles[s.get(f"{W}styleId", "")] = style
        return styles

    def _numbering(self) -> dict[tuple[str, int], str]:
        """(numId, level) → "bullet" or "number"."""
        part = self._part("numbering.xml")
        if part is None:
            return {}
        root = self.xml(part)
        abstract: dict[str, dict[int, str]] = {}
        for a in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in a.iter(f"{W}lvl"):
                fmt = _val(lvl.find(f"{W}numFmt"))
                levels[_int(lvl.get(f"{W}ilvl")) or 0] = "bullet" if fmt == "bullet" else "number"
            abstract[a.get(f"{W}abstractNumId", "")] = levels
        kinds = {}
        for num in root.iter(f"{W}num"):
            levels = abstract.get(_val(num.find(f"{W}abstractNumId")), {})
            for level, kind in levels.items():
                kinds[(num.get(f"{W}numId", ""), level)] = kind
        return kinds

    def style_chain(self, style_id: str):
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    # --- body -----------------------------------------------------------------------------

    def blocks(self) -> list[Paragraph | Table]:
        root = self.xml(self.main)
        body = root.find(f"{W}body")
        return [] if body is None else list(self._walk(body))

    def _walk(self, parent):
        for child in parent:
            if child.tag == f"{W}p":
                self.paragraphs += 1
                yield self.paragraph(child, self.paragraphs)
            elif child.tag == f"{W}tbl":
                yield self.table(child)
            elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
                yield from self._walk(child)

    def table(self, tbl) -> Table:
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            cells = []
            for tc in tr.findall(f"{W}tc"):
                tcpr = tc.find(f"{W}tcPr")
                span, merge = 1, ""
                if tcpr is not None:
                    span = _int(_val(tcpr.find(f"{W}gridSpan"))) or 1
                    vmerge = tcpr.find(f"{W}vMerge")
                    if vmerge is not None:
                        merge = vmerge.get(f"{W}val", "continue")
                paragraphs = [self.paragraph(p, self.paragraphs) for p in tc.iter(f"{W}p")]
                cells.append(Cell(paragraphs, span, merge))
            rows.append(cells)
        return Table(self.paragraphs, rows)

    def paragraph(self, p, number: int) -> Paragraph:
        para = Paragraph(number)
        ppr = p.find(f"{W}pPr")
        num_id, level = "", 0
        if ppr is not None:
            para.style_id = _val(ppr.find(f"{W}pStyle"))
            outline = ppr.find(f"{W}outlineLvl")
            if outline is not None:
                para.outline_level = _int(outline.get(f"{W}val"))
            num = ppr.find(f"{W}numPr")
            if num is not None:
                num_id = _val(num.find(f"{W}numId"))
                level = _int(_val(num.find(f"{W}ilvl"))) or 0
        chain = list(self.style_chain(para.style_id))
        if chain:
            para.style_name = chain[0].name
        if para.outline_level is None:
            para.outline_level = next(
                (s.outline_level for s in chain if s.outline_level is not None), None
            )
        if not num_id:
            styled = next((s for s in chain if s.num_id), None)
            if styled:
                num_id, level = styled.num_id, styled.list_level
        if num_id and num_id != "0":
            para.list_kind = self.numbering.get((num_id, level), "number")
            para.list_level = level
            nested = _NESTED_LIST_STYLE.match(para.style_name)
            if nested and not level:  # Word's "List Bullet 2": a level by its own numbering
                para.list_level = int(nested.group(1)) - 1
        para.style_bold = bool(next((s.bold for s in chain if s.bold is not None), False))
        self._runs(p, para)
        return para

    def _runs(self, parent, para: Paragraph) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{W}r":
                self._run(child, para)
            elif tag in (
                f"{W}hyperlink",
                f"{W}ins",
                f"{W}smartTag",
                f"{W}sdt",
                f"{W}sdtContent",
                f"{W}fldSimple",
                f"{W}customXml",
            ):
                self._runs(child, para)

    def _run(self, r, para: Paragraph) -> None:
        rpr = r.find(f"{W}rPr")
        bold = italic = None
        if rpr is not None:
            bold, italic = _on(rpr.find(f"{W}b")), _on(rpr.find(f"{W}i"))
            rstyle = _val(rpr.find(f"{W}rStyle"))
            if bold is None and rstyle:
                bold = next((s.bold for s in self.style_chain(rstyle) if s.bold is not None), None)
        bold = para.style_bold if bold is None else bold
        text = []
        for child in r:
            tag = child.tag
            if tag == f"{W}t":
                text.append(child.text or "")
            elif tag in (f"{W}tab", f"{W}ptab"):
                text.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                text.append("\n")
            elif tag in (f"{W}drawing", f"{W}pict", f"{W}object"):
                if text:
                    para.runs.append(Run("".join(text), bool(bold), bool(italic)))
                    text = []
                self._images(child, para)
        if text:
            para.runs.append(Run("".join(text), bool(bold), bool(italic)))

    def _images(self, element, para: Paragraph) -> None:
        alt = ""
        for doc_pr in element.iter(f"{WP}docPr"):
            alt = doc_pr.get("descr") or doc_pr.get("title") or ""
        ids = [b.get(f"{R}embed") for b in element.iter(f"{A}blip")]
        ids += [v.get(f"{R}id") for v in element.iter(f"{V}imagedata")]
        for rel_id in ids:
            path = self.rels.get(rel_id or "")
            if path and path in self.names and not path.endswith("/"):
                if path not in self.images:
                    if self.zip.getinfo(path).file_size > MAX_PART_BYTES:
                        raise DocxError(f"文档中的图片过大（{path}）")
                    self.images[path] = self.zip.read(path)
                para.runs.append(Run(image=path, alt=alt))


def _val(element) -> str:
    return element.get(f"{W}val", "") if element is not None else ""


def read_docx(data: bytes) -> Docx:
    """The blocks of a .docx and the images they show; DocxError when it cannot be read."""
    try:
        reader = _Reader(data)
        blocks = reader.blocks()
    except (KeyError, zipfile.BadZipFile, EOFError) as exc:
        raise DocxError(f"文档已损坏（{exc}）") from None
    return Docx(blocks, reader.images)


def paragraph_lines(docx: Docx) -> list[str]:
    """The text of each body paragraph, by its number (tables' paragraphs are not lines)."""
    lines: list[str] = []
    for block in docx.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
    return lines


_NESTED_LIST_STYLE = re.compile(r"^List (?:Bullet|Number|Continue) ([2-9])$", re.IGNORECASE)
HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)

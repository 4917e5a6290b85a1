"""Material as hospitals have it, made from the shipped content: question banks in spreadsheets
and Word/text papers of several layouts, and cases as Word documents of several makes (Word
heading styles, outline levels, WPS numeric style ids without definitions, bold lines).

Shared by the import tests and ``bench/import_material.py``; each maker returns the bytes and
what a perfect import gives back, so accuracy can be measured.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CN = "一二三四五六七八九"
TYPE_HEADS = {"single": "单项选择题", "multiple": "多项选择题", "judge": "判断题", "fill": "填空题"}
SHORT = {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}


def shipped_questions() -> list[dict]:
    questions = []
    for path in sorted((REPO / "quizzes").glob("*.yml")):
        questions += yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return questions


def expected(q: dict, bracket: bool = False) -> dict:
    """What an import of ``q`` must give (type, stem, options, answer, explanation, rules)."""
    answer = q["answer"]
    if q["type"] == "multiple":
        answer = sorted(str(a).strip().upper() for a in answer)
    elif q["type"] == "single":
        answer = str(answer).strip().upper()
    elif q["type"] == "fill":
        answer = [str(a) for a in answer]
    stem = q["stem"]
    if bracket and q["type"] in ("single", "multiple", "judge"):
        stem += "（  ）"
    out = {"type": q["type"], "stem": stem, "answer": answer, "explanation": q["explanation"]}
    if q.get("options"):
        out["options"] = list(q["options"])
    out["rules"] = list(q["rules"])
    return out


def imported(q: dict) -> dict:
    keys = ("type", "stem", "answer", "explanation", "options", "rules")
    return {k: q[k] for k in keys if k in q}


def _answer(q: dict, style: str) -> str:
    a = q["answer"]
    if q["type"] == "judge":
        return {"mark": "√" if a else "×", "word": "正确" if a else "错误"}.get(
            style, "对" if a else "错"
        )
    if q["type"] == "fill":
        sep = "|" if style == "mark" else "；"
        return sep.join(map(str, a))
    letters = a if isinstance(a, list) else [a]
    if style == "mark":
        return ",".join(letters)
    if style == "word":
        return "、".join(letters)
    if style == "wide":
        return "".join(chr(ord(x) + 0xFEE0) for x in letters)
    return "".join(letters)


def _stem(q: dict, blank: str) -> str:
    return q["stem"].replace("____", blank) if q["type"] == "fill" else q["stem"]


def _rules(q: dict, style: int) -> str:
    rules = q["rules"]
    if style == 0:
        return "、".join(f"第{CN[n - 1]}条" for n in rules)
    if style == 1:
        return ",".join(map(str, rules))
    return "、".join(f"第{n}条" for n in rules)


# --- spreadsheets ---------------------------------------------------------------------------


def sheet_layout_a(questions: list[dict]) -> list[list[object]]:
    """Title row, 序号, 题型 as 单选题…, 题目, 选项A–选项E, 正确答案 AC, 答案解析, 难度, 条款."""
    rows: list[list[object]] = [["2025年度廉洁从业知识题库"], []]
    header = ["序号", "题型", "题目", "选项A", "选项B", "选项C", "选项D", "选项E"]
    rows.append(header + ["正确答案", "答案解析", "难度", "条款"])
    for i, q in enumerate(questions, start=1):
        options = list(q.get("options") or []) + [""] * 5
        kind = {"single": "单选题", "multiple": "多选题", "judge": "判断题", "fill": "填空题"}
        rows.append(
            [i, kind[q["type"]], _stem(q, "______"), *options[:5], _answer(q, "plain")]
            + [q["explanation"], q.get("difficulty") or "", _rules(q, 0)]
        )
    return rows


def sheet_layout_b(questions: list[dict]) -> list[list[object]]:
    """试题, 类型 单选/多选, one 选项 cell ``A.…；B.…``, 标准答案 A、C / 正确 / 错误, 解析, 条款 8."""
    rows: list[list[object]] = [["试题", "类型", "选项", "标准答案", "解析", "条款"]]
    for q in questions:
        options = "；".join(f"{'ABCDEFGH'[i]}.{o}" for i, o in enumerate(q.get("options") or []))
        rows.append(
            [_stem(q, "（ ）"), SHORT[q["type"]], options, _answer(q, "word"), q["explanation"]]
            + [_rules(q, 1)]
        )
    return rows


def sheet_layout_c(questions: list[dict]) -> list[list[object]]:
    """题干, A…H columns, 答案 in full width ＡＣ / × / √, 解析, 知识点 (no 条款: suggested)."""
    rows: list[list[object]] = [
        ["题型", "题干", "A", "B", "C", "D", "E", "F", "答案", "解析", "知识点"]
    ]
    for q in questions:
        options = list(q.get("options") or []) + [""] * 6
        style = "wide" if q["type"] in ("single", "multiple") else "mark"
        rows.append(
            [TYPE_HEADS[q["type"]], _stem(q, "___"), *options[:6], _answer(q, style)]
            + [q["explanation"], ""]
        )
    return rows


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


# --- papers (Word and text) -----------------------------------------------------------------


def paper_order(questions: list[dict]) -> list[dict]:
    """The questions in the order a paper lists them: by type, types in order of appearance."""
    by_type: dict[str, list[dict]] = {}
    for q in questions:
        by_type.setdefault(q["type"], []).append(q)
    return [q for items in by_type.values() for q in items]


def paper_lines(questions: list[dict], style: str) -> list[str]:
    """A "试卷": ``lines`` style has 1. numbering, options on one line (A．), 答案：/解析: lines;
    ``brackets`` style has （1） numbering, options one per line (A、), the answer in the stem's
    brackets and 【解析】."""
    lines = ["2025年度九项准则知识考试试卷", "科室：________ 姓名：________", ""]
    by_type: dict[str, list[dict]] = {}
    for q in questions:
        by_type.setdefault(q["type"], []).append(q)
    for s, (kind, items) in enumerate(by_type.items()):
        lines.append(f"{CN[s]}、{TYPE_HEADS[kind]}（每题2分）")
        for i, q in enumerate(items, start=1):
            options = list(q.get("options") or [])
            if style == "lines":
                lines.append(f"{i}. {_stem(q, '____')}")
                if options:
                    lines.append(
                        "    ".join(f"{'ABCDEFGH'[k]}．{o}" for k, o in enumerate(options))
                    )
                lines.append(f"答案：{_answer(q, 'plain')}")
                lines.append(f"解析：{q['explanation']}")
                lines.append(f"条款：{_rules(q, 2)}")
            else:
                answer = _answer(q, "mark") if q["type"] == "judge" else _answer(q, "plain")
                if q["type"] == "fill":
                    lines.append(f"（{i}）{_stem(q, '____')}")
                    lines.append(f"【答案】{answer}")
                else:
                    lines.append(f"（{i}）{q['stem']}（{answer}）")
                lines += [f"{'ABCDEFGH'[k]}、{o}" for k, o in enumerate(options)]
                lines.append(f"【解析】{q['explanation']}")
                lines.append(f"【知识点】{_rules(q, 0)}")
            lines.append("")
    return lines


def docx_paper(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- cases ----------------------------------------------------------------------------------

MAKES = ("word", "outline", "wps", "wps-defined", "bold")


def shipped_cases() -> list[tuple[dict, str]]:
    cases = []
    for path in sorted((REPO / "cases").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        cases.append((yaml.safe_load(front), body.strip()))
    return cases


def _rule_words(rules: list[int]) -> str:
    return "、".join(f"第{CN[n - 1]}条" for n in rules)


def case_docx(
    meta: dict,
    body: str,
    make: str = "word",
    one_line_meta: bool = False,
    table: bool = False,
    image: bytes | None = None,
    date_style: str = "iso",
) -> tuple[bytes, list[tuple[int, str]], list[str]]:
    """A case as a Word document: (bytes, the headings a perfect import gives as (level, text),
    the body's paragraphs).

    ``make``: ``word`` (Heading styles), ``outline`` (plain paragraphs with outline levels),
    ``wps`` (numeric style ids "1"/"2" with no definition), ``bold`` (bold one-line paragraphs).
    """
    import docx

    document = docx.Document()
    document.add_paragraph(meta["title"], style="Title")
    date = meta["date"]
    date_text = (
        f"{date:%Y-%m-%d}" if date_style == "iso" else f"{date.year}年{date.month}月{date.day}日"
    )
    items = [
        ("日期", date_text),
        ("科室", meta["department"]),
        ("条款", _rule_words(meta["rules"])),
        ("类别", meta["category"]),
        ("来源", meta["source"]),
    ]
    if one_line_meta:
        document.add_paragraph("  ".join(f"{k}：{v}" for k, v in items))
    else:
        for k, v in items:
            document.add_paragraph(f"{k}：{v}")
    headings: list[tuple[int, str]] = []
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        m = re.match(r"^(#{2,4})\s+(.*)$", block)
        if m:
            level = len(m.group(1)) - 1  # ## → level 1 in Word
            text = m.group(2)
            headings.append((level + 1, text))
            if make == "bold" and level == 1:
                p = document.add_paragraph()
                p.add_run(text).bold = True
            else:
                document.add_heading(text, level=level)
            continue
        for line in block.split("\n"):
            if line.startswith("- "):
                document.add_paragraph(_plain(line[2:]), style="List Bullet")
                paragraphs.append(_plain(line[2:]))
            else:
                p = document.add_paragraph()
                for k, part in enumerate(re.split(r"\*\*", line)):
                    p.add_run(part).bold = k % 2 == 1
                paragraphs.append(_plain(line))
        if table and len(paragraphs) == 2:
            _merged_table(document)
        if image and len(paragraphs) == 3:
            document.add_picture(io.BytesIO(image))
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    if make == "outline":
        data = _rewrite(data, _heading_to_outline, drop_styles=False)
    elif make == "wps":
        data = _rewrite(data, _heading_to_numeric, drop_styles=True)
    elif make == "wps-defined":
        data = _rewrite(data, _heading_to_wps_ids, drop_styles=False, styles=_heading_to_wps_ids)
    return data, headings, paragraphs


def _plain(text: str) -> str:
    return text.replace("**", "")


TABLE_ROWS = [
    ["处理对象", "处理结果", "处理结果"],
    ["王某", "开除", "追缴"],
    ["王某", "移送", "司法"],
]


def _merged_table(document) -> None:
    """3×3 with the header's last two cells merged across and the first column merged down."""
    t = document.add_table(rows=3, cols=3)
    for r, row in enumerate(TABLE_ROWS):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(0, 1).merge(t.cell(0, 2))
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(0, 1).text = "处理结果"
    t.cell(1, 0).text = "王某"


def _heading_to_outline(xml: str) -> str:
    return re.sub(
        r'<w:pStyle w:val="Heading([1-9])"/>',
        lambda m: f'<w:outlineLvl w:val="{int(m.group(1)) - 1}"/>',
        xml,
    )


def _heading_to_numeric(xml: str) -> str:
    return re.sub(r'<w:pStyle w:val="Heading([1-9])"/>', r'<w:pStyle w:val="\1"/>', xml)


def _heading_to_wps_ids(xml: str) -> str:
    """WPS's own numbering: style id "2" is named heading 1, "3" heading 2 (in both files)."""
    return re.sub(
        r'w:(val|styleId)="Heading([1-9])"',
        lambda m: f'w:{m.group(1)}="{int(m.group(2)) + 1}"',
        xml,
    )


def _rewrite(data: bytes, change, drop_styles: bool, styles=None) -> bytes:
    """The same package with document.xml changed (and, like some WPS files, the heading style
    definitions gone)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "word/document.xml":
                content = change(content.decode("utf-8")).encode("utf-8")
            elif item.filename == "word/styles.xml" and styles:
                content = styles(content.decode("utf-8")).encode("utf-8")
            elif item.filename == "word/styles.xml" and drop_styles:
                text = content.decode("utf-8")
                text = re.sub(
                    r'<w:style [^>]*w:styleId="Heading\d"[^>]*>.*?</w:style>', "", text, flags=re.S
                )
                content = text.encode("utf-8")
            dst.writestr(item, content)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 60), (180, 40, 40)).save(out, "PNG")
    return out.getvalue()

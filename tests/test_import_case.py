"""``qinglian import case``: Word documents of several makes → cases that pass ``check``."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest

from generator.cli import main
from generator.importing.case_docx import convert_case
from generator.importing.docx_read import read_docx
from generator.sources.loader import load_corpus
from tests.conftest import REPO, copy_root
from tests.import_fixtures import MAKES, case_docx, png_bytes, shipped_cases

CASES = shipped_cases()
META, BODY = CASES[0]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) > 1]


@pytest.mark.parametrize("make", MAKES)
def test_headings_tables_images_and_sentences_survive(make):
    data, headings, paragraphs = case_docx(META, BODY, make, table=True, image=png_bytes())
    case = convert_case(read_docx(data), "案例.docx")
    assert case.problems == []
    assert case.headings == headings
    assert case.meta["title"] == META["title"]
    assert case.meta["date"] == META["date"]
    assert case.meta["rules"] == META["rules"]
    assert case.id == f"r{META['rules'][0]}-{META['date']:%Y%m%d}-" + case.id.rsplit("-", 1)[1]
    # The merged table as an HTML table with its spans; the image beside the case.
    assert '<th colspan="2">处理结果</th>' in case.body
    assert '<td rowspan="2">王某</td>' in case.body
    assert case.tables == 1
    assert list(case.images) == ["image1.png"]
    assert f"]({case.id}/image1.png)" in case.body
    plain = case.body.replace("\\", "")
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            assert sentence.strip() in plain
    if make == "bold":
        assert any("加粗单独一行“基本案情”当作标题" in n for n in case.notes)
    else:
        assert case.notes == []


def test_meta_on_one_line_and_chinese_dates():
    data, _, _ = case_docx(META, BODY, "word", one_line_meta=True, date_style="chinese")
    case = convert_case(read_docx(data), "a.docx", {META["department"]}, {META["category"]})
    assert case.problems == []
    assert case.meta["date"] == META["date"]
    assert case.meta["department"] == META["department"]
    assert case.meta["source"] == META["source"]


def test_inline_bold_italic_and_lists():
    import docx

    d = docx.Document()
    d.add_paragraph("某医院药剂科人员收受回扣案", style="Title")
    for line in ("日期：2023年11月20日", "科室：药剂科", "条款：第九条", "类别：收受回扣"):
        d.add_paragraph(line)
    d.add_paragraph("来源：教学案例（综合改编）")
    d.add_heading("案情简介", level=1)
    p = d.add_paragraph("药剂科")
    p.add_run("采购员").bold = True
    p.add_run("刘某")
    p.add_run("多次").italic = True
    p.add_run("收受*回扣*。")
    d.add_paragraph("第一项", style="List Bullet")
    d.add_paragraph("第二项", style="List Bullet")
    d.add_paragraph("甲", style="List Number")
    for name in ("处理情况", "违反的条款", "原因分析", "警示教育"):
        d.add_heading(name, level=1)
        d.add_paragraph(f"{name}的内容。")
    out = io.BytesIO()
    d.save(out)
    case = convert_case(read_docx(out.getvalue()), "b.docx")
    assert case.problems == []
    assert "药剂科**采购员**刘某*多次*收受\\*回扣\\*。" in case.body
    assert "- 第一项\n- 第二项" in case.body
    assert "1. 甲" in case.body
    assert [h for _, h in case.headings] == [
        "基本案情",
        "处理结果",
        "违反条款",
        "案例剖析",
        "警示启示",
    ]
    assert case.meta["date"] == dt.date(2023, 11, 20)


def test_unknown_department_lists_known_ones_in_pinyin_order():
    meta = {**META, "department": "不存在的科"}
    case = convert_case(read_docx(case_docx(meta, BODY)[0]), "c.docx", {"医保办", "骨科", "护理部"})
    assert any(
        p.message.endswith("如 骨科、护理部、医保办") and "未知的科室“不存在的科”" in p.message
        for p in case.problems
    )


def test_missing_front_matter_and_sections_are_located_errors():
    import docx

    d = docx.Document()
    d.add_paragraph("某医院医生收受红包案", style="Title")
    d.add_paragraph("日期：2023年13月40日")
    d.add_paragraph("科室：不存在的科")
    d.add_paragraph("条款：第十条")
    d.add_heading("基本案情", level=1)
    d.add_paragraph("患者张三，男，45岁，术前塞给医生红包。联系电话13812345678。")
    out = io.BytesIO()
    d.save(out)
    case = convert_case(read_docx(out.getvalue()), "c.docx", {"骨科"}, {"收受红包"})
    assert [str(p) for p in sorted(case.problems)] == [
        "c.docx:第2段: 日期“2023年13月40日”无法识别：请写成 2023-11-20 或 2023年11月20日",
        "c.docx:第2段: 缺少“来源：”（在标题下写一行，如 来源：教学案例（根据公开通报的同类情形综合改编，人物与机构均为化名））",
        "c.docx:第2段: 缺少“类别：”（在标题下写一行，如 类别：收受回扣）",
        "c.docx:第3段: 未知的科室“不存在的科”：请用 site_config/taxonomy.yml 中的科室，如 骨科",
        "c.docx:第4段: 条款“第十条”不是九项准则的条款（如 第八条、8、第一条、第九条）",
        "c.docx:第5段: 缺少案例的固定小节：处理结果（或 处理情况、处理决定、处分情况）；"
        "违反条款（或 违反的条款、违反准则条款、涉及条款）；案例剖析（或 案例分析、原因分析、剖析）；"
        "警示启示（或 警示教育、启示、警示），请加上这些标题",
        "c.docx:第6段: 疑似患者真实姓名：案例应匿名（如“患者王某”），请删除或改写",
        "c.docx:第6段: 疑似手机号码：教学材料不得出现个人号码，请删除或改写",
    ]
    assert case.id == ""  # no id without a date and a rule: never a guess


def test_unreadable_documents(tmp_path, capsys):
    (tmp_path / "旧.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04 broken")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "x")
    (tmp_path / "空.docx").write_bytes(buf.getvalue())
    assert main(["--root", str(REPO), "import", "case", str(tmp_path), "--dry-run"]) == 1
    again = "请用 Word 或 WPS 打开，另存为 .docx 后再导入"
    # about the whole file: ``path: message``, never a made-up 第1段
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / '坏.docx'}: 不是 Word 文档（.docx），或文件已损坏：{again}",
        f"{tmp_path / '旧.doc'}: 不支持旧格式 .doc，请用 Word 或 WPS 另存为 .docx",
        f"{tmp_path / '空.docx'}: 不是 Word 文档（.docx）：文件中没有正文（word/document.xml）；{again}",
        "共 3 个问题，请逐条修改后再运行。",
    ]
    text, renamed = tmp_path / "案例.txt", tmp_path / "改名.docx"
    text.write_text("某医院医生收受红包案\n基本案情\n", encoding="utf-8")
    renamed.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))  # a .doc given a .docx name
    assert main(["--root", str(REPO), "import", "case", str(text), str(renamed)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{renamed}: 这是旧格式的 Word 或 WPS 文档（.doc、.wps），只是文件名以 .docx 结尾：{again}",
        f"{text}: 不是 Word 文档：import case 只导入 .docx；请把 .txt 文件的内容复制到 Word 或 WPS 中，"
        "另存为 .docx 后再导入",
        "共 2 个问题，请逐条修改后再运行。",
    ]


def test_duplicates_are_named_per_file_and_paragraph_problems_per_paragraph(tmp_path, capsys):
    """A case given twice, or one already in cases/, is a problem with the file (no paragraph);
    a problem inside a document keeps its 第N段, in the same list."""
    root = copy_root(REPO, tmp_path / "root")
    folder = tmp_path / "案例"
    folder.mkdir()
    data, _, _ = case_docx(META, BODY)
    (folder / "甲.docx").write_bytes(data)
    (folder / "乙.docx").write_bytes(data)
    bad = dict(META, title="另一个案例", department="不存在的科")
    (folder / "丙.docx").write_bytes(case_docx(bad, BODY)[0])
    args = ["--root", str(root), "import", "case", str(folder)]
    assert main(args) == 1
    shipped = next(p.name for p in (root / "cases").glob("*.md") if META["title"] in p.read_text())
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"{folder / '丙.docx'}:第3段: 未知的科室“不存在的科”")
    assert lines[1:] == [
        f"{folder / '乙.docx'}: {root / 'cases' / shipped} 已有同名案例：是否已经录入过？"
        "请改标题或删去其中一个",
        f"{folder / '甲.docx'}: 与 {folder / '乙.docx'} 是同一案例（标题和日期相同）",
        "共 3 个问题，请逐条修改后再运行。",
    ]
    (root / "cases" / shipped).unlink()
    assert main([*args[:-1], str(folder / "甲.docx")]) == 0
    target = next(iter(capsys.readouterr().out.split(" → ")[1:])).split("（")[0]
    assert main([*args[:-1], str(folder / "甲.docx")]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{folder / '甲.docx'}: {target} 已存在（同一标题和日期）：加 --force 覆盖"
    )


def test_folder_import_writes_cases_that_pass_check(tmp_path, capsys):
    root = copy_root(REPO, tmp_path / "root")
    folder = tmp_path / "纪委案例"
    folder.mkdir()
    chosen = CASES[:8]
    for i, (meta, body) in enumerate(chosen):
        make = MAKES[i % len(MAKES)]
        data, _, _ = case_docx(
            meta,
            body,
            make,
            one_line_meta=i % 2 == 1,
            table=i == 0,
            image=png_bytes() if i == 0 else None,
        )
        (folder / f"案例{i + 1}.docx").write_bytes(data)
    for path in (root / "cases").glob("*.md"):
        path.unlink()
    assert main(["--root", str(root), "import", "case", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "已导入 8 个案例" in out
    corpus = load_corpus(root)
    assert len(corpus.cases) == 8
    titles = sorted(c.title for c in corpus.cases)
    assert titles == sorted(m["title"] for m, _ in chosen)
    first = next(c for c in corpus.cases if c.title == chosen[0][0]["title"])
    assert (root / "cases" / first.id / "image1.png").read_bytes() == png_bytes()
    written = (root / "cases" / f"{first.id}.md").read_text(encoding="utf-8")
    assert f"\nrules: [{', '.join(map(str, chosen[0][0]['rules']))}]\n" in written
    # A second run refuses to overwrite; --force replaces.
    assert main(["--root", str(root), "import", "case", str(folder)]) == 1
    assert "已存在（同一标题和日期）：加 --force 覆盖" in capsys.readouterr().err
    assert main(["--root", str(root), "import", "case", str(folder), "--force"]) == 0
    capsys.readouterr()


def test_imported_case_with_image_reaches_the_site(tmp_path, capsys):
    from generator.build import build

    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    departments, categories = _taxonomy(root)
    meta, body = next(
        (m, b) for m, b in CASES if m["department"] in departments and m["category"] in categories
    )
    data, _, _ = case_docx(meta, body, "wps", table=True, image=png_bytes())
    src = tmp_path / "案例.docx"
    src.write_bytes(data)
    before = {p.name for p in (root / "cases").glob("*.md")}
    assert main(["--root", str(root), "import", "case", str(src)]) == 0
    capsys.readouterr()
    (case_file,) = [p for p in (root / "cases").glob("*.md") if p.name not in before]
    build(root, tmp_path / "dist", only="site")
    page = tmp_path / "dist/site/cases" / case_file.stem / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<td rowspan="2">王某</td>' in html
    img = re.search(r'<img alt="图片" src="([^"]+)"', html)
    assert img, "the image is on the page"
    assert (page.parent / img.group(1)).resolve().read_bytes() == png_bytes()


def _taxonomy(root) -> tuple[set[str], set[str]]:
    import yaml

    data = yaml.safe_load((root / "site_config/taxonomy.yml").read_text(encoding="utf-8"))
    return {d["name"] for d in data["departments"]}, {c["name"] for c in data["categories"]}


def test_patient_names_are_checked_in_every_case(tmp_path):
    from generator.errors import ValidationError

    root = copy_root(REPO / "tests/fixtures/mini", tmp_path / "root")
    path = sorted((root / "cases").glob("*.md"))[0]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.append("患者李四，女，67岁，术后家属送来礼品。")
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_corpus(root)
    messages = [str(p) for p in exc.value.problems]
    rel = path.relative_to(root).as_posix()
    assert messages == [
        f"{rel}:{len(lines)}: 疑似患者真实姓名：案例应匿名（如“患者王某”），请删除或改写"
    ]


def test_dry_run_shows_front_matter_and_writes_nothing(tmp_path, capsys):
    data, _, _ = case_docx(META, BODY, "outline", image=png_bytes())
    src = tmp_path / "案例.docx"
    src.write_bytes(data)
    out = tmp_path / "cases"
    assert (
        main(["--root", str(REPO), "import", "case", str(src), "--out", str(out), "--dry-run"]) == 0
    )
    printed = capsys.readouterr().out
    assert f"title: {META['title']}" in printed
    assert "## 基本案情" in printed
    assert "未写任何文件" in printed
    assert not out.exists()


def test_plain_tables_sub_headings_and_nested_lists():
    import docx

    d = docx.Document()
    d.add_paragraph("某医院设备科人员收受回扣案", style="Title")
    d.add_paragraph(
        "日期：2022-03-01 科室：医学装备部 条款：9 类别：收受回扣 来源：教学案例（综合改编）"
    )
    for name in ("基本案情", "处理结果", "违反条款", "案例剖析", "警示启示"):
        d.add_heading(name, level=1)
        d.add_paragraph(f"{name}的内容。")
    d.add_heading("（一）制度层面", level=2)
    d.add_paragraph("采购一人说了算。")
    d.add_paragraph("第一层", style="List Bullet")
    d.add_paragraph("第二层", style="List Bullet 2")
    t = d.add_table(rows=2, cols=2)
    for r, row in enumerate([["年份", "金额|万元"], ["2021", "3"]]):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    out = io.BytesIO()
    d.save(out)
    case = convert_case(read_docx(out.getvalue()), "d.docx")
    assert case.problems == []
    assert case.headings[-1] == (3, "（一）制度层面")
    assert "### （一）制度层面" in case.body
    assert "- 第一层\n    - 第二层" in case.body
    assert "| 年份 | 金额\\|万元 |\n| --- | --- |\n| 2021 | 3 |" in case.body
    assert case.meta["rules"] == [9]

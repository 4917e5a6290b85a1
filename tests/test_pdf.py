"""Printable handbooks: checked by their properties with pypdf and poppler (pdffonts, pdftoppm) and
zbarimg, on the mini fixture (built once by ``mini_build``) and once on the shipped content."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.errors import ConfigError, ValidationError
from generator.sources.loader import load_corpus

pytestmark = pytest.mark.pdf

TOOLS = ("pdffonts", "pdftoppm", "pdftotext", "zbarimg")


@pytest.fixture(autouse=True, scope="module")
def pdf_tools():
    """poppler-utils and zbar-tools must be there (make test installs them): fail, never skip."""
    missing = [t for t in TOOLS if not shutil.which(t)]
    assert not missing, f"missing {missing}: run make test (installs poppler-utils, zbar-tools)"


MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
SC_FONTS = {
    "Noto-Serif-CJK-SC",
    "Noto-Serif-CJK-SC-Bold",
    "Noto-Sans-CJK-SC",
    "Noto-Sans-CJK-SC-Bold",
}
SITE = "http://intranet.test/qinglian/"
MINI_FILES = ["jiuxiang.pdf", "cases.pdf", "stories.pdf", "risks-pharmacy.pdf", "ward-cards.pdf"]


@pytest.fixture(scope="module")
def mini_pdf(mini_build) -> Path:
    root, out, report = mini_build
    return out / "pdf"


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Bookmarks as (level, title, 1-based page)."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def page_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def qr_codes(pdf: Path, page: int, tmp_path: Path) -> list[str]:
    prefix = tmp_path / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "200", "-png", "-singlefile"]
        + [str(pdf), str(prefix)],
        check=True,
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(prefix) + ".png"], capture_output=True, text=True
    )
    return sorted(result.stdout.split())


def fonts(pdf: Path) -> list[tuple[str, str, str]]:
    """(font name without subset tag, embedded, subset) for every font in the file."""
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        name = parts[0].split("+", 1)[-1]
        emb, sub = parts[-5], parts[-4]
        rows.append((name, emb, sub))
    return rows


# --- the mini fixture -----------------------------------------------------------------------


def test_every_handbook_is_rendered_listed_and_published(mini_build, mini_pdf):
    root, out, report = mini_build
    assert [d.filename for d in report.downloads] == MINI_FILES
    for d in report.downloads:
        assert (mini_pdf / d.filename).stat().st_size > 10_000
        assert (out / "site" / "downloads" / d.filename).read_bytes() == (
            mini_pdf / d.filename
        ).read_bytes()
        assert d.pages == len(PdfReader(mini_pdf / d.filename).pages)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.date)
    assert report.downloads[3].title == "岗位廉洁风险提示 · 药剂科"
    downloads_page = (out / "site" / "downloads" / "index.html").read_text(encoding="utf-8")
    for d in report.downloads:
        assert d.filename in downloads_page and d.title in downloads_page
    assert not [p for p in mini_pdf.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize(
    "name, size",
    [
        ("jiuxiang.pdf", A5),
        ("cases.pdf", A4),
        ("stories.pdf", A5),
        ("risks-pharmacy.pdf", A5),
        ("ward-cards.pdf", A4),
    ],
)
def test_page_sizes(mini_pdf, name, size):
    for page in PdfReader(mini_pdf / name).pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(size[0], abs=0.5)
        assert float(box.height) == pytest.approx(size[1], abs=0.5)


def test_bookmarks_per_chapter(mini_pdf):
    corpus = load_corpus(mini_pdf.parent.parent)
    rules = [f"{r.label}　{r.title}" for r in corpus.rules.values()]
    titles = [t for lv, t, _ in outline(PdfReader(mini_pdf / "jiuxiang.pdf")) if lv == 1]
    assert titles == ["目录", *rules]

    cases = outline(PdfReader(mini_pdf / "cases.pdf"))
    assert [(lv, t) for lv, t, _ in cases] == [
        (1, "目录"),
        (1, rules[7]),
        (2, "某医院骨科医生收受红包案"),
        (2, next(c.title for c in corpus.cases if c.id == "r8-pharmacy-card")),
        (1, rules[8]),
        (2, next(c.title for c in corpus.cases if c.id == "r9-pharmacy-kickback")),
        (1, "科室索引"),
        (1, "类别索引"),
    ]
    stories = [(lv, t) for lv, t, _ in outline(PdfReader(mini_pdf / "stories.pdf"))][1:]
    expected = []
    for group, items in corpus.stories_by_group.items():
        expected += [(1, group)] + [(2, s.title) for s in items]
    assert stories == expected

    risks = [(lv, t) for lv, t, _ in outline(PdfReader(mini_pdf / "risks-pharmacy.pdf"))]
    assert risks == [
        (1, "目录"),
        (1, "岗位风险点与防控措施"),
        (2, "药品采购岗"),
        (1, "相关准则条款"),
        (1, "本科室警示案例"),
        *[(2, c.title) for c in corpus.cases_by_department["药剂科"]],
    ]


def test_ward_cards_one_page_per_department(mini_pdf):
    reader = PdfReader(mini_pdf / "ward-cards.pdf")
    cards = [(t, page) for lv, t, page in outline(reader) if t != "目录"]
    assert [t for t, _ in cards] == ["骨科", "药剂科"]
    first, second = cards[0][1], cards[1][1]
    assert second == first + 1  # each card is exactly one page
    assert len(reader.pages) == second + 1  # then the colophon
    text = page_text(mini_pdf / "ward-cards.pdf", first)
    for part in ("骨科", "清廉查房卡", "一个案例警示", "一条准则解析", "一次廉政约谈", "约谈记录"):
        assert part in text


def test_fonts_embedded_subset_and_simplified_chinese(mini_pdf):
    for name in MINI_FILES:
        rows = fonts(mini_pdf / name)
        assert rows, name
        for font, emb, sub in rows:
            assert "JP" not in font, f"{name}: {font}"
            assert font in SC_FONTS, f"{name}: unexpected font {font}"
            assert (emb, sub) == ("yes", "yes"), f"{name}: {font} not embedded and subset"


def test_rule_titles_extractable(mini_pdf):
    corpus = load_corpus(mini_pdf.parent.parent)
    reader = PdfReader(mini_pdf / "jiuxiang.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", "", text)
    for rule in corpus.rules.values():
        assert rule.title.replace(" ", "") in text
        assert rule.official[:30] in text


def test_cover_contents_running_heads_and_colophon(mini_pdf):
    pdf = mini_pdf / "jiuxiang.pdf"
    reader = PdfReader(pdf)
    cover = page_text(pdf, 1)
    for part in ("测试市人民医院", "九项准则学习手册", "测试版", "内部资料", "注意保存"):
        assert part in cover
    assert "1" not in re.sub(r"\d{4}年\d{1,2}月\d{1,2}日", "", cover)  # no page number on the cover
    # The contents list every chapter with the page its bookmark points to.
    contents = page_text(pdf, 2)
    for _, title, page in outline(reader)[1:]:
        line = next(x for x in contents.splitlines() if title.split("　")[0] in x)
        assert line.rstrip().endswith(f" {page}"), line
    # A chapter's pages carry the book title and the chapter title in the running head.
    _, title, page = outline(reader)[8]
    head = page_text(pdf, page).splitlines()[0]
    assert "九项准则学习手册" in head and title.split("　")[0] in head
    colophon = page_text(pdf, len(reader.pages))
    for part in ("编印单位", "医院纪委办公室", "版本", "测试版", "生成日期", "内部资料"):
        assert part in colophon


def test_qr_codes_decode_to_intranet_pages(mini_pdf, tmp_path):
    jiuxiang = mini_pdf / "jiuxiang.pdf"
    r8 = next(page for _, t, page in outline(PdfReader(jiuxiang)) if t.startswith("第八条"))
    assert qr_codes(jiuxiang, r8, tmp_path) == [SITE + "rules/r8/"]

    cards = mini_pdf / "ward-cards.pdf"
    page = next(p for _, t, p in outline(PdfReader(cards)) if t == "骨科")
    assert qr_codes(cards, page, tmp_path) == sorted(
        [SITE + "cases/r8-ortho-hongbao/", SITE + "rules/r8/"]
    )
    risks = mini_pdf / "risks-pharmacy.pdf"
    page = next(p for _, t, p in outline(PdfReader(risks)) if t == "本科室警示案例")
    assert qr_codes(risks, page, tmp_path) == [SITE + "cases/by-department/#pharmacy"]


# --- tables, the CLI, validation ---------------------------------------------------------------


def long_register(root: Path, risks: int = 28) -> None:
    items = "".join(
        f"""      - risk: 第{i}项风险点：采购环节中可能收受企业给予的回扣或者变相利益，需要重点防范
        level: {"高中低"[i % 3]}
        controls: [集体决策并全程留痕, 岗位分离定期轮岗, 纪委办每季度抽查]
        rules: [9]
"""
        for i in range(1, risks + 1)
    )
    (root / "content/risks/pharmacy.yml").write_text(
        f"department: 药剂科\noverview: 测试概述。\nposts:\n  - post: 药品采购岗\n    risks:\n{items}",
        encoding="utf-8",
    )


def test_long_table_splits_with_repeated_header(mini_root, tmp_path):
    from generator.pdf.handbooks import render_all

    long_register(mini_root)
    out = tmp_path / "pdf"
    [booklet] = render_all(load_corpus(mini_root), out, names=["risks"], workers=1)
    pdf = out / booklet.filename
    pages = [page_text(pdf, n) for n in range(1, booklet.pages + 1)]
    with_rows = [t for t in pages if re.search(r"第\d+项", t)]
    assert len(with_rows) >= 3, "the table should run over several pages"
    for text in with_rows:
        assert "序号" in text and "防控措施" in text and "条款" in text  # header repeated
    # No row is split: every numbered risk appears whole on exactly one page.
    for i in (1, 14, 28):
        assert sum(f"第{i}项" in t for t in with_rows) == 1


def test_render_all_reports_progress_and_keeps_other_files(mini_build, tmp_path, progress_recorder):
    from generator.pdf.handbooks import read_manifest, render_all

    root, _, _ = mini_build
    corpus = load_corpus(root)
    factory, calls = progress_recorder, progress_recorder.calls

    out = tmp_path / "pdf"
    first = render_all(corpus, out, progress=factory, names=["ward-cards", "stories"])
    assert [r.filename for r in first] == ["stories.pdf", "ward-cards.pdf"]
    assert calls == [("排印 PDF 手册", 2), "task", "task"]
    assert all(r.seconds > 0 for r in first)
    again = render_all(corpus, out, names=["ward-cards"], workers=1)
    assert [d.filename for d in read_manifest(out)] == ["stories.pdf", "ward-cards.pdf"]
    assert again[0].filename == "ward-cards.pdf"
    assert (out / "ward-cards.pdf").stat().st_mode & 0o777 == 0o644


def test_cli_pdf_lines_and_unknown_name(mini_build, tmp_path, capsys):
    from generator.cli import main

    root, _, _ = mini_build
    assert main(["pdf", "jiuxiang", "--root", str(root), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"手册：jiuxiang\.pdf  \d+ 页  \d+ KB  \d+\.\d 秒", out), out
    assert "共 1 个文件" in out
    assert main(["pdf", "nosuch", "--root", str(root), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert (
        "未知的手册“nosuch”：site_config/handbooks.yml 中的手册编号有 jiuxiang、cases、stories、risks、ward-cards"
        in err
    )


def test_unknown_name_is_a_config_error(mini_build):
    from generator.pdf.books import pick, plan

    corpus = load_corpus(mini_build[0])
    with pytest.raises(ConfigError, match="未知的手册“x”"):
        pick(corpus, plan(corpus), ["x"])


BAD_HANDBOOKS = """\
handbooks:
  - id: jiuxiang
    title: 九项准则学习手册
    kind: rules
    page_size: A3
  - id: jiuxiang
    title: 重复
    kind: cases
    page_size: A4
    departments: [药剂科]
  - id: Cards
    title: 查房卡
    kind: ward_cards
    page_size: A4
  - id: risks
    title: 风险提示
    kind: risks
    page_size: A5
    departments: [药剂科, 儿科, 骨科]
  - id: stories
    kind: stories
    page_size: A5
"""


def test_bad_handbooks_yml_gives_located_chinese_messages(mini_root):
    (mini_root / "site_config/handbooks.yml").write_text(BAD_HANDBOOKS, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_corpus(mini_root)
    assert [str(p) for p in info.value.problems] == [
        "site_config/handbooks.yml:5: page_size（纸张尺寸）的值 'A3' 无效，应为：'A4' or 'A5'",
        "site_config/handbooks.yml:11: id（编号）“Cards” 格式不对：只能使用小写字母、数字和连字符",
        "site_config/handbooks.yml:13: kind（手册类型）的值 'ward_cards' 无效，"
        "应为：'rules', 'cases', 'stories', 'risks' or 'ward-cards'",
        "site_config/handbooks.yml:20: 缺少必填字段 title（标题）",
    ]


def test_handbook_cross_checks(mini_root):
    text = BAD_HANDBOOKS.replace("page_size: A3", "page_size: A5")
    text = text.replace("id: Cards", "id: cards").replace("kind: ward_cards", "kind: ward-cards")
    text = text.replace("    kind: stories", "    title: 清廉故事汇\n    kind: stories")
    (mini_root / "site_config/handbooks.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        load_corpus(mini_root)
    assert [str(p) for p in info.value.problems] == [
        "site_config/handbooks.yml:6: 手册编号“jiuxiang”重复：已在第 2 行使用",
        "site_config/handbooks.yml:10: departments（科室表）只适用于 risks 和 ward-cards，"
        "警示教育案例汇编（cases）不按科室分册",
        "site_config/handbooks.yml:19: 未知的科室“儿科”：请使用 site_config/taxonomy.yml 中的科室，如 药剂科、骨科",
        "site_config/handbooks.yml:19: 科室“骨科”没有风险台账（content/risks/），无法生成岗位廉洁风险提示",
    ]


def test_handbooks_yml_is_optional(mini_root):
    (mini_root / "site_config/handbooks.yml").unlink()
    assert load_corpus(mini_root).handbooks == []


# --- the shipped content (one session build, shared) ------------------------------------------


def test_shipped_handbooks(shipped_build, tmp_path):
    root, out, report = shipped_build
    corpus = report.corpus
    names = [d.filename for d in report.downloads]
    expected = ["jiuxiang.pdf", "cases.pdf"]
    expected += ["stories.pdf"] if corpus.stories else []
    expected += [
        f"risks-{d.slug}.pdf" for d in corpus.departments if d.name in corpus.risks_by_department
    ]
    expected += ["ward-cards.pdf"]
    assert names == expected
    for d in report.downloads:
        pdf = out / "pdf" / d.filename
        for font, emb, sub in fonts(pdf):
            assert font in SC_FONTS and (emb, sub) == ("yes", "yes"), f"{d.filename}: {font}"
    # No heading is stranded at the foot of a page.
    headings = {"释义", "红线清单", "自查要点", "案例警示", "处理结果", "本条案例", "启示"}
    headings |= {"基本案情", "违反条款", "案例剖析", "警示启示"}
    headings |= {p.post for register in corpus.risks for p in register.posts}
    headings |= {c.title for c in corpus.cases} | {s.title for s in corpus.stories}
    for d in report.downloads:
        text = subprocess.run(
            ["pdftotext", "-layout", str(out / "pdf" / d.filename), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n, page in enumerate(text.split("\f"), start=1):
            lines = [x.strip() for x in page.splitlines() if x.strip() and not x.strip().isdigit()]
            assert not lines or lines[-1] not in headings, (
                f"{d.filename} 第 {n} 页页脚：{lines[-1]}"
            )
    cards = [page for _, t, page in outline(PdfReader(out / "pdf" / "ward-cards.pdf"))][1:]
    assert [b - a for a, b in zip(cards, cards[1:], strict=False)] == [1] * (len(cards) - 1)
    cases = PdfReader(out / "pdf" / "cases.pdf")
    case_marks = [t for lv, t, _ in outline(cases) if lv == 2]
    assert sorted(case_marks) == sorted(c.title for c in corpus.cases)
    site = corpus.hospital.site_url
    page, n = next((p, t) for lv, t, p in outline(cases) if lv == 1 and t.startswith("第"))
    rule = next(r.rule for r in corpus.rules.values() if n == f"{r.label}　{r.title}")
    codes = qr_codes(out / "pdf" / "cases.pdf", page, tmp_path)
    assert codes == [f"{site}cases/by-rule/#rule-{rule}"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_book_is_named_and_stops_the_run(mini_build, tmp_path, monkeypatch, workers):
    """The cause is kept as it is (an OSError is the user's, the CLI names its path; any other
    error is a bug with its traceback), with a note naming the book — nothing is swallowed."""
    from generator.pdf import handbooks

    def broken(html, out_path):
        if "stories" in out_path.name:
            raise OSError(28, "No space left on device", str(out_path))
        out_path.write_bytes(b"%PDF-1.7")
        return 1

    monkeypatch.setattr(handbooks, "render_pdf", broken)
    with pytest.raises(OSError) as info:
        handbooks.render_all(load_corpus(mini_build[0]), tmp_path / "pdf", workers=workers)
    assert info.value.errno == 28 and info.value.filename.endswith("stories.pdf")
    assert "排印《清廉故事汇》（stories.pdf）时出错" in getattr(info.value, "__notes__", [])
    assert not (tmp_path / "pdf" / "manifest.json").exists()

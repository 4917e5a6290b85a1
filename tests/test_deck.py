"""``qinglian deck``: the decks read back with python-pptx (size, fonts, text, notes, QR codes)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from generator.cli import main
from generator.deck.decks import BODY_LIMIT, first_sentence, quoted
from generator.model.text import list_items, plain_text
from generator.sources.loader import load_corpus
from tests.conftest import MINI, REPO, copy_root

SECRET = "机密考题"


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    """The decks of the mini fixture, with its SVG logo named in hospital.yml."""
    base = tmp_path_factory.mktemp("deck")
    root = copy_root(MINI, base / "root")
    hospital = root / "site_config" / "hospital.yml"
    hospital.write_text(hospital.read_text(encoding="utf-8") + "logo: logo.svg\n", "utf-8")
    out = base / "deck"
    assert main(["deck", "--root", str(root), "--out", str(out)]) == 0
    return out


def _texts(prs) -> list[str]:
    found = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found.append(shape.text_frame.text)
    return found


def _all_text(prs) -> str:
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide]
    return "\n".join(_texts(prs) + notes)


def test_one_deck_per_rule_and_a_warning_deck(decks):
    names = sorted(p.name for p in decks.iterdir())
    assert len(names) == 10 and "警示教育.pptx" in names
    assert "九项准则-第八条.pptx" in names


def test_rule_deck_content(decks):
    corpus = load_corpus(MINI)
    rule = corpus.rules[8]
    prs = Presentation(str(decks / "九项准则-第八条.pptx"))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    # cover, 原文, 释义, 红线, two cases, discussion, QR
    assert len(prs.slides) == 8
    text = "\n".join(_texts(prs))
    assert rule.official in text  # verbatim, in one piece
    assert "国卫医发〔2021〕37号" in text
    assert "测试市人民医院" in text
    assert "某医院骨科医生收受红包案" in text and "某医院药师收受消费卡案" in text
    assert "测试启示" in text  # the cases' lessons
    assert "讨论交流" in text and "测试情景" in text
    assert "本条正文尚待与原文逐字核对" in text  # rule 8 is not verified in the fixture
    assert all(
        s.has_notes_slide and s.notes_slide.notes_text_frame.text.strip() for s in prs.slides
    )
    assert "第八条释义（测试内容）" in prs.slides[2].notes_slide.notes_text_frame.text
    assert "测试做法" in prs.slides[6].notes_slide.notes_text_frame.text  # 正确做法 in the notes
    assert SECRET not in _all_text(prs)


def test_fonts_are_named_for_east_asian_text(decks):
    prs = Presentation(str(decks / "九项准则-第一条.pptx"))
    runs = [
        run
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
        for run in p.runs
    ]
    assert runs
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        assert rpr.find(qn("a:ea")).get("typeface") == "微软雅黑"
        assert rpr.find(qn("a:latin")).get("typeface") == "微软雅黑"
        assert rpr.get("lang") == "zh-CN"
    theme = next(
        rel.target_part.blob
        for rel in prs.slide_masters[0].part.rels.values()
        if rel.reltype.endswith("/theme")
    ).decode("utf-8")
    assert 'script="Hans" typeface="Noto Sans CJK SC"' in theme
    assert '<a:ea typeface="微软雅黑"/>' in theme


def test_logo_and_qr_codes(decks, tmp_path):
    assert shutil.which("zbarimg"), "zbar-tools is needed to read QR codes"
    prs = Presentation(str(decks / "九项准则-第八条.pptx"))
    pictures = [s for s in prs.slides[1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1  # the logo in the footer (the fixture's SVG, rasterised)
    qr = [s for s in prs.slides[-1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    urls = []
    for n, shape in enumerate(qr):
        path = tmp_path / f"qr{n}.png"
        path.write_bytes(shape.image.blob)
        run = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True)
        urls += run.stdout.decode().split()
    # the rule page, and its practice page (rule 8 has a public question)
    assert sorted(urls) == [
        "http://intranet.test/qinglian/quiz/r8/",
        "http://intranet.test/qinglian/rules/r8/",
    ]


def test_warning_deck_default_and_chosen_cases(decks, tmp_path, capsys):
    prs = Presentation(str(decks / "警示教育.pptx"))
    text = _all_text(prs)
    assert "以案为鉴" in text and SECRET not in text
    # default: the latest main case of each rule: 8 → ortho (2024), 9 → pharmacy kickback
    assert "某医院骨科医生收受红包案" in text and "某医院药剂科主任收受回扣案" in text
    assert "某医院药师收受消费卡案" not in text
    out = tmp_path / "chosen"
    args = ["deck", "--root", str(MINI), "--out", str(out), "--cases", "r8-pharmacy-card"]
    assert main(args) == 0
    chosen_prs = Presentation(str(out / "警示教育.pptx"))
    footer = [s for s in chosen_prs.slides[1].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert footer == []  # MINI names no logo: the footer is the hospital's name only
    chosen = _all_text(chosen_prs)
    assert "某医院药师收受消费卡案" in chosen and "某医院骨科医生收受红包案" not in chosen
    assert main([*args[:-1], "r8-pharmacy-card,nope"]) == 1
    err = capsys.readouterr().err
    assert "未知的案例编号 nope" in err and "Traceback" not in err


def _nested_quotes(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "“"
        depth -= ch == "”"
        if depth > 1:
            return True
    return False


@pytest.fixture(scope="module")
def shipped_decks(tmp_path_factory):
    """The decks of the shipped content (long real texts, titles with quotation marks)."""
    out = tmp_path_factory.mktemp("shipped-deck")
    assert main(["deck", "--root", str(REPO), "--out", str(out)]) == 0
    return out


def test_slides_show_what_a_speaker_shows(shipped_decks):
    """Each body within BODY_LIMIT characters (the official text excepted), the rest in the notes;
    no quotation nested in a quotation (“…‘…’…” as the site writes it)."""
    checked = 0
    for path in sorted(shipped_decks.glob("*.pptx")):
        prs = Presentation(str(path))
        for n, slide in enumerate(prs.slides):
            notes = slide.notes_slide.notes_text_frame.text
            texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            for text in [*texts, notes]:
                assert not _nested_quotes(text), (path.name, n, text[:60])
            official = any(t.startswith("——《医疗机构工作人员廉洁从业九项准则》") for t in texts)
            if n == 0 or official:
                continue
            body = [
                s.text_frame.text
                for s in slide.shapes
                if s.has_text_frame
                and Inches(1.3) <= s.top < Inches(6.9)
                and not s.text_frame.text.startswith("http")
            ]
            shown = re.sub(r"[\s■]", "", "".join(body))
            assert len(shown) <= BODY_LIMIT, (path.name, n, shown)
            checked += 1
    assert checked > 50
    rule8 = Presentation(str(shipped_decks / "九项准则-第八条.pptx"))
    assert "第八条“共建和谐关系，不收受患方‘红包’”" in _all_text(rule8)
    # the red lines are all on slides (over two if need be), the full 释义 in the notes
    corpus = load_corpus(REPO)
    redlines = list_items(corpus.rules[8].sections["红线清单"])
    shown = "\n".join(_texts(rule8))
    assert all(item in shown for item in redlines)
    explain = plain_text(corpus.rules[8].sections["释义"])
    assert rule8.slides[2].notes_slide.notes_text_frame.text == explain


def test_quoted_and_clipping_helpers():
    assert quoted("不收受患方“红包”") == "“不收受患方‘红包’”"
    assert quoted('不收受患方"红包"') == "“不收受患方‘红包’”"
    cut = first_sentence("表示愿意无偿给科室“投放一台设备，只要用我们的试剂”，科主任同意了。", 16)
    assert cut.count("“") == cut.count("”") and cut.endswith("……")
    assert first_sentence("第一句。第二句。", 10) == "第一句。"

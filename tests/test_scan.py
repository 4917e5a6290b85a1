"""Paper answer sheets read by machine: print, fill by program, distort, read back.

Every question must be read right or sent to review (never a silent wrong answer); pages that
are not sheets are reported and the batch goes on. The large set is ``bench/scan_sheets.py``.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from generator.cli import main
from generator.errors import ValidationError
from generator.exam.draw import draw
from generator.exam.key import key_json, parse_key
from generator.exam.sheet_layout import SheetId, layout_for, layout_json
from generator.exam.sheet_layout import printed as is_printed
from generator.exam.sheets import SheetText, write_sheets_pdf
from generator.grading.grade import grade
from generator.grading.scan import (
    PageRef,
    page_refs,
    parse_decisions,
    read_page,
    review_html,
    scan,
)
from generator.grading.scan.reader import BLANK_PAGE, OTHER_EXAM, READ, UNIDENTIFIED
from generator.grading.sheet import Row
from generator.sources.exams import load_exam
from generator.sources.loader import load_corpus
from tests.conftest import MINI, copy_root
from tests.scan_fakes import DISTORTIONS, fill, render

REPO = Path(__file__).resolve().parent.parent
EXAM = REPO / "site_config" / "exams" / "2026-annual.yml"
NAMED = ("named", "A", "T0001", "张三丰", "心血管内科")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The shipped annual exam's key and a PDF with a named sheet (page 1) and a blank one."""
    corpus = load_corpus(REPO)
    exam, line = load_exam(EXAM, corpus)
    key_text = key_json(draw(exam, corpus.banks, line))
    key = parse_key(key_text)
    folder = tmp_path_factory.mktemp("sheets")
    (folder / "key.json").write_text(key_text, encoding="utf-8")
    sheets = [SheetId(key.exam, *NAMED), SheetId(key.exam, "blank")]
    pdf = folder / "answer-sheets.pdf"
    assert write_sheets_pdf(key, sheets, SheetText(exam.title, "某医院"), pdf) == 2
    return key, pdf, sheets, folder


def _silent_errors(read, truth) -> list:
    return [
        (q, want, read.answers.get(q))
        for q, want in truth.answers.items()
        if read.answers.get(q) is not None and read.answers[q] != want
    ]


def test_layout_matches_the_printed_sheet(printed):
    """Every bubble sheet-layout.json lists is drawn where it says: a ring at its radius."""
    key, pdf, sheets, _ = printed
    data = json.loads(layout_json(key, sheets))
    assert data["page"] == {"width_pt": 595.28, "height_pt": 841.89}
    assert [s["工号"] for s in data["sheets"]] == ["T0001", None]
    dpi = 144
    for page in (1, 2):
        img = render(pdf, page, dpi).astype(float)
        bubbles = [b for b in data["bubbles"] if b["page"] == page]
        layout = layout_for(key, sheets[page - 1].kind)
        drawn = [b for b in layout.bubbles() if is_printed(key, sheets[page - 1], b)]
        assert len(bubbles) == len(drawn)
        # A named sheet leaves out the bubbles its version has no option for.
        assert (
            len(drawn) < len(layout.bubbles()) if page == 1 else len(drawn) == len(layout.bubbles())
        )
        for b in bubbles:
            s = dpi / 72
            angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
            xs = (b["x"] + b["r"] * np.cos(angles)) * s
            ys = (b["y"] + b["r"] * np.sin(angles)) * s
            ring = img[ys.round().astype(int), xs.round().astype(int)].mean()
            xs = (b["x"] + 1.25 * b["r"] * np.cos(angles)) * s
            ys = (b["y"] + 1.25 * b["r"] * np.sin(angles)) * s
            outside = img[ys.round().astype(int), xs.round().astype(int)].mean()
            assert ring < 170 and outside > 220, b
    answer_numbers = {b["no"] for b in data["bubbles"] if b["field"] in ("answer", "score")}
    assert answer_numbers == set(range(1, key.question_count + 1))
    assert {b["label"] for b in data["bubbles"] if b.get("no") == 31} == {"对", "错"}
    assert len([b for b in data["bubbles"] if b["field"] == "工号"]) == 80


@pytest.mark.parametrize(
    ("distortion", "dpi", "tool"),
    [
        ("plain", 150, "pencil"),
        ("plain", 300, "pen"),
        ("skew", 200, "pencil"),
        ("upside_down", 150, "pen"),
        ("sideways", 200, "pencil"),
        ("scale", 300, "pencil"),
        ("blur", 200, "pencil"),
        ("noise", 150, "pencil"),
        ("jpeg", 200, "pen"),
        ("photocopy", 200, "pencil"),
        ("phone", 300, "pencil"),
        ("dark_border", 150, "pen"),
    ],
)
@pytest.mark.parametrize("kind", ["named", "blank"])
def test_every_bubble_right_or_flagged(printed, distortion, dpi, tool, kind):
    key, pdf, sheets, _ = printed
    page = 1 if kind == "named" else 2
    seed = zlib.crc32(f"{distortion}-{dpi}-{kind}".encode()) % 10_000
    filled, truth = fill(
        render(pdf, page, dpi), key, sheets[page - 1], dpi, seed, tool, staff_digits="20260117"
    )
    image = DISTORTIONS[distortion](filled, dpi, seed)
    read = read_page(key, PageRef("scan.png", 1, image=image))
    assert read.status == READ, read.reason
    assert (read.staff_id, read.version) == (
        ("T0001", "A") if kind == "named" else ("20260117", truth.version)
    )
    assert _silent_errors(read, truth) == []
    flagged = {int(i.field) for i in read.items if i.field.isdigit()}
    assert flagged == {q for q, a in read.answers.items() if a is None}
    # Review is for the hard marks (light strokes, erasures, stray dots), not for everything.
    assert len(flagged - set(truth.hard)) <= 2
    assert all(i.crop.startswith(b"\x89PNG") for i in read.items)


def test_rotation_is_reported(printed):
    key, pdf, sheets, _ = printed
    filled, _ = fill(render(pdf, 1, 150), key, sheets[0], 150, 3)
    read = read_page(key, PageRef("x.png", 1, image=np.ascontiguousarray(filled[::-1, ::-1])))
    assert (read.status, read.rotation) == (READ, 180)


def test_a_multi_page_tiff_is_read_page_by_page(printed, tmp_path):
    """A copier's TIFF stack: every page found, and each page read is that page."""
    key, pdf, sheets, _ = printed
    people = [f"2000{i:04d}" for i in range(3)]
    pages = [
        fill(render(pdf, 2, 150), key, sheets[1], 150, 60 + i, staff_digits=digits)[0]
        for i, digits in enumerate(people)
    ]
    ok, data = cv2.imencodemulti(".tiff", pages)
    assert ok
    (tmp_path / "stack.tif").write_bytes(data.tobytes())
    (tmp_path / "broken.tif").write_bytes(b"II*\x00 not really a tiff")
    refs, bad = page_refs([tmp_path / "stack.tif", tmp_path / "broken.tif"])
    assert [(r.page, r.path.name) for r in refs] == [
        (1, "stack.tif"),
        (2, "stack.tif"),
        (3, "stack.tif"),
    ]
    assert bad == [(str(tmp_path / "broken.tif"), "无法读取 TIFF 图像")]
    assert [read_page(key, r).staff_id for r in refs] == people


def test_two_marks_in_a_single_choice_go_to_review(printed):
    key, pdf, sheets, _ = printed
    img, truth = fill(render(pdf, 1, 200), key, sheets[0], 200, 5, "pen", hard_share=0)
    layout = layout_for(key, "named")
    q = layout.questions[0]
    assert len(truth.answers[1]) == 1
    extra = next(b for b in q.bubbles if b.label != truth.answers[1])
    cv2.circle(img, (round(extra.x * 200 / 72), round(extra.y * 200 / 72)), 14, 20, -1)
    read = read_page(key, PageRef("x.png", 1, image=img))
    assert read.answers[1] is None
    item = next(i for i in read.items if i.field == "1")
    both = "、".join(sorted({truth.answers[1], extra.label}))
    assert item.reason == f"只能选一个，却涂了 {both}"


def test_unreadable_qr_asks_who(printed):
    key, pdf, sheets, _ = printed
    img, _ = fill(render(pdf, 1, 200), key, sheets[0], 200, 6, hard_share=0)
    x0, y0, x1, y1 = (round(v * 200 / 72) for v in layout_for(key, "named").qr_box)
    img[y0 + 20 : y1 - 20, x0 + 20 : x1 - 20] = 255  # a torn or scribbled code
    read = read_page(key, PageRef("torn.png", 1, image=img))
    assert read.status == UNIDENTIFIED
    assert [i.field for i in read.items[:2]] == ["工号", "版本"]
    again = scan(
        key,
        [PageRef("torn.png", 1, image=img)],
        {
            ("torn.png", 1, "工号"): "T0001",
            ("torn.png", 1, "版本"): "A",
        },
    )
    (page,) = again.pages
    assert (page.status, page.staff_id, page.version, page.items) == (READ, "T0001", "A", [])


def test_a_sheet_of_another_exam_is_not_read_as_ours(printed):
    key, pdf, _, folder = printed
    other = folder / "other.pdf"
    write_sheets_pdf(key, [SheetId("2025-annual", *NAMED)], SheetText("去年"), other)
    read = read_page(key, PageRef("other.png", 1, image=render(other, 1, 150)))
    assert read.status == OTHER_EXAM
    assert "2025-annual" in read.reason


def test_batch_with_garbage_and_blank_pages(printed, tmp_path, capsys):
    """A copier stack (PDF) with a blank back page, a garbage page and a phone JPEG; then the
    trainer's decisions make it complete and ``quiz grade`` grades it."""
    key, pdf, sheets, folder = printed
    truths, images = [], []
    for i, (page, tool, distortion) in enumerate(
        [(1, "pencil", "skew"), (2, "pen", "upside_down"), (2, "pencil", "photocopy")]
    ):
        digits = f"1000{i:04d}"
        image, truth = fill(
            render(pdf, page, 200), key, sheets[page - 1], 200, 40 + i, tool, staff_digits=digits
        )
        truths.append(truth)
        images.append(DISTORTIONS[distortion](image, 200, i))
    rng = np.random.default_rng(0)
    garbage = (rng.random((2000, 1500)) * 255).astype(np.uint8)
    blank = np.full((2339, 1654), 248, np.uint8)
    stack = [images[0], blank, garbage, images[1]]
    scans = tmp_path / "scans"
    scans.mkdir()
    pil = [Image.fromarray(x) for x in stack]
    pil[0].save(scans / "stack.pdf", save_all=True, append_images=pil[1:], resolution=200)
    cv2.imwrite(str(scans / "phone.jpg"), images[2], [cv2.IMWRITE_JPEG_QUALITY, 80])
    (scans / "notes.txt").write_text("not a scan")
    out = tmp_path / "out"
    # A folder's other files are passed over; a file named on the command line is reported.
    args = ["quiz", "scan", str(folder / "key.json"), str(scans), str(scans / "notes.txt")]
    args += ["--out", str(out)]
    code = main([*args, "--workers", "2"])
    report = list(csv.DictReader(io.StringIO((out / "scan-report.csv").read_text("utf-8-sig"))))
    states = [(Path(r["文件"]).name, r["页"], r["状态"]) for r in report]
    assert sorted(states) == sorted(
        [
            ("notes.txt", "1", "无法读取"),
            ("phone.jpg", "1", "已识别"),
            ("stack.pdf", "1", "已识别"),
            ("stack.pdf", "2", BLANK_PAGE),
            ("stack.pdf", "3", "未识别"),
            ("stack.pdf", "4", "已识别"),
        ]
    )
    answers = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text("utf-8-sig"))))
    assert sorted(r["工号"] for r in answers) == ["10000001", "10000002", "T0001"]
    review = list(csv.DictReader(io.StringIO((out / "review.csv").read_text("utf-8-sig"))))
    waiting = [r for r in review if r["题号"].isdigit()]
    marked = sum(r[str(n)] == "?" for r in answers for n in range(1, key.question_count + 1))
    assert marked == len(waiting)
    assert code == 2
    assert "待复核" in capsys.readouterr().err
    html = (out / "review.html").read_text("utf-8")
    assert html.count('class="card"') == len(review)
    assert "http://" not in html and "https://" not in html

    # The trainer decides every item the way the candidate meant it.
    by_id = {t.sheet.staff_id or t.staff_digits: t for t in truths}
    lines = ["文件,页,工号,题号,决定"]
    for r in review:
        if r["题号"] == "页":
            lines.append(f"{r['文件']},{r['页']},,页,忽略")
            continue
        truth = by_id[r["工号"]]
        want = truth.answers[int(r["题号"])] or "空"
        lines.append(f"{r['文件']},{r['页']},{r['工号']},{r['题号']},{want}")
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main([*args, "--decisions", str(decisions)]) == 0
    answers = list(csv.DictReader(io.StringIO((out / "answers.csv").read_text("utf-8-sig"))))
    for row in answers:
        truth = by_id[row["工号"]]
        for n in range(1, key.question_count + 1):
            kind = layout_for(key, "named").questions[n - 1].type
            if kind != "fill":
                assert row[str(n)] == truth.answers[n], (row["工号"], n)
    assert (
        main(
            [
                "quiz",
                "grade",
                str(folder / "key.json"),
                str(out / "answers.csv"),
                "--out",
                str(tmp_path / "grades"),
            ]
        )
        == 0
    )
    scores = (tmp_path / "grades" / "scores.csv").read_text("utf-8-sig")
    assert scores.count("\n") == 4


def test_bad_decisions_are_all_reported(printed):
    key = printed[0]
    text = "文件,页,工号,题号,决定\na.pdf,1,,2,Z\na.pdf,x,,2,A\na.pdf,1,,99,A\na.pdf,1,,版本,C\n"
    with pytest.raises(ValidationError) as caught:
        parse_decisions(text, "d.csv", key)
    assert [str(p) for p in caught.value.problems] == [
        "d.csv:2: 第 2 题的决定“Z”不是该题的选项（A、B、C、D）",
        "d.csv:3: 缺少文件名或页码",
        "d.csv:4: 题号“99”不存在（应为 1–55、工号、版本或页）",
        "d.csv:5: 版本“C”不存在（应为 A、B）",
    ]
    good = parse_decisions("\ufeff文件,页,工号,题号,决定\nx/a.pdf,2,T1,25,ca\n", "d.csv", key)
    assert good == {("a.pdf", 2, "25"): "AC"}


def test_paper_prints_named_and_blank_sheets(tmp_path, capsys):
    """``quiz paper --roster --sheets``: one named sheet per person (versions in turn), blank
    ones after; a roster with a problem names its file and line and writes nothing."""
    root = copy_root(MINI, tmp_path / "root")
    roster = tmp_path / "名单.csv"
    roster.write_text("工号,姓名,科室\nT01,张三,内科\nT02,李四,外科\nT03,王五,药剂科\n", "utf-8")
    exam = str(root / "site_config/exams/test-exam.yml")
    assert main(["quiz", "paper", exam, "--roster", str(roster), "--sheets", "2"]) == 0
    folder = root / "private" / "test-exam"
    layout = json.loads((folder / "sheet-layout.json").read_text("utf-8"))
    assert [(s["kind"], s["version"], s["工号"]) for s in layout["sheets"]] == [
        ("named", "A", "T01"),
        ("named", "B", "T02"),
        ("named", "A", "T03"),
        ("blank", None, None),
        ("blank", None, None),
    ]
    assert "answer-sheets.pdf  5 页" in capsys.readouterr().out
    key = parse_key((folder / "key.json").read_text("utf-8"))
    read = read_page(key, PageRef("p2.png", 1, image=render(folder / "answer-sheets.pdf", 2, 150)))
    assert (read.status, read.staff_id, read.name, read.version) == (READ, "T02", "李四", "B")
    # A blank sheet nobody filled: no 工号, so it waits for a person.
    read = read_page(key, PageRef("p4.png", 1, image=render(folder / "answer-sheets.pdf", 4, 150)))
    assert read.status == UNIDENTIFIED
    assert read.items[0].reason == "工号无法确定：未填涂工号"

    bad = tmp_path / "bad.csv"
    bad.write_text("工号,姓名\nT01,张三\n", "utf-8")
    before = sorted(p.name for p in folder.iterdir())
    assert main(["quiz", "paper", exam, "--roster", str(bad)]) == 1
    assert f"{bad}:1: 表头缺少列：科室" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == before


@pytest.mark.browser
def test_review_page_decides_and_saves(printed, tmp_path, page):
    """review.html offline: pick answers, type a 工号, set a page aside, save decisions.csv —
    which ``--decisions`` then applies."""
    key, pdf, sheets, _ = printed
    named, _ = fill(render(pdf, 1, 150), key, sheets[0], 150, 77, hard_share=0.1)
    blank, _ = fill(render(pdf, 2, 150), key, sheets[1], 150, 78, hard_share=0)
    refs = [PageRef("a.png", 1, image=named), PageRef("b.png", 1, image=blank)]
    result = scan(key, refs)
    items = result.items
    assert any(i.field == "工号" for i in items) and any(i.field.isdigit() for i in items)
    html = tmp_path / "review.html"
    html.write_text(review_html(result, stamp="t"), encoding="utf-8")
    page.goto(html.as_uri())
    cards = page.locator(".card")
    assert cards.count() == len(items)
    assert page.locator("#done").inner_text() == "0"
    first = next(n for n, i in enumerate(items) if i.field.isdigit())
    card = cards.nth(first)
    card.locator("button[data-v]").first.click()
    assert card.get_attribute("class") == "card done"
    who = next(n for n, i in enumerate(items) if i.field == "工号")
    cards.nth(who).locator("input").fill("90001")
    assert page.locator("#done").inner_text() == "2"
    page.reload()  # decisions survive a reload
    assert page.locator("#done").inner_text() == "2"
    with page.expect_download() as download:
        page.click("#save")
    saved = Path(download.value.path()).read_text("utf-8-sig")
    decisions = parse_decisions(saved, "decisions.csv", key)
    label = items[first].choices[0]
    assert decisions == {
        (
            "a.png" if items[first].file == "a.png" else items[first].file,
            items[first].page,
            items[first].field,
        ): label,
        (items[who].file, items[who].page, "工号"): "90001",
    }
    again = scan(key, refs, decisions)
    assert len(again.items) == len(items) - 2
    assert "90001" in [p.staff_id for p in again.sheets]
    assert not [r for r in page.requested if not r.startswith("file:")]


def test_grade_takes_rows_and_refuses_undecided(printed):
    """``grade(key, rows)`` in process; a ``?`` from the scanner is never an answer, not even
    to a fill question (where any text could be one)."""
    key = printed[0]
    items = key.versions["A"]
    fill_no = next(i.no for i in items if i.type == "fill")
    right = {i.no: (i.accepted[0] if i.type == "fill" else i.answer_text) for i in items}
    person = {"工号": "T1", "姓名": "甲", "科室": "内科", "版本": "A"}
    rows = [
        Row(2, person, {n: str(v) for n, v in right.items()}),
        Row(3, {**person, "工号": "T2"}, {**right, fill_no: "?"}),
    ]
    grading = grade(key, rows)
    assert [r.staff_id for r in grading.results] == ["T1"]
    assert grading.results[0].total == key.total
    (rejected,) = grading.rejected
    assert rejected.staff_id == "T2"
    assert rejected.reason == (
        f"第 {fill_no} 题答案待复核（扫描读卡未能确定，请在 review.html 中决定后重新运行 quiz scan）"
    )


def test_a_letter_filled_on_every_question_is_still_read(printed):
    """When every bubble of one letter is filled (every E, say), the sheet shows no empty E to
    learn the printed letter from: those marks must still read as filled, never as empty."""
    key, pdf, sheets, _ = printed
    dpi = 150
    image, truth = fill(render(pdf, 1, dpi), key, sheets[0], dpi, 9, "pencil", hard_share=0)
    layout = layout_for(key, "named")
    letter = max((q.labels for q in layout.questions), key=len)[-1]
    marked = []
    for q in layout.questions:
        for b in q.bubbles:
            if b.label == letter and is_printed(key, sheets[0], b):
                cv2.circle(image, (round(b.x * dpi / 72), round(b.y * dpi / 72)), 10, 90, -1)
                marked.append(q.no)
                want = set(truth.answers[q.no]) | {letter}
                truth.answers[q.no] = "".join(sorted(want))
    assert len(marked) >= 2
    read = read_page(key, PageRef("e.png", 1, image=image))
    assert _silent_errors(read, truth) == []
    assert all(read.answers[n] == truth.answers[n] for n in marked)

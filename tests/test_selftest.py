"""The self-test on the site: exam-only questions never published; practice, 错题本, progress."""

from __future__ import annotations

import gzip
import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from generator.site.selftest import question_data

SECRET_MARK = "机密考题"  # only in the mini fixture's exam_only question
PUBLIC_STEM = "患者家属在出院时塞给医生一个红包"  # a public single question of rule 8


def _site_texts(folder: Path):
    """(path, text) for every file under ``folder``: gzip decompressed, PDF text extracted."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        elif path.suffix == ".pdf":
            assert shutil.which("pdftotext"), "poppler-utils is needed to read the handbooks"
            run = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True)
            data += b"\n" + re.sub(rb"\s+", b"", run.stdout)  # lines wrap anywhere in a PDF
        yield path, data.decode("utf-8", errors="replace")


def _spellings(text: str) -> set[str]:
    """The ways a string can appear in a file: raw, HTML-escaped, JSON \\u-escaped, unspaced."""
    return {text, html.escape(text), json.dumps(text)[1:-1], re.sub(r"\s+", "", text)}


def _leaks(folder: Path, secrets: list[str]) -> list[str]:
    needles = {spelling for s in secrets for spelling in _spellings(s)}
    return [
        f"{path.relative_to(folder)}: {needle}"
        for path, text in _site_texts(folder)
        for needle in needles
        if needle in text
    ]


def _exam_only_secrets(corpus) -> list[str]:
    secret = [q for q in corpus.questions if q.exam_only]
    assert secret, "the content should have exam-only questions for this test to mean anything"
    return [text for q in secret for text in (q.stem, q.id)]


def test_exam_only_questions_never_reach_the_site(mini_build):
    root, out, report = mini_build
    site = out / "site"
    secrets = [SECRET_MARK, *_exam_only_secrets(report.corpus)]
    assert _leaks(site, secrets) == []
    assert not (root / "build").exists()  # the generated tree lives in the build's temporary folder
    with zipfile.ZipFile(out / "清廉知识库-离线版.zip") as zf:  # the portable edition
        texts = [zf.read(n).decode("utf-8", "ignore") for n in zf.namelist()]
    assert not [s for s in secrets for t in texts if s in t]

    # Positive control: the same search finds public questions where the self-test reads them.
    data = (site / "quiz" / "questions.json").read_text(encoding="utf-8")
    assert PUBLIC_STEM in data
    public = [
        f"{p.relative_to(site)}: {PUBLIC_STEM}" for p, t in _site_texts(site) if PUBLIC_STEM in t
    ]
    # questions.js: the same data for pages opened from disk (the portable edition)
    assert public == [f"quiz/questions.js: {PUBLIC_STEM}", f"quiz/questions.json: {PUBLIC_STEM}"]
    ids = {q["id"] for q in json.loads(data)["questions"]}
    assert ids == {q.id for q in report.corpus.public_questions}


def test_practice_pages_stay_out_of_search(mini_build):
    _, out, _ = mini_build
    from tests.search_helpers import indexed_urls

    urls = indexed_urls(out / "site")
    assert urls and not [u for u in urls if u.startswith("quiz/")]
    assert (out / "site" / "quiz" / "r8" / "index.html").exists()
    assert not (out / "site" / "quiz" / "r2").exists()  # rule 2 has no public question


def test_question_data_shapes(mini_build):
    _, _, report = mini_build
    by_id = {q["id"]: q for q in question_data(report.corpus)["questions"]}
    assert by_id["q-r8-001"]["answer"] == ["B"]
    assert by_id["q-r9-001"]["answer"] == ["A", "B", "D"]
    assert by_id["q-r1-001"]["answer"] is True
    assert by_id["q-r1-002"]["answer"] == ["统方"]
    assert "q-r8-002" not in by_id


def test_exam_only_questions_of_the_shipped_banks_stay_off_the_site(shipped_build):
    _, out, report = shipped_build
    assert _leaks(out / "site", _exam_only_secrets(report.corpus)) == []
    # Positive control for the handbooks: their text is searched, not their compressed bytes.
    pdfs = [text for path, text in _site_texts(out / "site") if path.suffix == ".pdf"]
    assert not pdfs or any(report.corpus.rules[1].title in text for text in pdfs)


# --- in the browser ------------------------------------------------------------------------------


@pytest.fixture
def site_url(mini_build, serve_dir):
    """The mini site served under a sub-path."""
    _, out, _ = mini_build
    return serve_dir(out / "site")


def _only_local(page):
    outside = [u for u in page.requested if not u.startswith("http://127.0.0.1:")]
    assert outside == []


@pytest.mark.browser
def test_wrong_answer_goes_to_the_wrongbook_and_leaves_when_practised(page, site_url):
    from playwright.sync_api import expect

    page.goto(site_url + "quiz/r8/")
    form = page.locator(".ql-quiz .ql-q")
    expect(form).to_contain_text(PUBLIC_STEM)
    form.get_by_label("收下后不声张").check()
    form.get_by_role("button", name="提交答案").click()

    feedback = page.locator(".ql-fb")
    expect(feedback).to_contain_text("回答错误")
    # Options are shuffled per showing: the key shown is the label the right option has now.
    right_key = page.locator(".ql-opt.is-right .ql-opt__key").inner_text().rstrip(".")
    expect(feedback).to_contain_text(f"正确答案：{right_key}")
    expect(feedback).to_contain_text("严禁索取或者收受患者及其亲友的礼品")  # the explanation
    rule_link = feedback.get_by_role("link", name=re.compile("第八条"))
    assert rule_link.evaluate("a => a.href") == site_url + "rules/r8/"
    expect(page.locator(".ql-opt.is-wrong")).to_contain_text("你的选择")
    expect(page.locator(".ql-opt.is-right")).to_contain_text("婉拒")

    # The 错题本 is keyed by question id, never by a letter of one showing.
    saved = page.evaluate("JSON.parse(localStorage.getItem('qinglian.selftest.v1'))")
    assert list(saved["wrong"]) == ["q-r8-001"] and list(saved["answers"]) == ["q-r8-001"]

    # The 错题本 survives a reload.
    page.goto(site_url + "quiz/")
    page.reload()
    wrongbook = page.locator('.ql-quiz[data-mode="wrong"]')
    expect(wrongbook.locator(".ql-wrong-item")).to_have_count(1)
    expect(wrongbook.locator(".ql-wrong-item")).to_contain_text(PUBLIC_STEM)
    expect(page.locator("[data-ql-summary]")).to_contain_text("错题本 1 题")

    # The rule page shows the progress.
    page.goto(site_url + "rules/r8/")
    progress = page.locator(".ql-rule-progress")
    expect(progress).to_contain_text("已练 1/1 题")
    expect(progress).to_contain_text("答对 0 题")
    expect(progress).to_contain_text("错题本 1 题")

    # Practise it again from the 错题本, correctly: it leaves.
    page.goto(site_url + "quiz/")
    wrongbook.get_by_role("button", name=re.compile("重练全部错题")).click()
    wrongbook.get_by_label("婉拒").check()
    wrongbook.get_by_role("button", name="提交答案").click()
    expect(wrongbook.locator(".ql-fb")).to_contain_text("已从错题本移出")
    wrongbook.get_by_role("button", name="查看成绩").click()
    expect(wrongbook).to_contain_text("错题本还剩 0 题")
    wrongbook.get_by_role("button", name="返回错题本").click()
    expect(wrongbook).to_contain_text("错题本是空的")
    page.reload()
    expect(wrongbook).to_contain_text("错题本是空的")

    page.goto(site_url + "rules/r8/")
    expect(progress).to_contain_text("答对 1 题")
    expect(progress).not_to_contain_text("错题本")
    _only_local(page)


@pytest.mark.browser
def test_keyboard_fill_folding_and_score(page, site_url):
    """Rule 1 has a judge and a fill question, in random order; answered from the keyboard."""
    from playwright.sync_api import expect

    page.goto(site_url + "quiz/r1/")
    quiz = page.locator(".ql-quiz")
    for _ in range(2):
        expect(quiz.locator(".ql-q")).to_be_visible()
        if quiz.locator(".ql-fill__input").count():
            # Ideographic and full-width spaces around the answer are folded and trimmed.
            quiz.locator(".ql-fill__input").fill("\u3000统方 ")
            page.keyboard.press("Enter")
            expect(quiz.locator(".ql-fb")).to_contain_text("回答正确")
        else:
            quiz.get_by_label("对").focus()
            page.keyboard.press("ArrowRight")  # moves to and selects 错: a wrong answer
            page.keyboard.press("Enter")
            expect(quiz.locator(".ql-fb")).to_contain_text("回答错误")
        page.keyboard.press("Enter")  # the focused 下一题 / 查看成绩 button
    expect(quiz.locator(".ql-result__score")).to_have_text("50 分")
    _only_local(page)


@pytest.mark.browser
def test_random_test_on_a_phone(browser, site_url):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site_url + "quiz/")
        random = page.locator('.ql-quiz[data-mode="random"]')
        random.get_by_role("button", name=re.compile("开始随机测试")).click()
        for _ in range(4):
            if random.locator(".ql-fill__input").count():
                random.locator(".ql-fill__input").fill("不知道")
            else:
                random.locator(".ql-opt").first.click()
            random.get_by_role("button", name="提交答案").click()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, "the page scrolls sideways on a phone"
            random.locator(".ql-fb button").click()
        expect(random.locator(".ql-result__score")).to_contain_text("分")
        expect(page.locator(".ql-quiz-rule .ql-rule-progress").first).to_contain_text("已练")
    finally:
        context.close()


@pytest.mark.browser
def test_options_are_shuffled_per_showing_and_the_key_follows(page, site_url):
    """The self-test must not be passable by position: file order is not the order shown."""
    from playwright.sync_api import expect

    orders = set()
    for _ in range(8):
        page.goto(site_url + "quiz/r8/")
        form = page.locator(".ql-quiz .ql-q")
        expect(form).to_contain_text(PUBLIC_STEM)
        texts = form.locator(".ql-opt__text").all_inner_texts()
        keys = form.locator(".ql-opt__key").all_inner_texts()
        assert keys == ["A.", "B.", "C.", "D."]  # labels stay in order; the texts move
        orders.add(tuple(texts))
        form.get_by_label("婉拒").check()  # the right option, wherever it is
        form.get_by_role("button", name="提交答案").click()
        feedback = page.locator(".ql-fb")
        expect(feedback).to_contain_text("回答正确")
        shown = keys[next(k for k, t in enumerate(texts) if t.startswith("婉拒"))].rstrip(".")
        expect(feedback).to_contain_text(f"正确答案：{shown}")
    assert len(orders) > 1, "the options were shown in the same order every time"
    assert len({o.index(next(t for t in o if t.startswith("婉拒"))) for o in orders}) > 1
    _only_local(page)


@pytest.mark.browser
def test_question_counts_agree_everywhere(shipped_build, serve_dir, page):
    """One source for the counts: each rule's card, its practice page (text and the quiz it runs)
    and the rule page say the same number; the cards add up to the total in the intro."""
    _, out, report = shipped_build
    base = serve_dir(out / "site", "counts")
    page.goto(base + "quiz/")
    intro = page.locator("article p").first.inner_text()
    total = int(re.search(r"全部 (\d+) 道练习题", intro).group(1))
    assert total == len(report.corpus.public_questions)
    cards = page.locator(".ql-quiz-rule")
    counts = {}
    for card in cards.all():
        n = int(re.search(r"(\d+) 题", card.locator(".ql-quiz-rule__no").inner_text()).group(1))
        counts[card.get_attribute("href")] = n
    assert sum(counts.values()) == total and len(counts) == 9
    for href, n in counts.items():
        page.goto(base + "quiz/" + href)
        assert f"共 {n} 道练习题" in page.locator("article").inner_text()
        page.locator(".ql-q__count").first.wait_for()
        assert page.locator(".ql-q__count").first.inner_text().endswith(f"共 {n} 题"), href
    page.goto(base + "rules/r8/")
    assert f"本条有 {counts['r8/']} 道练习题" in page.locator("article").inner_text()
    # no underline on any text of the cards
    page.goto(base + "quiz/")
    lines = page.evaluate(
        "[...document.querySelectorAll('.ql-quiz-rule, .ql-quiz-rule *')]"
        ".map((e) => getComputedStyle(e).textDecorationLine)"
    )
    assert set(lines) == {"none"}

"""The candidate's flow in Chromium at 375 px: login, autosave (已保存), the network gone
(未保存, retried) and back, a reload that loses nothing, review of unanswered questions,
submit with confirmation, score; and the trainer's dashboard."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import Candidate, open_sitting, run, start_server

pytestmark = [pytest.mark.browser, pytest.mark.service]
SHOTS = (
    Path(os.environ.get("QINGLIAN_SCREENSHOTS", ""))
    if os.environ.get("QINGLIAN_SCREENSHOTS")
    else None
)


def shot(page, name):
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(params=["sqlite", "postgres"])
def served(request, tmp_path):
    db = None
    if request.param == "postgres":
        name = re.sub(r"[^a-z0-9_]", "_", request.node.name.lower())[:50]
        db = request.getfixturevalue("postgres")(name)
    s = open_sitting(tmp_path, db)
    server = start_server(s.root, s.db)
    s.servers.append(server)
    yield s
    server.stop()


def test_candidate_flow_on_a_phone(browser, served):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Failed to load resource" not in m.text and errors.append(m.text)
        ),
    )
    page.goto(served.url + "/")
    page.get_by_label("工号").fill("1001")
    page.get_by_label("考试码").fill("WRONGCODE")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("工号或考试码不正确").wait_for()
    page.get_by_label("考试码").fill(served.codes["1001"].lower())
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="开始作答").click()
    page.locator("#q-1").wait_for()
    shot(page, "phone-paper")
    save = page.locator("#save")
    page.locator("#q-1 label.choice").first.click()
    expect(save).to_have_text("已保存")
    expect(page.locator("#state-1")).to_have_text("已保存")
    assert save.get_attribute("aria-live") == "polite"
    # the network goes away: 未保存, kept, retried
    context.set_offline(True)
    page.locator("#q-3 label.choice").nth(1).click()
    expect(save).to_have_text("未保存，正在重试…")
    expect(page.locator("#state-3")).to_have_text("未保存，正在重试…")
    shot(page, "phone-unsaved")
    context.set_offline(False)
    expect(save).to_have_text("已保存", timeout=20000)
    # and a reload loses nothing: straight back to the paper, answers checked
    page.reload()
    c = Candidate(served.url)
    c.login("1001", served.codes["1001"])
    assert set(c.paper().json()["answers"]) == {"1", "3"}
    page.locator("#q-1").wait_for()
    assert page.locator("#login-screen").is_hidden()
    assert page.locator("#q-1 input").first.is_checked()
    assert page.locator("#q-3 input").nth(1).is_checked()
    page.get_by_label("填写答案").fill("统方")
    page.get_by_label("填写答案").press("Tab")
    expect(page.locator("#state-5")).to_have_text("已保存")
    page.get_by_role("button", name="检查并交卷").click()
    missing = page.locator("#review-missing li")
    assert missing.count() == 2  # questions 2 and 4
    shot(page, "phone-review")
    page.get_by_role("button", name="确认交卷").click()
    page.get_by_text("得分：").wait_for()
    shot(page, "phone-done")
    assert "已交卷" in page.locator("#done-title").text_content()
    # sizes: nothing wider than the phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert errors == []
    context.close()


def _desktop(browser):
    """A desktop-sized Chinese browser context, its page and the page's script errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _aligned(page, table: str) -> None:
    """Every number of the table sits under its own column header (left and right edges)."""
    boxes = page.evaluate(
        """(sel) => {
          const t = document.querySelector(sel);
          const head = [...t.tHead.rows[0].cells].map(c => c.getBoundingClientRect());
          return [...t.tBodies[0].rows, ...t.tFoot.rows].map(r => [...r.cells].map((c, i) => {
            const b = c.getBoundingClientRect();
            return [Math.round(b.left - head[i].left), Math.round(b.right - head[i].right)];
          }));
        }""",
        table,
    )
    assert boxes and all(cell == [0, 0] for row in boxes for cell in row), boxes


def test_trainer_dashboard(browser, served):
    run(
        "--root",
        str(served.root),
        "exam",
        "admin",
        "zhang",
        "--db",
        served.db,
        "--password-stdin",
        "--role",
        "admin",
        stdin="trainer-password-2026\n",
    )
    c = Candidate(served.url)
    c.login("1002", served.codes["1002"])
    c.paper()
    done = Candidate(served.url)
    done.login("1003", served.codes["1003"])
    done.paper()
    done.put(1, ["A"])
    done.post("/api/submit")
    for _ in range(5):  # 1004 mistypes the code until locked out
        Candidate(served.url).login("1004", "WRONGCODE")
    context, page, errors = _desktop(browser)
    page.goto(served.url + "/trainer/")
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill("trainer-password-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="测试考试").click()
    row = page.locator("#progress tfoot td")
    assert [row.nth(i).text_content() for i in range(7)] == ["24", "22", "1", "1", "0", "2", "8%"]
    _aligned(page, "#progress")
    # actions only where they apply
    answering = page.locator("tr", has_text="1002")
    assert answering.get_by_role("button", name="延长").count() == 1
    assert answering.get_by_role("button", name="重新开放").count() == 0
    submitted = page.locator("tr", has_text="1003")
    assert submitted.get_by_role("button", name="延长").count() == 0
    assert submitted.get_by_role("button", name="重新开放").count() == 1
    assert submitted.locator("td[data-label=得分]").text_content().strip().isdigit()  # 40, not 40.0
    never = page.locator("tr", has_text="1005")
    assert never.locator("button").count() == 0
    # the end of a person's time carries its date
    assert re.fullmatch(
        r"\d\d-\d\d \d\d:\d\d", answering.locator("td[data-label=本人截止]").text_content()
    )
    # the locked 工号 is shown, and unlocked (logged)
    locked = page.locator("tr", has_text="1004")
    assert "已锁定" in locked.text_content()
    answering.get_by_role("button", name="延长").click()
    page.get_by_text("延长 10 分钟").wait_for()
    shot(page, "dashboard-1280")
    page.locator("tr", has_text="1004").get_by_role("button", name="解除锁定").click()
    page.get_by_text("已解除").wait_for()
    assert Candidate(served.url).login("1004", served.codes["1004"]).status_code == 200
    # the people table refreshes with the counts
    late = Candidate(served.url)
    late.login("1006", served.codes["1006"])
    late.paper()
    expect(page.locator("#people tr", has_text="1006")).to_contain_text("作答中", timeout=25000)
    assert page.locator("#progress tfoot td").nth(2).text_content() == "2"
    _aligned(page, "#progress")
    audit = context.request.get(served.url + "/trainer/test-exam/audit").text()
    assert "解除锁定" in audit and "延长时间" in audit and "登录" in audit
    assert ">unlock<" not in audit and ">extend<" not in audit
    report = context.request.get(served.url + "/trainer/test-exam/files/report.html")
    assert report.status == 200 and "<html" in report.text()
    # a phone: nothing wider than the screen, names on one line
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    phone.add_cookies(context.cookies())
    p = phone.new_page()
    p.goto(served.url + "/trainer/test-exam/")
    assert p.evaluate("document.documentElement.scrollWidth") <= 390
    name = p.locator("tr", has_text="1002").locator("td[data-label=姓名]")
    assert name.bounding_box()["height"] < 30  # one line, not a character per line
    _aligned(p, "#progress")
    shot(p, "dashboard-390")
    # the end: absentees per department, to print
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="结束考试").click()
    page.get_by_text("考试已结束").first.wait_for()
    assert [row.nth(i).text_content() for i in range(5)] == ["24", "1", "2", "21", "3"]
    page.get_by_role("link", name="按科室查看、打印").click()
    page.get_by_role("heading", name="缺考名单").wait_for()
    sections = page.locator("section.dept h2")
    assert sections.count() == 3
    assert sections.nth(0).text_content().startswith("骨科")  # pinyin order: 骨科 心内科 药剂科
    assert sections.nth(1).text_content().startswith("心内科")
    listed = page.locator("main").text_content()
    assert "1005" in listed and "1004" in listed and "1002" not in listed and "1006" not in listed
    shot(page, "absent-list")
    page.emulate_media(media="print")  # what the printer gets: no header bar, no buttons
    assert page.locator("form.filters").is_hidden() and page.locator("header.top").is_hidden()
    shot(page, "absent-list-print")
    page.emulate_media(media="screen")
    csv_text = context.request.get(served.url + "/trainer/test-exam/absent?format=csv").text()
    assert csv_text.lstrip("\ufeff").startswith("工号,姓名,科室") and csv_text.count("\r\n") == 22
    assert errors == []
    phone.close()
    context.close()


def test_candidate_paper_on_a_desktop_with_navigator_and_review(browser, served):
    from .conftest import execute_sql

    context, page, errors = _desktop(browser)
    page.goto(served.url + "/")
    page.get_by_label("工号").fill("1007")
    page.get_by_label("考试码").fill("WRONGCODE")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("还可尝试 4 次").wait_for()  # warned before the lockout
    page.get_by_label("考试码").fill(served.codes["1007"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#intro-rules")).to_contain_text("共 5 题，满分 100 分，60 分合格")
    page.get_by_role("button", name="开始作答").click()
    page.locator("#q-1").wait_for()
    headings = page.locator("h2.section")
    assert headings.count() == 4
    assert headings.nth(0).text_content() == "一、单选题（共 1 题，每题 40 分，共 40 分）"
    assert headings.nth(2).text_content() == "三、判断题（共 2 题，每题 10 分，共 20 分）"
    expect(page.locator("#answered-count")).to_have_text("已答 0 / 5")
    page.locator("#q-1 label.choice").first.click()
    page.locator("#q-3 label.choice").first.click()
    expect(page.locator("#answered-count")).to_have_text("已答 2 / 5")
    expect(page.locator("#nav-1")).to_have_class("done")
    assert page.locator("#nav-2").get_attribute("aria-label") == "第 2 题，未作答"
    expect(page.locator("#save")).to_have_text("已保存")
    # the navigator jumps to a question
    page.locator("#nav-5").click()
    expect(page.locator("#q-5 input")).to_be_focused()
    nav = page.locator("#navigator").bounding_box()
    form = page.locator("#paper-form").bounding_box()
    assert nav["x"] > form["x"] + form["width"] - 1  # beside the questions on a wide screen
    # the theme's colour on the controls
    accent = page.evaluate("getComputedStyle(document.querySelector('#q-1 input')).accentColor")
    assert accent == "rgb(165, 28, 28)"
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "paper-navigator-1280")
    chosen_label = page.locator("#q-1 label.choice").first.text_content()[0]
    # after the close: the review shows the chosen and the right option
    execute_sql(served.db, "UPDATE exam_sitting SET closed_at = starts_at")
    page.reload()
    page.get_by_text("得分：").wait_for()
    first = page.locator(".review-item").first
    chosen = first.locator("li.chosen")
    assert chosen.count() == 1 and chosen.text_content().startswith(chosen_label)
    assert "您的选择" in chosen.text_content()
    correct = first.locator("li.correct")
    assert correct.count() == 1 and "正确答案" in correct.text_content()
    shot(page, "paper-review")
    # someone who never started reads 缺考, no score and no "answers saved"
    late = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    p = late.new_page()
    p.goto(served.url + "/")
    p.get_by_label("工号").fill("1008")
    p.get_by_label("考试码").fill(served.codes["1008"])
    p.get_by_role("button", name="登录").click()
    p.get_by_text("记为缺考").wait_for()
    assert "已保存" not in p.locator("main").text_content()
    assert "得分" not in p.locator("main").text_content()
    shot(p, "absent-login")
    assert errors == []
    late.close()
    context.close()

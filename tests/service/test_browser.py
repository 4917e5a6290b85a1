"""The candidate's flow in Chromium at 375 px: login, autosave (已保存), the network gone
(未保存, retried) and back, a reload that loses nothing, review of unanswered questions,
submit with confirmation, score; and the trainer's dashboard."""

from __future__ import annotations

import os
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


@pytest.fixture
def served(tmp_path):
    s = open_sitting(tmp_path)
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(served.url + "/trainer/")
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill("trainer-password-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="测试考试").click()
    row = page.locator("#progress tfoot td")
    assert [row.nth(i).text_content() for i in range(5)] == ["23", "1", "0", "0", "24"]
    page.locator("tr", has_text="1002").get_by_role("button", name="延长").click()
    page.get_by_text("延长 10 分钟").wait_for()
    shot(page, "dashboard")
    report = context.request.get(served.url + "/trainer/test-exam/files/report.html")
    assert report.status == 200 and "<html" in report.text()
    context.close()

"""Accessibility: axe-core (WCAG 2.1 A/AA) finds nothing on the key pages, desktop and phone."""

from __future__ import annotations

import pytest

PAGES = [
    "",  # home
    "rules/r8/",
    "cases/",
    "cases/by-department/",
    "cases/r8-ortho-preop-hongbao/",
    "quiz/",
    "quiz/r8/",
    "risks/",
    "risks/orthopedics/",
    "stories/",
    "downloads/",
    "reminders/",
    "search/?q=红包",
    "search/?q=医药代表吃饭",
]
WIDTHS = [1280, 390]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def site(shipped_build, serve_dir):
    _, out, _ = shipped_build
    return serve_dir(out / "site", "a11y")


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {n['target']} — {n.get('failureSummary', '')[:160]}"
        for v in result.response["violations"]
        for n in v["nodes"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_wcag_violations_on_key_pages(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found = {}
    try:
        for path in PAGES:
            page.goto(site + path)
            page.wait_for_load_state("networkidle")
            if "?q=" in path:
                page.locator("main [data-search-results] a").first.wait_for()
            if path.startswith("quiz/r"):
                page.locator(".ql-quiz .ql-q").first.wait_for()
            problems = violations(page)
            if problems:
                found[path] = problems
    finally:
        context.close()
    count = sum(len(v) for v in found.values())
    print(f"axe at {width}px: {count} failing nodes on {len(PAGES)} pages")
    assert found == {}

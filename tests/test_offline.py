"""The portable edition (U盘版): dist/清廉知识库-离线版.zip opened from disk, with zero requests."""

from __future__ import annotations

import re
import zipfile

import pytest

from tests.search_helpers import answer_first_question


@pytest.fixture(scope="module")
def unpacked(shipped_build, tmp_path_factory):
    _, out, report = shipped_build
    archive = out / "清廉知识库-离线版.zip"
    assert report.offline == archive and archive.is_file()
    target = tmp_path_factory.mktemp("usb")
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(target)
    return target / "清廉知识库-离线版"


def test_every_relative_link_names_a_file(unpacked):
    for html in unpacked.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"#?]*)[^"]*"', text):
            if not link or re.match(r"[a-z]+:", link):
                continue
            target = (html.parent / link).resolve()
            assert target.is_file(), f"{html.relative_to(unpacked)}: {link}"


@pytest.mark.browser
def test_navigation_search_and_selftest_from_disk(unpacked, page):
    page.goto((unpacked / "index.html").as_uri())
    page.locator(".md-tabs a", has_text="九项准则").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("rules/index.html")
    page.locator("article a[href*='r7']").first.click()
    page.wait_for_load_state()
    assert "严禁利用号源、床源" in page.locator("article").inner_text()

    box = page.locator("header input[type=search]")
    box.fill("医联体")
    first = page.locator("header [data-search-results] a[href]").first
    first.wait_for()
    href = first.get_attribute("href")
    assert href.startswith("file://") and "index.html" in href
    first.click()
    page.wait_for_load_state()
    assert "医联体" in page.locator("article").inner_text()

    box = page.locator("header input[type=search]")
    box.fill("红包")
    box.press("Enter")
    page.wait_for_url("**/search/index.html?q=*")
    page.locator("main [data-search-results] a[href]").first.wait_for()

    page.goto((unpacked / "quiz" / "index.html").as_uri())
    page.locator("article a[href*='r8']").first.click()
    page.wait_for_load_state()
    assert "回答" in answer_first_question(page)
    rule_link = page.locator(".ql-fb a[href*='rules']").first
    if rule_link.count():
        assert rule_link.get_attribute("href").endswith("index.html")
    assert all(u.startswith("file://") for u in page.requested), [
        u for u in page.requested if not u.startswith("file://")
    ]

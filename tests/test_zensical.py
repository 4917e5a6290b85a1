"""Engine independence: the shipped site built with Zensical (no MkDocs plugin runs) works."""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pytest

from tests.search_helpers import answer_first_question, result_urls, site_relative


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory, serve_dir):
    from generator.build import build
    from tests.conftest import REPO, copy_root

    root = copy_root(REPO, tmp_path_factory.mktemp("zensical") / "root")
    shutil.rmtree(root / "tests", ignore_errors=True)
    report = build(root, root / "dist", only="site", engine="zensical")
    site = root / "dist" / "site"
    return root, site, serve_dir(site, "zq"), report


def test_zensical_builds_the_same_tree_into_the_build_folder_only(zensical_site):
    root, site, _, report = zensical_site
    assert report.site.engine == "zensical"
    assert report.site.pages >= 100
    assert not (root / "build").exists()  # nothing generated into the content root
    assert not (site / "search.json").exists()  # Zensical's own search is switched off
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "示范一院清廉知识库" in home  # site identity from hospital.yml, not from a plugin
    assert "内部学习资料，注意保存" in home
    assert re.search(r'src="(\./)?assets/logo\.svg"', home)
    assert "md-search" not in home


def test_every_relative_link_of_the_zensical_site_names_a_page(zensical_site):
    # Zensical rewrites relative links even in raw HTML, which MkDocs leaves alone: links the
    # tree writes (tables of cases, a story's rules) must come out right under both engines.
    _, site, _, _ = zensical_site
    checked = 0
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for link in re.findall(r'<a [^>]*href="([^"#?]*)[^"]*"', text):
            if not link or re.match(r"[a-z]+:|/", link):  # (404.html: at the published path)
                continue
            target = (html.parent / link).resolve()
            target = target / "index.html" if target.is_dir() else target
            assert target.is_file(), f"{html.relative_to(site)}: {link}"
            checked += 1
    assert checked > 1000


@pytest.mark.browser
def test_pages_search_and_selftest_work_in_chromium(zensical_site, page):
    _, site, base, _ = zensical_site
    page.goto(base + "rules/r7/")
    assert "严禁利用号源、床源" in page.locator("article").inner_text()

    page.goto(base + "cases/")
    page.click("text=按科室查找")
    page.wait_for_load_state()
    link = page.locator("article table a[href*='../r']").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert title in page.locator("h1").inner_text()

    box = page.locator("header input[type=search]")
    box.fill("统方")
    first = page.locator("header [data-search-results] a[href]").first
    first.wait_for()
    assert site_relative(first.get_attribute("href"), base) == "rules/r1/"
    assert result_urls(page, base, "医联体")  # the engine answers from Zensical's pages too
    page.goto(base + "search/?q=" + quote("红包"))
    page.locator("main [data-search-results] a[href]").first.wait_for()

    page.goto(base + "quiz/r8/")
    assert "回答" in answer_first_question(page)
    assert [u for u in page.requested if not u.startswith(base)] == []

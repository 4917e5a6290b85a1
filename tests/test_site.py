"""The built intranet site: Chinese search, offline, sub-path safe, lean navigation."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

SEARCHES = [
    ("红包", "rules/r8/"),
    ("统方", "rules/r1/"),
    ("号源", "rules/r7/"),
    ("骗保", "rules/r2/"),
]


@pytest.fixture(scope="module")
def site(shipped_build, serve_dir):
    root, out, report = shipped_build
    return out / "site", serve_dir(out / "site"), report


def test_build_reports_no_mkdocs_warnings(shipped_build):
    _, _, report = shipped_build
    assert report.site.warnings == []


def test_search_index_is_utf8_and_smaller(site):
    site_dir, _, report = site
    raw = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    escapes = set(re.findall(r"\\u([0-9a-fA-F]{4})", raw))
    assert escapes <= {"200b"}  # only the separator regex in the config, never a Han character
    assert "统方" in raw
    assert report.site.index.after < report.site.index.before * 0.7
    data = json.loads(raw)
    assert data["config"]["lang"] == ["zh"]


def test_jieba_user_dictionary_keeps_domain_terms_whole(site):
    site_dir, _, _ = site
    raw = (site_dir / "search" / "search_index.json").read_text(encoding="utf-8")
    for term in ("统方", "医联体", "号源", "双通道"):
        assert f"\u200b{term}\u200b" in raw, term


def test_cases_are_not_listed_in_navigation(site):
    site_dir, _, _ = site
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    case_pages = [p for p in (site_dir / "cases").iterdir() if p.name.startswith("r")]
    assert len(case_pages) >= 9
    nav = home[home.index('class="md-nav md-nav--primary') :]
    nav = nav[: nav.index("</nav>")]
    for page in case_pages:
        assert f"cases/{page.name}/" not in nav


def test_links_are_relative_and_nothing_external(site):
    site_dir, _, _ = site
    for html in site_dir.rglob("*.html"):
        if html.name == "404.html" and html.parent == site_dir:
            continue  # MkDocs writes the 404 page with root-absolute links (served at any depth)
        text = html.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src)="/(?!/)', text), f"{html}: root-absolute link"
        text = re.sub(r'<link rel="canonical"[^>]*>', "", text)  # an address, never fetched
        assert not re.search(r'<(?:link|script|img)[^>]+(?:href|src)="(?:https?:)?//', text), (
            f"{html}: external resource"
        )
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_rule_pages_quote_official_text_with_document_number(shipped_build):
    root, out, _ = shipped_build
    page = (out / "site" / "rules" / "r7" / "index.html").read_text(encoding="utf-8")
    assert "国卫医发〔2021〕37号" in page
    assert "严禁利用号源、床源、紧缺药品耗材等医疗资源" in page
    assert "尚待与原文逐字核对" in page  # rule 7 is marked verified: false
    page1 = (out / "site" / "rules" / "r1" / "index.html").read_text(encoding="utf-8")
    assert "已与原文逐字核对" in page1


def search(page, base: str, query: str):
    """Type a query into Material's search box as a person would; return the result links.

    Material reads the query on ``keyup``. Playwright inserts Chinese characters as text without
    key events (a real input method fires them), so finish with a real key press, as a person
    confirming the IME does.
    """
    page.goto(base)
    page.wait_for_load_state("networkidle")
    box = page.locator("input.md-search__input")
    page.click(".md-search__input")
    box.press_sequentially(query, delay=30)
    box.press("End")
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    results.first.wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # let the last keystroke's results settle
    return results


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_chinese_search_finds_rule_page_near_top(site, page, query, expected):
    _, base, _ = site
    results = search(page, base, query)
    hrefs = [results.nth(i).get_attribute("href") for i in range(min(3, results.count()))]
    paths = [urlsplit(h).path for h in hrefs]
    assert any(p.endswith("/qinglian/" + expected) for p in paths), hrefs
    target = next(i for i, p in enumerate(paths) if p.endswith("/qinglian/" + expected))
    results.nth(target).click()
    page.wait_for_load_state()
    assert page.url.startswith(base + expected)
    assert "准则原文" in page.content()
    outside = [u for u in page.requested if not u.startswith("http://127.0.0.1:")]
    assert outside == []


@pytest.mark.browser
def test_case_library_reachable_by_facets(site, page):
    _, base, _ = site
    page.goto(base + "cases/")
    page.click("text=按科室查找")
    page.wait_for_load_state()
    assert "/qinglian/cases/by-department/" in page.url
    link = page.locator("article table a[href*='../r']").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().rstrip("¶") == title
    assert "基本案情" in page.content()
    assert [u for u in page.requested if not u.startswith("http://127.0.0.1:")] == []


def test_404_page_works_at_the_published_sub_path(site, shipped_build):
    site_dir, _, _ = site
    root, _, _ = shipped_build
    from generator.sources.loader import load_corpus

    path = urlsplit(load_corpus(root).hospital.site_url).path  # e.g. /qinglian/
    page404 = (site_dir / "404.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:href|src)="([^"]*assets/[^"]+)"', page404)
    assert assets and all(a.startswith(path + "assets/") for a in assets), assets


def test_build_from_another_working_directory(mini_root, tmp_path, monkeypatch):
    """The jieba dictionary and every other path resolve against --root, not the shell's folder."""
    from generator.build import build

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    report = build(mini_root, mini_root / "dist", only="site")
    assert report.site.warnings == []
    index = (mini_root / "dist/site/search/search_index.json").read_text(encoding="utf-8")
    assert "\u200b红包\u200b" in index  # segmented with the root's user dictionary


def test_hospital_logo_in_any_format_reaches_the_site(mini_root):
    """A PNG logo named in hospital.yml becomes the site's logo and favicon."""
    from PIL import Image

    from generator.build import build

    Image.new("RGB", (8, 8), "red").save(mini_root / "site_config/院徽.png")
    hospital = mini_root / "site_config/hospital.yml"
    hospital.write_text(hospital.read_text(encoding="utf-8") + "logo: 院徽.png\n", encoding="utf-8")
    build(mini_root, mini_root / "dist", only="site")
    site = mini_root / "dist/site"
    assert (site / "assets/logo.png").read_bytes() == (
        mini_root / "site_config/院徽.png"
    ).read_bytes()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/logo.png"' in home and 'href="assets/logo.png"' in home

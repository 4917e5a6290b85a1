"""The built intranet site: offline, sub-path safe, lean navigation, search from the header."""

from __future__ import annotations

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
    """Type a query into the header search box as a person would; return the result links."""
    page.goto(base)
    box = page.locator("header input[type=search]")
    box.click()
    box.press_sequentially(query, delay=30)
    results = page.locator("header [data-search-results] a[href]")
    results.first.wait_for(timeout=10_000)
    return results


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_chinese_search_finds_rule_page_first(site, page, query, expected):
    _, base, _ = site
    results = search(page, base, query)
    href = results.first.get_attribute("href")
    assert urlsplit(href).path.endswith("/qinglian/" + expected), href
    results.first.click()
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
    """Every path resolves against --root, not the shell's folder."""
    from generator.build import build

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    report = build(mini_root, mini_root / "dist", only="site")
    assert report.site.warnings == []
    shards = (mini_root / "dist/site/search/i").glob("*.js")
    assert any('"红包":' in p.read_text(encoding="utf-8") for p in shards)


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


def test_generated_config_builds_with_plain_mkdocs(mini_root, tmp_path):
    """The generated tree and config need no plugin of ours: plain `mkdocs build` gives the site."""
    import subprocess
    import sys

    from generator.site.engine import prepare
    from generator.sources.loader import load_corpus

    corpus = load_corpus(mini_root)
    work = tmp_path / "work"
    _, config = prepare(corpus, work)
    assert config.parent == work and not (mini_root / "build").exists()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        check=True,
        capture_output=True,
    )
    home = (work / "site" / "index.html").read_text(encoding="utf-8")
    assert f"{corpus.hospital.short_name}清廉知识库" in home
    assert "assets/search.js" in home and "md-search" not in home
    assert (work / "site" / "rules" / "r8" / "index.html").exists()

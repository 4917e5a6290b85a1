"""Page addresses (issue 18): one rule, ``links.page_address``, for the site's links, its search
index and its offline copy — with the content root's ``use_directory_urls`` true or false."""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile

import pytest

from generator.errors import ConfigError
from generator.model import links
from generator.site.config import directory_urls
from generator.site.engine import build_site
from generator.site.offline import ZIP_NAME, build_offline, fix_folder_links
from generator.sources.loader import load_corpus
from tests.link_check import broken_links, names_file, search_urls
from tests.search_helpers import answer_first_question

PAGES = [
    "index.md",
    "rules/index.md",
    "rules/r1.md",
    "cases/index.md",
    "cases/by-rule.md",
    "cases/r8-x.md",
    "quiz/r3.md",
    "quiz/questions.json",
    "downloads.md",
    "about/legal-basis.md",
]


def test_a_folder_url_is_served_from_its_index_html():
    assert links.served_file("") == "index.html"
    assert links.served_file("cases/") == "cases/index.html"
    assert links.served_file("../quiz/") == "../quiz/index.html"
    assert links.served_file(".") == "./index.html"
    assert links.served_file("..") == "../index.html"
    assert links.served_file("../..") == "../../index.html"
    assert links.served_file("cases/x.html") == "cases/x.html"
    assert links.served_file("../quiz/questions.json") == "../quiz/questions.json"


def test_page_address_with_and_without_directory_urls():
    assert links.page_address("index.md") == ("index.html", "")
    assert links.page_address("cases/index.md") == ("cases/index.html", "cases/")
    assert links.page_address("cases/x.md") == ("cases/x/index.html", "cases/x/")
    assert links.page_address("index.md", False) == ("index.html", "index.html")
    assert links.page_address("cases/index.md", False) == ("cases/index.html", "cases/index.html")
    assert links.page_address("cases/x.md", False) == ("cases/x.html", "cases/x.html")
    assert links.page_address("quiz/questions.json", False) == ("quiz/questions.json",) * 2


def test_html_url_with_directory_urls():
    assert links.html_url("cases/index.md", "cases/x.md") == "x/"
    assert links.html_url("cases/x.md", "cases/y.md") == "../y/"
    assert links.html_url("cases/by-rule.md", "rules/r1.md") == "../../rules/r1/"
    assert links.html_url("index.md", "rules/r1.md") == "rules/r1/"
    assert links.html_url("rules/r1.md", "index.md") == "../../"
    assert links.html_url("cases/index.md", "cases/index.md") == "./"
    assert links.html_url("quiz/r3.md", "quiz/questions.json") == "../questions.json"


def test_html_url_without_directory_urls():
    assert links.html_url("cases/index.md", "cases/x.md", False) == "x.html"
    assert links.html_url("cases/x.md", "cases/y.md", False) == "y.html"
    assert links.html_url("cases/by-rule.md", "rules/r1.md", False) == "../rules/r1.html"
    assert links.html_url("index.md", "rules/r1.md", False) == "rules/r1.html"
    assert links.html_url("rules/r1.md", "index.md", False) == "../index.html"
    assert links.html_url("cases/index.md", "cases/index.md", False) == "index.html"
    assert links.html_url("quiz/r3.md", "quiz/questions.json", False) == "questions.json"
    assert links.html_url("downloads.md", "about/legal-basis.md", False) == "about/legal-basis.html"


@pytest.mark.parametrize("dir_urls", [True, False])
def test_every_html_url_leads_to_the_file_of_its_target(dir_urls):
    """Resolved as a browser does (against the URL of the page it is on), every link lands on
    the file the target page is written to."""
    for here in PAGES:
        here_url = links.page_url(here, dir_urls)
        for target in PAGES:
            link = links.html_url(here, target, dir_urls)
            landed = posixpath.normpath(posixpath.join(posixpath.dirname(here_url), link))
            landed = "" if landed == "." else landed + ("/" if link.endswith("/") else "")
            assert links.served_file(landed) == links.page_address(target, dir_urls)[0], (
                here,
                target,
                link,
            )


def _set_directory_urls(root, value: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^use_directory_urls:.*\n", "", text)
    assert n <= 1
    if value:
        text += f"\nuse_directory_urls: {value}\n"
    config.write_text(text, encoding="utf-8")


def test_directory_urls_come_from_the_content_roots_mkdocs_yml(mini_root):
    assert directory_urls(load_corpus(mini_root)) is True
    _set_directory_urls(mini_root, "")  # not said: MkDocs' default
    assert directory_urls(load_corpus(mini_root)) is True
    _set_directory_urls(mini_root, "false")
    assert directory_urls(load_corpus(mini_root)) is False
    _set_directory_urls(mini_root, '"否"')
    with pytest.raises(ConfigError, match=r"mkdocs\.yml: use_directory_urls 应为 true 或 false"):
        directory_urls(load_corpus(mini_root))


def test_published_addresses_follow_the_sites_urls(mini_root):
    """QR codes and printed links (handbooks, decks, review plans) name the pages the site has."""
    from generator.deck.decks import _url as deck_url
    from generator.pdf.books import site_url

    corpus = load_corpus(mini_root)
    base = corpus.hospital.site_url.rstrip("/")
    case = links.case_page(corpus.cases[0].id)
    assert links.published_url(corpus, "rules/r1.md") == base + "/rules/r1/"
    assert site_url(corpus, case) == f"{base}/{case[:-3]}/"
    _set_directory_urls(mini_root, "false")
    corpus = load_corpus(mini_root)
    assert links.published_url(corpus, "rules/r1.md", "x") == base + "/rules/r1.html#x"
    assert links.published_url(corpus, "index.md") == base + "/index.html"
    assert site_url(corpus, case) == deck_url(corpus, case) == f"{base}/{case[:-3]}.html"
    practice = links.practice_set_url(base, rules=(3, 5), directory_urls=False)
    assert practice == base + "/quiz/practice.html?rules=3,5"


@pytest.fixture(scope="module")
def file_urls_site(tmp_path_factory):
    """The mini fixture built with ``use_directory_urls: false``: (site, unpacked offline copy)."""
    from tests.conftest import MINI, copy_root

    base = tmp_path_factory.mktemp("file-urls")
    root = copy_root(MINI, base / "root")
    _set_directory_urls(root, "false")
    site = base / "site"
    report = build_site(load_corpus(root), site)
    assert report.warnings == []
    build_offline(site, base)
    with zipfile.ZipFile(base / ZIP_NAME) as zf:
        zf.extractall(base / "usb")
    return site, next((base / "usb").iterdir())


def test_without_directory_urls_every_page_is_a_file_of_its_own_name(file_urls_site):
    site, _ = file_urls_site
    assert (site / "cases" / "by-rule.html").is_file()
    assert (site / "rules" / "r1.html").is_file()
    assert not (site / "rules" / "r1").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="rules/r\d\.html"', home)  # the rule cards (raw HTML)
    listing = (site / "cases" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="r\d-[\w-]+\.html">', listing)  # the case table (ready HTML)


def test_without_directory_urls_every_relative_link_names_a_file(file_urls_site):
    site, _ = file_urls_site
    # Strict: not even a web server's folder → index.html is needed.
    broken, checked = broken_links(site, folders_serve_index=False)
    assert broken == []
    assert checked > 1000


def test_without_directory_urls_search_addresses_name_files(file_urls_site):
    site, _ = file_urls_site
    urls = search_urls(site)
    assert len(urls) > 20
    assert [u for u in urls if not names_file(site, u, folders_serve_index=False)] == []
    assert "rules/r1.html" in urls and "search/index.html" in urls


def test_without_directory_urls_the_offline_copy_is_the_site_unchanged(file_urls_site, tmp_path):
    site, unpacked = file_urls_site
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    assert fix_folder_links(copy) == 0  # links name files already: nothing to rewrite
    broken, checked = broken_links(unpacked, folders_serve_index=False)
    assert broken == [] and checked > 1000
    page = "cases/by-rule.html"
    assert (unpacked / page).read_bytes() == (site / page).read_bytes()


def test_zensical_builds_file_urls_as_well(tmp_path):
    from tests.conftest import MINI, copy_root

    root = copy_root(MINI, tmp_path / "root")
    _set_directory_urls(root, "false")
    site = tmp_path / "site"
    build_site(load_corpus(root), site, engine="zensical")
    assert (site / "rules" / "r1.html").is_file()
    broken, checked = broken_links(site, folders_serve_index=False)
    assert broken == [] and checked > 1000
    assert [u for u in search_urls(site) if not names_file(site, u, False)] == []


def test_with_directory_urls_links_and_search_resolve_as_served(mini_build):
    _, out, _ = mini_build
    site = out / "site"
    assert (site / "rules" / "r1" / "index.html").is_file()
    broken, checked = broken_links(site, folders_serve_index=True)
    assert broken == [] and checked > 1000
    urls = search_urls(site)
    assert "rules/r1/" in urls
    assert [u for u in urls if not names_file(site, u, folders_serve_index=True)] == []


def test_with_directory_urls_the_offline_copy_links_files(mini_build, tmp_path):
    _, out, _ = mini_build
    with zipfile.ZipFile(out / ZIP_NAME) as zf:
        zf.extractall(tmp_path)
    unpacked = next(tmp_path.iterdir())
    broken, checked = broken_links(unpacked, folders_serve_index=False)
    assert broken == [] and checked > 1000


@pytest.mark.browser
@pytest.mark.parametrize("how", ["http", "file"])
def test_without_directory_urls_a_reader_moves_between_pages(file_urls_site, serve_dir, page, how):
    site, unpacked = file_urls_site
    base = serve_dir(site, "fu") if how == "http" else unpacked.as_uri() + "/"
    page.goto(base + "cases/index.html")
    link = page.locator("article table a[href$='.html']").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.url.startswith(base + "cases/r") and page.url.endswith(".html")
    assert title in page.locator("h1").inner_text()
    page.locator("article .ql-meta a[href*='rules/r']").first.click()  # the details box
    page.wait_for_load_state()
    assert re.search(r"/rules/r\d\.html$", page.url)
    page.locator(".md-tabs a", has_text="警示案例").first.click()
    page.wait_for_load_state()
    assert page.url == base + "cases/index.html"

    box = page.locator("header input[type=search]")
    box.fill("红包")
    first = page.locator("header [data-search-results] a[href]").first
    first.wait_for()
    href = first.get_attribute("href")
    assert href.startswith(base) and ".html" in href and "/#" not in href, href
    first.click()
    page.wait_for_load_state()
    assert "红包" in page.locator("article").inner_text()
    assert page.locator("h1").count() == 1  # a page, not a folder listing

    page.goto(base + "quiz/index.html")
    page.locator("article a.ql-quiz-rule").first.click()
    page.wait_for_load_state()
    assert re.search(r"/quiz/r\d\.html$", page.url)
    assert "回答" in answer_first_question(page)  # the question data loaded, from disk too
    rule_link = page.locator(".ql-fb a[href*='rules']").first
    if rule_link.count():  # the explanation's rule: a page, by its file name
        assert re.search(r"rules/r\d\.html$", rule_link.get_attribute("href"))
    assert all(u.startswith(base[: base.index("/", 8)]) for u in page.requested), [
        u for u in page.requested if not u.startswith(base[: base.index("/", 8)])
    ]


def test_preview_follows_the_sites_addresses(mini_root, tmp_path):
    """``qinglian serve`` writes the tree and the config a build would, file URLs included."""
    import filecmp

    from generator.site import engine
    from generator.site.preview import Preview, preview_config

    _set_directory_urls(mini_root, "false")
    preview = Preview(mini_root, tmp_path / "work", on_problems=lambda exc: None)
    assert preview.regenerate(strict=True) and preview.corpus is not None
    assert preview.writer is not None and preview.writer.directory_urls is False
    config = preview_config(preview.corpus, tmp_path / "work").read_text("utf-8")
    assert re.search(r"(?m)^use_directory_urls: false$", config)
    listing = (preview.docs / "cases" / "index.md").read_text(encoding="utf-8")
    assert re.search(r'<a href="r\d-[\w-]+\.html">', listing)
    fresh = tmp_path / "fresh"
    engine.prepare(load_corpus(mini_root), fresh)
    (fresh / "docs" / "quiz" / "questions.js").unlink(missing_ok=True)  # written by builds only
    for page in ("cases/index.md", "cases/by-rule.md", "index.md", "quiz/r1.md"):
        assert filecmp.cmp(fresh / "docs" / page, preview.docs / page, shallow=False), page

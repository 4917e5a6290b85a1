"""Our own search (DESIGN.md "Search"): exact for Chinese, ranked, sharded, works from file://."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.search_helpers import (
    PHRASES,
    TERMS,
    call_data,
    page_texts,
    result_urls,
    site_relative,
    truth,
)

BUDGET_1000 = 300_000  # bytes one query may fetch on a 1,000-case site (DESIGN.md)


@pytest.fixture(scope="module")
def site(shipped_build, serve_dir):
    _, out, report = shipped_build
    return out / "site", serve_dir(out / "site"), report


@pytest.fixture(scope="module")
def texts(site):
    return page_texts(site[0])


def test_index_covers_every_searchable_page_and_nothing_else(site, texts):
    site_dir, _, report = site
    assert report.site.index.pages == len(texts)
    assert not (site_dir / "search" / "search_index.json").exists()  # Material's index is gone
    meta = (site_dir / "search" / "meta.js").read_text(encoding="utf-8")
    assert meta.startswith("qlSearch.meta(")
    assert "自测" not in "".join(texts)  # no quiz page among them


@pytest.mark.browser
def test_precision_and_recall_over_domain_terms(site, texts, page):
    _, base, _ = site
    page.goto(base)
    hits = found = relevant = 0
    misses = {}
    for query in TERMS:
        want = truth(texts, query)
        got = result_urls(page, base, query)
        assert len(got) == len(set(got)), f"{query}: a page listed twice"
        good = want & set(got)
        hits, found, relevant = hits + len(good), found + len(got), relevant + len(want)
        if set(got) != want:
            misses[query] = (sorted(set(got) - want), sorted(want - set(got)))
    precision, recall = hits / found, hits / relevant
    print(f"search over {len(TERMS)} queries: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95, misses
    assert result_urls(page, base, "冷链运输") == []


@pytest.mark.browser
def test_rule_page_first_for_its_own_terms(site, texts, page, shipped_build):
    from generator.sources.loader import load_corpus

    _, base, _ = site
    corpus = load_corpus(shipped_build[0])
    page.goto(base)
    checked = 0
    for rule in corpus.rules.values():
        for word in rule.keywords:
            if not truth(texts, word):
                continue
            owners = {
                f"rules/r{m}/" for m, r in corpus.rules.items() if word in " ".join(r.keywords)
            }
            first = result_urls(page, base, word, 3)[0]
            assert first in owners, (word, first)
            checked += 1
    assert checked >= 40


def test_pages_rank_rules_first_then_other_pages_then_newer_cases(site, shipped_build):
    """Pages are numbered in site order; meta.rank orders them for ties (assets/search.js)."""
    from generator.model.links import case_page
    from generator.sources.loader import load_corpus

    site_dir = site[0] / "search"
    meta = call_data(site_dir / "meta.js")
    firsts = list(itertools.accumulate(meta["starts"]))
    urls = [call_data(site_dir / "c" / f"{cid}.js")["u"] for cid in firsts]
    assert sorted(meta["rank"]) == list(range(len(urls)))
    by_rank = [url for _, url in sorted(zip(meta["rank"], urls, strict=True))]
    corpus = load_corpus(shipped_build[0])
    assert by_rank[:9] == [f"rules/r{n}/" for n in sorted(corpus.rules)]
    cases = {case_page(c.id)[:-3] + "/": c for c in corpus.cases}
    ranked_cases = [url for url in by_rank if url in cases]
    newest_first = sorted(ranked_cases, key=lambda u: (-cases[u].date.toordinal(), cases[u].id))
    assert len(ranked_cases) > 20 and ranked_cases == newest_first
    first_case = by_rank.index(ranked_cases[0])
    assert all(url not in cases for url in by_rank[:first_case])  # other pages before cases
    last_case = by_rank.index(ranked_cases[-1])
    listings = [
        i for i, url in enumerate(by_rank) if url == "cases/" or url.startswith("cases/by-")
    ]
    assert all(i > last_case for i in listings)  # lists of cases (where searched) after them
    assert by_rank != urls  # numbered in site order, not in rank order


@pytest.mark.browser
def test_titles_before_headings_before_body_newer_cases_first(site, texts, page, shipped_build):
    from generator.model.links import case_page
    from generator.sources.loader import load_corpus

    _, base, _ = site
    page.goto(base)
    got = result_urls(page, base, "红包")
    assert got[0] == "rules/r8/"
    site_dir = site[0]
    titles = {
        url
        for url in texts
        if "红包"
        in re.search(r"<h1[^>]*>(.*?)<", (site_dir / url / "index.html").read_text()).group(1)
    }
    ranks = [url in titles for url in got[1:]]
    assert any(ranks) and ranks == sorted(ranks, reverse=True), got  # all title hits first
    corpus = load_corpus(shipped_build[0])
    dates = {case_page(c.id)[:-3] + "/": c.date for c in corpus.cases}
    title_cases = [dates[u] for u in got[1:] if u in titles and u in dates]
    assert len(title_cases) >= 2 and title_cases == sorted(title_cases, reverse=True)


@pytest.mark.browser
def test_query_in_the_address_opens_with_results(site, page):
    _, base, _ = site
    page.goto(base + "search/?q=" + quote("红包"))
    links = page.locator("main [data-search-results] a[href]")
    links.first.wait_for()
    assert site_relative(links.first.get_attribute("href"), base) == "rules/r8/"
    assert page.locator("main [data-search-results] mark").first.inner_text() == "红包"
    assert page.locator(".ql-hit__section").count() > 0
    assert "个结果" in page.locator(".ql-search-page__status").inner_text()
    assert page.locator("header input[type=search]").input_value() == "红包"
    more = page.locator(".ql-search-page__more")
    shown = links.count()
    assert shown == 10 and more.is_visible()  # a first screen of 10 (search.js PAGE_STEP)
    more.click()
    page.wait_for_function(
        f"document.querySelectorAll('main [data-search-results] a').length > {shown}"
    )
    assert [u for u in page.requested if not u.startswith(base)] == []


@pytest.mark.browser
def test_header_box_with_keyboard(site, page):
    _, base, _ = site
    page.goto(base + "cases/")
    box = page.locator("header input[type=search]")
    assert box.get_attribute("placeholder") == "搜索"
    box.fill("统方")
    results = page.locator("header [data-search-results] a[href]")
    results.first.wait_for()
    assert site_relative(results.first.get_attribute("href"), base) == "rules/r1/"
    box.press("ArrowDown")
    box.page.keyboard.press("ArrowDown")
    second = results.nth(1).get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == second
    page.keyboard.press("Enter")
    page.wait_for_url(second)
    assert "统方" in page.locator("article").inner_text()
    box = page.locator("header input[type=search]")
    box.fill("号源")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.locator("main [data-search-results] a[href]").first.wait_for()
    assert [u for u in page.requested if not u.startswith(base)] == []


@pytest.mark.browser
def test_no_result_offers_the_nine_rules_and_the_selftest(site, page):
    _, base, _ = site
    page.goto(base + "search/?q=" + quote("冷链运输"))
    status = page.locator(".ql-search-page__status")
    status.locator("a").first.wait_for()
    assert "没有找到" in status.inner_text()
    hrefs = [site_relative(a.get_attribute("href"), base) for a in status.locator("a").all()]
    assert hrefs == [f"rules/r{n}/" for n in range(1, 10)] + ["quiz/"]
    assert page.locator("main [data-search-results] a").count() == 0


@pytest.mark.browser
def test_search_from_file_url_makes_no_request(site, page):
    site_dir, _, _ = site
    page.goto((site_dir / "cases" / "index.html").as_uri())
    box = page.locator("header input[type=search]")
    box.fill("医联体")
    page.locator("header [data-search-results] a[href]").first.wait_for()
    box.fill("泄露病人信息怎么处理")  # a phrase: parts, synonyms, partial matches
    page.locator("header .ql-hit-note").wait_for()
    assert page.locator("header [data-search-results] a[href]").count() > 0
    assert all(u.startswith("file://") for u in page.requested), page.requested


@pytest.fixture(scope="module")
def big_site(tmp_path_factory, serve_dir):
    """A 1,000-case site (site only)."""
    from generator.build import build
    from tests.conftest import REPO, copy_root
    from tests.synth import synthesize

    root = copy_root(REPO, tmp_path_factory.mktemp("big") / "root")
    shutil.rmtree(root / "tests", ignore_errors=True)
    synthesize(root, 1000)
    build(root, root / "dist", only="site")
    site = root / "dist" / "site"
    return site, serve_dir(site, "big")


@pytest.mark.browser
def test_one_query_fetches_at_most_300_kb_on_1000_cases(big_site, page):
    site, base = big_site
    worst = (0, "")
    for query in [*TERMS, *(phrase for phrase, _ in PHRASES)]:
        # A fresh page per query: what one query costs a reader who just arrived (the index
        # files an earlier query loaded stay in the page and would not be counted).
        page.requested.clear()
        page.goto(base)
        page.wait_for_load_state("networkidle")
        result_urls(page, base, query, 10, partial=True)
        files = [site_relative(u, base) for u in page.requested if "/search/" in u]
        assert files or query == "冷链运输"
        size = sum((site / Path(f)).stat().st_size for f in files)
        size += (site / "assets" / "search.js").stat().st_size
        worst = max(worst, (size, query))
    print(f"1,000 cases: the heaviest query ({worst[1]}) fetched {worst[0] / 1e3:.0f} KB")
    assert worst[0] <= BUDGET_1000, worst


@pytest.mark.browser
def test_exact_at_1000_cases(big_site, page):
    site, base = big_site
    texts = page_texts(site)
    page.goto(base)
    for query in ("统方", "医联体", "开单提成", "讲课费", "红包 手术"):
        assert set(result_urls(page, base, query)) == truth(texts, query), query


# --- phrases (DESIGN.md "Search": people type phrases, not terms) ------------------------------


@pytest.mark.browser
def test_everyday_phrases_find_the_expected_page_in_the_first_five(site, page):
    _, base, _ = site
    page.goto(base)
    missed = {}
    for phrase, want in PHRASES:
        got = result_urls(page, base, phrase, 10, partial=True)
        if want not in got[:5]:
            missed[phrase] = got[:5]
    print(f"{len(PHRASES) - len(missed)} of {len(PHRASES)} phrases: expected page in the top 5")
    assert not missed, missed


@pytest.mark.browser
def test_a_query_naming_a_rule_puts_its_page_first(site, page):
    _, base, _ = site
    page.goto(base)
    for query, rule in [
        ("第8条", 8),
        ("第八条", 8),
        ("九项准则第八条", 8),
        ("九项准则 第八条", 8),
        ("红包 条款", 8),
        ("准则第3条是什么", 3),
        ("号贩子 哪一条", 7),
    ]:
        assert result_urls(page, base, query, 3, partial=True)[0] == f"rules/r{rule}/", query


@pytest.mark.browser
def test_numbers_fold_both_ways_and_results_stay_exact(site, texts, page):
    _, base, _ = site
    page.goto(base)
    digits = set(result_urls(page, base, "第8条"))
    words = set(result_urls(page, base, "第八条"))
    assert digits == words
    assert digits >= truth(texts, "第八条") | truth(texts, "第8条")
    assert len(digits) > 5
    # the exact part of a phrase's results holds the phrase (in either way of writing it)
    for url in set(result_urls(page, base, "收红包")) - {"rules/r8/"}:
        assert "收红包" in texts[url], url


@pytest.mark.browser
def test_own_rule_first_for_a_phrase_holding_its_term(site, page):
    _, base, _ = site
    page.goto(base)
    assert result_urls(page, base, "收红包", 3)[0] == "rules/r8/"
    assert result_urls(page, base, "医生收回扣", 3, partial=True)[0] == "rules/r9/"


@pytest.mark.browser
def test_partial_matches_follow_under_a_note_with_parts_marked(site, page):
    _, base, _ = site
    page.goto(base + "search/?q=" + quote("医药代表吃饭"))
    results = page.locator("main [data-search-results]")
    results.locator("a[href]").first.wait_for()
    note = results.locator(".ql-hit-note")
    assert note.count() == 1 and "部分词语" in note.inner_text()
    assert "医药代表" in note.inner_text() and "吃饭" in note.inner_text()
    marks = {m.inner_text() for m in results.locator("mark").all()}
    assert "医药代表" in marks and marks & {"宴请", "吃饭"}
    status = page.locator(".ql-search-page__status").inner_text()
    assert "部分词语" in status and "个页面" in status
    # no question word is looked for
    page.goto(base + "search/?q=" + quote("收红包怎么处理"))
    note = page.locator("main .ql-hit-note")
    note.wait_for()
    looked_for = re.search(r"（(.*)）", note.inner_text()).group(1)
    assert "收红包" in looked_for and "怎么" not in looked_for


@pytest.mark.browser
def test_results_page_shows_the_total_and_pages_through_all(site, texts, page):
    _, base, _ = site
    want = truth(texts, "红包")
    page.goto(base + "search/?q=" + quote("红包"))
    links = page.locator("main [data-search-results] a[href]")
    links.first.wait_for()
    status = page.locator(".ql-search-page__status")
    assert f"共 {len(want)} 个结果" in status.inner_text()
    more = page.locator(".ql-search-page__more")
    assert f"还有 {len(want) - 10} 个" in more.inner_text()
    while more.is_visible():
        shown = links.count()
        more.click()
        page.wait_for_function(
            f"document.querySelectorAll('main [data-search-results] a').length > {shown}"
        )
    got = [site_relative(a.get_attribute("href"), base).split("#")[0] for a in links.all()]
    assert len(got) == len(want) and set(got) == want


@pytest.mark.browser
def test_header_drop_down_says_how_many_more(site, texts, page):
    _, base, _ = site
    page.goto(base + "cases/")
    box = page.locator("header input[type=search]")
    box.fill("红包")
    panel = page.locator("header .ql-search__panel")
    panel.locator("[data-search-results] a[href]").first.wait_for()
    shown = panel.locator("[data-search-results] a[href]").count()
    all_link = panel.locator(".ql-search__all")
    assert f"还有 {len(truth(texts, '红包')) - shown} 个结果" in all_link.inner_text()
    box.fill("冷链运输")
    panel.locator(".ql-search__status a").first.wait_for()
    assert not all_link.is_visible()

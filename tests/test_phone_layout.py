"""The site on a phone (390 px) and a desktop: nothing wider than the screen, no table column cut
off, tags after the title; facet buttons in a row; departments and tags in pinyin order."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from generator.model.order import pinyin_key

PHONE = {"width": 390, "height": 844}
PAGES = [
    "cases/r8-ortho-preop-hongbao/",  # 相关案例 table
    "risks/orthopedics/",  # risk register tables, multi-item controls
    "risks/",
    "rules/r8/",
    "cases/",
    "cases/by-department/",
    "quiz/",
    "tags/",
    "search/?q=" + quote("医药代表吃饭"),
]

# Elements whose right edge passes the viewport and that no scrolling box holds: cut off.
OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = (e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll)/.test(s.overflowX) && p.scrollWidth > p.clientWidth) return true;
    }
    return false;
  };
  const out = [];
  for (const e of document.querySelectorAll("body *")) {
    const r = e.getBoundingClientRect();
    if (!r.width || getComputedStyle(e).visibility === "hidden") continue;
    if (r.right > vw + 1 && !scrolls(e)) out.push(`${e.tagName}.${e.className} ${Math.round(r.right)}`);
  }
  return { vw, page: document.documentElement.scrollWidth, out: out.slice(0, 10) };
}"""

# Table columns shown side by side whose cells are squeezed under 5 characters a line, or a
# table wider than its box (a column cut off or scrolled away).
SQUEEZED = """() => [...document.querySelectorAll("article table")].flatMap((t) => {
  const cells = [...t.querySelectorAll("td")].filter((td) => getComputedStyle(td).display === "table-cell");
  const em = parseFloat(getComputedStyle(t).fontSize);
  const narrow = cells.filter((td) => td.textContent.trim().length > 8 && td.clientWidth < 5 * em);
  const box = t.parentElement.getBoundingClientRect();
  const wide = t.getBoundingClientRect().right > box.right + 1 ? ["wider than its box"] : [];
  return [...narrow.map((td) => "squeezed: " + td.textContent.trim().slice(0, 12)), ...wide];
})"""


@pytest.fixture(scope="module")
def site(shipped_build, serve_dir):
    _, out, _ = shipped_build
    return serve_dir(out / "site", "phone")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_nothing_wider_than_a_phone_and_no_column_cut_off(site, phone, path):
    phone.goto(site + path)
    if path.startswith("search/"):
        phone.locator("main [data-search-results] a[href]").first.wait_for()
    found = phone.evaluate(OVERFLOW)
    assert found["out"] == [] and found["page"] <= found["vw"], found
    assert phone.evaluate(SQUEEZED) == []


@pytest.mark.browser
def test_tables_become_cards_with_every_cell_shown(site, phone):
    phone.goto(site + "risks/orthopedics/")
    row = phone.locator("article .ql-risk-table tbody tr").first
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    labels = row.evaluate(
        "(tr) => [...tr.cells].map((td) => getComputedStyle(td, '::before').content)"
    )
    assert labels[2:] == ['"防控措施"', '"涉及条款"']
    assert "第" in row.inner_text()
    bullets = row.locator("ul.ql-controls li")
    assert bullets.count() >= 2
    assert bullets.first.evaluate("(li) => getComputedStyle(li).display") == "list-item"
    phone.goto(site + "cases/r8-ortho-preop-hongbao/")
    related = phone.locator("article table").last.locator("tbody tr").first
    assert related.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    assert re.search(r"\d{4}-\d\d-\d\d", related.inner_text()) and "第" in related.inner_text()


@pytest.mark.browser
def test_controls_are_bullets_on_the_desktop_too(site, page):
    page.goto(site + "risks/orthopedics/")
    cell = page.locator("article .ql-risk-table tbody tr").first.locator("td").nth(2)
    assert cell.locator("li").count() >= 2
    assert cell.locator("li").first.evaluate("(li) => getComputedStyle(li).listStyleType") == "disc"


@pytest.mark.browser
def test_title_before_tags_on_a_phone(site, phone):
    phone.goto(site + "cases/r8-ortho-preop-hongbao/")
    title = phone.locator("article h1").bounding_box()
    tags = phone.locator("article .md-tags").bounding_box()
    assert title["y"] + title["height"] <= tags["y"] + 1


@pytest.mark.browser
def test_facet_buttons_in_a_row_on_a_desktop(site, page):
    page.goto(site + "cases/")
    boxes = [a.bounding_box() for a in page.locator(".ql-facets a").all()]
    assert len(boxes) == 4
    assert len({round(b["y"]) for b in boxes}) == 1  # one row


def test_tags_and_departments_in_pinyin_order(shipped_build):
    _, out, _ = shipped_build
    site = out / "site"

    def ordered(names):
        return names == sorted(names, key=pinyin_key)

    tags = re.findall(r'<h2 id="tag:[^"]*">\s*<span class="md-tag">([^<]+)<', _read(site, "tags"))
    assert len(tags) > 50 and ordered(tags)
    assert tags != sorted(tags)  # not by character code
    departments = re.findall(r'<h2 id="[a-z-]+">([^<]+)<', _read(site, "cases/by-department"))
    assert len(departments) > 10 and ordered(departments)
    index = _read(site, "risks")
    table = index[index.index("<table") :]
    listed = re.findall(r'<td><a href="[a-z-]+/">([^<]+)</a>', table)
    assert len(listed) > 10 and ordered(listed)


def _read(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_tags_are_not_exported_for_other_tools_unless_asked(shipped_build):
    """Material's tags.json (every page and its tags) is read by nothing on the site."""
    _, out, _ = shipped_build
    assert (out / "site" / "tags" / "index.html").is_file()
    assert not (out / "site" / "tags.json").exists()

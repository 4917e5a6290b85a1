"""The build hands MkDocs the pages it keeps in memory and takes the written pages for the
search index through our MkDocs plugin (generator/site/plugin.py); the site is the one plain
``mkdocs build -f`` writes from the same generated tree on disk. Speed itself is measured in
bench/site_build.py, not here."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.errors import BuildError
from generator.site import engine
from generator.site.tree import SiteExtras, _Related
from generator.sources.loader import load_corpus
from tests.conftest import REPO, copy_root
from tests.synth import synthesize

TITLE = "某医院*违规* & <b>收受</b>回扣案"


def _files(site):
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def _content(path):
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data  # gzip headers carry a time


@pytest.fixture(scope="module")
def synth_root(tmp_path_factory):
    root = copy_root(REPO, tmp_path_factory.mktemp("speed") / "root")
    shutil.rmtree(root / "tests", ignore_errors=True)
    synthesize(root, 60)  # case pages in sibling folders, long listings, related cases
    # a title with characters Markdown and HTML read as more than text
    case = sorted((root / "cases").glob("*.md"))[0]
    text = case.read_text(encoding="utf-8")
    title = re.search(r"^title: .*$", text, re.M).group()
    case.write_text(text.replace(title, f"title: {TITLE}", 1), "utf-8")
    # Markdown whose state lives in the parser (footnotes, fences, …): a page must not see what
    # the one before it left behind
    for n, other in enumerate(sorted((root / "cases").glob("*.md"))[1:4]):
        extra = EXTRA_MARKDOWN.format(n=n)
        other.write_text(other.read_text(encoding="utf-8").rstrip("\n") + extra, "utf-8")
    # links to no page: MkDocs warns, and the build reports it
    for other in sorted((root / "cases").glob("*.md"))[4:6]:
        link = f"\n\n另见[旧稿](gone-{other.stem}.md)。\n"
        other.write_text(other.read_text(encoding="utf-8").rstrip("\n") + link, "utf-8")
    return root


EXTRA_MARKDOWN = """

## 说明

术语见脚注[^a]，另有一处[^b{n}]。

[^a]: 第一条脚注。
[^b{n}]: 第 {n} 页的脚注。

```text
示例 {n}
```

- [x] 已核对
- [ ] 待核对

回扣
:   以各种名义收受的财物。
"""


def _related(corpus, case, limit=5):
    """The definition: other cases under the same main rule, same category first."""
    pool = [c for c in corpus.cases_by_rule.get(case.rules[0], []) if c.id != case.id]
    pool.sort(key=lambda c: (c.category != case.category, c.department != case.department))
    return pool[:limit]


def test_related_cases_by_buckets_are_the_sorted_ones(synth_root):
    corpus = load_corpus(synth_root)
    related = _Related(corpus)
    for case in corpus.cases:
        assert related(case) == _related(corpus, case)
    assert all(len(related(case)) == 5 for case in corpus.cases)


@pytest.fixture(scope="module")
def plain_site(synth_root, tmp_path_factory):
    """Plain ``mkdocs build -f`` of the generated tree written to disk: its warnings, its files."""
    corpus = load_corpus(synth_root)
    work = tmp_path_factory.mktemp("plain")
    writer, config = engine.prepare(corpus, work, SiteExtras())
    warned = engine.run_mkdocs(config)
    return writer, warned, _files(work / "site"), work


def _differ(site, plain) -> list[str]:
    assert site.keys() == plain.keys()
    return [name for name in plain if _content(plain[name]) != _content(site[name])]


def test_pages_in_memory_make_the_site_plain_mkdocs_makes(synth_root, plain_site, tmp_path):
    writer, warned, plain, _ = plain_site
    assert len(warned) == 2 and all("gone-" in w for w in warned), warned
    corpus = load_corpus(synth_root)
    memory, config = engine.prepare(corpus, tmp_path / "m", SiteExtras(), pages=True)
    assert memory.pages.keys() == {p for p in writer.texts if p.endswith(".md")}
    assert not list((tmp_path / "m" / "docs").rglob("*.md"))  # nothing written for MkDocs
    fed: list[tuple[str, str]] = []
    found = engine.run_mkdocs(config, feed=lambda f, h: fed.append((f, h)), pages=memory.pages)
    assert found == warned
    fast = _files(tmp_path / "m" / "site")
    assert _differ(fast, plain) == []
    # every page written went to the feed once, in the order MkDocs wrote them, as written
    pages = [name for name in fast if name.endswith(".html") and name != "404.html"]
    assert sorted(f for f, _ in fed) == sorted(pages)
    for file, html in fed[:5]:
        assert (tmp_path / "m" / "site" / file).read_text(encoding="utf-8") == html
    with_footnotes = [n for n, p in fast.items() if b'class="footnote"' in _content(p)]
    assert len(with_footnotes) == 3, with_footnotes  # no page sees another's footnotes


def test_generated_tables_are_ready_html_for_mkdocs_and_markdown_for_zensical(
    synth_root, plain_site, tmp_path
):
    writer, _, plain, work = plain_site
    listing = writer.texts["cases/by-rule.md"]
    assert "<table>" in listing and "|---|" not in listing
    assert '<div class="ql-meta">' in next(
        t for p, t in writer.texts.items() if p.startswith("cases/r")
    )
    # the title is text, in the listing as on the page's own links: escaped, not parsed
    escaped = "某医院*违规* &amp; &lt;b&gt;收受&lt;/b&gt;回扣案"
    html = _content(plain["cases/by-rule/index.html"]).decode()
    assert f">{escaped}</a>" in html
    # links in the ready HTML go where MkDocs put the pages
    site = work / "site"
    for href in re.findall(r'<td><a href="([^"#]+)', html)[:50]:
        assert (site / "cases" / "by-rule" / href / "index.html").is_file(), href
    zensical, _ = engine.prepare(load_corpus(synth_root), tmp_path / "z", engine="zensical")
    listing = zensical.texts["cases/by-rule.md"]
    assert "<table>" not in listing and "|---|---|---|---|---|" in listing
    assert "](../rules/r1.md)" in listing


def test_the_plugin_is_named_once_and_takes_its_options(synth_root, tmp_path):
    """A hospital's mkdocs.yml may name our plugin with options; it is not added twice, and a
    wrong option is MkDocs' configuration error, reported as a build error."""
    import yaml

    root = copy_root(synth_root, tmp_path / "root")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "plugins:\n  - tags\n" in text
    text = text.replace("plugins:\n", "plugins:\n  - qinglian:\n      auto_reload: true\n", 1)
    (root / "mkdocs.yml").write_text(text, "utf-8")
    writer, config_file = engine.prepare(load_corpus(root), tmp_path / "w", pages=True)

    class Loader(yaml.SafeLoader):  # the config names Python functions (tags_sort_by)
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
    config = yaml.load(config_file.read_text(encoding="utf-8").split("\n", 1)[1], Loader=Loader)
    named = [p for p in config["plugins"] if "qinglian" in (p if isinstance(p, dict) else {p: 1})]
    assert named == [{"qinglian": {"auto_reload": True}}]
    engine.run_mkdocs(config_file, pages=writer.pages)
    assert (tmp_path / "w" / "site" / "rules" / "r1" / "index.html").is_file()
    config_file.write_text(
        config_file.read_text(encoding="utf-8").replace("auto_reload: true", "auto_reload: 3"),
        "utf-8",
    )
    with pytest.raises(BuildError, match="auto_reload"):
        engine.run_mkdocs(config_file, pages=writer.pages)


def test_index_built_beside_mkdocs_is_the_index_built_after(shipped_build, tmp_path):
    root, out, report = shipped_build
    assert report.site.parallel_index
    site = out / "site"
    shutil.copytree(site, tmp_path / "site")
    for index in ("i", "c"):
        shutil.rmtree(tmp_path / "site" / "search" / index)
    (tmp_path / "site" / "search" / "meta.js").unlink()
    corpus = load_corpus(root)
    writer = engine.write_tree(corpus, tmp_path / "docs")  # the page list, as the build had it
    stats = engine.index_site(corpus, tmp_path / "site", writer)
    assert stats == report.site.index
    after, beside = _files(tmp_path / "site" / "search"), _files(site / "search")
    assert after.keys() == beside.keys()
    for name in after:
        if name.startswith("i/"):  # a shard's tokens come in set order; same content
            assert _shard(after[name]) == _shard(beside[name]), name
        else:
            assert after[name].read_bytes() == beside[name].read_bytes(), name


def test_the_index_worker_is_sent_what_the_index_reads_of_a_page(shipped_build):
    from generator.site.search.index import extract_blocks, indexed_part

    _, out, _ = shipped_build
    pages = list((out / "site").rglob("*.html"))
    sent = total = 0
    for path in pages:
        html = path.read_text(encoding="utf-8")
        part = indexed_part(html)
        assert extract_blocks(part) == extract_blocks(html), path
        sent, total = sent + len(part), total + len(html)
    assert len(pages) > 100 and sent < total / 2


def _shard(path):
    text = path.read_text(encoding="utf-8")
    return json.loads("[" + text[text.index("(") + 1 : text.rindex(")")] + "]")


def test_index_worker_runs_the_package_not_a_copy_in_the_working_directory(
    mini_root, tmp_path, monkeypatch
):
    stale = mini_root / "generator"  # a content root may hold an old copy of the tool
    stale.mkdir(exist_ok=True)
    (stale / "__init__.py").write_text("raise ImportError('a stale copy')\n", encoding="utf-8")
    monkeypatch.chdir(mini_root)
    report = engine.build_site(load_corpus(mini_root), tmp_path / "site")
    assert report.parallel_index
    assert (tmp_path / "site" / "search" / "meta.js").is_file()
    pages = [
        p
        for p in (tmp_path / "site").rglob("*.html")
        if p.name != "404.html" or p.parent != tmp_path / "site"
    ]
    assert report.pages == len(pages) > 20  # counted as MkDocs wrote them


def test_a_failing_index_worker_is_replaced_by_the_index_built_here(
    mini_root, tmp_path, monkeypatch
):
    from generator.site.search import parallel

    monkeypatch.setattr(parallel, "_START", "raise SystemExit(3)  # {root}")
    report = engine.build_site(load_corpus(mini_root), tmp_path / "site")
    assert not report.parallel_index
    assert report.index.pages > 10 and (tmp_path / "site" / "search" / "meta.js").is_file()


def test_ready_html_set_aside_comes_out_as_python_markdown_passes_it(plain_site):
    """The plugin's set-aside blocks (plugin.py) give the HTML Python-Markdown gives the same
    page read whole, where it parses every tag of the blocks and passes them through."""
    import markdown

    from generator.site.plugin import QinglianPlugin

    writer, *_ = plain_site
    extensions = ["admonition", "attr_list", "md_in_html", "tables", "footnotes", "toc"]
    plugin = QinglianPlugin()

    class Page:
        class file:  # noqa: N801 - as MkDocs' page.file
            src_uri = "cases/by-rule.md"

    for path in ("cases/by-rule.md", next(p for p in writer.texts if p.startswith("cases/r"))):
        text = writer.texts[path].split("\n---\n", 1)[1]
        whole = markdown.Markdown(extensions=extensions).convert(text)
        aside = plugin.on_page_markdown(text, page=Page, config=None, files=None)
        assert "<table>" not in aside and len(plugin.blocks["cases/by-rule.md"]) >= 1
        html = markdown.Markdown(extensions=extensions).convert(aside)
        html = plugin.on_page_content(html, page=Page, config=None, files=None)
        assert "QINGLIAN" not in html and html.count("<tr>") == whole.count("<tr>") > 1
        # (Python-Markdown keeps the marking comments; the plugin drops them)
        whole = re.sub(r"<!-- /?qinglian:html -->", "", whole)
        assert re.sub(r"\n+", "\n", html).strip() == re.sub(r"\n+", "\n", whole).strip(), path


def test_parts_rendered_once_and_reused_change_no_byte(synth_root, plain_site, tmp_path):
    """Material's sidebar and tabs, kept per folder for pages outside the navigation, and its
    styles, config and scripts blocks, kept per depth (the defaults), are those rendered for
    every page (``cache_navigation: false``, ``cache_blocks: false``)."""
    _, warned, plain, _ = plain_site
    root = copy_root(synth_root, tmp_path / "root")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = text.replace(
        "plugins:\n",
        "plugins:\n  - qinglian:\n      cache_navigation: false\n      cache_blocks: false\n",
        1,
    )
    (root / "mkdocs.yml").write_text(text, "utf-8")
    writer, config_file = engine.prepare(load_corpus(root), tmp_path / "w", pages=True)
    assert engine.run_mkdocs(config_file, pages=writer.pages) == warned
    assert _differ(_files(tmp_path / "w" / "site"), plain) == []


def test_a_custom_dir_overriding_the_navigation_switches_the_cache_off(tmp_path):
    """A hospital's partials/nav.html may depend on the page: then it is rendered for each."""
    from jinja2 import DictLoader, Environment

    from generator.site.plugin import NAV_PARTIALS, _material_own

    env = Environment(loader=DictLoader({"partials/nav.html": "{{ page.title }}"}))
    assert not _material_own(env, NAV_PARTIALS)


def test_a_custom_main_template_switches_the_block_cache_off():
    """A hospital's main.html may fill the cached blocks from the page: then they are rendered
    for each page, and the theme's own templates are what the cache needs."""
    import material
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

    from generator.site.plugin import BLOCK_TEMPLATES, _material_own

    theme = Path(material.__file__).parent / "templates"
    own = Environment(loader=FileSystemLoader(str(theme)))
    assert _material_own(own, BLOCK_TEMPLATES)
    custom = DictLoader(
        {"main.html": '{% extends "base.html" %}{% block scripts %}{{ page.url }}{% endblock %}'}
    )
    env = Environment(loader=ChoiceLoader([custom, FileSystemLoader(str(theme))]))
    assert not _material_own(env, BLOCK_TEMPLATES)


def test_a_hospitals_main_template_filling_a_cached_block_from_the_page_is_honoured(
    mini_root, tmp_path
):
    """With a ``custom_dir`` whose main.html puts the page's own address into the ``scripts``
    block, every page carries its own (the block cache is off), and the theme's blocks still
    render (the hospital's template extends them)."""
    (mini_root / "overrides").mkdir()
    (mini_root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block scripts %}{{ super() }}'
        '<meta name="ql-page" content="{{ page.url }}">{% endblock %}',
        encoding="utf-8",
    )
    config = (mini_root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1)
    (mini_root / "mkdocs.yml").write_text(config, encoding="utf-8")
    writer, config_file = engine.prepare(load_corpus(mini_root), tmp_path / "w", pages=True)
    engine.run_mkdocs(config_file, pages=writer.pages)
    site = tmp_path / "w" / "site"
    pages = [p for p in site.rglob("index.html") if p.parent != site / "search"]
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        url = page.parent.relative_to(site).as_posix() + "/"
        assert f'<meta name="ql-page" content="{"" if url == "./" else url}">' in html, page
        assert "assets/javascripts/bundle." in html  # the theme's own block, via super()

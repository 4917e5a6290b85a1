"""The build's in-process speed-ups (generator/site/speedups.py) take effect and leave the site
byte for byte as plain ``mkdocs build`` of the same generated tree writes it."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys

import pytest

from generator.site import engine
from generator.site.tree import SiteExtras, _Related
from generator.sources.loader import load_corpus
from tests.conftest import REPO, copy_root
from tests.synth import synthesize


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
    # a title Markdown reads as more than text: its rows stay Markdown for MkDocs to parse
    case = sorted((root / "cases").glob("*.md"))[0]
    text = case.read_text(encoding="utf-8")
    title = re.search(r"^title: .*$", text, re.M).group()
    case.write_text(text.replace(title, "title: 某医院*违规* & <b>收受</b>回扣案", 1), "utf-8")
    # Markdown whose state lives in the parser (footnotes, fences, …): one instance serves
    # every page, so a page must not see what the one before it left behind
    for n, other in enumerate(sorted((root / "cases").glob("*.md"))[1:4]):
        extra = EXTRA_MARKDOWN.format(n=n)
        other.write_text(other.read_text(encoding="utf-8").rstrip("\n") + extra, "utf-8")
    # links to no page, on neighbouring pages: MkDocs warns, whichever process renders them
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


# Lines that look like plain paragraphs but are not, or whose neighbours make them something else.
TRICKY_MARKDOWN = """正文第一段。

正文第二段，紧接着第一段。

<div class="x">

原样输出的 HTML 块里的一行。

</div>

<div class="y" markdown>

HTML 块里按 Markdown 解析的一行。

</div>

```text
代码块里的一行。

代码块里的又一行。
```

!!! note "提示"

    提示里的一行。

- 列表项

列表之后的一行。

术语

:   定义（上一行因此是术语，不是段落）。

含*强调*的一行。

行尾有两个空格的一行。\x20\x20
第二行。

# 标题之前的一行

## 含*强调*的标题

| 列 | 含`代码`的列 |
|---|---|
| 纯文本 | *强调* |

- 纯文本的列表项
- 含[链接](https://example.org)的列表项

结尾一行。"""


def test_plain_paragraphs_stashed_as_markdown_writes_them():
    import markdown

    from generator.site.speedups import RawBlocks, leaves_plain_text

    extensions = [
        "admonition",
        "attr_list",
        "md_in_html",
        "tables",
        "def_list",
        "footnotes",
        "toc",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tasklist",
    ]
    assert leaves_plain_text(extensions)
    plain = markdown.Markdown(extensions=extensions).convert(TRICKY_MARKDOWN)
    raw = RawBlocks({})
    fast = markdown.Markdown(extensions=[*extensions, raw]).convert(TRICKY_MARKDOWN)
    assert fast == plain
    # the two first lines (one entry), the one after the list, the last: nothing else
    assert raw.paragraphs == 4
    assert "<dt>术语</dt>" in fast and "<p>原样输出的 HTML 块里的一行。</p>" not in fast


def test_no_plain_text_speed_up_with_an_extension_that_changes_plain_text():
    """A hospital's mkdocs.yml may add extensions: smarty makes -- a dash in plain text."""
    import markdown

    from generator.site.speedups import RawBlocks, leaves_plain_text

    extensions = ["toc", "tables", "smarty"]
    text = "第一段--有两个连字符。\n\n第二段。\n"
    plain = markdown.Markdown(extensions=extensions).convert(text)
    assert "&ndash;" in plain
    assert not leaves_plain_text(extensions)
    raw = RawBlocks({}, plain_text=leaves_plain_text(extensions))
    assert markdown.Markdown(extensions=[*extensions, raw]).convert(text) == plain
    assert raw.paragraphs == 0
    # (what the speed-up would do there: why it is off)
    unsafe = RawBlocks({})
    assert markdown.Markdown(extensions=[*extensions, unsafe]).convert(text) != plain


def test_related_cases_by_buckets_are_the_sorted_ones(synth_root):
    corpus = load_corpus(synth_root)
    related = _Related(corpus)
    for case in corpus.cases:
        assert related(case) == _related(corpus, case)
    assert all(len(related(case)) == 5 for case in corpus.cases)


# The build as ``qinglian build`` runs it, in a process of its own: the forked rendering needs a
# process without other threads (this one has the test servers'). ``fail_after``: the forked
# child fails after that many pages, and the parent renders the rest itself (-1: no fork).
FAST_BUILD = """
import json, sys
from pathlib import Path
from generator.site import engine, forked_pages
from generator.site.tree import SiteExtras
from generator.sources.loader import load_corpus

root, work, fail_after = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
if fail_after < 0:  # the system refuses a new process
    import os

    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    os.fork = refuse
elif fail_after:
    rendered, calls = forked_pages._rendered, [0]

    def failing(page):
        calls[0] += 1
        if calls[0] > fail_after:
            raise RuntimeError("the child fails")
        return rendered(page)

    forked_pages._rendered = failing
corpus = load_corpus(root)
writer, config = engine.prepare(corpus, work, SiteExtras(), pages=True)
used = []
warnings = engine.run_mkdocs(config, writer.fragments.html, used, pages=writer.pages)
(speedups,) = used
print(json.dumps({
    "warnings": warnings,
    "population": speedups.population,
    "markdown": speedups.markdown,
    "navigation": speedups.navigation,
    "tag_links": speedups.tag_links,
    "stashed": speedups.extension.stashed,
    "paragraphs": speedups.extension.paragraphs,
    "blocks": len(writer.fragments.html),
    "md_files": len(list((work / "docs").rglob("*.md"))),
}))
"""


def _fast_build(root, work, fail_after=0) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", FAST_BUILD, str(root), str(work), str(fail_after)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def plain_site(synth_root, tmp_path_factory):
    """Plain ``mkdocs build`` of the generated tree: its warnings, its files."""
    corpus = load_corpus(synth_root)
    work = tmp_path_factory.mktemp("plain")
    writer, config = engine.prepare(corpus, work, SiteExtras())
    warned = engine.run_mkdocs(config)
    return writer, warned, _files(work / "site")


def _differ(site, plain) -> list[str]:
    assert site.keys() == plain.keys()
    return [name for name in plain if _content(plain[name]) != _content(site[name])]


def test_speedups_change_no_byte_of_the_site(synth_root, plain_site, tmp_path):
    writer, warned, plain = plain_site
    assert len(warned) == 2 and all("gone-" in w for w in warned), warned
    # the pages kept in memory, not written into the docs folder, as the build does
    memory, _ = engine.prepare(load_corpus(synth_root), tmp_path / "m", SiteExtras(), pages=True)
    assert memory.pages.keys() == {p for p in writer.texts if p.endswith(".md")}
    assert not list((tmp_path / "m" / "docs").rglob("*.md"))
    # every generated block is handed over as HTML
    assert len(memory.fragments.html) > 60
    assert any("*违规*" in text for text in memory.pages.values())
    assert not any("*违规*" in block for block in memory.fragments.html)  # left to Markdown

    stats = _fast_build(synth_root, tmp_path / "fast")
    fast = _files(tmp_path / "fast" / "site")
    assert _differ(fast, plain) == []
    assert stats["md_files"] == 0
    assert stats["warnings"] == warned  # what the child's pages logged, logged here in order
    # (this process renders about half of the pages, the forked child the others)
    assert stats["stashed"] >= 0.4 * stats["blocks"]
    assert stats["paragraphs"] > 2 * stats["blocks"]  # most of the text, in this process
    # the navigation of most pages (cases, stories, risks…) is rendered once per folder
    nav = stats["navigation"]
    assert nav["reused"] > 2 * 60 and nav["reused"] > 3 * nav["rendered"]
    # Material's styles, configuration and scripts once per depth, in each process
    assert nav["blocks reused"] > 3 * 30 and nav["blocks rendered"] < 3 * 2 * 5
    # a tag's links to the tags page worked out once, reused on every other page with it
    tags = stats["tag_links"]
    assert tags["tag links reused"] > 20 and tags["tags linked"] > 100
    # every second page rendered by a forked child, one Markdown instance per process
    assert stats["population"]["forked"] > 30 and stats["population"]["here"] == 0
    assert stats["markdown"]["made"] == 1 and stats["markdown"]["reused"] > 30
    with_footnotes = [n for n, p in fast.items() if b'class="footnote"' in _content(p)]
    assert len(with_footnotes) == 3, with_footnotes


def test_a_failing_forked_child_leaves_the_rest_to_this_process(synth_root, plain_site, tmp_path):
    _, warned, plain = plain_site
    stats = _fast_build(synth_root, tmp_path / "fast", fail_after=5)
    assert stats["population"]["forked"] == 5 and stats["population"]["here"] > 25
    assert stats["warnings"] == warned
    assert _differ(_files(tmp_path / "fast" / "site"), plain) == []


def test_a_refused_fork_renders_every_page_here(synth_root, plain_site, tmp_path):
    _, warned, plain = plain_site
    stats = _fast_build(synth_root, tmp_path / "fast", fail_after=-1)
    assert stats["population"] == {"forked": 0, "here": 0}
    assert stats["warnings"] == warned
    assert _differ(_files(tmp_path / "fast" / "site"), plain) == []


def test_speedups_without_forking_change_no_byte_either(synth_root, plain_site, tmp_path):
    """In a process with another thread nothing is forked; the site is the same."""
    import threading

    _, warned, plain = plain_site
    corpus = load_corpus(synth_root)
    writer, config = engine.prepare(corpus, tmp_path / "w", SiteExtras(), pages=True)
    used = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        found = engine.run_mkdocs(config, writer.fragments.html, used, pages=writer.pages)
    finally:
        stop.set()
    assert found == warned
    assert used[0].population == {"forked": 0, "here": 0}
    assert used[0].markdown["made"] == 1
    assert _differ(_files(tmp_path / "w" / "site"), plain) == []


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
    stats = engine.index_site(corpus, tmp_path / "site", writer, True)
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

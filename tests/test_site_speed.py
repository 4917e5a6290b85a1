"""The build's in-process speed-ups (generator/site/speedups.py) take effect and leave the site
byte for byte as plain ``mkdocs build`` of the same generated tree writes it."""

from __future__ import annotations

import gzip
import json
import re
import shutil

import pytest

from generator.site import engine
from generator.site.tree import SiteExtras, _Related, _related
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


def test_related_cases_by_buckets_are_the_sorted_ones(synth_root):
    corpus = load_corpus(synth_root)
    related = _Related(corpus)
    for case in corpus.cases:
        assert related(case) == _related(corpus, case)
    assert all(len(related(case)) == 5 for case in corpus.cases)


def test_speedups_change_no_byte_of_the_site(synth_root, tmp_path):
    corpus = load_corpus(synth_root)
    work = tmp_path / "w"
    writer, config = engine.prepare(corpus, work, SiteExtras())
    warned = engine.run_mkdocs(config)
    assert len(warned) == 2 and all("gone-" in w for w in warned), warned
    shutil.move(work / "site", tmp_path / "plain")
    # the pages kept in memory, not written into the docs folder, as the build does
    fast_work = tmp_path / "fast"
    fast_writer, fast_config = engine.prepare(corpus, fast_work, SiteExtras(), pages=True)
    assert fast_writer.pages.keys() == {p for p in writer.texts if p.endswith(".md")}
    assert not list((fast_work / "docs").rglob("*.md"))
    used = []
    found = engine.run_mkdocs(
        fast_config, fast_writer.fragments.html, used, pages=fast_writer.pages
    )
    assert found == warned  # what the child's pages logged, logged here in page order
    fast, plain = _files(fast_work / "site"), _files(tmp_path / "plain")

    assert fast.keys() == plain.keys()
    differ = [name for name in plain if _content(plain[name]) != _content(fast[name])]
    assert differ == []
    (speedups,) = used
    # every generated block is handed over as HTML, at least once
    assert len(fast_writer.fragments.html) > 60
    assert any("*违规*" in text for text in fast_writer.pages.values())
    assert not any("*违规*" in block for block in fast_writer.fragments.html)  # left to Markdown
    # (this process renders about half of the pages, the forked child the others)
    assert speedups.extension.stashed >= 0.4 * len(fast_writer.fragments.html)
    # the navigation of most pages (cases, stories, risks…) is rendered once per folder
    nav = speedups.navigation
    assert nav["reused"] > 2 * 60 and nav["reused"] > 3 * nav["rendered"]
    # every second page rendered by a forked child, one Markdown instance per process
    population = speedups.population
    assert population["forked"] > 30 and population["here"] == 0
    assert speedups.markdown["made"] == 1 and speedups.markdown["reused"] > 30
    with_footnotes = [n for n, p in fast.items() if b'class="footnote"' in _content(p)]
    assert len(with_footnotes) == 3, with_footnotes


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

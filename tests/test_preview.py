"""The preview's incremental path: reparse only changed sources, rewrite only changed pages and
index files — with the same results as a fresh load, tree and index."""

from __future__ import annotations

import filecmp
import shutil

from generator.site import engine
from generator.site.preview import Preview
from generator.site.search import IndexCache
from generator.sources.loader import SourceCache, load_corpus


def _dump(corpus):
    return [(c.id, c.title, c.date, c.body, c.path) for c in corpus.cases], sorted(corpus.rules)


def _same_tree(a, b) -> bool:
    d = filecmp.dircmp(a, b)

    def same(d):
        return not (d.left_only or d.right_only or d.diff_files) and all(
            same(s) for s in d.subdirs.values()
        )

    return same(d)


def test_cached_load_equals_a_fresh_load_and_sees_edits(mini_root):
    cache = SourceCache()
    assert _dump(load_corpus(mini_root, cache)) == _dump(load_corpus(mini_root))
    case = sorted((mini_root / "cases").glob("*.md"))[0]
    case.write_text(
        case.read_text("utf-8").replace("## 基本案情\n", "## 基本案情\n\n新句子。\n", 1)
    )
    cached = load_corpus(mini_root, cache)
    assert _dump(cached) == _dump(load_corpus(mini_root))
    assert any("新句子" in c.body for c in cached.cases)


def test_preview_rewrites_only_changed_pages_and_matches_a_fresh_tree(mini_root, tmp_path):
    preview = Preview(mini_root, tmp_path / "work", on_problems=lambda exc: None)
    assert preview.regenerate(strict=True)
    first = preview.writer.changed
    assert preview.regenerate() and preview.writer.changed == 0  # nothing edited, nothing written
    cases = sorted((mini_root / "cases").glob("*.md"))
    case = cases[0]
    case.write_text(
        case.read_text("utf-8").replace("## 基本案情\n", "## 基本案情\n\n新句子。\n", 1)
    )
    assert preview.regenerate()
    assert 1 <= preview.writer.changed < first
    page = preview.docs / "cases" / f"{case.stem}.md"
    assert "新句子" in page.read_text("utf-8")
    cases[-1].unlink()  # a removed case: its page goes too
    assert preview.regenerate()
    assert not (preview.docs / "cases" / f"{cases[-1].stem}.md").exists()
    fresh = tmp_path / "fresh"
    engine.prepare(load_corpus(mini_root), fresh)
    (fresh / "docs" / "quiz" / "questions.js").unlink(missing_ok=True)  # written by builds only
    assert _same_tree(fresh / "docs", preview.docs)


def test_cached_and_stopped_index_builds_end_equal_to_a_fresh_index(mini_root, tmp_path):
    corpus = load_corpus(mini_root)
    writer, config = engine.prepare(corpus, tmp_path / "w")
    engine.run_mkdocs(config)
    site = tmp_path / "w" / "site"
    engine.index_site(corpus, site, writer)
    shutil.copytree(site / "search", tmp_path / "ref")
    shutil.rmtree(site / "search")
    cache = IndexCache()
    cache.page_blocks = lambda path, real=cache.page_blocks: (  # stop after a few pages
        setattr(cache, "cancel", len(cache.blocks) >= 3) or real(path)
    )
    engine.index_site(corpus, site, writer, cache)
    assert cache.cancel and not (site / "search" / "meta.js").exists()
    del cache.page_blocks
    engine.index_site(corpus, site, writer, cache)
    engine.index_site(corpus, site, writer, cache)  # all cached: same files again
    (tmp_path / "ref" / "index.html").unlink()  # the search page itself, from the engine
    assert _same_tree(tmp_path / "ref", site / "search")


def test_serve_keeps_the_hospitals_hooks_and_shows_mkdocs_warnings(mini_root, tmp_path):
    """The content root's hooks run beside ours; MkDocs' warnings reach the editor, located."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    marker = tmp_path / "hook-ran"
    (mini_root / "hooks.py").write_text(
        f"def on_post_build(config, **kwargs):\n    open({str(marker)!r}, 'w').close()\n",
        encoding="utf-8",
    )
    config = mini_root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - hooks.py\n", "utf-8")
    case = sorted((mini_root / "cases").glob("*.md"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "\n\n见[旧稿](gone.md)。\n", "utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "qinglian"), "serve", "--addr", f"127.0.0.1:{port}"],
        cwd=mini_root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not marker.exists():
            time.sleep(0.3)
            assert server.poll() is None, (tmp_path / "serve.log").read_text("utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(30)
    said = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert marker.exists(), said
    assert f"cases/{case.name}" in said and "gone.md" in said and "站点警告" in said, said

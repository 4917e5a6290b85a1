"""Benchmark: every handbook of site_config/handbooks.yml on a synthetic corpus of many cases.

Builds a copy of the shipped content with N cases (default 250, made from the shipped ones like
bench/site_build.py), renders all handbooks the way ``qinglian pdf`` does (parallel processes) and
reports total seconds, pages, and pages per second, with one line per file.

The reference a user would otherwise pick is mkdocs-to-pdf, measured on this machine at 38.9 s for
250 Chinese case pages (one 259-page A4 PDF, JP font, English "Table of contents"): 6.6 pages/s.
With ``--peer VENV`` (a throwaway virtualenv where ``pip install mkdocs-to-pdf`` succeeded), the
script also measures it for real on the same cases; never in the tests.

Usage: .venv/bin/python bench/pdf_handbooks.py [--cases 250] [--workers N] [--peer /tmp/peer-venv]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from site_build import synthesize  # noqa: E402

from tests.conftest import copy_root  # noqa: E402

REFERENCE = (38.9, 259)  # mkdocs-to-pdf: seconds, A4 pages for 250 cases


def ours(root: Path, out: Path, workers: int | None) -> tuple[float, float, list]:
    from generator.pdf.handbooks import render_all
    from generator.sources.loader import load_corpus

    start = time.perf_counter()
    corpus = load_corpus(root)
    loaded = time.perf_counter()
    rendered = render_all(corpus, out, workers=workers)
    done = time.perf_counter()
    return loaded - start, done - loaded, rendered


def peer(venv: Path, root: Path) -> tuple[float, int] | None:
    """mkdocs-to-pdf on the generated case pages only, as a plain MkDocs site with the plugin."""
    mkdocs = venv / "bin" / "mkdocs"
    if not mkdocs.exists():
        print(f"（跳过 mkdocs-to-pdf：{mkdocs} 不存在）")
        return None
    from generator.site.tree import write_tree
    from generator.sources.loader import load_corpus

    site = root / "peer"
    docs = site / "docs"
    write_tree(load_corpus(root), root / "peer-tree")
    (docs / "cases").mkdir(parents=True)
    for page in sorted((root / "peer-tree" / "cases").glob("r*.md")):
        shutil.copyfile(page, docs / "cases" / page.name)
    (docs / "index.md").write_text("# 警示教育案例汇编\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text(
        "site_name: 警示教育案例汇编\n"
        "plugins:\n  - to-pdf:\n      cover_title: 警示教育案例汇编\n      toc_level: 2\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    subprocess.run([str(mkdocs), "build", "-q"], cwd=site, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    pdfs = list((site / "site").rglob("*.pdf"))
    if not pdfs:
        print("（mkdocs-to-pdf 没有生成 PDF）")
        return None
    from pypdf import PdfReader

    return seconds, len(PdfReader(pdfs[0]).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=250)
    parser.add_argument("--workers", type=int, default=None, help="进程数，默认 CPU 核数")
    parser.add_argument("--peer", type=Path, help="装有 mkdocs-to-pdf 的虚拟环境（可选）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_root(REPO, Path(tmp) / "root")
        shutil.rmtree(root / "tests", ignore_errors=True)
        synthesize(root, args.cases)
        load, seconds, rendered = ours(root, Path(tmp) / "pdf", args.workers)
        measured = peer(args.peer, root) if args.peer else None

    pages = sum(r.pages for r in rendered)
    print(f"案例数：{args.cases}；手册 {len(rendered)} 个文件")
    for r in rendered:
        print(f"  {r.filename:<28} {r.pages:>4} 页  {r.size:>8}  {r.seconds:5.1f} 秒")
    print(f"加载校验：{load:.1f} 秒")
    print(f"qinglian 全部手册：{seconds:.1f} 秒，{pages} 页，{pages / seconds:.1f} 页/秒")
    ref_s, ref_p = REFERENCE
    print(f"参照 mkdocs-to-pdf（本机实测记录）：{ref_s} 秒，{ref_p} 页，{ref_p / ref_s:.1f} 页/秒")
    if measured:
        s, p = measured
        print(f"mkdocs-to-pdf 本次实测：{s:.1f} 秒，{p} 页，{p / s:.1f} 页/秒")


if __name__ == "__main__":
    main()

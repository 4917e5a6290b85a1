"""Benchmark: the site build and its search on synthetic corpora of many cases.

Reports, in one run:
  - for 100 and 1,000 cases (``--cases``): our site build (load + validate + tree + MkDocs +
    search index) against the floor — plain ``mkdocs build`` of the case bodies alone (one page
    per case, same theme and extensions, no nav entries, no plugins) — and how both grow;
  - where our build's CPU time goes (``--breakdown``, in this process, one stage after the
    other: loading and validating the sources, writing the Markdown tree, MkDocs, the index);
  - for 1,000 and 10,000 cases (``--query-cases``): the bytes one query fetches (the heaviest of
    the search tests' terms, and apart of the everyday phrases ``tests/search_helpers.PHRASES``;
    first 10 results, search.js included), and at the first size the time from typing to the
    first result with the CPU throttled 4× (a mid-range phone) and of the query alone.

Usage: .venv/bin/python bench/site_build.py [--cases 100,1000] [--query-cases 1000,10000]
       [--breakdown] [--repeat 3] [--dir /dev/shm]
Run it under ``nice`` on a busy machine and compare the CPU figures: wall time there measures
the other load as much as the build (the build uses a second core while MkDocs runs: the index
worker indexes written pages).
``--dir`` puts the corpora and the sites elsewhere than the system's temporary folder, e.g. on
a RAM disk: on a virtual machine whose disk makes creating a file cost a millisecond at times,
the time both builds spend creating files (ours writes the search index's ~1,400 files besides
the pages) swamps the time they compute.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.served_site import searched  # noqa: E402
from tests.conftest import copy_root  # noqa: E402
from tests.search_helpers import PHRASES, TERMS  # noqa: E402
from tests.synth import synthesize  # noqa: E402


def make_root(tmp: Path, n: int) -> Path:
    root = copy_root(REPO, tmp / f"root-{n}")
    shutil.rmtree(root / "tests", ignore_errors=True)
    synthesize(root, n)
    return root


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*args, **kwargs) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process."""
    start, cpu = time.perf_counter(), _child_cpu()
    subprocess.run(*args, **kwargs)
    return time.perf_counter() - start, _child_cpu() - cpu


def ours(root: Path, bin_dir: Path) -> tuple[float, float]:
    return timed(
        [str(bin_dir / "qinglian"), "build", "--only", "site", "--out", "out"],
        cwd=root,
        check=True,
        capture_output=True,
    )


def floor(root: Path, bin_dir: Path) -> tuple[float, float]:
    """Plain ``mkdocs build`` of the case bodies alone."""
    from generator.sources.loader import load_corpus

    corpus = load_corpus(root)
    work = root / "floor"
    docs = work / "docs"
    (docs / "cases").mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    for case in corpus.cases:
        text = f"# {case.title}\n\n{case.body}\n"
        (docs / "cases" / f"{case.id}.md").write_text(text, encoding="utf-8")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(plugins=[], nav=[{"首页": "index.md"}], not_in_nav="/cases/*.md\n")
    config.pop("extra_css", None)
    config.pop("extra_javascript", None)
    (work / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return timed(
        [str(bin_dir / "mkdocs"), "build", "-q", "-f", str(work / "mkdocs.yml")],
        check=True,
        capture_output=True,
    )


def _median(values) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def breakdown(root: Path) -> str:
    """CPU seconds of each stage of our site build, run here one after the other (MkDocs with
    the pages handed over in memory; the index in this process)."""
    from generator.site import engine
    from generator.site.tree import SiteExtras
    from generator.sources.loader import load_corpus

    def cpu() -> float:
        return time.process_time() + _child_cpu()

    laps, last = [], cpu()

    def lap(name: str) -> None:
        nonlocal last
        now = cpu()
        laps.append(f"{name} {now - last:.1f}")
        last = now

    corpus = load_corpus(root)
    lap("读取与校验")
    with tempfile.TemporaryDirectory(dir=root.parent) as tmp:
        work = Path(tmp)
        writer, config = engine.prepare(corpus, work, SiteExtras(), pages=True)
        lap("生成 Markdown")
        engine.run_mkdocs(config, pages=writer.pages)
        lap("MkDocs")
        engine.index_site(corpus, work / "site", writer)
        lap("搜索索引")
    return "、".join(laps)


def throttled_page(browser, url: str):
    """A new page with the CPU throttled 4× (a mid-range phone), opened at ``url``."""
    page = browser.new_page()
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url)
    return page


def query_figures(site: Path, throttle: bool) -> list[tuple]:
    """Per kind of query (the search tests' terms, everyday phrases): (kind, bytes of the
    heaviest query, that query, at 4× throttling (ms from typing to the first results shown in
    the header, ms of the query alone in the page) or None)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    figures = []
    with searched(site) as (base, browser, ask):
        for kind, queries, typed in (
            ("词语", TERMS, "开单提成"),
            ("日常说法", [q for q, _ in PHRASES], "医药代表吃饭"),
        ):
            worst, worst_q, first_ms = 0, "", None
            for q in queries:
                size = ask(q)[1]
                if size > worst:
                    worst, worst_q = size, q
            if throttle:  # a fresh page: nothing loaded yet
                fresh = throttled_page(browser, base + "cases/")
                box = fresh.locator("header input[type=search]")
                start = time.perf_counter()
                box.fill(typed)
                try:
                    fresh.locator("header [data-search-results] a[href]").first.wait_for(
                        timeout=10_000
                    )
                    first_ms = (time.perf_counter() - start) * 1000
                except PlaywrightTimeout:  # no result for it (the search before phrases)
                    first_ms = float("nan")
                fresh.close()
                # the query alone, timed in the page (no typing, no 120 ms pause, no driver)
                fresh = throttled_page(browser, base + "cases/")
                in_page = fresh.evaluate(
                    "async (q) => { const t = performance.now();"
                    " await new qlSearch.Query(q).more(8); return performance.now() - t; }",
                    typed,
                )
                fresh.close()
                first_ms = (first_ms, in_page)
            figures.append((kind, worst, worst_q, first_ms))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="100,1000")
    parser.add_argument("--query-cases", default="1000,10000")
    parser.add_argument("--breakdown", action="store_true", help="CPU seconds per stage")
    parser.add_argument(
        "--repeat", type=int, default=1, help="builds of each, alternating; medians are shown"
    )
    parser.add_argument("--dir", help="where to build (default: the system's temporary folder)")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    sizes = [int(n) for n in args.cases.split(",") if n]
    query_sizes = [int(n) for n in args.query_cases.split(",") if n]
    lines = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        built: dict[int, Path] = {}
        times = {}
        for n in sorted(set(sizes) | set(query_sizes)):
            root = make_root(Path(tmp), n)
            runs = []
            for _ in range(max(1, args.repeat) if n in sizes else 1):
                shutil.rmtree(root / "out", ignore_errors=True)  # (replacing it is not timed)
                runs.append(ours(root, bin_dir))
                if n in sizes:
                    shutil.rmtree(root / "floor", ignore_errors=True)
                    runs[-1] += floor(root, bin_dir)
            t_ours, c_ours = _median(r[0] for r in runs), _median(r[1] for r in runs)
            built[n] = root / "out" / "site"
            if n in sizes:
                t_floor, c_floor = _median(r[2] for r in runs), _median(r[3] for r in runs)
                times[n] = (t_ours, t_floor)
                lines.append(
                    f"{n} 个案例：qinglian 站点构建 {t_ours:.1f} 秒（CPU {c_ours:.1f} 秒），"
                    f"下限（纯 mkdocs build 案例正文） {t_floor:.1f} 秒（CPU {c_floor:.1f} 秒），"
                    f"比值 {t_ours / t_floor:.2f}×（CPU {c_ours / c_floor:.2f}×）"
                )
                if len(runs) > 1:  # on a noisy machine the least disturbed run of each
                    best, best_floor = min(r[0] for r in runs), min(r[2] for r in runs)
                    lines.append(
                        f"  {len(runs)} 次中最快：{best:.1f} 秒对 {best_floor:.1f} 秒，"
                        f"比值 {best / best_floor:.2f}×"
                    )
                if args.breakdown:
                    lines.append(f"  其中（CPU 秒，依次运行）：{breakdown(root)}")
            else:
                lines.append(
                    f"{n} 个案例：qinglian 站点构建 {t_ours:.1f} 秒（CPU {c_ours:.1f} 秒）"
                )
        if len(times) >= 2:
            (a, (oa, fa)), (b, (ob, fb)) = sorted(times.items())[0], sorted(times.items())[-1]
            lines.append(
                f"从 {a} 到 {b} 个案例（{b / a:.0f} 倍）：qinglian 用时增长 {ob / oa:.1f} 倍，"
                f"下限增长 {fb / fa:.1f} 倍"
            )
        for i, n in enumerate(query_sizes):
            for kind, worst, q, first_ms in query_figures(built[n], throttle=i == 0):
                line = f"{n} 个案例，{kind}：单次查询最多下载 {worst / 1e3:.0f} KB（{q}）"
                if first_ms is not None:
                    line += (
                        f"；CPU 降速 4× 时从输入到首个结果 {first_ms[0]:.0f} 毫秒"
                        f"（查询本身 {first_ms[1]:.0f} 毫秒）"
                    )
                lines.append(line)
    print("\n".join(lines))


if __name__ == "__main__":
    main()

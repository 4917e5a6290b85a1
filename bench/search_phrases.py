"""Benchmark: everyday phrases (tests/search_helpers.PHRASES) on the shipped site's search.

Builds the repository's own content (site only) unless ``--site`` names a built site, then runs
every phrase (and, apart, ``HELD_OUT_PHRASES``: written after the glossary, never used to tune it)
through the browser-side engine and reports: phrases that find nothing, phrases whose
expected page is among the first five results, and the bytes the heaviest phrase fetches.

Usage: .venv/bin/python bench/search_phrases.py [--site dist/site] [--dir /dev/shm] [--list]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.served_site import searched  # noqa: E402
from tests.conftest import copy_root  # noqa: E402
from tests.search_helpers import HELD_OUT_PHRASES, PHRASES  # noqa: E402


def run(site: Path, show: bool) -> list[str]:
    lines = []
    for label, phrases in (
        ("日常说法", PHRASES),
        ("留作检验的说法（未用于编写词表）", HELD_OUT_PHRASES),
    ):
        lines += run_list(site, show, label, phrases)
    return lines


def run_list(site: Path, show: bool, label: str, phrases) -> list[str]:
    empty, top5, worst, worst_q, lines = 0, 0, 0, "", []
    with searched(site) as (_, _, ask):
        for phrase, want in phrases:
            got, size = ask(phrase)
            if size > worst:
                worst, worst_q = size, phrase
            empty += not got
            rank = got.index(want) + 1 if want in got else 0
            top5 += 0 < rank <= 5
            if show:
                lines.append(f"  {phrase}: {len(got)} 个结果，期望页面排第 {rank or '—'}")
    n = len(phrases)
    lines.append(
        f"{n} 个{label}：{empty} 个一无所获，{top5} 个的期望页面在前 5 名；"
        f"最重的一个（{worst_q}）下载 {worst / 1e3:.0f} KB"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", help="a built site (default: build the shipped content)")
    parser.add_argument("--dir", help="where to build (default: the system's temporary folder)")
    parser.add_argument("--list", action="store_true", help="one line per phrase")
    args = parser.parse_args()
    if args.site:
        print("\n".join(run(Path(args.site), args.list)))
        return
    from generator.build import build

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = copy_root(REPO, Path(tmp) / "root")
        shutil.rmtree(root / "tests", ignore_errors=True)
        build(root, root / "dist", only="site")
        print("\n".join(run(root / "dist" / "site", args.list)))


if __name__ == "__main__":
    main()

"""Benchmark: the site build on a synthetic corpus of many cases.

Reports, for N cases (default 1,000):
  - qinglian's site build (load + validate + Markdown tree + MkDocs + UTF-8 index rewrite);
  - plain ``mkdocs build`` of the same generated tree (what MkDocs alone costs);
  - plain ``mkdocs build`` of the same tree with every case listed in the sidebar nav (the naive
    layout DESIGN.md warns about), and the size of the resulting sites.

Usage: .venv/bin/python bench/site_build.py [--cases 1000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import copy_root  # noqa: E402


def synthesize(root: Path, n: int) -> None:
    """Replace cases/ with n cases made from the shipped ones (new ids, dates, departments)."""
    sources = sorted((REPO / "cases").glob("*.md"))
    taxonomy = yaml.safe_load((root / "site_config/taxonomy.yml").read_text(encoding="utf-8"))
    departments = [d["name"] for d in taxonomy["departments"]]
    shutil.rmtree(root / "cases")
    (root / "cases").mkdir()
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        meta, body = text.split("\n---\n", 1)
        data = yaml.safe_load(meta.removeprefix("---\n"))
        data["id"] = f"{data['id']}-{i:04d}"
        data["title"] = f"{data['title']}（{i + 1}）"
        data["date"] = f"{2019 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        data["department"] = departments[i % len(departments)]
        head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "cases" / f"{data['id']}.md").write_text(
            f"---\n{head}---\n{body}", encoding="utf-8"
        )


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def mkdocs_build(root: Path, config: dict, name: str, bin_dir: Path) -> float:
    """Seconds for plain ``mkdocs build`` of ``config`` into ``root/name``."""
    (root / f"mkdocs-{name}.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    start = time.perf_counter()
    subprocess.run(
        [str(bin_dir / "mkdocs"), "build", "-q", "-f", f"mkdocs-{name}.yml", "-d", name],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_root(REPO, Path(tmp) / "root")
        shutil.rmtree(root / "tests", ignore_errors=True)
        synthesize(root, args.cases)
        ours = timed([str(bin_dir / "qinglian"), "build", "--only", "site", "--out", "out"], root)
        site = root / "out" / "site"
        index = site / "search" / "search_index.json"
        ours_size, index_size = size_mb(site), index.stat().st_size / 1e6

        # Plain MkDocs on the very same generated tree: the same config without our plugin (so
        # nothing is regenerated and the search index stays as MkDocs writes it).
        config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
        config["plugins"] = [p for p in config["plugins"] if p != "qinglian"]
        plain = mkdocs_build(root, config, "plain", bin_dir)

        # The naive layout: every case in the sidebar.
        cases = sorted(p.name for p in (root / "build/docs/cases").glob("r*.md"))
        for entry in config["nav"]:
            if "警示案例" in entry:
                entry["警示案例"].append({"全部案例": [f"cases/{name}" for name in cases]})
        naive = mkdocs_build(root, config, "naive", bin_dir)
        naive_size = size_mb(root / "naive")

    print(f"案例数：{args.cases}")
    print(
        f"qinglian 站点构建（含加载校验、生成、UTF-8 索引）：{ours:.1f} 秒，站点 {ours_size:.1f} MB，搜索索引 {index_size:.1f} MB"
    )
    print(f"同一目录树的纯 mkdocs build：{plain:.1f} 秒（qinglian / mkdocs = {ours / plain:.2f}）")
    print(
        f"案例全部列入侧边栏的 mkdocs build：{naive:.1f} 秒，站点 {naive_size:.1f} MB（naive / qinglian = {naive / ours:.1f}×）"
    )


if __name__ == "__main__":
    main()

"""Benchmark: how soon `qinglian serve` shows a saved case edit, next to a full site build.

Builds a synthetic corpus of N cases (default 1,000), starts `qinglian serve` on a free port,
changes one sentence of one case, and polls that case's page (and the rule page listing it) until
the new text is served. Reports the latency of three edits and the time of a full site build.

Usage: .venv/bin/python bench/serve_latency.py [--cases 1000]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import copy_root  # noqa: E402
from tests.synth import synthesize  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float = 120) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if text in get(url):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{url} never showed {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_root(REPO, Path(tmp) / "root")
        shutil.rmtree(root / "tests", ignore_errors=True)
        synthesize(root, args.cases)
        start = time.perf_counter()
        subprocess.run(
            [str(bin_dir / "qinglian"), "build", "--only", "site", "--out", "out"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        full = time.perf_counter() - start

        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen(
            [
                str(
                    bin_dir / "qinglian",
                ),
                "serve",
                "--addr",
                f"127.0.0.1:{port}",
            ],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            first = wait_for(base, "清廉知识库", timeout=300)
            case = sorted((root / "cases").glob("r8-*.md"))[0]
            url = base + f"cases/{case.stem}/"
            latencies = []
            for n in range(3):
                time.sleep(1.5)  # let the previous rebuild settle
                marker = f"编辑标记{n}号"
                text = case.read_text(encoding="utf-8")
                case.write_text(
                    text.replace("## 基本案情\n", f"## 基本案情\n\n{marker}。\n", 1), "utf-8"
                )
                latencies.append(wait_for(url, marker))
        finally:
            server.terminate()
            server.wait(timeout=30)

    print(f"案例数：{args.cases}")
    print(f"完整站点构建（qinglian build --only site）：{full:.1f} 秒")
    print(f"qinglian serve 启动到首页可访问：{first:.1f} 秒")
    shown = "、".join(f"{s:.2f}" for s in latencies)
    print(f"保存一个案例后预览显示新内容：{shown} 秒（最慢 {max(latencies):.2f} 秒，目标 ≤ 2 秒）")


if __name__ == "__main__":
    main()

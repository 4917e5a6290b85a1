"""``qinglian pdf [NAME…] [--out DIR]``: the handbooks of site_config/handbooks.yml.

Registered by ``generator.cli._extend``; the library (handbooks.render_all) knows nothing of the
terminal.
"""

from __future__ import annotations

import time
from pathlib import Path


def register(sub, root_opt) -> None:
    p = sub.add_parser(
        "pdf",
        parents=[root_opt],
        help="排印 site_config/handbooks.yml 中的 PDF 手册",
        description="按 site_config/handbooks.yml 排印 PDF 手册，多进程并行，逐个文件报告页数、大小和用时。",
    )
    p.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="只排印这些手册（手册编号，如 jiuxiang；或文件名，如 risks-pharmacy）；不填则全部",
    )
    p.add_argument("--out", type=Path, default=Path("dist/pdf"), help="输出目录，默认 dist/pdf")
    p.add_argument("--jobs", type=int, default=None, help="并行进程数，默认为 CPU 核数")
    p.set_defaults(func=cmd_pdf)


def cmd_pdf(args) -> int:
    from ..pdf.handbooks import render_all
    from ..sources.loader import load_corpus
    from ..terminal import console, progress_factory

    started = time.perf_counter()
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    corpus = load_corpus(args.root)
    rendered = render_all(
        corpus, out, progress=progress_factory(), names=args.names or None, workers=args.jobs
    )
    if not rendered:
        console.print("没有需要排印的手册：site_config/handbooks.yml 不存在或没有可排印的内容。")
        return 0
    for item in rendered:
        console.print(file_line(item))
    pages = sum(item.pages for item in rendered)
    seconds = time.perf_counter() - started
    console.print(
        f"共 {len(rendered)} 个文件，{pages} 页 → {out}，用时 {seconds:.1f} 秒"
        f"（{pages / seconds:.0f} 页/秒）。"
    )
    return 0


def file_line(item) -> str:
    """One line per PDF: name, pages, size and, when known, seconds."""
    line = f"手册：{item.filename}  {item.pages} 页  {item.size}"
    seconds = getattr(item, "seconds", None)
    return f"{line}  {seconds:.1f} 秒" if seconds else line

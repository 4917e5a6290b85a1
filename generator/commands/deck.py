"""``qinglian deck [--out DIR] [--cases ID,…]``: training slides (PPTX) from the Corpus.

Registered by ``generator.cli._extend``. Slides hold only published content (rules, cases), so
they may go under dist/ (default ``dist/deck``).
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape


def register(sub, root_opt) -> None:
    p = sub.add_parser(
        "deck",
        parents=[root_opt],
        help="生成培训课件（PPTX）：每条准则一套，另有一套警示教育课件",
        description="按九项准则逐条生成课件（准则原文、释义要点、红线清单、两个案例、讨论题、"
        "二维码），另生成一套警示教育课件；16:9，含医院名称和标志，每页附讲稿（备注）。",
    )
    p.add_argument("--out", type=Path, default=Path("dist/deck"), help="输出目录，默认 dist/deck")
    p.add_argument(
        "--cases",
        metavar="ID,…",
        help="警示教育课件选用的案例编号（逗号分隔，按给出的顺序）；不填则取各条最新的案例（至多 6 个）",
    )
    p.set_defaults(func=cmd_deck)


def cmd_deck(args) -> int:
    from ..deck.decks import write_decks
    from ..sources.loader import load_corpus
    from ..terminal import console

    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    cases = (
        [c.strip() for c in args.cases.replace("，", ",").split(",") if c.strip()]
        if args.cases
        else None
    )
    corpus = load_corpus(args.root)
    report = write_decks(corpus, out, cases)
    for deck in report.decks:
        console.print(f"课件：{escape(deck.filename)}  {deck.slides} 页  {deck.size / 1024:.0f} KB")
    console.print(
        f"共 {len(report.decks)} 套课件 → {escape(str(report.folder))}，用时 {report.seconds:.1f} 秒。"
    )
    return 0

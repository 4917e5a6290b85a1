"""The ``qinglian`` command: argument parsing and the error boundary (errors → Chinese messages,
exit codes). Subcommands live in ``commands/``; console output in ``terminal.py``."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from rich.markup import escape

from . import __version__
from .errors import ConfigError, QinglianError, ValidationError
from .terminal import (
    console,
    describe_os_error,
    err,
    print_problems,
    print_reminder,
    progress_factory,
    write_crash_log,
)

INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE


def cmd_check(args) -> int:
    from .exam.draw import feasibility_problems
    from .sources.checks import suggested_rules
    from .sources.content_rules import check_content
    from .sources.loader import load_corpus

    corpus = load_corpus(args.root)
    content = check_content(corpus)
    problems = feasibility_problems(corpus) + content.errors
    if problems:
        exc = ValidationError(problems)
        print_problems(exc)
    warnings = content.warnings + suggested_rules(corpus)
    for warning in warnings:
        print_reminder(warning)
    if warnings:
        err.print(f"另有 {len(warnings)} 条提醒（不影响通过），请编辑逐条查看。")
    if problems:
        return exc.exit_code
    console.print(
        f"检查通过：九项准则 {len(corpus.rules)} 条，案例 {len(corpus.cases)} 个，故事 {len(corpus.stories)} 个，"
        f"风险台账 {len(corpus.risks)} 个科室，题库 {len(corpus.banks)} 个（{len(corpus.questions)} 题），"
        f"考试 {len(corpus.exams)} 场。"
    )
    return 0


def cmd_build(args) -> int:
    from .build import build

    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    report = build(args.root, out, only=args.only, progress=progress_factory(), engine=args.engine)
    site = report.site
    if site:
        for warning in site.warnings:
            err.print(f"[yellow]站点警告[/]：{escape(warning)}")
        line = f"站点：{site.pages} 个页面 → {out / 'site'}"
        if site.index:
            i = site.index
            line += (
                f"；搜索索引 {i.pages} 页、{i.shards} 个分片，共 {i.total_bytes / 1e6:.2f} MB"
                f"（最大分片 {i.max_shard_bytes / 1e3:.0f} KB）"
            )
        console.print(line)
    if report.downloads:
        from .commands.pdf import file_line

        for d in report.downloads:
            console.print(file_line(d))
    if report.offline:
        size = report.offline.stat().st_size / 1e6
        console.print(
            f"离线版（U 盘、共享盘可用）：{report.offline}（{size:.1f} MB，解压后打开 index.html）"
        )
    if args.only == "pdf":
        console.print("站点未重新生成：资料下载页仍是上次的版本，运行 qinglian build 可一并更新。")
    console.print(f"构建完成，用时 {report.seconds:.1f} 秒。")
    return 0


def cmd_serve(args) -> int:
    from .site.preview import serve

    console.print(f"预览地址：http://{args.addr}/ （修改源文件后自动刷新，按 Ctrl+C 停止）")
    try:
        serve(
            args.root,
            args.addr,
            on_problems=print_problems,
            on_warning=lambda w: err.print(f"[yellow]站点警告[/]：{escape(w)}"),
        )
    except OSError as exc:
        raise ConfigError(
            f"无法在 {args.addr} 启动预览：{exc.strerror}（换一个端口：--addr 127.0.0.1:8001）"
        ) from None
    return 0


def cmd_schema(args) -> int:
    from .schema_export import write_schemas

    for path in write_schemas(args.out):
        console.print(f"已写出 {path}")
    return 0


def cmd_new(args) -> int:
    from .scaffold import new_item

    path = new_item(args.root, args.kind, args)
    done = "已在末尾添加一道题目：" if args.kind == "question" else "已创建 "
    console.print(f"{done}{path}，请补全内容后运行 qinglian check。")
    return 0


def _root_option(default) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--root",
        type=Path,
        default=default,
        help="内容根目录（含 content/ cases/ quizzes/ site_config/ mkdocs.yml），默认当前目录",
    )
    return parent


def make_parser() -> argparse.ArgumentParser:
    # --root works before or after the subcommand: the subcommands' copy has no default of its
    # own (SUPPRESS), so it only overrides the top-level value when given.
    parser = argparse.ArgumentParser(
        prog="qinglian",
        description="清廉：医院廉洁从业教育知识库工具",
        parents=[_root_option(Path("."))],
    )
    root_opt = _root_option(argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"qinglian {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="出现内部错误时直接显示完整的错误信息（供开发者排查）"
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    p = sub.add_parser("check", parents=[root_opt], help="检查所有源文件，列出全部问题")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("build", parents=[root_opt], help="生成站点和 PDF 手册到 dist/")
    p.add_argument("--out", type=Path, default=Path("dist"), help="输出目录，默认 dist")
    p.add_argument(
        "--only",
        choices=["site", "pdf"],
        help="只生成站点（沿用上次的 PDF）或只生成 PDF（站点不变）",
    )
    p.add_argument(
        "--engine",
        choices=["mkdocs", "zensical"],
        default="mkdocs",
        help="站点引擎：mkdocs（默认，Material for MkDocs）或 zensical（试用）",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", parents=[root_opt], help="本地预览站点，修改源文件后自动刷新")
    p.add_argument("--addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schema", parents=[root_opt], help="导出供编辑器使用的 JSON Schema")
    p.add_argument("--out", type=Path, default=Path("build/schema"), help="输出目录")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("new", parents=[root_opt], help="新建案例、故事或题目的模板")
    p.add_argument("kind", choices=["case", "story", "question"], help="要新建的内容类型")
    p.add_argument("--id", help="编号（小写字母、数字、连字符）；不填则自动生成")
    p.add_argument("--title", default="", help="标题")
    p.add_argument("--rule", type=int, choices=range(1, 10), metavar="1-9", help="涉及的准则条款")
    p.add_argument("--bank", help="题目所属题库编号（new question）")
    p.add_argument(
        "--type",
        default="single",
        choices=["single", "multiple", "judge", "fill"],
        help="题型（new question）",
    )
    p.set_defaults(func=cmd_new)

    _extend(sub, root_opt)
    return parser


def _extend(sub, root_opt) -> None:
    """The products' subcommands (``commands/``) register themselves here."""
    from .commands import deck as deck_cli
    from .commands import exam as exam_cli
    from .commands import importing as import_cli
    from .commands import pdf as pdf_cli
    from .commands import quiz as quiz_cli

    for module in (pdf_cli, quiz_cli, deck_cli, exam_cli, import_cli):
        module.register(sub, root_opt)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    try:
        return args.func(args)
    except ValidationError as exc:
        print_problems(exc)
        return exc.exit_code
    except ConfigError as exc:
        err.print(f"[bold red]错误[/]：{escape(str(exc))}")
        return exc.exit_code
    except QinglianError as exc:
        err.print(f"[bold red]构建失败[/]：{escape(str(exc))}")
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("已中断。")
        return 130
    except OSError as exc:
        # Permissions, a full disk, a missing folder: the user's machine, not our bug.
        err.print(f"[bold red]错误[/]：{escape(describe_os_error(exc))}")
        return 1
    except Exception:
        if args.debug:
            raise
        log = write_crash_log()
        err.print(
            "[bold red]内部错误[/]：这是 qinglian 的缺陷，不是您的操作问题。"
            f"完整的错误信息已写入 {escape(str(log))}，请连同它一起报告；加 --debug 可直接显示。"
        )
        return INTERNAL_ERROR_EXIT


def run() -> None:
    """The console script ``qinglian``: ``main`` and exit with its code.

    Everything a command made dies with the process, so the interpreter's last full garbage
    collection at exit only walks it: for a site of a thousand cases (pages, Markdown parsers,
    templates) about 0.3 s of a 4 s build. ``gc.freeze`` moves every object out of the
    collector's reach first; memory is returned by the process ending, as it would be anyway.
    (Not in ``main``, which tests call many times in one process.)
    """
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()

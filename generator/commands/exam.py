"""``qinglian exam open | serve | export | admin``: the intranet exam service (DESIGN.md).

Registered by ``generator/cli.py`` (``_extend``). Django is configured here, per command, from the
options (``--db``, ``--root``) and the environment (see ``generator/service/settings.py``).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from rich.markup import escape

from ..errors import ConfigError
from .quiz import _not_in_dist, _shown

DB_HELP = (
    "数据库：默认 内容根目录/private/exam.sqlite3；集团多院区用 postgresql://用户:密码@主机:端口/库名"
    "（也可用环境变量 QINGLIAN_DB）"
)


def register(sub, root_opt: argparse.ArgumentParser) -> None:
    exam = sub.add_parser("exam", help="在线考试：开设考试、发放考试码、运行考试服务、导出答卷")
    commands = exam.add_subparsers(dest="exam_command", metavar="子命令", required=True)

    p = commands.add_parser(
        "open",
        parents=[root_opt],
        help="按考试配置和名单开设（或扩充）一场在线考试，生成考试码 codes.csv 和 codes.pdf",
        description="抽题与 quiz paper 相同；每人一个一次性考试码（数据库只存其散列值）。"
        "再次运行只为名单中的新人发码，已有的考试码和答案不变。",
    )
    p.add_argument("exam", type=Path, metavar="EXAM.yml", help="考试配置文件（需有 online: 设置）")
    p.add_argument(
        "--roster",
        type=Path,
        required=True,
        metavar="名单",
        help="名单：.xlsx 或 .csv，列 工号、姓名、科室",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument(
        "--out",
        type=Path,
        help="考试码输出目录（其下生成 <考试编号>/codes.csv、codes.pdf），默认 内容根目录/private；不能放在 dist/ 下",
    )
    p.add_argument("--url", help="考试网址（考试码条上的二维码），默认取考试文件的 online.url")
    p.set_defaults(func=cmd_open)

    p = commands.add_parser(
        "serve",
        parents=[root_opt],
        help="运行考试服务（考生页面与培训员管理页），默认 127.0.0.1:8080",
        description="生产用 WSGI 服务器（gunicorn，多个工作进程）。放在 nginx 之后提供 HTTPS 时加 --https。",
    )
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--addr", default="127.0.0.1:8080", help="监听地址，默认 127.0.0.1:8080")
    p.add_argument(
        "--workers", type=int, default=0, help="工作进程数，默认 CPU 核数 × 2 + 1（最多 9）"
    )
    p.add_argument(
        "--https",
        action="store_true",
        help="经 HTTPS 提供（nginx 终止 TLS 并设置 X-Forwarded-Proto）：Cookie 只经 HTTPS 发送",
    )
    p.set_defaults(func=cmd_serve)

    p = commands.add_parser(
        "export",
        parents=[root_opt],
        help="导出一场考试的答卷（answers.csv，答题卡格式）和 key.json，可用 quiz grade 评分",
    )
    p.add_argument("exam_id", metavar="EXAM_ID", help="考试编号")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--out", type=Path, required=True, help="输出目录；不能放在 dist/ 下")
    p.set_defaults(func=cmd_export)

    p = commands.add_parser(
        "admin", parents=[root_opt], help="创建培训员账号或重设其密码（登录 /trainer/ 管理页）"
    )
    p.add_argument("name", metavar="NAME", help="用户名")
    p.add_argument("--db", help=DB_HELP)
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（不提示）")
    p.set_defaults(func=cmd_admin)


def _setup(args, https: bool = False) -> None:
    from ..service.config import setup

    setup(args.db, args.root / "private", https=https)


def cmd_open(args) -> int:
    from ..exam.paper import exam_root
    from ..service.sitting import open_sitting, plan_sitting
    from ..sources.loader import load_corpus
    from ..terminal import console

    root = exam_root(args.exam, args.root)
    args.root = root
    out = args.out if args.out is not None else root / "private"
    _not_in_dist(out)
    corpus = load_corpus(root)
    plan = plan_sitting(corpus, args.exam, args.roster, url=args.url)  # before any database
    _setup(args)
    report = open_sitting(corpus, plan, out)
    verb = "已开设考试" if report.created else "已扩充考试"
    console.print(
        f"{verb} {report.exam_id}：新增 {len(report.added)} 人"
        + (f"，原有 {report.kept + report.unlisted} 人不变" if not report.created else "")
        + "。"
    )
    if report.changed:
        console.print(f"已按考试文件更新：{'、'.join(report.changed)}。")
    if report.unlisted:
        console.print(
            f"[yellow]注意[/]：{report.unlisted} 人的考试码已不在 codes.csv 中（考试码只在发放时可见），"
            "未列入新的 codes.csv / codes.pdf。"
        )
    console.print(f"输出 → {escape(_shown(report.folder))}/")
    for name, pages in report.files:
        console.print(f"  {name}" + (f"  {pages} 页" if pages else ""))
    console.print("考试码是考试资料：请妥善保管，打印后分发，勿放入 dist/ 或网站。")
    return 0


def cmd_serve(args) -> int:
    from ..service.server import serve
    from ..terminal import console

    host, _, port = args.addr.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"监听地址“{args.addr}”格式不对，应为 主机:端口，如 127.0.0.1:8080")
    _setup(args, https=args.https)
    workers = args.workers or min(9, (os.cpu_count() or 1) * 2 + 1)
    scheme = "https" if args.https else "http"
    console.print(
        f"考试服务：{scheme}://{args.addr}/ （考生），{scheme}://{args.addr}/trainer/ （培训员）；"
        f"{workers} 个工作进程，按 Ctrl+C 停止。"
    )
    sys.stdout.flush()
    serve(host, int(port), workers)
    return 0


def cmd_export(args) -> int:
    from ..service.export import export
    from ..terminal import console, err

    _not_in_dist(args.out)
    _setup(args)
    report = export(args.exam_id, args.out)
    if not report.closed:
        err.print(
            f"[bold yellow]注意[/]：考试 {escape(args.exam_id)} 尚未结束，还有 {report.answering} 人正在作答、"
            f"{report.absent} 人尚未开始；导出的是此刻的答卷，作答中的人交卷前仍会修改答案。"
            "正式评分请在考试结束后（或在管理页“结束考试”后）重新导出。"
        )
    absent = "尚未开始" if not report.closed else "缺考"
    console.print(
        f"已导出 {args.exam_id}：{report.rows} 人的答卷，{absent} {report.absent} 人"
        f" → {escape(_shown(report.folder))}/：answers.csv、key.json、absent.csv"
    )
    console.print(
        f"评分：qinglian quiz grade {escape(_shown(report.folder / 'key.json'))} {escape(_shown(report.folder / 'answers.csv'))} --out 成绩目录"
    )
    return 0


def cmd_admin(args) -> int:
    from ..terminal import console

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ConfigError("没有终端可输入密码；请加 --password-stdin 从标准输入读取")
        password = getpass.getpass(f"为 {args.name} 设置密码：")
        if getpass.getpass("再输入一次：") != password:
            raise ConfigError("两次输入的密码不一致")
    _setup(args)
    from ..service.trainers import set_trainer

    created = set_trainer(args.name, password)
    console.print(
        f"{'已创建培训员' if created else '已重设密码：'} {escape(args.name)}。登录地址 /trainer/"
    )
    return 0

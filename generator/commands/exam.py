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
from ..terminal import shown_path
from .quiz import _not_in_dist

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
    p.add_argument(
        "--trainer",
        action="append",
        default=[],
        metavar="用户名",
        help="让这位培训员管理本场考试（可重复；账号用 exam admin 创建；管理员角色本来就能看到所有场次）",
    )
    p.set_defaults(func=cmd_open)

    p = commands.add_parser(
        "migrate",
        parents=[root_opt],
        help="建立或升级考试数据库的表结构（安装或升级后运行一次；exam open 也会运行）",
        description="考试服务（exam serve）从不自动改动表结构：多台服务器共用一个 PostgreSQL 时，"
        "由管理员在升级后运行一次本命令，再启动各台服务器。",
    )
    p.add_argument("--db", help=DB_HELP)
    p.set_defaults(func=cmd_migrate)

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
    p.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="地址",
        help="可信的反向代理地址（逗号分隔，默认 127.0.0.1,::1）：只有来自这些地址的连接，"
        "其 X-Forwarded-For / X-Forwarded-Proto 才被采信（也可用环境变量 QINGLIAN_FORWARDED_ALLOW_IPS）",
    )
    p.add_argument(
        "--allowed-hosts",
        default=None,
        metavar="主机名",
        help="服务应答的主机名（逗号分隔），如 exam.hospital.local；默认只有 localhost、127.0.0.1 "
        "和监听地址（也可用环境变量 QINGLIAN_ALLOWED_HOSTS）",
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
    p.add_argument(
        "--role",
        choices=["trainer", "admin"],
        help="trainer：只看分配给自己的场次（新账号默认）；admin：管理员，看到并管理所有场次",
    )
    p.add_argument(
        "--sitting",
        action="append",
        default=[],
        metavar="EXAM_ID",
        help="把这场考试分配给该培训员（可重复）",
    )
    p.add_argument(
        "--keep-password",
        action="store_true",
        help="只改角色或分配场次，不改密码（账号须已存在）",
    )
    p.set_defaults(func=cmd_admin)


def _setup(args, https: bool = False, migrate: bool = False) -> None:
    from ..service.config import setup

    setup(args.db, args.root / "private", https=https, migrate=migrate)


def cmd_migrate(args) -> int:
    from ..terminal import console

    _setup(args, migrate=True)
    console.print("数据库表结构已是最新。")
    return 0


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
    _setup(args, migrate=True)
    from ..service.trainers import check_trainers, grant

    check_trainers(args.trainer)
    report = open_sitting(corpus, plan, out)
    for name in args.trainer:
        grant(name, report.exam_id, by="qinglian exam open")
    verb = "已开设考试" if report.created else "已扩充考试"
    console.print(
        f"{verb} {report.exam_id}：新增 {len(report.added)} 人"
        + (f"，原有 {report.kept + report.unlisted} 人不变" if not report.created else "")
        + "。"
    )
    if report.changed:
        console.print(f"已按考试文件更新：{'、'.join(report.changed)}。")
    if args.trainer:
        console.print(f"管理本场考试的培训员：{escape('、'.join(args.trainer))}。")
    if report.unlisted:
        console.print(
            f"[yellow]注意[/]：{report.unlisted} 人的考试码已不在 codes.csv 中（考试码只在发放时可见），"
            "未列入新的 codes.csv / codes.pdf。"
        )
    console.print(f"输出 → {escape(shown_path(report.folder))}/")
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
    proxies = args.forwarded_allow_ips or os.environ.get("QINGLIAN_FORWARDED_ALLOW_IPS")
    os.environ["QINGLIAN_FORWARDED_ALLOW_IPS"] = proxies or "127.0.0.1,::1"
    hosts = args.allowed_hosts or os.environ.get("QINGLIAN_ALLOWED_HOSTS")
    if not hosts:
        bare = host.strip("[]")
        hosts = ",".join(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", bare]))
    os.environ["QINGLIAN_ALLOWED_HOSTS"] = hosts
    _setup(args, https=args.https)
    _warn_unlisted_hosts(hosts.split(","))
    workers = args.workers or min(9, (os.cpu_count() or 1) * 2 + 1)
    scheme = "https" if args.https else "http"
    console.print(
        f"考试服务：{scheme}://{args.addr}/ （考生），{scheme}://{args.addr}/trainer/ （培训员）；"
        f"{workers} 个工作进程，按 Ctrl+C 停止。应答的主机名：{escape(hosts)}；"
        f"可信代理：{escape(os.environ['QINGLIAN_FORWARDED_ALLOW_IPS'])}。"
    )
    sys.stdout.flush()
    serve(host, int(port), workers, os.environ["QINGLIAN_FORWARDED_ALLOW_IPS"])
    return 0


def _warn_unlisted_hosts(hosts: list[str]) -> None:
    """An exam URL (on the printed slips) whose host the service would refuse with 400."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    from ..service.models import Sitting
    from ..terminal import err

    for exam_id, url in Sitting.objects.filter(closed_at__isnull=True).values_list(
        "exam_id", "url"
    ):
        name = urlsplit(url).hostname or ""
        if name and not validate_host(name, [h.strip() for h in hosts]):
            err.print(
                f"[bold yellow]注意[/]：考试 {escape(exam_id)} 的网址 {escape(url)} 的主机名不在应答列表中，"
                f"考生打开会得到 400 错误；请加 --allowed-hosts {escape(name)}（或设置 QINGLIAN_ALLOWED_HOSTS）。"
            )


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
        f" → {escape(shown_path(report.folder))}/：answers.csv、key.json、absent.csv"
    )
    console.print(
        f"评分：qinglian quiz grade {escape(shown_path(report.folder / 'key.json'))} {escape(shown_path(report.folder / 'answers.csv'))} --out 成绩目录"
    )
    return 0


def cmd_admin(args) -> int:
    from ..terminal import console

    if args.keep_password:
        password = ""
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise ConfigError("没有终端可输入密码；请加 --password-stdin 从标准输入读取")
        password = getpass.getpass(f"为 {args.name} 设置密码：")
        if getpass.getpass("再输入一次：") != password:
            raise ConfigError("两次输入的密码不一致")
    _setup(args)
    from ..service.models import Sitting, no_such_sitting
    from ..service.trainers import grant, set_role, set_trainer

    unknown = [e for e in args.sitting if not Sitting.objects.filter(exam_id=e).exists()]
    if unknown:  # before the account is touched: nothing half-done
        raise no_such_sitting(unknown)
    if args.keep_password:
        set_role(args.name, args.role)
        created = False
    else:
        created = set_trainer(args.name, password, args.role)
    for exam_id in args.sitting:
        grant(args.name, exam_id, by="qinglian exam admin")
    what = "已创建" if created else ("已更新" if args.keep_password else "已重设密码：")
    role = "管理员（看到所有场次）" if args.role == "admin" else "培训员"
    console.print(f"{what}{role} {escape(args.name)}。登录地址 /trainer/")
    if args.sitting:
        console.print(f"可管理的场次：{escape('、'.join(args.sitting))}。")
    elif created and args.role != "admin":
        console.print(
            "这位培训员还没有分配场次：用 exam admin 用户名 --keep-password --sitting 考试编号，"
            "或 exam open … --trainer 用户名 分配。"
        )
    return 0

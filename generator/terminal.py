"""Console output shared by every subcommand: the two consoles, problem lists, progress bars.

The library never prints; only ``cli.py`` and ``commands/`` use this module.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path

from rich.console import Console

from .errors import Problem, ValidationError

console = Console(stderr=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(exc: ValidationError) -> None:
    for problem in exc.problems:
        err.print(str(problem), markup=False)
    err.print(f"[bold red]共 {len(exc.problems)} 个问题[/]，请逐条修改后再运行。")


def shown_path(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def print_reminder(problem: Problem) -> None:
    """A finding that does not fail the command (``check``'s warnings, the grader's notes):
    located as a problem is (``path:line: 提醒：…``, or ``path: 提醒：…`` for a whole file)."""
    err.print(str(replace(problem, message=f"提醒：{problem.message}")), markup=False)


def progress_factory():
    """A progress-bar factory on a terminal; None (quiet) in CI or when piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    def factory(description: str, total: int):
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
        return progress, progress.add_task(description, total=total)

    return factory


_OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已满",
    errno.ENOENT: "找不到文件或目录",
    errno.EROFS: "所在磁盘是只读的",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EEXIST: "已存在同名文件",
    errno.EADDRINUSE: "端口已被占用",
}


def describe_os_error(exc: OSError) -> str:
    """An OSError as one Chinese sentence naming the path: “无法写入 dist/…：没有权限”."""
    reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    paths = [p for p in (exc.filename, exc.filename2) if p]
    where = " → ".join(str(p) for p in paths)
    return f"无法读写 {where}：{reason}" if where else f"系统错误：{reason}"


def write_crash_log() -> Path:
    """The current exception's traceback in a file (for a bug report); returns its path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    fd, name = tempfile.mkstemp(prefix=f"qinglian-错误-{stamp}-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"qinglian {' '.join(sys.argv[1:])}\n\n")
        f.write(traceback.format_exc())
    return Path(name)

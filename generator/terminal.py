"""Console output shared by every subcommand: the two consoles, problem lists, progress bars.

The library never prints; only ``cli.py`` and ``commands/`` use this module.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console

from .errors import ValidationError

console = Console(stderr=False, highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(exc: ValidationError) -> None:
    for problem in exc.problems:
        err.print(str(problem), markup=False)
    err.print(f"[bold red]共 {len(exc.problems)} 个问题[/]，请逐条修改后再运行。")


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

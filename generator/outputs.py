"""Replace an output folder atomically: build beside it, then swap on success.

A failed build removes its temporary folder and leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield a fresh temporary folder next to ``out``; on normal exit it becomes ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}-new-{os.getpid()}"
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def carry_over(previous: Path, tmp: Path, name: str) -> None:
    """Keep ``previous/name`` in the new output when a partial build does not remake it."""
    src = previous / name
    if src.is_dir():
        shutil.copytree(src, tmp / name)

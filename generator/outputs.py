"""Write outputs beside their target, then move them in on success.

A failure removes the temporary folder or file and leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
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


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on normal exit it replaces ``path`` (mode 0644).

    Readers (a web server, a running preview) see the old file or the new one, never half of it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; published files must be readable by a web server
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def staged_files(out: Path, owned: Iterable[str]) -> Iterator[Path]:
    """Yield a temporary folder beside ``out`` for files that belong in ``out``.

    For a folder someone else names and keeps other files in (a trainer's grades folder): on
    normal exit each file written into the temporary folder is moved into ``out`` (created if
    needed), and each name in ``owned`` that was not written this time is removed from ``out``,
    so a stale file from an earlier run cannot mislead. Other files in ``out`` are left alone; on
    failure ``out`` is untouched. The temporary folder is removed either way.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        yield tmp
        out.mkdir(exist_ok=True)
        produced = {p.name for p in tmp.iterdir()}
        for name in sorted(produced):
            os.replace(tmp / name, out / name)
        for name in owned:
            if name not in produced:
                (out / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def carry_over(previous: Path, tmp: Path, name: str) -> None:
    """Keep ``previous/name`` in the new output when a partial build does not remake it."""
    src = previous / name
    if src.is_dir():
        shutil.copytree(src, tmp / name)


# Markers of a content root: its dist/ is what gets published.
_ROOT_MARKERS = ("mkdocs.yml", "site_config", "content")


def private_outputs(out: Path) -> Path:
    """``out``, checked as a place for exam papers, keys, codes, answers and scores: never under
    a content root's ``dist/``, which is published as a whole (DESIGN.md). Raises ConfigError."""
    from .errors import ConfigError

    out = Path(out).resolve()
    for folder in (out, *out.parents):
        root = folder.parent
        if folder.name == "dist" and any((root / m).exists() for m in _ROOT_MARKERS):
            raise ConfigError(
                f"{out}：试卷、答案、考试码和成绩不能放在 dist/ 下（dist/ 会整体发布到网站）；"
                "请换一个 --out 目录"
            )
    return out


@contextmanager
def staged_private_files(out: Path, owned: Iterable[str]) -> Iterator[Path]:
    """``staged_files`` for private outputs: ``out`` is checked first (``private_outputs``)."""
    with staged_files(private_outputs(out), owned) as tmp:
        yield tmp

"""Reading source files as text and splitting Markdown front matter, with located problems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .yaml_lines import LocatedYaml, parse_yaml

_BOUNDARY = re.compile(r"-{3,}\s*")


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a BOM is accepted); a non-UTF-8 file is a problem at its first bad line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 1, f"无法读取文件：{exc.strerror}")]
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(rel, line, "文件不是 UTF-8 编码（此行有无法识别的字节），请用 UTF-8 重新保存")
        ]


@dataclass
class MarkdownSource:
    meta: LocatedYaml
    body: str
    body_line: int  # file line of the body's first line; body line k is on body_line + k


def read_markdown(path: Path, rel: str) -> tuple[MarkdownSource | None, list[Problem]]:
    """A Markdown file with YAML front matter between two ``---`` lines."""
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    # Split by lines ourselves rather than with python-frontmatter: its split swallows blank lines
    # after the closing "---", which would shift every body line number we report.
    lines = text.split("\n")
    if not _BOUNDARY.fullmatch(lines[0]):
        return None, [
            Problem(rel, 1, "缺少 front matter：文件第一行应为 ---，随后是“键: 值”，再以 --- 结束")
        ]
    closing = next((i for i in range(1, len(lines)) if _BOUNDARY.fullmatch(lines[i])), None)
    if closing is None:
        return None, [Problem(rel, 1, "front matter 没有结束：缺少第二个 --- 行")]
    located, problems = parse_yaml("\n".join(lines[1:closing]), rel, line_offset=1)
    if located is None:
        return None, problems
    if located.data is None:
        return None, [Problem(rel, 1, "front matter 是空的")]
    body = "\n".join(lines[closing + 1 :])
    body_line = closing + 2  # 1-based line of the body's first line
    return MarkdownSource(located, body, body_line), []


def read_yaml(path: Path, rel: str) -> tuple[LocatedYaml | None, list[Problem]]:
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    located, problems = parse_yaml(text, rel)
    if located is not None and located.data is None:
        return None, [Problem(rel, 1, "文件是空的")]
    return located, problems

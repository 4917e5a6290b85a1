"""Markdown bodies split by their ``## 标题`` sections (rules and cases are written that way)."""

from __future__ import annotations

import re

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def split_sections(body: str) -> dict[str, str]:
    """A Markdown body's ``## 标题`` sections by title; text before the first is under ''."""
    parts = _SECTION.split(body)
    sections = {"": parts[0].strip()}
    for i in range(1, len(parts), 2):
        sections[parts[i].strip()] = parts[i + 1].strip()
    return sections

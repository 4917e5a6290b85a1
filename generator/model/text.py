"""Plain text from the Markdown of sources: for handbooks, slide decks and study plans, which show
a summary, a list or a date where the site shows the rendered page."""

from __future__ import annotations

import datetime as dt
import re


def date_cn(value: dt.date) -> str:
    """2024年5月10日."""
    return f"{value.year}年{value.month}月{value.day}日"


def first_paragraph(markdown: str) -> str:
    """The first paragraph that is not a heading, list, table, quote or admonition."""
    for block in re.split(r"\n\s*\n", markdown.strip()):
        block = block.strip()
        if block and not block.startswith(("#", "-", "*", "|", ">", "!!!")):
            return block
    return ""


def list_items(markdown: str) -> list[str]:
    """The items of the Markdown lists, as plain text."""
    return [plain_text(m) for m in re.findall(r"^\s*[-*]\s+(.+)$", markdown, re.MULTILINE)]


def plain_text(markdown: str) -> str:
    """Markdown without links' targets, emphasis and code marks, its lines joined."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return re.sub(r"\s*\n\s*", "", text).strip()


def clip(text: str, limit: int, stops: str = "。！？；") -> str:
    """At most ``limit`` characters, cut after a sentence (one of ``stops``) when one ends late
    enough, else at ``limit`` with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(p) for p in stops)
    if cut >= limit * 0.5:
        return head[: cut + 1]
    return head.rstrip("，、：；") + "……"


def quoted(text: str) -> str:
    """“text”, its own quotation marks made single (‘…’), as the style guide writes a quotation
    inside a quotation; an inner quotation left open by clipping is cut before it opens."""
    inner = re.sub(r'"([^"]*)"', r"‘\1’", text).replace("“", "‘").replace("”", "’")
    return f"“{cut_open_quote(inner, '‘', '’')}”"


def cut_open_quote(text: str, opening: str = "“", closing: str = "”") -> str:
    """``text`` cut before a quotation it opens and does not close, with an ellipsis: a clipped
    text never ends inside a quotation."""
    if text.count(opening) > text.count(closing):
        return text[: text.rindex(opening)].rstrip("，、：；") + "……"
    return text

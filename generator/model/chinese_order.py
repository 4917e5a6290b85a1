"""Chinese order: names sorted by their pinyin (pypinyin), as a reader looks them up, not by
character code (下转 before 专家号 by code; 专家号 after 下转 by pinyin: xia, zhuan)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> tuple:
    """Sort key: syllables without tones, then with tones, then the text itself."""
    return (
        [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL)],
        lazy_pinyin(text, style=Style.TONE3),
        text,
    )


def by_pinyin(items, name=lambda item: item):
    """``items`` sorted by the pinyin of ``name(item)``."""
    return sorted(items, key=lambda item: pinyin_key(name(item)))

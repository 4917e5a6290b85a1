"""Chinese order for lists people read: departments and names by pinyin (医保办 before 护理部
before 药剂科 before 骨科 is character-code order; 骨科, 护理部, 药剂科, 医保办 is what a
trainer expects), with pypinyin's dictionary (heteronyms read in their commonest reading)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple:
    """Sort key: the text's pinyin (tone numbers break ties), then the text itself. Digits and
    Latin letters sort before Chinese, as in a dictionary's index; an empty text sorts last."""
    if not text:
        return (1, (), "")
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return (0, tuple(s.lower() for s in syllables), text)


def people_order(people):
    """People (objects with ``department``, ``name`` and ``staff_id``) by department, then name,
    in pinyin order; the 工号 breaks ties."""
    return sorted(
        people,
        key=lambda p: (pinyin_key(p.department or ""), pinyin_key(p.name or ""), p.staff_id),
    )


def departments_order(names):
    return sorted(names, key=pinyin_key)


def by_pinyin(items, name=lambda item: item):
    """``items`` sorted by the pinyin of ``name(item)``."""
    return sorted(items, key=lambda item: pinyin_key(name(item)))

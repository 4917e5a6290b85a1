"""The small vocabulary every stage prints: rule labels, option letters, risk levels, story
groups, question-type names."""

from __future__ import annotations

import re
from typing import get_args

from .schemas import RiskLevel, StoryGroup

CHINESE_NUMERALS = "一二三四五六七八九"
OPTION_LABELS = "ABCDEFGHIJ"
# The group of people whose 科室 is blank, wherever people are counted by department.
NO_DEPARTMENT = "（未填科室）"
RISK_LEVELS: tuple[str, ...] = get_args(RiskLevel)  # 高, 中, 低: most serious first
STORY_GROUPS: tuple[str, ...] = get_args(StoryGroup)
TYPE_NAMES = {"single": "单选题", "multiple": "多选题", "judge": "判断题", "fill": "填空题"}
SHORT_TYPE_NAMES = {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}  # tables


def rule_label(n: int) -> str:
    """第八条 (a number outside 1–9, from a hand-edited key, still prints readably)."""
    return f"第{CHINESE_NUMERALS[n - 1]}条" if 1 <= n <= 9 else f"第{n}条"


_RULE_REF = re.compile(r"第\s*([一二三四五六七八九]|\d+)\s*条")


def rule_refs(text: str) -> list[int]:
    """The rules ``text`` names, 第八条 or 第8条 (``rule_label``'s inverse), in order, each once."""
    found = [
        CHINESE_NUMERALS.index(m) + 1 if m in CHINESE_NUMERALS else int(m)
        for m in _RULE_REF.findall(text)
    ]
    return list(dict.fromkeys(found))

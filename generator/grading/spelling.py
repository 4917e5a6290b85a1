"""How people type answers on a sheet, and how one cell is read. Nothing is ever guessed.

Accepted (DESIGN.md, answer sheet): letters in any order and case, half- or full-width, with or
without separators (``AC``, ``a,c``, ``Ａ、Ｃ``); judge ``对/错/√/×/T/F/正确/错误``; fill text is
trimmed and compared after full-width → half-width folding (NFKC), ignoring the case of Latin
letters and runs of spaces. A cell that cannot be read raises :class:`Unreadable` with the reason.
"""

from __future__ import annotations

import re

from ..model.answers import fold, fold_fill
from ..model.terms import OPTION_LABELS as LABELS

# Between option letters: spaces and the punctuation people use in lists (after NFKC folding,
# so full-width ，；．／ are covered too).
_SEPARATORS = re.compile(r"[\s,、;/|+.·]+")

JUDGE_TRUE = frozenset({"对", "√", "✓", "✔", "正确", "t", "true"})
JUDGE_FALSE = frozenset({"错", "×", "✗", "✘", "错误", "f", "false", "x"})


class Unreadable(ValueError):
    """A cell that is not a valid answer to its question; the message says why (Chinese)."""


def label_range(count: int) -> str:
    return f"{LABELS[0]}–{LABELS[count - 1]}" if count > 1 else LABELS[0]


def read_choice(cell: object, option_count: int) -> frozenset[str] | None:
    """Option letters from a single/multiple cell; None when blank."""
    text = fold(cell)
    if not text:
        return None
    letters = _SEPARATORS.sub("", text).upper()
    if not letters:
        raise Unreadable(f"“{text}”里没有选项字母")
    stray = [c for c in dict.fromkeys(letters) if not ("A" <= c <= "Z")]
    if stray:
        shown = "、".join(f"“{c}”" for c in stray)
        raise Unreadable(f"“{text}”含有无法识别的字符 {shown}")
    valid = LABELS[:option_count]
    outside = [c for c in dict.fromkeys(letters) if c not in valid]
    if outside:
        raise Unreadable(
            f"“{text}”中的 {'、'.join(outside)} 不是本题的选项（本题只有 {label_range(option_count)}）"
        )
    return frozenset(letters)


def read_judge(cell: object) -> str | None:
    """``对`` or ``错`` from a judge cell; None when blank."""
    text = fold(cell)
    if not text:
        return None
    word = text.casefold()
    if word in JUDGE_TRUE:
        return "对"
    if word in JUDGE_FALSE:
        return "错"
    raise Unreadable(f"“{text}”不是判断题答案（应为 对/错、√/×、T/F 或 正确/错误）")


def read_fill(cell: object) -> str | None:
    """The folded text of a fill cell; None when blank."""
    text = fold_fill(cell)
    return text or None

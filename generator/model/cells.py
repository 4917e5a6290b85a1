"""Text that reaches a spreadsheet (DESIGN.md): one guard for every CSV/XLSX cell we write, and
its inverse for every reader of our own files.

A cell from user text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written with a leading ``'`` (OWASP's advice on CSV injection), so Excel, WPS and LibreOffice
show it as text instead of running it as a formula. Text whose leading quotes come before one of
those characters gets one more ``'``, so ``unguard(guard(x)) == x`` for every string.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(value: object) -> str:
    """``value`` as text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text.lstrip("'")[:1] in FORMULA_STARTS and text.lstrip("'"):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text ``guard`` was given (a cell read back from one of our files)."""
    if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_STARTS and text.lstrip("'"):
        return text[1:]
    return text


def guard_row(values) -> list[str | int | float]:
    """Every cell of a row of text (numbers we write ourselves need no guard; text does)."""
    return [v if isinstance(v, int | float) else guard(v) for v in values]

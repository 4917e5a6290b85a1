"""Numbers as the quiz prints them: points, scores and averages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def number(value: float) -> str:
    """2.0 → "2", 1.5 → "1.5" (scores and points as people write them)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def one_decimal(value: float) -> str:
    """Rounded half up to one decimal, as Excel's ROUND does (6.25 → "6.3", not "6.2")."""
    return str(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

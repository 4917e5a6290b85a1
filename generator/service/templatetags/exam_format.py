"""Template filters of the trainer's pages: numbers as people write them."""

from __future__ import annotations

from django import template

from ...model.numbers import number

register = template.Library()


@register.filter
def score(value) -> str:
    """23.0 → "23", 23.5 → "23.5" (what the candidate saw); None → ""."""
    return "" if value is None else number(value)

"""Pinyin order for Material's tags plugin: its documented ``tags_sort_by`` and
``listings_tags_sort_by`` options take a function of a tag (``config.site_config`` sets them)."""

from __future__ import annotations

from ..model.order import pinyin_key


def tag_by_pinyin(tag, *args) -> tuple:
    return pinyin_key(tag.name)

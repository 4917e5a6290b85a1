"""The Markdown dialect of a content root: the extensions its mkdocs.yml lists, which the site and
the printed handbooks both use, so an editor's ``!!! note`` or ``??? 提示`` block is a box in
both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Extensions the printed pages leave out: permalinks and anchors are for the site.
SITE_ONLY = frozenset(["toc", "markdown.extensions.toc"])


class Tagged:
    """A YAML value with a tag we pass through untouched (``!!python/name:…``, ``!ENV``)."""

    def __init__(self, tag: str, node: Any):
        self.tag, self.node = tag, node


@dataclass(frozen=True, eq=False)  # (compared and hashed by identity: one per corpus)
class MarkdownDialect:
    extensions: tuple[str, ...]
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, entries: object) -> MarkdownDialect:
        """From mkdocs.yml's ``markdown_extensions`` (names, or one-key maps name → options)."""
        names: list[str] = []
        configs: dict[str, dict[str, Any]] = {}
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str):
                names.append(entry)
            elif isinstance(entry, dict) and len(entry) == 1:
                name, options = next(iter(entry.items()))
                names.append(str(name))
                if isinstance(options, dict):
                    configs[str(name)] = options
        return cls(tuple(names), configs)

    def for_print(self) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """(extensions, their options) for print: the site-only ones left out, and options that
        name Python objects (``!!python/name:…``, for the site's custom fences) dropped."""
        names = [n for n in self.extensions if n not in SITE_ONLY]
        configs = {
            n: {k: v for k, v in options.items() if not _tagged(v)}
            for n, options in self.configs.items()
            if n in names
        }
        return names, configs


def _tagged(value: object) -> bool:
    if isinstance(value, Tagged):
        return True
    if isinstance(value, dict):
        return any(_tagged(v) for v in value.values())
    if isinstance(value, list):
        return any(_tagged(v) for v in value)
    return False


# A content root without mkdocs.yml (some test fixtures): the shipped mkdocs.yml's extensions.
DEFAULT_DIALECT = MarkdownDialect(
    (
        "admonition",
        "attr_list",
        "md_in_html",
        "tables",
        "def_list",
        "footnotes",
        "toc",
        "pymdownx.details",
        "pymdownx.superfences",
        "pymdownx.tasklist",
    )
)

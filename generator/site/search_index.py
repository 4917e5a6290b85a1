"""Post-process Material's search index: write it as UTF-8 instead of ``\\uXXXX`` escapes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..outputs import replacing


@dataclass
class IndexSizes:
    before: int
    after: int


def rewrite_utf8(site_dir: Path) -> IndexSizes | None:
    """Rewrite ``search/search_index.json`` in place (atomically); None when there is no index."""
    path = site_dir / "search" / "search_index.json"
    if not path.exists():
        return None
    raw = path.read_bytes()
    data = json.loads(raw)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return IndexSizes(before=len(raw), after=path.stat().st_size)

"""Handbooks declared in site_config/handbooks.yml. (Rendering lands with the handbook issue.)"""

from __future__ import annotations

import json
from pathlib import Path

from ..model.corpus import Corpus
from ..site.tree import Download

MANIFEST = "manifest.json"


def render_all(corpus: Corpus, out_dir: Path, progress=None) -> list[Download]:
    """Render every handbook into ``out_dir``; returns what the 下载 page lists."""
    out_dir.mkdir(parents=True, exist_ok=True)
    downloads: list[Download] = []
    write_manifest(out_dir, downloads)
    return downloads


def write_manifest(out_dir: Path, downloads: list[Download]) -> None:
    data = [d.__dict__ for d in downloads]
    (out_dir / MANIFEST).write_text(
        json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def read_manifest(out_dir: Path) -> list[Download]:
    path = out_dir / MANIFEST
    if not path.exists():
        return []
    return [Download(**item) for item in json.loads(path.read_text(encoding="utf-8"))]

"""A synthetic corpus of many cases made from the shipped ones (tests and bench/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def synthesize(root: Path, n: int) -> None:
    """Replace cases/ with n cases made from the shipped ones (new ids, dates, departments)."""
    sources = sorted((REPO / "cases").glob("*.md"))
    taxonomy = yaml.safe_load((root / "site_config/taxonomy.yml").read_text(encoding="utf-8"))
    departments = [d["name"] for d in taxonomy["departments"]]
    shutil.rmtree(root / "cases")
    (root / "cases").mkdir()
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        meta, body = text.split("\n---\n", 1)
        data = yaml.safe_load(meta.removeprefix("---\n"))
        data["id"] = f"{data['id']}-{i:05d}"
        data["title"] = f"{data['title']}（{i + 1}）"
        data["date"] = f"{2019 + i % 8}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        data["department"] = departments[i % len(departments)]
        head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        (root / "cases" / f"{data['id']}.md").write_text(
            f"---\n{head}---\n{body}", encoding="utf-8"
        )

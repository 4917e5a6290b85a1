"""The whole build, top-down: load → validate → cross-reference → PDF → site → swap outputs.

PDFs come first because the site's 下载 page lists them (pages, size, date) and serves copies.
Everything is written into a temporary folder beside ``out``; only a complete build replaces it.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .model.corpus import Corpus
from .model.downloads import Download
from .outputs import carry_over, staged
from .site.engine import SiteReport, build_site
from .site.offline import ZIP_NAME, build_offline
from .site.tree import SiteExtras
from .sources.loader import load_corpus


@dataclass
class BuildReport:
    corpus: Corpus
    out: Path
    seconds: float = 0.0
    site: SiteReport | None = None
    downloads: list[Download] = field(default_factory=list)
    offline: Path | None = None  # the portable edition's zip


def build(
    root: Path, out: Path, only: str | None = None, progress=None, engine: str = "mkdocs"
) -> BuildReport:
    """Build ``only`` ("site" or "pdf") or everything; raises ValidationError before writing.

    ``engine`` builds the site: MkDocs (Material) or Zensical, from the same generated tree.
    """
    started = time.perf_counter()
    corpus = load_corpus(root)
    report = BuildReport(corpus=corpus, out=out)
    with staged(out) as tmp:
        report.downloads = _pdf_stage(corpus, tmp, out, only, progress)
        if only in (None, "site"):
            extras = SiteExtras(
                downloads=report.downloads,
                downloads_dir=tmp / "pdf",
            )
            report.site = build_site(corpus, tmp / "site", extras, engine=engine)
        else:
            carry_over(out, tmp, "site")
        if only is None:  # the portable edition (U盘版) comes with a full build
            build_offline(tmp / "site", tmp)
            report.offline = out / ZIP_NAME
        elif (out / ZIP_NAME).is_file():  # a partial build keeps the last portable edition
            shutil.copyfile(out / ZIP_NAME, tmp / ZIP_NAME)
    report.seconds = time.perf_counter() - started
    return report


def _pdf_stage(corpus: Corpus, tmp: Path, out: Path, only: str | None, progress) -> list[Download]:
    from .pdf import handbooks

    if only in (None, "pdf"):
        return [*handbooks.render_all(corpus, tmp / "pdf", progress=progress)]
    carry_over(out, tmp, "pdf")
    return handbooks.read_manifest(tmp / "pdf")

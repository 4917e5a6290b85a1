"""Files offered for download on the site's 下载 page: the PDF stage makes them, the site lists them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Download:
    """A file offered on the 下载 page (filled in by the PDF stage)."""

    filename: str
    title: str
    pages: int
    size: str
    date: str
    description: str = ""

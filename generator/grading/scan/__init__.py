"""Reading scanned paper answer sheets (``quiz scan``): DESIGN.md "Paper answer sheets read by
machine". ``pages`` loads scans, ``locate`` finds and straightens the sheet, ``marks`` reads the
bubbles, ``reader`` turns a page into answers or review items and runs a batch, ``report`` and
``review_page`` render what the CLI writes."""

from .pages import PageRef, page_refs
from .reader import Item, ScanResult, SheetRead, read_page, scan
from .report import answers_csv, parse_decisions, report_csv, review_csv
from .review_page import review_html

__all__ = [
    "Item",
    "PageRef",
    "ScanResult",
    "SheetRead",
    "answers_csv",
    "page_refs",
    "parse_decisions",
    "read_page",
    "report_csv",
    "review_csv",
    "review_html",
    "scan",
]

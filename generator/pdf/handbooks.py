"""Handbooks declared in site_config/handbooks.yml, rendered in parallel from the loaded Corpus.

plan (books.py) → one job per PDF, biggest first → worker processes forked from this one, so they
inherit the Corpus (sources are never parsed again) → each job lays out its HTML with the print
templates and WeasyPrint writes the file atomically → manifest.json records what the 下载 page
lists (read back when a partial build keeps the previous PDFs).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .. import __version__
from ..model.corpus import Corpus
from ..model.downloads import Download
from ..model.markdown import MarkdownDialect
from ..outputs import replacing
from . import books as _books
from .books import Book
from .typeset import TEMPLATES, make_environment, render_pdf, stylesheet, weasyprint_html

MANIFEST = "manifest.json"


@dataclass
class Rendered(Download):
    """A Download plus how long it took (for the CLI's one line per file; not in the manifest)."""

    seconds: float = 0.0


def render_all(
    corpus: Corpus,
    out_dir: Path,
    progress=None,
    names: list[str] | None = None,
    workers: int | None = None,
) -> list[Rendered]:
    """Render every handbook (or those ``names`` picks) into ``out_dir``.

    Returns what was rendered (``Rendered`` items, in handbooks.yml order). The manifest lists
    every PDF in ``out_dir``: a partial run keeps the entries of the files it did not render.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    planned = _books.plan(corpus)
    books = _books.pick(corpus, planned, names) if names else planned
    rendered = _render(corpus, books, out_dir, progress, workers)
    previous = read_manifest(out_dir) if names else []
    fresh = {r.filename for r in rendered}
    kept = [d for d in previous if d.filename not in fresh and (out_dir / d.filename).exists()]
    order = {b.filename: i for i, b in enumerate(planned)}
    listed = sorted([*kept, *rendered], key=lambda d: order.get(d.filename, len(order)))
    if not names:
        _remove_stale(out_dir, fresh)
    write_manifest(out_dir, listed)
    return rendered


def render_book(corpus: Corpus, book: Book, out_dir: Path) -> Rendered:
    """Lay out and write one book. Errors propagate as they are — an OSError (disk, permissions)
    is the user's to fix and the CLI names its path; anything else is a bug whose traceback the
    CLI keeps — with a note naming the book."""
    started = time.perf_counter()
    target = out_dir / book.filename
    try:
        pages = render_pdf(book_html(corpus, book), target)
    except Exception as exc:
        exc.add_note(f"排印《{book.title}》（{book.filename}）时出错")
        raise
    return Rendered(
        filename=book.filename,
        title=book.title,
        pages=pages,
        size=human_size(target.stat().st_size),
        date=build_date().isoformat(),
        description=book.description,
        seconds=time.perf_counter() - started,
    )


def book_html(corpus: Corpus, book: Book) -> str:
    """The print HTML of one book: the shared frame with the kind's chapters."""
    contents = _books.contents(corpus, book)
    today = build_date()
    hospital = corpus.hospital
    return (
        _environment(corpus.markdown)
        .get_template(f"{book.kind}.html.j2")
        .render(
            book=book,
            hospital=hospital,
            css=stylesheet(TEMPLATES / "handbook.css"),
            logo=corpus.logo.as_uri() if corpus.logo else "",
            edition=book.spec.edition or hospital.edition,
            date_cn=_books.date_cn(today),
            version=__version__,
            toc=contents.toc,
            contents_note=contents.note,
            **contents.values,
        )
    )


def build_date() -> dt.date:
    """Today, or SOURCE_DATE_EPOCH's date for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@lru_cache(maxsize=4)
def _environment(dialect: MarkdownDialect):
    return make_environment(dialect)


# --- running the jobs -------------------------------------------------------------------------

# Set in the parent just before forking: the workers inherit the loaded Corpus and the job list.
_JOBS: tuple[Corpus, list[Book], Path] | None = None


def _run_job(index: int) -> Rendered:
    assert _JOBS is not None, "worker started without the parent's jobs"
    corpus, books, out_dir = _JOBS
    return render_book(corpus, books[index], out_dir)


def _render(corpus, books: list[Book], out_dir: Path, progress, workers) -> list[Rendered]:
    """Render ``books`` (in their order) serially or in forked workers, advancing the bar."""
    workers = min(len(books), workers or os.cpu_count() or 1)
    bar, task = progress("排印 PDF 手册", len(books)) if progress and books else (None, None)

    def done() -> None:
        if bar:
            bar.advance(task)

    if workers <= 1:
        with bar or nullcontext():
            return [_tick(render_book(corpus, book, out_dir), done) for book in books]
    return _render_parallel(corpus, books, out_dir, workers, bar, done)


def _render_parallel(corpus, books, out_dir, workers, bar, done) -> list[Rendered]:
    global _JOBS
    _warm_up()
    _JOBS = (corpus, books, out_dir)
    results: dict[int, Rendered] = {}
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            # Every worker is forked at the first submit, before the progress bar's thread starts.
            biggest_first = sorted(range(len(books)), key=lambda i: -books[i].weight)
            futures = {pool.submit(_run_job, i): i for i in biggest_first}
            try:
                with bar or nullcontext():
                    for future in as_completed(futures):
                        results[futures[future]] = _tick(future.result(), done)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # stop at the first failure
                raise
    finally:
        _JOBS = None
    return [results[i] for i in range(len(books))]


def _tick(result: Rendered, done) -> Rendered:
    done()
    return result


@cache
def _warm_up() -> None:
    """Import WeasyPrint and load both fonts once here, so forked workers start ready."""
    weasyprint_html()(
        string="<p style=\"font-family:'Noto Serif CJK SC'\">清廉</p>"
        "<h1 style=\"font-family:'Noto Sans CJK SC'\">清廉</h1>"
    ).render()


# --- manifest ---------------------------------------------------------------------------------


def _remove_stale(out_dir: Path, fresh: set[str]) -> None:
    """A full run drops PDFs it made before that no handbook makes any more."""
    for item in read_manifest(out_dir):
        if item.filename not in fresh:
            (out_dir / item.filename).unlink(missing_ok=True)


def write_manifest(out_dir: Path, downloads: list[Download]) -> None:
    names = [f.name for f in dataclasses.fields(Download)]
    data = [{n: getattr(d, n) for n in names} for d in downloads]
    with replacing(out_dir / MANIFEST) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_manifest(out_dir: Path) -> list[Download]:
    path = out_dir / MANIFEST
    if not path.exists():
        return []
    return [Download(**item) for item in json.loads(path.read_text(encoding="utf-8"))]

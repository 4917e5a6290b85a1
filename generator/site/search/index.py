"""Build the search index from the built site's HTML (see the package docstring)."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from ...model.links import page_address

# Han characters: CJK Unified Ideographs, Extension A, Compatibility, Extensions B and beyond.
# assets/search.js uses the very same ranges, folding and hash.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
HAN = "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN_RANGES)
RUN = re.compile(f"[{HAN}]+|[0-9a-z]+")
# Full-width ASCII (Ａ１！) → ASCII, upper → lower case: one character for one, so positions in
# the folded text are positions in the original.
FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
FOLD.update({c + 0xFEE0: c + 32 for c in range(0x41, 0x5B)})  # Ａ → a
FOLD.update({c: c + 32 for c in range(0x41, 0x5B)})
FOLD[0x3000] = 0x20

TITLE, HEADING, BODY, OWN = 0, 1, 2, 3  # block kinds; posting flag = 1 << kind
CHUNK_CHARS = 3000  # text per chunk file: what one result costs to verify and show
SHARD_BYTES = 16_000  # aimed-at average shard size (a frequent token's shard may be larger)

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "caption",
        "blockquote",
        "pre",
        "details",
        "summary",
        "dl",
        "dt",
        "dd",
        "br",
        "hr",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "figure",
        "figcaption",
        "nav",
        "main",
        "form",
        "fieldset",
    ]
)
_DROP = re.compile(
    r"<(script|style|noscript|template)\b.*?</\1>|<!--.*?-->"
    r'|<a class="headerlink"[^>]*>.*?</a>',
    re.S | re.I,
)
_TAG_CHIP = re.compile(r'<a [^>]*class="md-tag"')  # one block per tag chip, not run together
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ID = re.compile(r'\bid="([^"]*)"')
# Tags to text in four passes, without a Python call per tag (~5× faster than one pass with a
# function): heading starts (rare, marked with their level and id), then block tags and heading
# ends (newlines), cell ends (spaces), then every other tag (nothing).
_H_START = re.compile(r"<[hH]([1-6])(?![a-zA-Z0-9])([^>]*)>")
_BLOCK = re.compile(
    r"</?(?:[hH][1-6]|" + "|".join(sorted(_BLOCK_TAGS, key=len, reverse=True)) + r")"
    r"(?![a-zA-Z0-9])[^>]*>",
    re.I,
)
_CELL_END = re.compile(r"</t[dh](?![a-zA-Z0-9])[^>]*>", re.I)
_LINES = re.compile(r"\s*\n\s*")  # a line break and the blank lines and spaces around it
_TITLE_TAG = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def fold(text: str) -> str:
    return text.translate(FOLD)


def tokens(text: str) -> set[str]:
    """Index tokens of a text: Han unigrams and bigrams, Latin/digit words (on folded text).

    The definition: ``postings.py`` computes the same in bulk (tests/test_search_postings.py),
    ``assets/search.js`` the same for a query."""
    out: set[str] = set()
    for run in RUN.findall(fold(text)):
        if run[0] < "\u3400":  # a Latin/digit word
            out.add(run)
            continue
        out.update(run)
        out.update(map(str.__add__, run, run[1:]))
    return out


def _heading(m: re.Match) -> str:
    ident = _ID.search(m.group(2))
    return f"\n\x01{m.group(1)}{ident.group(1) if ident else ''}\x02"


def indexed_part(page_html: str) -> str:
    """What ``extract_blocks`` reads of a built page: its ``<title>`` and its article (all of it
    if it has none) — what the index worker is sent of each page, a quarter of it."""
    start, end = page_html.find("<article"), page_html.rfind("</article>")
    if start < 0 or end < 0:
        return page_html
    title = _TITLE_TAG.search(page_html, 0, start)
    return (title.group() if title else "") + page_html[start : end + len("</article>")]


def extract_blocks(page_html: str) -> list[tuple[int, str, str]]:
    """(kind, anchor, text) for the article of a built page, in reading order.

    ``anchor`` is the id of the heading the block stands under ("" before the first subheading).
    """
    start, end = page_html.find("<article"), page_html.rfind("</article>")
    if start < 0 or end < 0:
        start, end = page_html.find("<body"), page_html.rfind("</body>")
    body = _DROP.sub("", page_html[max(start, 0) : end if end > 0 else None])
    body = _TAG_CHIP.sub(lambda m: "<br>" + m.group(), body)
    text = _H_START.sub(_heading, body)
    text = _TAG.sub("", _CELL_END.sub(" ", _BLOCK.sub("\n", text)))
    blocks: list[tuple[int, str, str]] = []
    anchor = ""
    for line in _LINES.split(text):
        if line.startswith("\x01"):
            level = line[1]
            ident, _, inner = line[2:].partition("\x02")
            inner = " ".join(html.unescape(inner).split())
            if not inner:
                continue
            if level == "1" and not any(b[0] == TITLE for b in blocks):
                blocks.append((TITLE, "", inner))
            else:
                anchor = ident
                blocks.append((HEADING, anchor, inner))
            continue
        line = " ".join(html.unescape(line).split())
        if line:
            blocks.append((BODY, anchor, line))
    if not any(b[0] == TITLE for b in blocks):
        m = _TITLE_TAG.search(page_html)
        if m:
            title = html.unescape(m.group(1)).split(" - ")[0].strip()
            blocks.insert(0, (TITLE, "", title))
    return blocks


@dataclass
class PageEntry:
    """A page to index: its place in the built site and what ranks it."""

    source: str  # docs-relative Markdown path, e.g. cases/x.md
    order: tuple  # sort key: smaller first among equal hits (rule pages, …, newer cases)
    keywords: list[str] = field(default_factory=list)  # a rule page's own terms
    rule: int = 0  # the rule a rule page is about (0: not a rule page)


@dataclass
class IndexStats:
    pages: int = 0
    chunks: int = 0
    shards: int = 0
    tokens: int = 0
    total_bytes: int = 0
    max_shard_bytes: int = 0
    max_chunk_bytes: int = 0
    meta_bytes: int = 0
    script_bytes: int = 0


def shard_of(token: str, shards: int) -> int:
    h = 0
    for ch in token:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return h % shards


def _js(call: str, *args) -> str:
    parts = [json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args]
    return f"qlSearch.{call}({','.join(parts)});\n"


def _chunks(blocks, limit: int = CHUNK_CHARS):
    """Group blocks into chunks of about ``limit`` characters (long blocks are cut)."""
    chunk: list[tuple[int, str, str]] = []
    size = 0
    for kind, anchor, text in blocks:
        if len(text) <= limit:
            pieces = [text]
        else:
            pieces = [text[i : i + limit] for i in range(0, len(text), limit)]
        for piece in pieces:
            if chunk and size + len(piece) > limit:
                yield chunk
                chunk, size = [], 0
            chunk.append((kind, anchor, piece))
            size += len(piece)
    if chunk:
        yield chunk


class IndexCache:
    """What the preview keeps between index builds: each page's blocks (by the HTML file's size
    and modification time) and the text of every index file written, so an unchanged file is
    neither parsed nor written again."""

    def __init__(self):
        self.blocks: dict[Path, tuple[tuple[int, int], list]] = {}
        self.written: dict[Path, str] = {}
        self.cancel = False  # set from another thread: stop soon, the site is being rebuilt

    def cancelled(self, write) -> bool:
        """True (and remember what the stopped build wrote) if the build should stop."""
        if self.cancel:
            self.written.update(write.fresh)
        return self.cancel

    def page_blocks(self, path: Path) -> list:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        hit = self.blocks.get(path)
        if hit is None or hit[0] != stamp:
            hit = self.blocks[path] = (stamp, extract_blocks(path.read_text(encoding="utf-8")))
        return list(hit[1])


def _writer(cache: IndexCache | None):
    if cache is None:
        return lambda path, text: path.write_text(text, encoding="utf-8")
    fresh: dict[Path, str] = {}

    def write(path: Path, text: str) -> None:
        fresh[path] = text
        if cache.written.get(path) != text or not path.is_file():
            path.write_text(text, encoding="utf-8")

    cast(Any, write).fresh = fresh  # read by IndexCache.cancelled
    return write


def page_chunks(entry: PageEntry, url: str, blocks: list) -> list[tuple]:
    """A page cut into chunks, ready to be numbered: per chunk its text per block kind (what
    its tokens are read from, ``postings.py``) and its data as JSON without the chunk's page
    number (``{"p":…,`` goes in front). Independent of every other page, so it can be done as
    pages come (``parallel.py``)."""
    blocks = list(blocks)
    title = next((t for k, _, t in blocks if k == TITLE), url)
    if entry.keywords:
        blocks.insert(1, (OWN, "", " ".join(entry.keywords)))
    headings = {a: t for k, a, t in blocks if k == HEADING}
    chunks = []
    for chunk in _chunks(blocks):
        anchors: dict[str, int] = {}
        sections: list[list[str]] = []
        rows = []
        texts: dict[int, list[str]] = defaultdict(list)
        for kind, anchor, text in chunk:
            if anchor not in anchors:
                anchors[anchor] = len(sections)
                sections.append([anchor, headings.get(anchor, "")])
            rows.append([kind, anchors[anchor], text])
            texts[kind].append(text)
        # one text per kind: runs never cross the newline between blocks
        kind_texts = [(kind, "\n".join(parts)) for kind, parts in texts.items()]
        data = {"u": url, "t": title, "s": sections, "b": rows}
        tail = json.dumps(data, ensure_ascii=False, separators=(",", ":"))[1:]
        chunks.append((kind_texts, tail))
    return chunks


def site_order(source: str) -> tuple:
    """Where a docs page comes in the engine's order of pages: folder by folder as ``os.walk``
    goes top-down with sorted names, each folder's ``index`` (or ``README``) first — the order
    MkDocs reads, renders and writes them in (``mkdocs.structure.files.get_files``)."""
    *folders, name = source.split("/")
    first = name.rsplit(".", 1)[0] not in ("index", "README")
    return (*((1, folder) for folder in folders), (0, first, name))


class IndexWriter:
    """Numbers pages and their chunks in site order and writes the chunk files at once; the
    shards and ``meta.js`` when every page is in (``finish``).

    Pages may come in any order (``add``): one that comes before its turn waits until the pages
    before it are in. The engine writes pages in site order, so while it renders the index
    worker (``parallel.py``) numbers and writes each page as it comes. Among equally good hits
    the browser ranks pages by ``PageEntry.order`` (``meta.rank``), not by number.
    """

    def __init__(self, out: Path, pages: list[PageEntry], directory_urls: bool, write=None):
        self.out = out
        self.write = write or (lambda path, text: path.write_text(text, encoding="utf-8"))
        self.queue = [
            (entry, *page_address(entry.source, directory_urls))
            for entry in sorted(pages, key=lambda e: site_order(e.source))
        ]
        self.turn = {file: i for i, (_, file, _) in enumerate(self.queue)}
        self.next = 0  # the queue position numbered next
        self.waiting: dict[int, list[tuple]] = {}  # came before their turn
        self.stats = IndexStats()
        from .postings import Postings  # numpy: imported where an index is built

        self.postings = Postings()
        self.starts: list[int] = []  # per page number: its first chunk id
        self.orders: list[tuple] = []  # per page number: its PageEntry.order
        self.rule_pages: dict[str, int] = {}  # rule number -> its page's number
        self.cid = 0
        (out / "i").mkdir(parents=True, exist_ok=True)
        (out / "c").mkdir(parents=True, exist_ok=True)

    def add(self, file: str, ready: list[tuple]) -> None:
        """A page's ``page_chunks``, by its HTML file (relative to the site)."""
        i = self.turn.get(file)
        if i is None or i < self.next:
            return
        self.waiting[i] = ready
        while self.next in self.waiting:
            self._number(self.queue[self.next][0], self.waiting.pop(self.next))
            self.next += 1

    def _number(self, entry: PageEntry, ready: list[tuple]) -> None:
        cid, page, out, stats = self.cid, len(self.starts), self.out, self.stats
        if entry.rule:
            self.rule_pages[str(entry.rule)] = len(self.starts)
        self.starts.append(cid)
        self.orders.append(entry.order)
        for kind_texts, tail in ready:
            self.postings.add(cid, kind_texts)
            text = f'qlSearch.chunk({cid},{{"p":{page},{tail});\n'
            self.write(out / "c" / f"{cid}.js", text)
            size = len(text.encode())
            stats.max_chunk_bytes = max(stats.max_chunk_bytes, size)
            stats.total_bytes += size
            cid += 1
        self.cid = cid

    def finish(self, missing, meta: dict | None = None, cancelled=None) -> IndexStats | None:
        """Number the pages not added yet (``missing(entry, file, url)`` gives their
        ``page_chunks``, or None: not in the site), write the shards and ``meta.js``.

        ``cancelled()``, asked before every page: True stops the build (returns None).
        """
        for i in range(self.next, len(self.queue)):
            if cancelled is not None and cancelled():
                return None
            entry, file, url = self.queue[i]
            ready = self.waiting.pop(i, None)
            if ready is None:
                ready = missing(entry, file, url)
            if ready is not None:
                self._number(entry, ready)
        self.next = len(self.queue)
        stats, out = self.stats, self.out
        stats.tokens, shard_texts = self.postings.shard_texts(SHARD_BYTES)
        stats.pages, stats.chunks, shards = len(self.starts), self.cid, len(shard_texts)
        for n, group in enumerate(shard_texts):
            text = f"qlSearch.shard({n},{group});\n"
            self.write(out / "i" / f"{n}.js", text)
            size = len(text.encode())
            stats.max_shard_bytes = max(stats.max_shard_bytes, size)
            stats.total_bytes += size
        stats.shards = shards

        starts = self.starts
        gaps = [b - a for a, b in zip([0, *starts], starts, strict=False)]
        best_first = sorted(range(len(starts)), key=self.orders.__getitem__)
        rank = [0] * len(starts)
        for r, page in enumerate(best_first):
            rank[page] = r
        text = _js(
            "meta",
            {"v": 3, "chunks": self.cid, "shards": shards, "starts": gaps, "rank": rank}
            | {"rulePages": self.rule_pages}
            | (meta or {}),
        )
        self.write(out / "meta.js", text)
        stats.meta_bytes = len(text.encode())
        stats.total_bytes += stats.meta_bytes
        return stats


def chunks_from_site(
    site_dir: Path, cache: IndexCache | None, entry: PageEntry, file: str, url: str
) -> list[tuple] | None:
    """``page_chunks`` of a page read from the built site (None: not there); ``cache``: the
    preview's parsed pages."""
    path = site_dir / file
    if not path.is_file():
        return None
    if cache is None:
        blocks = extract_blocks(path.read_text(encoding="utf-8"))
    else:
        blocks = cache.page_blocks(path)
    return page_chunks(entry, url, blocks)


def build_index(
    site_dir: Path,
    pages: list[PageEntry],
    directory_urls: bool,
    meta: dict | None = None,
    cache: IndexCache | None = None,
) -> IndexStats:
    """Write ``site_dir/search/{meta.js, i/<shard>.js, c/<chunk>.js}`` for ``pages``.

    ``cache`` (preview): reuse what an earlier call on the same site parsed and wrote.
    """
    write = _writer(cache)
    if cache is not None:
        cache.cancel = False
    index = IndexWriter(site_dir / "search", pages, directory_urls, write)
    cancelled = None if cache is None else (lambda: cache.cancelled(write))
    stats = index.finish(partial(chunks_from_site, site_dir, cache), meta, cancelled)
    if stats is None:  # cancelled
        return index.stats
    if cache is not None:
        for stale in cache.written.keys() - write.fresh.keys():
            stale.unlink(missing_ok=True)
        cache.written = write.fresh
    return stats

"""The index's postings, gathered in bulk: every chunk's tokens with numpy, a batch at a time.

Per chunk and block kind, the tokens of ``index.tokens`` (Han unigrams and bigrams, Latin/digit
words) with the kind's flag. Rather than a Python set per chunk and a Python list append per
posting (~0.6 s of CPU a 1,000-case site), a batch of chunks' texts is turned into one array of
code points and every token occurrence into one 64-bit key::

    token code (36 bits) | chunk id (24 bits) | flag (4 bits)

where a Han token's code is its first character << 18 | its second (0 for a unigram) and a
Latin/digit word's is its number among the words seen (below any Han code). Sorting the keys
groups them by token, then chunk; flags of the same token in the same chunk are OR-ed together.
``shard_texts`` turns the sorted postings into the shard files' text: per token the chunk ids as
gaps (``(id - previous id) << 4 | flags``), shard by the hash ``index.shard_of`` computes.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from .index import HAN_RANGES, fold, shard_of

_C2 = 18  # bits of a token code's second character (Han code points end below 0x40000)
_LABEL = 28  # bits of chunk id << 4 | flags
_LABEL_MASK = (1 << _LABEL) - 1
_BATCH_CHARS = 1 << 18  # texts gathered before a batch is tokenised
# What folds (index.FOLD) to a Latin/digit word: found in the unfolded text, then folded.
_WORD_RANGES = (
    ("0", "9"),
    ("A", "Z"),
    ("a", "z"),
    ("\uff10", "\uff19"),
    ("\uff21", "\uff3a"),
    ("\uff41", "\uff5a"),
)
_WORD = re.compile("[" + "".join(f"{low}-{high}" for low, high in _WORD_RANGES) + "]+")


def _table(ranges) -> np.ndarray:
    """A lookup table over every code point: True in the (inclusive) ranges."""
    table = np.zeros(0x110000, dtype=bool)
    for low, high in ranges:
        table[low : high + 1] = True
    return table


_IS_HAN = _table(HAN_RANGES)
_IS_WORD = _table((ord(low), ord(high)) for low, high in _WORD_RANGES)
MAX_CHUNKS = 1 << (_LABEL - 4)


class Postings:
    """Chunks' tokens as they are added (``add``), sorted keys when complete (``keys``)."""

    def __init__(self):
        self.words: dict[str, int] = {}  # Latin/digit word -> its code
        self.texts: list[str] = []
        self.labels: list[int] = []  # per text: chunk id << 4 | its kind's flag
        self.size = 0
        self.parts: list[np.ndarray] = []  # tokenised batches: sorted unique keys

    def add(self, cid: int, kind_texts) -> None:
        """One chunk's ``(kind, text)`` pairs (runs never cross a newline in a text)."""
        if cid >= MAX_CHUNKS:
            raise ValueError(f"more than {MAX_CHUNKS} search chunks")
        for kind, text in kind_texts:
            self.texts.append(text)
            self.labels.append(cid << 4 | 1 << kind)
            self.size += len(text) + 1
        if self.size >= _BATCH_CHARS:
            self._tokenise()

    def _tokenise(self) -> None:
        if not self.texts:
            return
        big = "\n".join(self.texts) + "\n"
        lengths = np.fromiter(map(len, self.texts), dtype=np.int64, count=len(self.texts)) + 1
        labels = np.repeat(np.array(self.labels, dtype=np.uint64), lengths)
        raw = np.frombuffer(big.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        han = _IS_HAN[raw]
        points = raw.astype(np.uint64)
        pair = han[:-1] & han[1:]
        parts = [
            points[han] << np.uint64(_LABEL + _C2) | labels[han],
            points[:-1][pair] << np.uint64(_LABEL + _C2)
            | points[1:][pair] << np.uint64(_LABEL)
            | labels[:-1][pair],
        ]
        found = _WORD.findall(big)
        if found:  # where each word starts: where a run of word characters starts
            in_word = _IS_WORD[raw]
            starts = np.flatnonzero(in_word & ~np.r_[False, in_word[:-1]])
            folded = fold("\n".join(found)).split("\n")
            words = self.words
            for word in dict.fromkeys(folded):  # new words numbered as they first come
                if word not in words:
                    words[word] = len(words) + 1
            codes = np.fromiter(map(words.__getitem__, folded), dtype=np.uint64, count=len(folded))
            parts.append(codes << np.uint64(_LABEL) | labels[starts])
        keys = np.concatenate(parts)
        keys.sort()
        # one key per token and chunk: the OR of its kinds' flags
        token_chunk = keys >> np.uint64(4)
        first = np.flatnonzero(np.r_[len(keys) > 0, token_chunk[1:] != token_chunk[:-1]])
        flags = np.bitwise_or.reduceat(keys & np.uint64(15), first)
        self.parts.append(token_chunk[first] << np.uint64(4) | flags)
        self.texts, self.labels, self.size = [], [], 0

    def keys(self) -> np.ndarray:
        """Every posting's key, sorted (token, then chunk)."""
        self._tokenise()
        if not self.parts:
            return np.zeros(0, dtype=np.uint64)
        # batches hold distinct chunks, each sorted: a stable sort merges the runs
        keys = np.concatenate(self.parts)
        if len(self.parts) > 1:
            keys.sort(kind="stable")
        self.parts = [keys]
        return keys

    def shard_texts(self, shard_bytes: int) -> tuple[int, list[str]]:
        """(number of tokens, per shard the JSON object of its tokens' gap-coded postings)."""
        keys = self.keys()
        code = keys >> np.uint64(_LABEL)
        value = (keys & np.uint64(_LABEL_MASK)).astype(np.int64)
        first = np.flatnonzero(np.r_[len(code) > 0, code[1:] != code[:-1]])
        coded = value.copy()
        coded[1:] -= value[:-1] & ~15  # gap to the previous chunk of the same token …
        coded[first] = value[first]  # … except for a token's first
        token_codes = code[first]
        high = (token_codes >> np.uint64(_C2)).astype(np.int64)
        low = (token_codes & np.uint64((1 << _C2) - 1)).astype(np.int64)
        is_word = high < 0x3400
        names = {number: word for word, number in self.words.items()}
        tokens = [
            names[int(c)] if w else chr(h) + chr(lo) if lo else chr(h)
            for c, w, h, lo in zip(
                token_codes.tolist(), is_word.tolist(), high.tolist(), low.tolist(), strict=True
            )
        ]
        lengths = np.where(low > 0, 2, 1)
        if is_word.any():
            lengths[is_word] = [len(tokens[i]) for i in np.flatnonzero(is_word)]
        # what index.shard_of hashes, for a Han token; a word is hashed by shard_of itself
        hashes = np.where(low > 0, (high * 31 + low) & 0xFFFFFFFF, high)
        estimate = int(lengths.sum()) * 3 + 6 * len(tokens) + 4 * len(coded)
        shards = max(1, -(-estimate // shard_bytes))
        shard = hashes % shards
        for i in np.flatnonzero(is_word):
            shard[i] = shard_of(tokens[i], shards)
        # every value written once, then cut per token: (digits + comma) per value give offsets
        text, starts = _decimals(coded)
        lows = starts[first].tolist()
        highs = (starts[np.append(first[1:], len(coded))[: len(first)]] - 1).tolist()
        items: list[list[str]] = [[] for _ in range(shards)]
        for tok, s, low, high in zip(tokens, shard.tolist(), lows, highs, strict=True):
            items[s].append(f'"{tok}":[{text[low:high]}]')
        return len(tokens), ["{" + ",".join(group) + "}" for group in items]


def _decimals(values: np.ndarray, block: int = 1 << 18) -> tuple[str, np.ndarray]:
    """Non-negative integers as one comma-separated decimal text (``",".join(map(str, …))``
    without a Python string per number: several times faster) and where each number starts in
    it (one more: where a next one would)."""
    if not len(values):
        return "", np.zeros(1, dtype=np.int64)
    width = len(str(int(values.max())))
    # a narrower division is faster
    kind: type[np.unsignedinteger[Any]] = np.uint32 if values.max() < 1 << 32 else np.uint64
    powers = (10 ** np.arange(width - 1, -1, -1, dtype=np.int64)).astype(kind)
    out, widths = [], []  # per number: its digits and its comma
    for at in range(0, len(values), block):
        rest = values[at : at + block].astype(kind)
        keep = np.ones((len(rest), width + 1), dtype=bool)  # the units digit, the comma …
        keep[:, : width - 1] = rest[:, None] >= powers[:-1]  # … no leading zeros
        widths.append(keep.sum(axis=1))
        rows = np.empty(keep.shape, dtype=np.uint8)
        rows[:, width] = ord(",")
        for column in range(width - 1, -1, -1):
            rows[:, column] = rest % 10 + ord("0")
            rest //= 10
        out.append(rows[keep].tobytes())
    starts = np.r_[0, np.cumsum(np.concatenate(widths))]
    return b"".join(out)[:-1].decode("ascii"), starts

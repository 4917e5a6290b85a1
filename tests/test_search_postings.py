"""The bulk (numpy) postings give exactly the tokens and shard text of the plain definition."""

from __future__ import annotations

import json
import random
from collections import defaultdict

import numpy as np
import pytest

from generator.site.search import index
from generator.site.search.postings import Postings, _decimals

# Han (BMP, Extension A, compatibility, Extension B), full-width and upper-case Latin, digits,
# punctuation, spaces: what folding and the run boundaries must get right.
ALPHABET = list("统方回扣红包医联体开单提成") + [
    "\u3400",
    "\u4dbf",
    "\uf900",
    "\U00020000",
    "\U0002a6d6",
    "Ａ",
    "ｚ",
    "１",
    "C",
    "t",
    "7",
    "0",
    "，",
    "。",
    " ",
    "\u3000",
    "-",
    "é",
    "\ud800",  # a lone surrogate (not in a UTF-8 file, but a str may hold one)
]


def _random_texts(rng: random.Random, chunks: int) -> list[list[tuple[int, str]]]:
    out = []
    for _ in range(chunks):
        kinds = rng.sample([index.TITLE, index.HEADING, index.BODY, index.OWN], rng.randint(1, 4))
        out.append(
            [
                (
                    kind,
                    "\n".join("".join(rng.choices(ALPHABET, k=rng.randint(0, 40))) for _ in "ab"),
                )
                for kind in kinds
            ]
        )
    return out


def _reference(chunks) -> dict[str, list[int]]:
    """token -> [chunk id << 4 | flags, …] from ``index.tokens``, one chunk after the other."""
    postings: dict[str, list[int]] = defaultdict(list)
    for cid, kind_texts in enumerate(chunks):
        flags: dict[str, int] = {}
        for kind, text in kind_texts:
            for tok in index.tokens(text):
                flags[tok] = flags.get(tok, 0) | 1 << kind
        for tok, flag in flags.items():
            postings[tok].append(cid << 4 | flag)
    return postings


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_postings_are_the_tokens_of_every_chunk(seed, monkeypatch):
    monkeypatch.setattr("generator.site.search.postings._BATCH_CHARS", 500)  # many batches
    chunks = _random_texts(random.Random(seed), 300)
    postings = Postings()
    for cid, kind_texts in enumerate(chunks):
        postings.add(cid, kind_texts)
    assert len(postings.parts) > 3
    count, shards = postings.shard_texts(400)

    reference = _reference(chunks)
    assert count == len(reference)
    assert len(shards) > 1
    expected: list[dict[str, list[int]]] = [{} for _ in shards]
    for tok, coded in reference.items():
        gaps = [coded[0]] + [c - (p & ~15) for p, c in zip(coded, coded[1:], strict=False)]
        expected[index.shard_of(tok, len(shards))][tok] = gaps
    assert [json.loads(text) for text in shards] == expected
    # what the shard count is chosen from: the estimated size of the reference's JSON
    estimate = sum(len(t) * 3 + 6 + 4 * len(p) for t, p in reference.items())
    assert len(shards) == -(-estimate // 400)


def test_no_chunk_gives_one_empty_shard():
    assert Postings().shard_texts(16_000) == (0, ["{}"])


def test_chunk_ids_beyond_the_key_width_are_refused():
    with pytest.raises(ValueError):
        Postings().add(1 << 24, [(index.BODY, "统方")])


@pytest.mark.parametrize(
    "values",
    [[0], [5, 10, 99, 100, 0, 123_456_789], list(range(0, 30_000, 7)), [2**40, 3, 2**33 + 5]],
)
def test_decimals_are_the_numbers_joined_with_commas(values):
    text, starts = _decimals(np.array(values, dtype=np.int64), block=5)
    assert text == ",".join(map(str, values))
    assert [text[a : b - 1] for a, b in zip(starts, starts[1:], strict=False)] == list(
        map(str, values)
    )

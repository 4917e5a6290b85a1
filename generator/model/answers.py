"""How answer text is compared, wherever an answer is read: sheets, keys, the service, the self-test.

Fill answers are compared after full-width → half-width folding (NFKC), ignoring the case of Latin
letters and runs of spaces (DESIGN.md, answer sheet).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence


def fold(value: object) -> str:
    """A cell as text: full-width → half-width (NFKC), emoji variation selectors dropped, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\ufe0f", "").replace("\ufe0e", "").strip()


def fold_fill(value: object) -> str:
    """A fill answer as compared: folded, Latin case ignored, inner runs of spaces made one."""
    return re.sub(r"\s+", " ", fold(value)).casefold()


# Options that refer to the others ("以上都对", "其他") keep their place whenever options are
# shuffled: on printed papers, in the exam service and in the site's self-test (which reads the
# per-option ``pinned`` flags of quiz/questions.json).
PINNED_PREFIXES = ("以上", "上述", "全部", "都不", "均不", "都对", "均对", "其他", "其它")


def pinned(option: str) -> bool:
    """True if ``option`` refers to the others and so keeps its place."""
    return option.startswith(PINNED_PREFIXES)


def shuffled_order(options: Sequence[str], rng: random.Random) -> list[int]:
    """A random order of ``options`` (indexes into them) in which pinned options keep their
    place; the others are shuffled among the remaining places."""
    order = list(range(len(options)))
    movable = [i for i in order if not pinned(options[i])]
    shuffled = movable[:]
    rng.shuffle(shuffled)
    places = iter(shuffled)
    return [next(places) if i in movable else i for i in order]

"""How answer text is compared, wherever an answer is read: sheets, keys, the service, the self-test.

Fill answers are compared after full-width → half-width folding (NFKC), ignoring the case of Latin
letters and runs of spaces (DESIGN.md, answer sheet).
"""

from __future__ import annotations

import re
import unicodedata


def fold(value: object) -> str:
    """A cell as text: full-width → half-width (NFKC), emoji variation selectors dropped, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return text.replace("\ufe0f", "").replace("\ufe0e", "").strip()


def fold_fill(value: object) -> str:
    """A fill answer as compared: folded, Latin case ignored, inner runs of spaces made one."""
    return re.sub(r"\s+", " ", fold(value)).casefold()

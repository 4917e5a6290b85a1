"""Reading the bubbles of one located sheet, with thresholds learned from that sheet.

Each bubble's darkness is the mean ink inside its printed ring (the ring itself is left out),
on a scale from the paper's white (0) to the corner marks' black (1). The sheet then says what
"empty" and "filled" look like: its empty bubbles (the printed letter in each, learned pixel by
pixel, since a "错" holds more ink than a "1") and its darkest marks (a soft pencil's full fill
is lighter than a pen's). A bubble is

- ``filled`` at 62 % or more of the way from empty to filled,
- ``empty`` below 10 % (a stray dot, a clean erasure),
- ``doubt`` in between: a light stroke, a half-erased fill — a person decides, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...exam.sheet_layout import Bubble, Layout
from .locate import SCALE

FILLED, EMPTY, DOUBT = "filled", "empty", "doubt"
INNER = 0.68  # share of the radius read (inside the printed ring)
FILLED_AT = 0.62
EMPTY_BELOW = 0.10
MIN_CONTRAST = 0.28  # a sheet whose darkest marks are lighter than this has no marks at all
NOMINAL_FILL = 0.70  # the filled level assumed then


@dataclass
class Levels:
    white: float
    black: float
    empty: dict[str, float]  # label → empty level
    empty_all: float
    filled: float


def ink_levels(image: np.ndarray, layout: Layout) -> tuple[float, float]:
    """Paper white and print black (grey values) of the canonical image."""
    area = image[int(layout.area_top * SCALE) : int((layout.area_top + 200) * SCALE)]
    white = float(np.percentile(area, 92)) if area.size else 255.0
    blacks = []
    for x, y in layout.marks:
        r = int(5 * SCALE)
        cx, cy = int(x * SCALE), int(y * SCALE)
        blacks.append(float(np.median(image[cy - r : cy + r, cx - r : cx + r])))
    return white, float(np.median(blacks))


def darkness(image: np.ndarray, bubbles: list[Bubble], white: float, black: float) -> np.ndarray:
    """Ink each bubble holds beyond its printed letter, 0 (as printed) … 1 (filled black).

    The letter each bubble prints is learned from the sheet: per pixel, the lighter end of all
    the sheet's bubbles with that letter. A mark can only add ink where the print left paper,
    so the added ink is divided by the room the letter leaves.
    """
    if not bubbles:
        return np.zeros(0)
    span = max(white - black, 1.0)
    rr = INNER * max(b.r for b in bubbles) * SCALE
    n = int(np.ceil(rr))
    yy, xx = np.mgrid[-n : n + 1, -n : n + 1]
    mask = (xx**2 + yy**2) <= rr * rr
    h, w = image.shape
    padded = np.pad(image, n + 1, mode="edge")
    patches = np.empty((len(bubbles), 2 * n + 1, 2 * n + 1), np.float32)
    for i, b in enumerate(bubbles):
        cx = min(max(round(b.x * SCALE), 0), w - 1) + n + 1
        cy = min(max(round(b.y * SCALE), 0), h - 1) + n + 1
        patches[i] = padded[cy - n : cy + n + 1, cx - n : cx + n + 1]
    ink = np.clip((white - patches) / span, 0.0, 1.0)[:, mask]  # bubbles × pixels
    out = np.zeros(len(bubbles))
    groups: dict[str, list[int]] = {}
    for i, b in enumerate(bubbles):
        groups.setdefault(b.label, []).append(i)
    raw = ink.mean(axis=1)
    # Most bubbles on a sheet are empty: a printed letter holds about as much ink as the
    # typical bubble, never as much as a fill. A letter whose every bubble is filled (all five
    # E's on a paper with five options only there) has no empty example to learn from: it is
    # measured against bare paper instead, which errs towards review, never towards "empty".
    letter_at_most = float(np.percentile(raw, 40)) + 0.2
    for idx in groups.values():
        mine = ink[idx]
        # The bubbles of this letter that hold least ink are the empty ones (a candidate may
        # have filled most of the others): their per-pixel median is the printed letter.
        lightest = raw[idx] <= raw[idx].min() + 0.08
        printed = np.median(mine[lightest], axis=0) if lightest.sum() >= 3 else mine.min(axis=0)
        if float(printed.mean()) > letter_at_most:
            printed = np.zeros_like(printed)
        room = max(float((1 - printed).mean()), 0.3)
        out[idx] = np.clip(mine - printed, 0.0, 1.0).mean(axis=1) / room
    return np.clip(out, 0.0, 1.0)


def learn(values: np.ndarray, labels: list[str], white: float, black: float) -> Levels:
    base = float(np.percentile(values, 30)) if len(values) else 0.0
    empty = dict.fromkeys(labels, base)
    marked = values[values > base + MIN_CONTRAST]
    filled = float(np.percentile(marked, 80)) if len(marked) >= 2 else base + NOMINAL_FILL
    filled = max(filled, base + MIN_CONTRAST + 0.05)
    return Levels(white, black, empty, base, filled)


def states(values: np.ndarray, labels: list[str], levels: Levels) -> tuple[list[str], np.ndarray]:
    """Each bubble's state and its place between empty (0) and filled (1)."""
    span = levels.filled - levels.empty_all
    out, where = [], np.zeros(len(values))
    for i, (v, label) in enumerate(zip(values.tolist(), labels, strict=True)):
        s = (v - levels.empty.get(label, levels.empty_all)) / span
        where[i] = s
        if s >= FILLED_AT:
            out.append(FILLED)
        elif s < EMPTY_BELOW:
            out.append(EMPTY)
        else:
            out.append(DOUBT)
    return out, where

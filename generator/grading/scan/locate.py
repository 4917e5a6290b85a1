"""Finding the sheet on a scanned page: the four corner marks, which way up, and the warp.

The marks are the four largest solid squares of the right size that form a rectangle of the
sheet's proportions; the orientation bar beside the top-left mark tells 0° from 180° (and 90°
from 270° for a page scanned sideways). A homography from the marks' centres to where the
layout put them undoes rotation, skew, scale and a phone's gentle perspective in one step.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ...exam.sheet_layout import BAR, MARK, MARKS, PAGE_H, PAGE_W, Layout

SCALE = 3.0  # canonical pixels per point (216 dpi)
DETECT_SIDE = 1400  # px: marks are looked for on a copy this large
RATIO = (MARKS[1][0] - MARKS[0][0]) / (MARKS[3][1] - MARKS[0][1])  # mark rectangle width / height


class NotFound(Exception):
    """The page is not a readable sheet (Chinese reason)."""


@dataclass
class Located:
    image: np.ndarray  # canonical grayscale, SCALE px per point
    rotation: int  # degrees the page was turned (0, 90, 180, 270)
    corners: np.ndarray  # the marks' centres in the original image (TL, TR, BR, BL)


def is_blank(gray: np.ndarray) -> bool:
    """A white page (the back of a duplex scan): almost nothing darker than the paper."""
    import cv2

    small = cv2.resize(gray, (300, int(300 * gray.shape[0] / max(gray.shape[1], 1)) or 1))
    white = float(np.percentile(small, 90))
    dark = small < white - 60
    return float(dark.mean()) < 0.002


def locate(gray: np.ndarray) -> Located:
    import cv2

    h, w = gray.shape
    f = min(1.0, DETECT_SIDE / max(h, w))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    candidates = _mark_candidates(small)
    if len(candidates) < 4:
        raise NotFound("找不到四角的定位方块（页面可能不是本考试的答题卡，或四角被裁掉、遮挡）")
    quad = _best_quad(candidates)
    if quad is None:
        raise NotFound("找不到四角的定位方块组成的矩形（页面可能折叠、严重倾斜或缺角）")
    rotation, order = _orientation(small, quad)
    src = (quad[order] / f).astype(np.float32)
    dst = np.array(MARKS, dtype=np.float32) * SCALE
    # A very fine scan is shrunk first (area averaging) so the warp does not alias.
    pre = min(1.0, 1.5 * SCALE / _px_per_pt(src))
    source = gray
    if pre < 0.9:
        source = cv2.resize(gray, None, fx=pre, fy=pre, interpolation=cv2.INTER_AREA)
        src_scaled = src * pre
    else:
        src_scaled = src
    matrix = cv2.getPerspectiveTransform(src_scaled, dst)
    size = (round(PAGE_W * SCALE), round(PAGE_H * SCALE))
    canon = cv2.warpPerspective(
        source, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return Located(canon, rotation, src)


def _px_per_pt(src: np.ndarray) -> float:
    """The scan's resolution, from the distance between the marks."""
    height_px = max(np.linalg.norm(src[3] - src[0]), np.linalg.norm(src[2] - src[1]))
    return float(height_px / (MARKS[3][1] - MARKS[0][1]))


def _mark_candidates(small: np.ndarray) -> list[tuple[float, float, float]]:
    """Solid, square, dark blobs of about a corner mark's size: (x, y, side)."""
    import cv2

    blur = cv2.GaussianBlur(small, (5, 5), 0)
    block = max(31, (max(small.shape) // 8) | 1)
    binary = cv2.adaptiveThreshold(
        blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 25
    )
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    long_side = max(small.shape)
    expected = MARK / PAGE_H * long_side
    lo, hi = (0.35 * expected) ** 2, (1.6 * expected) ** 2
    out = []
    for i in range(1, count):
        x, y, bw, bh, area = stats[i]
        if not lo <= area <= hi or not 0.6 <= bw / max(bh, 1) <= 1.6:
            continue
        if area / float(bw * bh) < 0.5:
            continue
        patch = (labels[y : y + bh, x : x + bw] == i).astype(np.uint8)
        contours, _ = cv2.findContours(patch, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        (_, _), (rw, rh), _ = cv2.minAreaRect(max(contours, key=cv2.contourArea))
        if rw * rh <= 0 or area / (rw * rh) < 0.82 or not 0.75 <= rw / rh <= 1.33:
            continue
        cx, cy = centroids[i]
        out.append((float(cx), float(cy), float(np.sqrt(area))))
    return out


def _best_quad(candidates: list[tuple[float, float, float]]) -> np.ndarray | None:
    """Four marks forming the widest rectangle of the sheet's proportions (clockwise)."""
    if len(candidates) > 14:  # keep those nearest the image's corners
        xs = np.array([c[0] for c in candidates])
        ys = np.array([c[1] for c in candidates])
        keep = set()
        for cx, cy in (
            (xs.min(), ys.min()),
            (xs.max(), ys.min()),
            (xs.max(), ys.max()),
            (xs.min(), ys.max()),
        ):
            d = np.hypot(xs - cx, ys - cy)
            keep.update(np.argsort(d)[:4].tolist())
        candidates = [candidates[i] for i in sorted(keep)]
    best, best_area = None, 0.0
    for four in combinations(candidates, 4):
        sides = np.array([c[2] for c in four])
        if sides.max() / sides.min() > 1.5:
            continue
        pts = np.array([c[:2] for c in four])
        centre = pts.mean(axis=0)
        angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
        pts = pts[np.argsort(angles)]  # clockwise on screen (y grows downwards)
        edges = [np.linalg.norm(pts[(i + 1) % 4] - pts[i]) for i in range(4)]
        if min(edges) < 6 * sides.mean():
            continue
        if abs(edges[0] - edges[2]) > 0.08 * max(edges[0], edges[2]):
            continue
        if abs(edges[1] - edges[3]) > 0.08 * max(edges[1], edges[3]):
            continue
        diag = [np.linalg.norm(pts[2] - pts[0]), np.linalg.norm(pts[3] - pts[1])]
        if abs(diag[0] - diag[1]) > 0.06 * max(diag):
            continue
        ratio = (edges[0] + edges[2]) / (edges[1] + edges[3])
        if not (abs(np.log(ratio / RATIO)) < 0.12 or abs(np.log(ratio * RATIO)) < 0.12):
            continue
        area = abs(_shoelace(pts))
        if area > best_area:
            best, best_area = pts, area
    return best


def _shoelace(pts: np.ndarray) -> float:
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _orientation(small: np.ndarray, quad: np.ndarray) -> tuple[int, list[int]]:
    """Which mark is the sheet's top-left: the one with the dark bar beside it."""
    import cv2

    edges = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(4)]
    ratio = (edges[0] + edges[2]) / (edges[1] + edges[3])
    portrait = abs(np.log(ratio / RATIO)) < abs(np.log(ratio * RATIO))
    starts = (0, 2) if portrait else (1, 3)
    dst = np.array(MARKS, dtype=np.float32)
    scores = []
    for k in starts:
        order = [(k + i) % 4 for i in range(4)]
        matrix = cv2.getPerspectiveTransform(quad[order].astype(np.float32), dst)
        canon = cv2.warpPerspective(small, matrix, (round(PAGE_W), round(PAGE_H)), borderValue=255)
        x0, y0, x1, y1 = (round(v) for v in BAR)
        bar = float(canon[y0 + 2 : y1 - 2, x0 + 3 : x1 - 3].mean())
        paper = float(np.percentile(canon[60:-60, 60:-60], 90))
        scores.append((1 - bar / max(paper, 1), k, order))
    scores.sort(reverse=True)
    (dark, k, order), (other, _, _) = scores
    if dark < 0.45 or other > 0.35:
        raise NotFound("无法判断答题卡的方向（左上角方块旁的黑条看不清）")
    index = starts.index(k)
    rotation = (0, 180)[index] if portrait else (90, 270)[index]
    return rotation, order


def crop(image: np.ndarray, box: tuple[float, float, float, float], margin: float = 4.0):
    """The canonical image inside ``box`` (points), with ``margin`` points around it."""
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    a = max(0, int((x0 - margin) * SCALE))
    b = max(0, int((y0 - margin) * SCALE))
    c = min(w, int((x1 + margin) * SCALE))
    d = min(h, int((y1 + margin) * SCALE))
    return image[b:d, a:c]


def layout_fit(image: np.ndarray, layout: Layout, white: float, black: float) -> float:
    """How well the printed bubble rings of ``layout`` show on the page (0 none … ~1)."""
    ring, inside = [], []
    for q in layout.questions[:24]:
        for b in q.bubbles[:2]:
            cx, cy, r = b.x * SCALE, b.y * SCALE, b.r * SCALE
            angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
            samples = []
            for k in (0.88, 1.0, 1.12):
                xs = np.clip((cx + k * r * np.cos(angles)).astype(int), 0, image.shape[1] - 1)
                ys = np.clip((cy + k * r * np.sin(angles)).astype(int), 0, image.shape[0] - 1)
                samples.append(image[ys, xs].astype(float))
            ring.append(np.min(samples, axis=0).mean())
            xs2 = np.clip((cx + 1.9 * r * np.cos(angles)).astype(int), 0, image.shape[1] - 1)
            ys2 = np.clip((cy + 1.9 * r * np.sin(angles)).astype(int), 0, image.shape[0] - 1)
            inside.append(image[ys2, xs2].mean())
    if not ring:
        return 0.0
    span = max(white - black, 1.0)
    return float((np.mean(inside) - np.mean(ring)) / span)

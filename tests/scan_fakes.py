"""Filled and distorted answer sheets made by program, for the scan tests and bench/scan_sheets.py.

``fill`` marks a rendered sheet the way people do (pen and pencil, 70–110 % fills, light marks,
stray dots, erasures) and returns what each question truly is; ``distort`` treats the page the
way copiers and phones do. Everything is seeded: the same arguments give the same page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import cv2
import numpy as np

from generator.exam.key import Key
from generator.exam.sheet_layout import Bubble, Layout, SheetId, layout_for

INTENDED = ("pen", "pencil", "light")  # marks a candidate means
WITHDRAWN = ("erased", "half_erased")  # marks a candidate took back
NOISE = ("dot",)  # not a mark at all


@dataclass
class Truth:
    sheet: SheetId
    answers: dict[int, str] = field(default_factory=dict)  # labels meant ("" blank)
    hard: dict[int, str] = field(default_factory=dict)  # question → why it may go to review
    staff_digits: str = ""
    version: str = ""


def render(pdf, page: int, dpi: int) -> np.ndarray:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = doc[page - 1].render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_numpy()
    finally:
        doc.close()
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(image)


def _mark(img: np.ndarray, b: Bubble, dpi: int, how: str, rng: random.Random) -> None:
    s = dpi / 72
    cx, cy, r = b.x * s, b.y * s, b.r * s
    h, w = img.shape
    if how == "dot":
        dx, dy = rng.uniform(-0.5, 0.5) * r, rng.uniform(-0.5, 0.5) * r
        cv2.circle(img, (round(cx + dx), round(cy + dy)), max(1, round(0.2 * r)), 40, -1)
        return
    frac = rng.uniform(0.7, 1.1)
    rr = r * np.sqrt(frac)
    off = 0.12 * r * (1 - min(frac, 1.0)) / 0.3
    ox, oy = rng.uniform(-off, off), rng.uniform(-off, off)
    mask = np.zeros((h, w), np.uint8)
    axes = (
        max(1, round(rr * rng.uniform(0.92, 1.08))),
        max(1, round(rr * rng.uniform(0.92, 1.08))),
    )
    cv2.ellipse(mask, (round(cx + ox), round(cy + oy)), axes, rng.uniform(0, 180), 0, 360, 255, -1)
    level = {
        "pen": rng.uniform(15, 45),
        "pencil": rng.uniform(70, 115),
        "light": rng.uniform(155, 185),
        "erased": rng.uniform(232, 242),
        "half_erased": rng.uniform(150, 175),
    }[how]
    sel = mask > 0
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(
        0, 12 if how == "pencil" else 5, sel.sum()
    )
    img[sel] = np.minimum(img[sel], np.clip(level + noise, 0, 255)).astype(np.uint8)


def fill(
    image: np.ndarray,
    key: Key,
    sheet: SheetId,
    dpi: int,
    seed: int,
    tool: str = "pencil",
    hard_share: float = 0.08,
    staff_digits: str = "",
) -> tuple[np.ndarray, Truth]:
    """Answer every question (some left blank) on a rendered sheet; returns the page and truth."""
    rng = random.Random(seed)
    img = image.copy()
    layout: Layout = layout_for(key, sheet.kind)
    version = sheet.version or rng.choice(list(key.versions))
    truth = Truth(sheet, version=version)
    for q in layout.questions:
        options = key.versions[version][q.no - 1].options
        labels = list(q.labels[: len(options)] if options else q.labels)
        if q.type == "multiple":
            chosen = sorted(rng.sample(labels, rng.randint(2, min(4, len(labels)))))
        elif rng.random() < 0.05 and q.type != "fill":
            chosen = []
        else:
            chosen = [rng.choice(labels)]
        truth.answers[q.no] = "".join(chosen)
        for b in q.bubbles:
            if b.label in chosen:
                how = tool
                if rng.random() < hard_share:
                    how = "light"
                    truth.hard[q.no] = "light"
                _mark(img, b, dpi, how, rng)
            elif rng.random() < hard_share / 3:
                how = rng.choice(("erased", "half_erased", "dot"))
                truth.hard[q.no] = how
                _mark(img, b, dpi, how, rng)
    if sheet.kind == "blank":
        truth.staff_digits = staff_digits
        for pos, digit in zip(layout.staff_id, staff_digits, strict=False):
            _mark(img, pos[int(digit)], dpi, tool, rng)
        for b in layout.versions:
            if b.label == version:
                _mark(img, b, dpi, tool, rng)
    return img, truth


# --- what copiers and phones do ------------------------------------------------------------


def rotate(img: np.ndarray, degrees: float, border: int = 255) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), borderValue=border)


def perspective(img: np.ndarray, amount: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-amount, amount, (4, 2)).astype(np.float32) * [w, h]
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    return cv2.warpPerspective(img, m, (w, h), borderValue=255)


def photocopy(img: np.ndarray) -> np.ndarray:
    """Higher contrast, greyer paper, darker grey print."""
    x = img.astype(np.float32) / 255
    x = np.clip((x - 0.12) * 1.35, 0, 1) ** 1.4
    return (x * 225 + 12).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def noise(img: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def cut_margin(img: np.ndarray, dpi: int, mm: float) -> np.ndarray:
    """A photocopy that lost ``mm`` of every margin."""
    px = round(mm / 25.4 * dpi)
    return img[px:-px, px:-px].copy()


DISTORTIONS = {
    "plain": lambda im, dpi, seed: im,
    "skew": lambda im, dpi, seed: rotate(im, random.Random(seed).uniform(-4, 4)),
    "upside_down": lambda im, dpi, seed: rotate(im, 180 + random.Random(seed).uniform(-2, 2)),
    "sideways": lambda im, dpi, seed: np.ascontiguousarray(np.rot90(im)),
    "scale": lambda im, dpi, seed: cv2.resize(
        im, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA
    ),
    "blur": lambda im, dpi, seed: cv2.GaussianBlur(im, (0, 0), dpi / 150),
    "noise": lambda im, dpi, seed: noise(im, 14, seed),
    "jpeg": lambda im, dpi, seed: jpeg(im, 35),
    "photocopy": lambda im, dpi, seed: cut_margin(photocopy(rotate(im, 1.5)), dpi, 5),
    "phone": lambda im, dpi, seed: jpeg(perspective(im, 0.025, seed), 70),
    "dark_border": lambda im, dpi, seed: rotate(im, random.Random(seed).uniform(-3, 3), border=30),
}

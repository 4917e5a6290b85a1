"""Scanned pages: PDFs (rendered with pypdfium2, no poppler) and images (JPEG, PNG, TIFF, BMP).

``page_refs`` lists every page of every file without rendering it, so pages can be read in
parallel and a file that cannot be opened becomes one failed page, never a stopped batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PDF_DPI = 200  # copier PDFs embed 150–600 dpi images; 200 dpi is plenty for 11 pt bubbles
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")
MAX_SIDE = 7000  # px; larger images are shrunk first (a 600-dpi A4 is 7016 px tall)


class PageError(Exception):
    """A page that cannot be loaded (Chinese message)."""


@dataclass(frozen=True)
class PageRef:
    """One page to read: a file's page, or an image already in memory."""

    file: str  # as shown in reports (the name the trainer gave)
    page: int  # 1-based within the file
    path: Path | None = None
    image: np.ndarray | None = None  # grayscale uint8, when given directly

    def load(self) -> np.ndarray:
        if self.image is not None:
            return _gray(self.image)
        if self.path is None:
            raise PageError("没有图像")
        if self.path.suffix.lower() == ".pdf":
            return render_pdf_page(self.path, self.page)
        return read_image(self.path, self.page)


def page_refs(paths: list[Path]) -> tuple[list[PageRef], list[tuple[str, str]]]:
    """Every page of ``paths`` (directories: their scans, sorted), and files that cannot be
    read at all as (file, reason)."""
    refs: list[PageRef] = []
    bad: list[tuple[str, str]] = []
    for path in _expand(paths):
        name = str(path)
        suffix = path.suffix.lower()
        if not path.is_file():
            bad.append((name, "找不到文件"))
        elif suffix == ".pdf":
            try:
                count = pdf_page_count(path)
            except PageError as exc:
                bad.append((name, str(exc)))
                continue
            refs += [PageRef(name, i, path) for i in range(1, count + 1)]
        elif suffix in (".tif", ".tiff"):
            count = _tiff_count(path)
            if count == 0:
                bad.append((name, "无法读取 TIFF 图像"))
            refs += [PageRef(name, i, path) for i in range(1, count + 1)]
        elif suffix in IMAGE_SUFFIXES:
            refs.append(PageRef(name, 1, path))
        else:
            bad.append(
                (
                    name,
                    f"不支持的文件类型“{path.suffix or '无扩展名'}”（应为 PDF、JPEG、PNG 或 TIFF）",
                )
            )
    return refs, bad


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in (*IMAGE_SUFFIXES, ".pdf"))
        else:
            out.append(p)
    return out


def pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise PageError(f"无法打开 PDF（{exc}）") from None
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pdf_page(path: Path, page: int, dpi: int = PDF_DPI) -> np.ndarray:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise PageError(f"无法打开 PDF（{exc}）") from None
    try:
        bitmap = pdf[page - 1].render(scale=dpi / 72, grayscale=True)
        return _gray(bitmap.to_numpy())
    except pdfium.PdfiumError as exc:
        raise PageError(f"无法渲染第 {page} 页（{exc}）") from None
    finally:
        pdf.close()


def read_image(path: Path, page: int = 1) -> np.ndarray:
    import cv2

    try:
        raw = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise PageError(f"无法读取文件（{exc.strerror}）") from None
    if page > 1 or path.suffix.lower() in (".tif", ".tiff"):
        # Only this page: decoding every page for each one made a long TIFF quadratic.
        ok, images = cv2.imdecodemulti(raw, cv2.IMREAD_GRAYSCALE, None, (page - 1, page))
        if not ok or not images:
            raise PageError("无法读取图像")
        return _gray(images[0])
    image = cv2.imdecode(raw, cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise PageError("无法读取图像（文件损坏或不是图像）")
    return _gray(image)


def _tiff_count(path: Path) -> int:
    """Pages in a TIFF, read from its directory without decoding them (0: not a TIFF)."""
    import cv2

    return cv2.imcount(str(path), cv2.IMREAD_GRAYSCALE)


def _gray(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.ndim == 3:
        code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
        image = cv2.cvtColor(image, code)
    if image.dtype != np.uint8:
        # OpenCV's stubs require ``dst``; None lets it allocate, as its documentation says.
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[call-overload]
    side = max(image.shape)
    if side > MAX_SIDE:
        f = MAX_SIDE / side
        image = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(image)

"""Reading scanned answer sheets: accuracy, silent errors, review share, identification, speed.

Prints the shipped annual exam's sheets (named and blank), fills each by program (pen or pencil,
70–110 % fills, and on a share of marks light strokes, erasures and stray dots), distorts it
(skew, 180°, sideways, scale, blur, noise, JPEG, photocopy, phone, dark border) at 150, 200 or
300 dpi, saves it as a JPEG or PNG, then times ``scan`` over the files with 2 worker processes.

    .venv/bin/python bench/scan_sheets.py [--sheets 300] [--hard 0.02] [--workers 2]

Goals (issue 22): per-bubble accuracy ≥ 99.9 %, silent errors 0, review ≤ 3 % of questions,
sheets identified 100 %, ≥ 60 pages per minute on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.exam.draw import draw  # noqa: E402
from generator.exam.key import key_json, parse_key  # noqa: E402
from generator.exam.sheet_layout import SheetId, layout_for  # noqa: E402
from generator.exam.sheets import SheetText, write_sheets_pdf  # noqa: E402
from generator.grading.scan import page_refs, scan  # noqa: E402
from generator.sources.exams import load_exam  # noqa: E402
from generator.sources.loader import load_corpus  # noqa: E402
from tests.scan_fakes import DISTORTIONS, fill, render  # noqa: E402

DPIS = (150, 200, 300)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sheets", type=int, default=300)
    ap.add_argument("--hard", type=float, default=0.02, help="share of marks made hard")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    corpus = load_corpus(ROOT)
    exam, line = load_exam(ROOT / "site_config" / "exams" / "2026-annual.yml", corpus)
    key = parse_key(key_json(draw(exam, corpus.banks, line)))
    templates = [
        SheetId(key.exam, "named", v, f"T{i:04d}", f"职工{i}", "内科")
        for i, v in enumerate("ABAB", start=1)
    ]
    templates += [SheetId(key.exam, "blank")] * 2
    with tempfile.TemporaryDirectory(prefix="qinglian-bench-scan-") as tmp:
        tmp = Path(tmp)
        pdf = tmp / "sheets.pdf"
        t = time.perf_counter()
        write_sheets_pdf(key, templates, SheetText(exam.title, "某医院"), pdf)
        print(f"printed {len(templates)} sheet templates in {time.perf_counter() - t:.1f} s")
        rendered = {(p, dpi): render(pdf, p, dpi) for p in range(1, 7) for dpi in DPIS}
        names = list(DISTORTIONS)
        rng = random.Random(2026)
        truths = {}
        scans = tmp / "scans"
        scans.mkdir()
        for n in range(args.sheets):
            page = n % len(templates) + 1
            dpi = DPIS[n % 3]
            distortion = names[(n // 3) % len(names)]
            tool = "pen" if n % 4 == 0 else "pencil"
            sheet = templates[page - 1]
            digits = f"{20000000 + n}"
            image, truth = fill(rendered[page, dpi], key, sheet, dpi, n, tool, args.hard, digits)
            image = DISTORTIONS[distortion](image, dpi, n)
            suffix = "jpg" if rng.random() < 0.5 else "png"
            name = f"{n:04d}-{distortion}-{dpi}.{suffix}"
            params = [cv2.IMWRITE_JPEG_QUALITY, 85] if suffix == "jpg" else []
            cv2.imwrite(str(scans / name), image, params)
            truths[name] = (truth, sheet.staff_id or digits, distortion)
        refs, bad = page_refs([scans])
        assert not bad
        t = time.perf_counter()
        result = scan(key, refs, workers=args.workers)
        seconds = time.perf_counter() - t

    labels = {q.no: q.labels for q in layout_for(key, "named").questions}
    bubbles = decided_bubbles = right_bubbles = 0
    questions = flagged = silent = identified = false_alarms = hard = 0
    by_distortion: dict[str, list[int]] = {}
    for page in result.pages:
        truth, staff_id, distortion = truths[Path(page.file).name]
        ok_id = page.staff_id == staff_id and page.version == truth.version
        identified += ok_id
        stats = by_distortion.setdefault(distortion, [0, 0, 0, 0])  # pages, flagged, silent, ids
        stats[0] += 1
        stats[3] += ok_id
        for no, want in truth.answers.items():
            got = page.answers.get(no)
            questions += 1
            hard += no in truth.hard
            bubbles += len(labels[no])
            if got is None:
                flagged += 1
                false_alarms += no not in truth.hard
                stats[1] += 1
                continue
            decided_bubbles += len(labels[no])
            right_bubbles += sum((label in got) == (label in want) for label in labels[no])
            if got != want:
                silent += 1
                stats[2] += 1
                print(f"  silent error: {page.file} q{no} read {got!r}, meant {want!r}")
    pages = len(result.pages)
    print(f"\n{pages} sheets, {questions} questions, {bubbles} bubbles, {args.workers} workers")
    print(
        f"per-bubble accuracy (decided)  {right_bubbles / max(decided_bubbles, 1):.4%}  goal ≥ 99.9 %"
    )
    print(f"silent errors                  {silent}  goal 0")
    print(f"questions sent to review       {flagged / questions:.2%}  goal ≤ 3 %")
    print(
        f"  questions with a hard mark   {hard / questions:.2%}  (light, erased, half-erased, dot)"
    )
    print(f"  sent with no hard mark       {false_alarms / questions:.2%}")
    print(f"sheets identified              {identified / pages:.1%}  goal 100 %")
    print(
        f"speed                          {pages / seconds * 60:.0f} pages/min  goal ≥ 60"
        f"  ({seconds:.1f} s)"
    )
    print("\nby distortion: pages, questions flagged, silent errors, identified")
    for name, (n, f, s, ids) in by_distortion.items():
        print(f"  {name:12} {n:4} {f:5} {s:3} {ids:4}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
